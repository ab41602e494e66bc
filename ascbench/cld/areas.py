"""Which area each council's CLD counts belong to, and the aggregates of several councils.

A CLD extract names its council by ``LA_Code``, the council's CASSR code (CLD guidance,
release 1: "for Lincolnshire, the LA Code is 503"). ascbench's data are keyed by ONS GSS
code, so each council is labelled through the shipped CASSR-to-GSS table
(:func:`ascbench.identifiers.cassr_table`: 503 -> E10000019, Lincolnshire, East Midlands).
A code the table does not hold keeps its own spelling, with a warning. With several
councils, their counts are also summed by region and for all of them together (England's
code), each sum saying how many councils' extracts it holds.
"""

from __future__ import annotations

import pandas as pd

from ascbench.identifiers import cassr_table

ENGLAND = "E92000001"


def council_areas(la_codes) -> pd.DataFrame:
    """One row per LA code: ``LA_Code, area_code, area_name, area_type, region, region_code,
    found`` (``found`` False when the CASSR table does not hold the code)."""
    table = cassr_table()
    councils = table[table["Council type"].str.strip() != ""].drop_duplicates("cassr").set_index("cassr")
    regions = table[(table["Council type"].str.strip() == "") & (table["gss"].str.startswith("E12"))]
    region_code = dict(zip(regions["region"], regions["gss"], strict=True))
    rows = []
    for la in la_codes:
        if la in councils.index:
            c = councils.loc[la]
            rows.append(
                {
                    "LA_Code": la,
                    "area_code": c["gss"],
                    "area_name": c["name"],
                    "area_type": _area_type(c["Council type"]),
                    "region": c["region"],
                    "region_code": region_code.get(c["region"], ""),
                    "found": True,
                }
            )
        else:
            rows.append(
                {
                    "LA_Code": la,
                    "area_code": la,
                    "area_name": f"CASSR {la}",
                    "area_type": "council",
                    "region": "",
                    "region_code": "",
                    "found": False,
                }
            )
    return pd.DataFrame(
        rows, columns=["LA_Code", "area_code", "area_name", "area_type", "region", "region_code", "found"]
    )


def _area_type(council_type: str) -> str:
    kind = council_type.strip().lower()
    if "shire" in kind or "county" in kind:
        return "county"
    if "metropolitan" in kind:
        return "metropolitan"
    if "london" in kind:
        return "london"
    if "unitary" in kind:
        return "unitary"
    return "council"


def aggregate_counts(counts: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """Sums of the councils' counts (``area_code, measure, value`` rows of whole numbers) by
    region and for all councils (England's code), with ``note`` naming how many councils each
    holds. Only measures every council in the group reports are summed; with one council,
    nothing."""
    if len(areas) < 2:
        return counts.iloc[0:0].assign(note="")
    with_region = counts.merge(areas[["area_code", "region_code", "region"]], on="area_code", how="left")
    parts = []
    groups = [(ENGLAND, "England", with_region)]
    for (code, name), part in with_region[with_region["region_code"] != ""].groupby(["region_code", "region"]):
        groups.append((code, name, part))
    for code, name, part in groups:
        members = part["area_code"].nunique()
        complete = part.groupby("measure")["value"].agg(["count", "sum"])
        complete = complete[complete["count"] == members]
        parts.append(
            pd.DataFrame(
                {
                    "area_code": code,
                    "measure": complete.index,
                    "value": complete["sum"].to_numpy(),
                    "note": f"sum of {members} council{'s' * (members != 1)}' CLD extracts in this run ({name})",
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def areas_file(areas: pd.DataFrame, with_aggregates: bool) -> pd.DataFrame:
    """``areas.csv`` for the councils (and their region and England aggregates)."""
    rows = areas[["area_code", "area_name", "area_type", "region"]].copy()
    if with_aggregates:
        regions = areas[areas["region_code"] != ""].drop_duplicates("region_code")
        extra = [{"area_code": ENGLAND, "area_name": "England", "area_type": "national", "region": ""}]
        extra += [
            {"area_code": r.region_code, "area_name": r.region, "area_type": "region", "region": r.region}
            for r in regions.itertuples()
        ]
        rows = pd.concat([rows, pd.DataFrame(extra)], ignore_index=True)
    return rows.drop_duplicates("area_code").reset_index(drop=True)
