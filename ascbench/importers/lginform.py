"""LG Inform CSV downloads (a report or data table downloaded as CSV).

Layout (wide): ``area label, area long label, area code``, then one column per metric x
period, headed ``<metric name> <period>`` or ``<metric name> (<period>)`` where the period is
``2022/23``, ``Q3 2023/24``, ``2022`` or ``Sep 2023``. Reshaped to long form: the measure is
``lginform_<metric slug>.published``; cells may hold suppression markers. Area types come
from the GSS code; ``England`` (E92000001) becomes the ``national`` role. A catalogue fragment
with one metric per column family is written beside the data (published values; polarity
``none`` until edited).
"""

from __future__ import annotations

import re

SOURCE = "LG Inform download"
REQUIRED = ["area label", "area long label", "area code"]
MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
PERIOD = re.compile(rf"^(?P<name>.*?)[\s,(\-]*(?P<period>Q[1-4] \d{{4}}/\d{{2}}|\d{{4}}/\d{{2}}|(?:{MONTHS}) \d{{4}}|\d{{4}})\)?\s*$")


def period_of(text: str) -> str | None:
    t = text.strip()
    m = re.fullmatch(r"Q([1-4]) (\d{4})/(\d{2})", t)
    if m:
        return f"{m.group(2)}-{m.group(3)}-Q{m.group(1)}"
    m = re.fullmatch(r"(\d{4})/(\d{2})", t)
    if m:
        return f"{m.group(1)}-{m.group(2)}"
    m = re.fullmatch(rf"({MONTHS}) (\d{{4}})", t)
    if m:
        return f"{m.group(2)}-{m.group(1)}"
    if re.fullmatch(r"\d{4}", t):
        return f"CY{t}"
    return None


def read(paths, period: str | None = None):
    import pandas as pd

    from ascbench.errors import AscbenchError
    from ascbench.importers.common import Imported, council_type_from_code, read_official_csv
    from ascbench.io.values import parse_values

    parts, areas, titles = [], [], {}
    for path in paths:
        d = read_official_csv(path, REQUIRED, "LG Inform")
        value_columns = [c for c in d.columns if c not in REQUIRED and c != "line"]
        if not value_columns:
            raise AscbenchError("no metric columns after 'area code'", file=str(path), line=1, field="header",
                                expected="one column per metric and period, such as 'Delayed transfers 2022/23'")
        for column in value_columns:
            m = PERIOD.match(column)
            p = period_of(m.group("period")) if m else None
            if not m or not p or not m.group("name").strip():
                raise AscbenchError(f"cannot read a metric and period in the column '{column}'", file=str(path), line=1,
                                    field=column, expected="'<metric name> <period>' with a period such as 2022/23")
            name = m.group("name").strip().strip("-,( ")
            slug = "lginform_" + re.sub(r"[^0-9a-z]+", "_", name.lower()).strip("_")[:60]
            titles[slug] = name
            values, status, bad, hint = parse_values(d[column])
            if bad.any():
                row = d[bad].iloc[0]
                raise AscbenchError(f"'{row[column]}' {hint[bad].iloc[0]}", file=str(path), line=int(row["line"]),
                                    field=column, expected="a number or a suppression marker")
            parts.append(pd.DataFrame({"area_code": d["area code"], "period": p, "measure": f"{slug}.published",
                                       "value": values, "status": status, "source": f"{SOURCE}: {column}", "note": ""}))
        areas.append(pd.DataFrame({"area_code": d["area code"], "area_name": d["area long label"]}))
    obs = pd.concat(parts, ignore_index=True).drop_duplicates(["area_code", "period", "measure"])
    area_frame = pd.concat(areas, ignore_index=True).drop_duplicates("area_code")
    area_frame["area_type"] = area_frame["area_code"].map(council_type_from_code)
    area_frame["region"] = ""
    roles = {"national": "E92000001"} if "E92000001" in set(area_frame["area_code"]) else {}
    import yaml

    lines = ["# written by ascbench import lginform: set polarity, statistic and decimals before use", "metrics:"]
    for slug, title in titles.items():
        spec = {"id": slug.replace("lginform_", "LGI_"), "title": title, "statistic": "published",
                "value": f"{slug}.published", "polarity": "none", "source": "LG Inform"}
        if roles:
            spec["comparators"] = [{"area": "national"}]
        lines.append("  - " + yaml.safe_dump(spec, default_flow_style=True, sort_keys=False, width=10**6).strip())
    return Imported(obs, area_frame.reset_index(drop=True), None, roles, catalogue="\n".join(lines) + "\n")


def detect(header: list[str]) -> bool:
    return set(REQUIRED) <= {h.strip().lower() for h in header}
