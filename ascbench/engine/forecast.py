"""Year-end forecasts from a part-year position, and the verdict against the annual target.

For each current row whose period lies inside a financial or academic year:

* **straight line**: a figure that accumulates over the year - a count of events, or a rate
  of events per a population (its numerator summed over months, its denominator a position at
  a date) - scales by the months of the year over the months elapsed (April-June 8
  admissions -> 32 for the year; 55 admissions per 100,000 by September -> 110); a level -
  a proportion, a rate of one count per another, a stock (a caseload: its latest position) -
  is its year-to-date value;
* **seasonal** (when last year's same period and last year's whole year are in the data -
  monthly data give both through the roll-ups): a figure that accumulates scales by last
  year's whole-year / same-period ratio (last year's monthly profile); a level adds last
  year's change from the same period to the year end.

Which figures accumulate follows each measure's roll-up rule
(:func:`ascbench.catalogue.aggregation.accumulates`, :func:`ascbench.engine.data.measure_rules`).

The forecast is judged against the annual target - the first target comparator's measure for
the whole year - with the metric's target rule: met or beaten is "on track", short by no more
than the tolerance "at risk", further short "off track".
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ascbench.catalogue.aggregation import accumulates
from ascbench.engine.rules import BETTER, SIMILAR, WORSE, judge
from ascbench.periods import Period, attach_periods, parse_period, period_frame

VERDICT = {BETTER: "on track", SIMILAR: "at risk", WORSE: "off track"}
FORECAST_COLUMNS = [
    "metric_id",
    "area_code",
    "period",
    "value",
    "year",
    "months_elapsed",
    "year_months",
    "straight_line",
    "seasonal",
    "seasonal_basis",
    "target",
    "verdict_straight_line",
    "verdict_seasonal",
]


def _year_of(text: str):
    p = parse_period(text)
    if p.is_snapshot:
        return None
    year = (
        Period("ay", p.year) if p.family == "academic" else Period("fy", p.year if p.start.month >= 4 else p.year - 1)
    )
    if p.family == "calendar" and p.kind != "month":
        return None
    return year if year.contains(p) else None


def _ytd(p, year) -> str:
    """The year to date (financial or academic) that ends where ``p`` ends."""
    if year.kind == "ay":
        term = {12: 1, 3: 2, 8: 3}.get(p.end.month)
        return Period("aytd", year.year, part=term).text if term else p.text
    return Period("fytd", year.year, last_month=p.end.month).text


LEFT_OUT_REASONS = {
    "no value": "without a value as at the date",
    "not in a year": "whose period lies in no financial or academic year (a snapshot, a rolling 12 months)",
    "year complete": "whose year is over (the value is the year's actual)",
}


def left_out(results, frame) -> dict[str, list[str]]:
    """The metrics of ``results`` that :func:`forecasts` did not forecast, by reason
    (:data:`LEFT_OUT_REASONS`): no value; a period that lies in no year; a whole year already
    over (its value is the actual, not a forecast)."""
    done = set(frame["metric_id"]) if len(frame) else set()
    out: dict[str, list[str]] = {k: [] for k in LEFT_OUT_REASONS}
    for r in results.drop_duplicates("metric_id").itertuples(index=False):
        if r.metric_id in done:
            continue
        if not isinstance(r.period, str) or np.isnan(r.value):
            out["no value"].append(r.metric_id)
        elif _year_of(r.period) is None:
            out["not in a year"].append(r.metric_id)
        else:
            out["year complete"].append(r.metric_id)
    return {k: v for k, v in out.items() if v}


def forecasts(results, values, observations, metrics, comparators, rules: dict[str, str] | None = None):
    """One row per current row whose period lies inside a financial or academic year that is
    not over (module docstring); a row whose year is complete is its actual, not a forecast,
    and is left out (:func:`left_out` says which and why). ``rules``: each measure's roll-up
    rule (:func:`ascbench.engine.data.measure_rules`; by default every count is a count of events)."""
    rows = []
    rules = rules or {}
    meta = metrics.set_index("metric_id")
    keyed = values.set_index(["metric_id", "area_code", "period"])["value"]
    obs = observations.set_index(["area_code", "period", "measure"])["value"]
    for r in results.itertuples(index=False):  # one row per metric: a handful
        if not isinstance(r.period, str) or np.isnan(r.value):
            continue
        year = _year_of(r.period)
        if year is None:
            continue

        p = parse_period(r.period)
        elapsed = (p.end.year * 12 + p.end.month) - (year.start.year * 12 + year.start.month) + 1
        if elapsed >= 12:  # the whole year: an actual, nothing to forecast
            continue
        m = meta.loc[r.metric_id]
        count = accumulates(m["statistic"], m["numerator_measure"], m["denominator_measure"], m["value_measure"], rules)
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
        elif not np.isnan([ly_same, ly_full, so_far]).any() and ly_same != 0:
            seasonal = so_far * ly_full / ly_same if count else so_far + (ly_full - ly_same)
            basis = f"last year's {p.year_earlier().text} to {year.year_earlier().text}"
        else:
            seasonal, basis = np.nan, "cannot be calculated: last year's same period and whole year are needed"
        target = np.nan
        mine = comparators[(comparators["metric_id"] == r.metric_id) & (comparators["type"] == "target")]
        for c in mine.itertuples(index=False):
            target = obs.get((r.area_code, year.text, c.measure), np.nan)
            if not np.isnan(target):
                break
        rows.append(
            {
                "metric_id": r.metric_id,
                "area_code": r.area_code,
                "period": r.period,
                "value": so_far,
                "year": year.text,
                "months_elapsed": elapsed,
                "year_months": 12,
                "straight_line": straight,
                "seasonal": seasonal,
                "seasonal_basis": basis,
                "target": target,
            }
        )
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


def held_forecasts(observations, metrics, areas, report_end) -> pd.DataFrame:
    """Forecasts held as data (each metric's ``forecast`` measure), as at ``report_end``: for
    each metric and area the latest forecast made on or before it (each row is dated by the
    period it was made in: ``2022-23-Q1``) for the year that holds the reporting date, if that
    year has not ended. Columns ``metric_id, area_code, value, year, made_at, label`` (label:
    "forecast for 2022/23 (made at Q1)"); empty when there is none."""
    columns = ["metric_id", "area_code", "value", "year", "made_at", "label"]
    wanted = metrics.dropna(subset=["forecast_measure"])[["metric_id", "forecast_measure"]]
    if wanted.empty:
        return pd.DataFrame(columns=columns)
    obs = observations[
        observations["measure"].isin(wanted["forecast_measure"])
        & observations["area_code"].isin(areas)
        & observations["value"].notna()
    ]
    if obs.empty:
        return pd.DataFrame(columns=columns)
    obs = obs[["area_code", "period", "measure", "value"]].astype({"area_code": str, "period": str, "measure": str})
    made = period_frame(obs["period"]).set_index("period")
    obs = obs.assign(made_end=obs["period"].map(made["end"]))
    obs = obs[obs["made_end"] <= report_end]
    if obs.empty:
        return pd.DataFrame(columns=columns)

    def year_of(text):
        p = parse_period(text)
        year = parse_period(
            f"AY{p.year}-{(p.year + 1) % 100:02d}" if p.family == "academic" else f"{p.year}-{(p.year + 1) % 100:02d}"
        )
        return year.text

    years = {t: year_of(t) for t in obs["period"].unique()}
    obs = obs.assign(year=obs["period"].map(years))
    ends = period_frame(obs["year"]).set_index("period")["end"]
    obs = obs[obs["year"].map(ends) >= report_end]  # only a year not yet over
    best = obs.merge(wanted, left_on="measure", right_on="forecast_measure").sort_values("made_end")
    best = best.drop_duplicates(["metric_id", "area_code"], keep="last")
    if best.empty:
        return pd.DataFrame(columns=columns)

    def made_label(made_at, year):
        p, y = parse_period(made_at), parse_period(year)
        if p.kind in ("fq", "fytd") and y.kind == "fy" and p.year == y.year and p.end.month in (6, 9, 12, 3):
            return f"Q{((p.end.month - 4) % 12) // 3 + 1}"
        return p.label

    labels = [
        f"forecast for {parse_period(y).label}, made at {made_label(m, y)}"
        for y, m in zip(best["year"], best["period"], strict=True)
    ]
    return pd.DataFrame(
        {
            "metric_id": best["metric_id"].astype(str).to_numpy(),
            "area_code": best["area_code"].to_numpy(),
            "value": best["value"].to_numpy(dtype="float64"),
            "year": best["year"].to_numpy(),
            "made_at": best["period"].to_numpy(),
            "label": labels,
        }
    )


def attach_recorded_forecasts(current, observations, metrics, areas, report_end):
    """Forecasts held as data (:func:`held_forecasts`): each current row gains the latest
    forecast made by the reporting date for the year that holds it: ``forecast_value``,
    ``forecast_period`` (the year), ``forecast_made_at`` and ``forecast_label`` ("forecast for
    2022/23 (made at Q1)"). Unless the metric says ``rate: forecast``
    (:func:`rate_forecasts`), a forecast is never taken for an actual value: it lives in its
    own columns and no rating, direction, rank or trend reads it."""
    out = current.copy()
    for column in ("forecast_value", "forecast_period", "forecast_made_at", "forecast_label"):
        out[column] = np.nan if column == "forecast_value" else None
    if out.empty:
        return out
    held = held_forecasts(observations, metrics, areas, report_end)
    if held.empty:
        return out
    found = held.set_index(["metric_id", "area_code"]).reindex(
        pd.MultiIndex.from_arrays([out["metric_id"].astype(str), out["area_code"].astype(str)])
    )
    hit = found["value"].notna().to_numpy()
    out.loc[hit, "forecast_value"] = found["value"].to_numpy()[hit]
    out.loc[hit, "forecast_period"] = found["year"].to_numpy()[hit]
    out.loc[hit, "forecast_made_at"] = found["made_at"].to_numpy()[hit]
    out.loc[hit, "forecast_label"] = found["label"].to_numpy()[hit]
    return out


def rate_forecasts(current, values, observations, metrics, areas, report_end):
    """Metrics with ``rate: forecast``: where a forecast is held for the year that holds the
    reporting date (:func:`held_forecasts`), the row's current value is that forecast, for the
    year (period ``2022-23``, labelled "forecast for 2022/23 (made at Q1)", ``value_basis``
    ``forecast``), so that it is rated and compared with last year like any year's value. With
    ``forecast_of: numerator`` the forecast is of the count behind a proportion or rate (32
    admissions), and the value is computed from it and the year's denominator in the data (else
    the latest earlier one): 32 / 421,000 x 100,000 = 7.6 per 100,000. Rows of other metrics,
    and of metrics with no forecast held, are left as they are."""
    rated = metrics[metrics["rate_forecast"].astype(bool)] if "rate_forecast" in metrics.columns else metrics[:0]
    if rated.empty:
        return current
    held = held_forecasts(observations, rated, areas, report_end)
    if held.empty:
        return current
    meta = rated.set_index("metric_id")
    rows = held.rename(columns={"year": "period", "label": "forecast_label"})
    of_numerator = rows["metric_id"].map(meta["forecast_of"]).eq("numerator").to_numpy()
    counted = rows["metric_id"].map(meta["statistic"]).isin(["proportion", "rate"]).to_numpy()
    multiplier = rows["metric_id"].map(meta["multiplier"]).astype("float64").to_numpy()
    # the denominator of the forecast year, else the latest earlier one in the data
    denominator = np.full(len(rows), np.nan)
    denominator_period = np.full(len(rows), None, dtype=object)
    need = of_numerator & counted
    if need.any():
        measure = rows["metric_id"].map(meta["denominator_measure"])
        obs = observations[observations["value"].notna()][["area_code", "period", "measure", "value"]].astype(
            {"area_code": str, "period": str, "measure": str}
        )
        obs = obs.assign(end=obs["period"].map(period_frame(obs["period"]).set_index("period")["end"]))
        year_end = rows["period"].map(period_frame(rows["period"]).set_index("period")["end"])
        for i in np.flatnonzero(need):  # one per forecast-rated metric and area: a handful
            mine = obs[
                (obs["area_code"] == rows["area_code"].iloc[i])
                & (obs["measure"] == measure.iloc[i])
                & (obs["end"] <= year_end.iloc[i])
            ]
            same = mine[mine["period"] == rows["period"].iloc[i]]
            pick = same if len(same) else mine.sort_values("end").tail(1)
            if len(pick):
                denominator[i], denominator_period[i] = float(pick["value"].iloc[0]), pick["period"].iloc[0]
    value = rows["value"].to_numpy(dtype="float64")
    rows["numerator"] = np.where(of_numerator, value, np.nan)
    rows["denominator"] = denominator
    with np.errstate(divide="ignore", invalid="ignore"):
        computed = np.where(counted, value / denominator * multiplier, value * multiplier)
    rows["value"] = np.where(of_numerator, computed, value)
    rows["value_basis"] = "forecast"
    rows["status"] = ""
    rows["forecast_denominator_period"] = denominator_period
    rows = attach_periods(rows)
    rows["label"] = rows["forecast_label"]
    keys = ["metric_id", "area_code"]
    kept = current.merge(rows[keys], on=keys, how="left", indicator=True)
    kept = current[(kept["_merge"] == "left_only").to_numpy()]
    out = pd.concat([kept, rows.drop(columns=["forecast_label", "made_at"])], ignore_index=True)
    return out
