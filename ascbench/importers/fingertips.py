"""OHID Fingertips data downloads ("Export data" CSV; fingertipsR ``fingertips_data``).

Layout: one row per indicator x area x period x sex x age: ``Indicator ID, Indicator Name,
Area Code, Area Name, Area Type, Sex, Age, Time period, Value, Lower CI 95.0 limit,
Upper CI 95.0 limit, Lower CI 99.8 limit, Upper CI 99.8 limit, Count, Denominator,
Value note``, and comparison columns such as ``Compared to England value or percentiles``.

Kept, for indicator ``I`` (with ``_<sex>_<age>`` appended when not Persons / All ages):
``fingertips_I.num`` (Count), ``fingertips_I.den`` (Denominator), ``fingertips_I.published``
(Value) and the published limits ``fingertips_I.published.lower95`` (... ``upper998``), which
ascbench shows as the interval of a value it cannot recompute; the comparison columns go into
the ``note`` of the value row, so ascbench's own comparison can be set beside Fingertips'.
Periods: ``2022/23`` -> ``2022-23``; ``2022`` -> ``CY2022``; ``2018 - 20`` (three pooled
calendar years) -> ``R36-2020-Dec``. Area types come from the GSS code. Rows of the same area
and period under several parent areas are kept once.
"""

from __future__ import annotations

import re

SOURCE = "OHID Fingertips data download"
REQUIRED = ["Indicator ID", "Indicator Name", "Area Code", "Area Name", "Time period", "Value"]
LIMITS = {"Lower CI 95.0 limit": "lower95", "Upper CI 95.0 limit": "upper95",
          "Lower CI 99.8 limit": "lower998", "Upper CI 99.8 limit": "upper998"}


def period_of(text: str) -> str | None:
    t = text.strip()
    m = re.fullmatch(r"(\d{4})/(\d{2})", t)
    if m:
        return f"{m.group(1)}-{m.group(2)}"
    if re.fullmatch(r"\d{4}", t):
        return f"CY{t}"
    m = re.fullmatch(r"(\d{4})\s*-\s*(\d{2})", t)
    if m:
        first, last = int(m.group(1)), int(m.group(1)[:2] + m.group(2))
        if last > first:
            return f"R{(last - first + 1) * 12}-{last}-Dec"
    return None


def _slug(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "-", text.lower()).strip("-")


def read(paths, period: str | None = None):
    import pandas as pd

    from ascbench.importers.common import Imported, council_type_from_code, located, read_official_files
    from ascbench.io.values import parse_values

    d = read_official_files(paths, REQUIRED, "Fingertips data")
    periods = d["Time period"].map(period_of)
    if periods.isna().any():
        raise located(d, periods.isna(), "Time period", "'{Time period}' is not a period ascbench can read",
                      "2022/23, 2022 or a pooled range such as 2018 - 20")
    sex = d["Sex"] if "Sex" in d.columns else pd.Series("Persons", index=d.index)
    age = d["Age"] if "Age" in d.columns else pd.Series("All ages", index=d.index)
    suffix = [("" if s.lower() in ("persons", "") else f"_{_slug(s)}") + ("" if a.lower() in ("all ages", "") else f"_{_slug(a)}")
              for s, a in zip(sex, age, strict=True)]
    base = ["fingertips_" + re.sub(r"\D", "", i) + sfx for i, sfx in zip(d["Indicator ID"], suffix, strict=True)]
    comparisons = [c for c in d.columns if str(c).startswith("Compared to")]
    note = d[comparisons].apply(lambda r: "; ".join(f"{c}: {v}" for c, v in r.items() if v), axis=1) \
        if comparisons else pd.Series("", index=d.index)
    parts = []
    columns = {"Value": "published", "Count": "num", "Denominator": "den", **{k: f"published.{v}" for k, v in LIMITS.items()}}
    for column, suffix_ in columns.items():
        if column not in d.columns:
            continue
        values, status, bad, hint = parse_values(d[column])
        if bad.any():
            raise located(d, bad, column, f"'{{{column}}}' {hint[bad].iloc[0]}", "a number, or empty")
        keep = values.notna() if column != "Value" else pd.Series(True, index=d.index)
        parts.append(pd.DataFrame({
            "area_code": d["Area Code"], "period": periods, "measure": [f"{b}.{suffix_}" for b in base],
            "value": values, "status": status if column == "Value" else "", "source": SOURCE + ": " + d["Indicator Name"],
            "note": note if column == "Value" else "",
        })[keep])
    obs = pd.concat(parts, ignore_index=True).drop_duplicates(["area_code", "period", "measure"])
    areas = d[["Area Code", "Area Name"]].drop_duplicates("Area Code").rename(
        columns={"Area Code": "area_code", "Area Name": "area_name"})
    areas["area_type"] = areas["area_code"].map(council_type_from_code)
    areas["region"] = ""
    roles = {"national": "E92000001"} if "E92000001" in set(areas["area_code"]) else {}
    meta = d.assign(measure=base).drop_duplicates("measure")[["measure", "Indicator Name"]]
    return Imported(obs, areas.reset_index(drop=True), None, roles,
                    notes=[f"{len(meta)} indicator series: " + ", ".join(meta["measure"].head(5))],
                    catalogue=_catalogue(d, base, meta))


def _catalogue(d, base, meta) -> str:
    """A catalogue fragment: one metric per indicator series. The statistic and multiplier
    follow from Value against Count / Denominator (x100: proportion; x1,000 or x100,000: rate);
    the polarity from Fingertips' own comparison words (Better/Worse: judged; Higher/Lower:
    none)."""
    import numpy as np
    import pandas as pd

    lines = ["# written by ascbench import fingertips: check polarity and titles before use", "metrics:"]
    value = pd.to_numeric(d["Value"], errors="coerce")
    count = pd.to_numeric(d.get("Count", pd.Series(np.nan, index=d.index)), errors="coerce")
    den = pd.to_numeric(d.get("Denominator", pd.Series(np.nan, index=d.index)), errors="coerce")
    ratio = value / (count / den)
    comp_col = next((c for c in d.columns if str(c).startswith("Compared to England")), None)
    for measure, title in zip(meta["measure"], meta["Indicator Name"], strict=True):
        rows = pd.Series(base, index=d.index) == measure
        r = ratio[rows].replace([np.inf, -np.inf], np.nan).dropna()
        multiplier = float(10 ** round(np.log10(r.median()))) if len(r) and r.median() > 0 else None
        statistic = "published"
        if multiplier == 100:
            statistic = "proportion"
        elif multiplier and multiplier >= 1000:
            statistic = "rate"
        polarity = "none"
        if comp_col:
            words = " ".join(d.loc[rows, comp_col].astype(str)).lower()
            england = value[rows & (d["Area Code"] == "E92000001")]
            if ("better" in words or "worse" in words) and len(england):
                ref = england.iloc[0]
                better = d.loc[rows, comp_col].str.lower().str.startswith("better")
                higher = value[rows] > ref
                if better.any():
                    polarity = "high" if (higher[better]).mean() >= 0.5 else "low"
        mid = measure.replace("fingertips_", "FT_")
        spec = {"id": mid, "title": title, "statistic": statistic, "polarity": polarity,
                "value": f"{measure}.published", "source": "OHID Fingertips", "comparators": [{"area": "national"}]}
        if statistic in ("proportion", "rate"):
            spec.update({"numerator": f"{measure}.num", "denominator": f"{measure}.den", "multiplier": multiplier})
        import yaml

        lines.append("  - " + yaml.safe_dump(spec, default_flow_style=True, sort_keys=False, width=10**6).strip())
    return "\n".join(lines) + "\n"


def detect(header: list[str]) -> bool:
    return set(REQUIRED) <= set(header)
