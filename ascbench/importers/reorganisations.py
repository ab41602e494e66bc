"""Reorganised councils: successor codes and the codes they replaced (ONS GSS), for flagging
in the areas register. Reference geography, not data about any one dashboard."""

from __future__ import annotations

# successor -> predecessors, with the first financial year of the successor
REORGANISATIONS = {
    "E06000058": (["E06000028", "E06000029", "E10000009"], "2019-20"),  # Bournemouth, Christchurch and Poole
    "E06000059": (["E10000009"], "2019-20"),  # Dorset (unitary) from Dorset County
    "E06000061": (["E10000021"], "2021-22"),  # North Northamptonshire
    "E06000062": (["E10000021"], "2021-22"),  # West Northamptonshire
    "E06000063": (["E10000006"], "2023-24"),  # Cumberland
    "E06000064": (["E10000006"], "2023-24"),  # Westmorland and Furness
    "E06000065": (["E10000023"], "2023-24"),  # North Yorkshire (unitary) from the county
    "E06000066": (["E10000027"], "2023-24"),  # Somerset (unitary) from the county
    "E06000060": (["E10000002"], "2020-21"),  # Buckinghamshire (unitary) from the county
}
# older codes of the same council (recoded, not reorganised): old -> current
RECODED = {
    "E08000020": "E08000037",  # Gateshead (2013 boundary change)
    "E06000048": "E06000057",  # Northumberland (2013 boundary change)
}


def current_code(code: str) -> str:
    return RECODED.get(code, code)


def lifetimes():
    """``area_code, valid_from, valid_to, successors`` of every council created or abolished
    by the reorganisations above: the columns of areas.csv that make a comparison group count
    a council only while it existed (docs/data-format.md)."""
    import pandas as pd

    from ascbench.periods import parse_period

    rows: dict[str, dict] = {}
    for successor, (olds, first) in REORGANISATIONS.items():
        rows.setdefault(successor, {})["valid_from"] = first
        last = parse_period(first).year_earlier().text  # the year before the successor's first
        for old in olds:
            row = rows.setdefault(old, {})
            row["valid_to"] = last
            row.setdefault("successors", []).append(successor)
    frame = pd.DataFrame.from_dict(rows, orient="index").rename_axis("area_code").reset_index()
    frame["successors"] = frame["successors"].map(lambda s: ";".join(sorted(s)) if isinstance(s, list) else "")
    return frame.fillna("")
