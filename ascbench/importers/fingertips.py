"""OHID Fingertips data: the API's ``all_data`` CSV, the web "Export data" CSV and
fingertipsR's ``fingertips_data()`` (the same columns with their spaces removed).

Header (web/API): ``Indicator ID, Indicator Name, Parent Code, Parent Name, Area Code, Area
Name, Area Type, Sex, Age, Category Type, Category, Time period, Value, Lower CI 95.0 limit,
Upper CI 95.0 limit, Lower CI 99.8 limit, Upper CI 99.8 limit, Count, Denominator, Value
note, Recent Trend, Compared to England value or percentiles, Compared to <parent> value or
percentiles, Time period Sortable, New data, Compared to goal, Time period range``;
fingertipsR writes ``IndicatorID``, ``AreaCode``, ``Timeperiod``, ``LowerCI95.0limit``...
Columns are matched on their letters and digits alone, so both spellings read.

A series is one indicator for one Sex, Age and (Category Type, Category): a breakdown row
(a deprivation decile on the England code, say) is its own series and never merges with or
replaces the total. For indicator ``I``: ``fingertips_I[_<sex>][_<age>][_<category type>-<category>]``
with ``.published`` (Value), ``.num`` (Count), ``.den`` (Denominator) and the published
limits ``.published.lower95`` ... ``.published.upper998``; the comparison columns go into the
``note`` of the value row.

A series whose Value is Count / Denominator x 100 (a proportion) or x 1,000 / 100,000 (a
crude rate) on every row with counts gets a catalogue entry that recomputes it from the
counts; any other (a directly standardised rate, a ratio, a score) is ``statistic:
published``: its value and limits are kept as Fingertips publishes them, never recomputed.
Polarity comes from the comparison words: rows "Better" than England above it and "Worse"
rows below it mean high is good, and the other way round low; "Higher"/"Lower" (no
judgement) mean none.

Period forms (Fingertips' ``Time period``): ``2006`` -> ``CY2006``; ``2006 - 08`` (pooled
calendar years) -> ``R36-2008-Dec``; ``2006 Q1`` -> ``2006-CQ1``; ``2006/07`` -> ``2006-07``;
``2006/07 - 08/09`` (pooled financial years) -> ``R36-2009-Mar``; ``2006/07 Q1`` ->
``2006-07-Q1``; ``2006/07 Q1 - 2007/08 Q4`` -> ``R24-2008-Mar``; ``2006/07 Q1-Q3`` ->
``2006-07-YTD-Q3``; ``Aug 2006 - Jul 2007`` -> ``R12-2007-Jul``; ``Mar 2006`` -> ``2006-Mar``.
Two rows with one series, area and period: dropped when they repeat each other (the same
area listed under two parents), a located error when their values differ.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import yaml

from ascbench.errors import AscbenchError
from ascbench.identifiers import gss_code
from ascbench.importers.common import (
    Imported,
    council_type_from_code,
    located,
    read_official_csv,
    refuse_conflicts,
)
from ascbench.io.cells import parse_values

SOURCE = "OHID Fingertips data download"
REQUIRED = ["Indicator ID", "Indicator Name", "Area Code", "Area Name", "Time period", "Value"]
LIMITS = {
    "Lower CI 95.0 limit": "lower95",
    "Upper CI 95.0 limit": "upper95",
    "Lower CI 99.8 limit": "lower998",
    "Upper CI 99.8 limit": "upper998",
}
CANONICAL = [
    "Indicator ID",
    "Indicator Name",
    "Parent Code",
    "Parent Name",
    "Area Code",
    "Area Name",
    "Area Type",
    "Sex",
    "Age",
    "Category Type",
    "Category",
    "Time period",
    "Value",
    *LIMITS,
    "Count",
    "Denominator",
    "Value note",
    "Recent Trend",
    "Time period Sortable",
    "New data",
    "Compared to goal",
    "Time period range",
]
MONTHS = {
    m: i
    for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)
}
MONTH_NAMES = {v: k.title() for k, v in MONTHS.items()}


def _key(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", str(name).lower())


KEYS = {_key(c): c for c in CANONICAL}


def canonical_header(name: str) -> str:
    """A Fingertips column under its web-export name: ``IndicatorID`` -> ``Indicator ID``,
    ``ComparedtoEnglandvalueorpercentiles`` -> ``Compared to England value or percentiles``."""
    key = _key(name)
    if key in KEYS:
        return KEYS[key]
    stripped = str(name).strip()
    found = re.fullmatch(r"Comparedto(.+?)valueorpercentiles", stripped.replace(" ", ""))
    if found and " " not in stripped:
        return f"Compared to {found.group(1)} value or percentiles"
    return stripped


def period_of(text: str) -> str | None:
    """A Fingertips ``Time period`` in ascbench's notation (module docstring), or None."""
    t = re.sub(r"\s+", " ", str(text).strip())
    fy = r"(\d{4})/(\d{2})"
    if m := re.fullmatch(r"\d{4}", t):
        return f"CY{t}"
    if m := re.fullmatch(r"(\d{4}) ?- ?(\d{2})", t):
        first, last = int(m.group(1)), int(m.group(1)[:2] + m.group(2))
        return f"R{(last - first + 1) * 12}-{last}-Dec" if last > first else None
    if m := re.fullmatch(r"(\d{4}) Q([1-4])", t):
        return f"{m.group(1)}-CQ{m.group(2)}"
    if m := re.fullmatch(fy, t):
        return f"{m.group(1)}-{m.group(2)}" if _follows(m.group(1), m.group(2)) else None
    if m := re.fullmatch(fy + r" ?- ?(\d{2})/(\d{2})", t):
        first, end = int(m.group(1)), int(m.group(1)[:2] + m.group(4))
        return f"R{(end - first) * 12}-{end}-Mar" if end > first + 1 and _follows(m.group(1), m.group(2)) else None
    if m := re.fullmatch(fy + r" Q([1-4])", t):
        return f"{m.group(1)}-{m.group(2)}-Q{m.group(3)}"
    if m := re.fullmatch(fy + r" Q1 ?- ?" + fy + r" Q([1-4])", t):
        start = (int(m.group(1)), 4)
        end_year = int(m.group(3)) + (1 if int(m.group(5)) == 4 else 0)
        end_month = {1: 6, 2: 9, 3: 12, 4: 3}[int(m.group(5))]
        months = (end_year - start[0]) * 12 + end_month - start[1] + 1
        return f"R{months}-{end_year}-{MONTH_NAMES[end_month]}" if months > 0 else None
    if m := re.fullmatch(fy + r" Q1 ?- ?Q([1-4])", t):
        return f"{m.group(1)}-{m.group(2)}-YTD-Q{m.group(3)}"
    if m := re.fullmatch(r"([A-Za-z]{3}) (\d{4}) ?- ?([A-Za-z]{3}) (\d{4})", t):
        a, b = MONTHS.get(m.group(1).lower()), MONTHS.get(m.group(3).lower())
        if a and b:
            months = (int(m.group(4)) - int(m.group(2))) * 12 + b - a + 1
            return f"R{months}-{m.group(4)}-{MONTH_NAMES[b]}" if months > 0 else None
    if m := re.fullmatch(r"([A-Za-z]{3}) (\d{4})", t):
        return f"{m.group(2)}-{MONTH_NAMES[MONTHS[m.group(1).lower()]]}" if m.group(1).lower() in MONTHS else None
    return None


def _follows(first: str, second: str) -> bool:
    return (int(first) + 1) % 100 == int(second)


def _slug(text: str) -> str:
    """Letters and digits joined by hyphens, with ``<``, ``>`` and ``+`` kept as words so that
    ``<75 yrs`` and ``75+ yrs`` stay two series (``lt75-yrs``, ``75plus-yrs``)."""
    text = text.lower().replace("<", " lt").replace(">", " gt").replace("+", "plus ")
    return re.sub(r"[^0-9a-z]+", "-", text).strip("-")


def _read(paths):
    frames = []
    for path in paths:
        frame = read_official_csv(path, [], "Fingertips data")
        frame.columns = [canonical_header(c) if c != "line" else c for c in frame.columns]
        missing = [c for c in REQUIRED if c not in frame.columns]
        if missing:
            raise AscbenchError(
                f"this is not a Fingertips data file: no column '{missing[0]}'",
                file=str(path),
                line=1,
                field=missing[0],
                expected="the columns " + ", ".join(REQUIRED),
            )
        frame["_file"] = str(path)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True).fillna("")


def read(paths, period: str | None = None):
    d = _read(paths)
    distinct = pd.Series(d["Time period"].unique())
    mapping = dict(zip(distinct, distinct.map(period_of), strict=True))
    periods = d["Time period"].map(mapping)
    if periods.isna().any():
        raise located(
            d,
            periods.isna(),
            "Time period",
            "'{Time period}' is not a Fingertips period form ascbench reads",
            "2022/23, 2022, 2020 - 22, 2022 Q1, 2022/23 Q1, 2022/23 Q1-Q3, Aug 2022 - Jul 2023 or Mar 2022",
        )
    d["Area Code"] = gss_code(d["Area Code"])

    def part(column, skip):
        values = d[column] if column in d.columns else pd.Series("", index=d.index)
        slug = values.map(_slug)
        return slug.where(~values.str.strip().str.lower().isin(skip), "")

    sex, age = part("Sex", ("persons", "")), part("Age", ("all ages", ""))
    ctype, cat = part("Category Type", ("",)), part("Category", ("",))
    base = (
        "fingertips_"
        + d["Indicator ID"].str.replace(r"\D", "", regex=True)
        + ("_" + sex).where(sex != "", "")
        + ("_" + age).where(age != "", "")
        + ("_" + ctype + "-" + cat).where(ctype != "", "")
    )
    comparisons = [c for c in d.columns if str(c).startswith("Compared to")]
    note = pd.Series("", index=d.index)
    for c in comparisons:
        note = note + ("; " + c + ": " + d[c]).where(d[c] != "", "")
    note = note.str.removeprefix("; ")
    parts = []
    columns = {
        "Value": "published",
        "Count": "num",
        "Denominator": "den",
        **{k: f"published.{v}" for k, v in LIMITS.items()},
    }
    for column, suffix in columns.items():
        if column not in d.columns:
            continue
        values, status, bad, hint = parse_values(d[column])
        if bad.any():
            cell = str(d.loc[bad, column].iloc[0]).replace("{", "{{").replace("}", "}}")
            raise located(d, bad, column, f"'{cell}' {hint[bad].iloc[0]}", "a number, or empty")
        keep = values.notna() if column != "Value" else pd.Series(True, index=d.index)
        parts.append(
            pd.DataFrame(
                {
                    "area_code": d["Area Code"],
                    "period": periods,
                    "measure": base + "." + suffix,
                    "value": values,
                    "status": status if column == "Value" else "",
                    "source": SOURCE + ": " + d["Indicator Name"],
                    "note": note if column == "Value" else "",
                }
            )[keep]
        )
    obs = pd.concat(parts)
    key = ["area_code", "period", "measure"]
    repeated = obs.duplicated(key, keep="first")
    refuse_conflicts(d, obs, key)
    obs = obs[~repeated.to_numpy()].reset_index(drop=True)
    areas = (
        d[["Area Code", "Area Name"]]
        .drop_duplicates("Area Code")
        .rename(columns={"Area Code": "area_code", "Area Name": "area_name"})
    )
    areas["area_type"] = areas["area_code"].map(council_type_from_code)
    areas["region"] = ""
    roles = {"national": "E92000001"} if "E92000001" in set(areas["area_code"]) else {}
    meta = d.assign(measure=base).drop_duplicates("measure")[["measure", "Indicator Name"]]
    notes = [
        f"Fingertips data ({'fingertipsR names' if 'IndicatorID' in ''.join(d.columns) else 'web/API names'}): "
        f"read {len(d):,} rows; kept {len(obs):,} observations"
        + (f"; {int(repeated.sum()):,} repeated rows dropped" if repeated.any() else ""),
        f"{len(meta)} series, {len(areas)} areas, periods " + ", ".join(sorted(set(periods))),
        f"{int((obs['status'] != '').sum()):,} suppressed or unavailable values kept as such",
    ]
    catalogue = _catalogue(d, base, meta, set(obs["measure"]), bool(roles))
    return Imported(obs, areas.reset_index(drop=True), None, roles, notes=notes, catalogue=catalogue)


def _polarity(d, rows, value) -> str:
    """high / low from Better and Worse rows against England's value; none without them."""
    comp_col = next((c for c in d.columns if str(c).startswith("Compared to England")), None)
    if comp_col is None:
        return "none"
    england = value[rows & (d["Area Code"] == "E92000001")]
    if not len(england) or england.isna().all():
        return "none"
    words = d.loc[rows, comp_col].str.lower()
    better, worse = words.str.startswith("better"), words.str.startswith("worse")
    higher = value[rows] > england.dropna().iloc[0]
    lower = value[rows] < england.dropna().iloc[0]
    high_votes = int((better & higher).sum() + (worse & lower).sum())
    low_votes = int((better & lower).sum() + (worse & higher).sum())
    if high_votes == low_votes:
        return "none"
    return "high" if high_votes > low_votes else "low"


def _catalogue(d, base, meta, present: set, has_england: bool) -> str:
    """A catalogue fragment: one metric per series (module docstring for the statistic and
    polarity rules). It names only measures the file has, and England as the comparator only
    when the file has England's rows. The source is a default, said once."""
    lines = [
        "# written by ascbench import fingertips: check polarity and titles before use",
        "defaults:",
        "  all: {source: OHID Fingertips}",
        "metrics:",
    ]
    value = pd.to_numeric(d["Value"], errors="coerce")
    count = pd.to_numeric(d.get("Count", pd.Series(np.nan, index=d.index)), errors="coerce")
    den = pd.to_numeric(d.get("Denominator", pd.Series(np.nan, index=d.index)), errors="coerce")
    crude = count / den
    for measure, title in zip(meta["measure"], meta["Indicator Name"], strict=True):
        rows = base == measure
        ok = rows & value.notna() & crude.notna() & (den > 0) & (crude > 0)
        statistic, multiplier = "published", None
        if ok.any():
            for m in (100.0, 1000.0, 10000.0, 100000.0):
                if np.allclose(value[ok], crude[ok] * m, rtol=1e-3, atol=0.05):
                    statistic, multiplier = ("proportion" if m == 100 else "rate"), m
                    break
        mid = measure.replace("fingertips_", "FT_")
        if statistic in ("proportion", "rate") and not {f"{measure}.num", f"{measure}.den"} <= present:
            statistic, multiplier = "published", None
        spec = {"id": mid, "title": title, "statistic": statistic, "polarity": _polarity(d, rows, value)}
        spec["value"] = f"{measure}.published"
        if has_england:
            spec["comparators"] = [{"area": "national"}]
        if statistic in ("proportion", "rate"):
            spec.update({"numerator": f"{measure}.num", "denominator": f"{measure}.den", "multiplier": multiplier})
        lines.append("  - " + yaml.safe_dump(spec, default_flow_style=True, sort_keys=False, width=10**6).strip())
    return "\n".join(lines) + "\n"


def detect(header: list[str]) -> bool:
    return set(REQUIRED) <= {canonical_header(h) for h in header}
