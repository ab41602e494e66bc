"""Year-end forecasts from a part-year position, and the verdict against the annual target.

For each current row whose period lies inside a financial or academic year:

* **straight line**: a count scales by the months of the year over the months elapsed
  (April-June 8 admissions -> 32 for the year); a proportion or rate is its year-to-date
  value;
* **seasonal** (when last year's same period and last year's whole year are in the data -
  monthly data give both through the roll-ups): a count scales by last year's whole-year /
  same-period ratio (last year's monthly profile); a proportion or rate adds last year's
  change from the same period to the year end.

The forecast is judged against the annual target - the first target comparator's measure for
the whole year - with the metric's target rule: met or beaten is "on track", short by no more
than the tolerance "at risk", further short "off track".
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ascbench.engine.rules import BETTER, SIMILAR, WORSE, judge

VERDICT = {BETTER: "on track", SIMILAR: "at risk", WORSE: "off track"}
FORECAST_COLUMNS = [
    "metric_id", "area_code", "period", "value", "year", "months_elapsed", "year_months", "straight_line",
    "seasonal", "seasonal_basis", "target", "verdict_straight_line", "verdict_seasonal",
]


def _year_of(text: str):
    from ascbench.periods import Period, parse_period

    p = parse_period(text)
    if p.is_snapshot:
        return None
    year = Period("ay", p.year) if p.family == "academic" else Period("fy", p.year if p.start.month >= 4 else p.year - 1)
    if p.family == "calendar" and p.kind != "month":
        return None
    return year if year.contains(p) else None


def _ytd(p, year) -> str:
    """The year to date (financial or academic) that ends where ``p`` ends."""
    from ascbench.periods import Period

    if year.kind == "ay":
        term = {12: 1, 3: 2, 8: 3}.get(p.end.month)
        return Period("aytd", year.year, part=term).text if term else p.text
    return Period("fytd", year.year, last_month=p.end.month).text


def forecasts(results, values, observations, metrics, comparators):
    rows = []
    meta = metrics.set_index("metric_id")
    keyed = values.set_index(["metric_id", "area_code", "period"])["value"]
    obs = observations.set_index(["area_code", "period", "measure"])["value"]
    for r in results.itertuples(index=False):  # one row per metric: a handful
        if not isinstance(r.period, str) or r.value != r.value:
            continue
        year = _year_of(r.period)
        if year is None:
            continue
        from ascbench.periods import parse_period

        p = parse_period(r.period)
        elapsed = (p.end.year * 12 + p.end.month) - (year.start.year * 12 + year.start.month) + 1
        statistic = meta.loc[r.metric_id, "statistic"]
        count = statistic == "count"
        # the year to date ending with this period (a quarter or month alone is not enough)
        ytd = _ytd(p, year)
        so_far = r.value if p.start == year.start else keyed.get((r.metric_id, r.area_code, ytd), np.nan)
        straight = so_far * 12 / elapsed if count else so_far
        ly_same = keyed.get((r.metric_id, r.area_code, parse_period(ytd).year_earlier().text), np.nan)
        if p.start == year.start:
            ly_same = keyed.get((r.metric_id, r.area_code, p.year_earlier().text), ly_same)
        ly_full = keyed.get((r.metric_id, r.area_code, year.year_earlier().text), np.nan)
        if elapsed == 12:
            seasonal, basis = r.value, "the year is complete"
        elif ly_same == ly_same and ly_full == ly_full and ly_same != 0 and so_far == so_far:
            seasonal = so_far * ly_full / ly_same if count else so_far + (ly_full - ly_same)
            basis = f"last year's {p.year_earlier().text} to {year.year_earlier().text}"
        else:
            seasonal, basis = np.nan, "cannot be calculated: last year's same period and whole year are needed"
        target = np.nan
        mine = comparators[(comparators["metric_id"] == r.metric_id) & (comparators["type"] == "target")]
        for c in mine.itertuples(index=False):
            target = obs.get((r.area_code, year.text, c.measure), np.nan)
            if target == target:
                break
        rows.append({"metric_id": r.metric_id, "area_code": r.area_code, "period": r.period, "value": so_far,
                     "year": year.text, "months_elapsed": elapsed, "year_months": 12, "straight_line": straight,
                     "seasonal": seasonal, "seasonal_basis": basis, "target": target})
    out = pd.DataFrame(rows, columns=FORECAST_COLUMNS[:11])
    if out.empty:
        return pd.DataFrame(columns=FORECAST_COLUMNS)
    polarity = out["metric_id"].map(meta["polarity"])
    rule = comparators.drop_duplicates("metric_id").set_index("metric_id")
    within = out["metric_id"].map(rule["rating_within"]).fillna(0.0)
    relative = out["metric_id"].map(rule["rating_relative"]).fillna(False).astype(bool)
    for method in ("straight_line", "seasonal"):
        codes = judge(out[method], out["target"], polarity, "target", within, relative)
        verdict = pd.Series(codes).map(VERDICT).fillna("cannot be calculated")
        verdict[out[method].isna()] = "cannot be calculated"
        verdict[out["target"].isna()] = "no annual target in the data"
        out[f"verdict_{method}"] = verdict.to_numpy()
    return out[FORECAST_COLUMNS]
