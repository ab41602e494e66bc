"""ONS mid-year population estimates by local authority and single year of age (MYE2-style).

Layout (wide): ``Code, Name, Geography, All ages, 0, 1, ..., 89, 90`` (``90`` = 90 and over;
``90+`` is accepted too), one row per area, for one mid-year. Kept: the populations that
ASCOF rates use as denominators - ``population.18-64``, ``population.65+``,
``population.18+`` and ``population.all`` - for the period given with ``--period`` (the
financial year the estimates serve, e.g. mid-2023 estimates for 2023-24 rates), with the
area's name and type (from the GSS code). A missing single-year column is an error naming it.
"""

from __future__ import annotations

SOURCE = "ONS mid-year population estimates"
REQUIRED = ["Code", "Name", "All ages"]


def read(paths, period: str | None = None):
    import pandas as pd

    from ascbench.errors import AscbenchError
    from ascbench.importers.common import Imported, council_type_from_code, read_official_csv
    from ascbench.io.values import parse_values
    from ascbench.periods import parse_period

    if not period:
        raise AscbenchError("the year the estimates serve is not in the file: give it with --period",
                            field="--period", expected="--period 2024-25 (mid-2024 estimates for 2024/25 rates)")
    period = parse_period(period).text
    frames, areas = [], []
    for path in paths:
        d = read_official_csv(path, REQUIRED, "ONS mid-year estimates")
        top = "90+" if "90+" in d.columns else "90"
        ages = [str(a) for a in range(18, 90)] + [top]
        missing = [a for a in ages if a not in d.columns]
        if missing:
            raise AscbenchError(f"column '{missing[0]}' is missing", file=str(path), line=1, field=missing[0],
                                expected="one column per single year of age from 0 to 90 (90 and over)")
        numbers = {}
        for a in [*ages, "All ages"]:
            values, _, bad, hint = parse_values(d[a])
            if bad.any():
                row = d[bad].iloc[0]
                raise AscbenchError(f"'{row[a]}' {hint[bad].iloc[0]}", file=str(path), line=int(row["line"]),
                                    field=a, expected="a whole number of people")
            numbers[a] = values
        n = pd.DataFrame(numbers)
        working = n[[str(a) for a in range(18, 65)]].sum(axis=1, min_count=47)
        older = n[[str(a) for a in range(65, 90)] + [top]].sum(axis=1, min_count=26)
        for measure, series in (("population.18-64", working), ("population.65+", older),
                                ("population.18+", working + older), ("population.all", n["All ages"])):
            frames.append(pd.DataFrame({"area_code": d["Code"], "period": period, "measure": measure,
                                        "value": series, "status": "", "source": f"{SOURCE} ({path.name})",
                                        "note": ""}))
        areas.append(pd.DataFrame({"area_code": d["Code"], "area_name": d["Name"]}))
    area_frame = pd.concat(areas).drop_duplicates("area_code")
    area_frame["area_type"] = area_frame["area_code"].map(council_type_from_code)
    area_frame["region"] = ""
    return Imported(pd.concat(frames, ignore_index=True), area_frame.reset_index(drop=True), None,
                    {"national": "E92000001"} if "E92000001" in set(area_frame["area_code"]) else {})


def detect(header: list[str]) -> bool:
    return set(REQUIRED) <= set(header)
