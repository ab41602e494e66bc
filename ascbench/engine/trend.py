"""Recent trend: the latest five like-for-like points (this period and the same period in
earlier years, within :data:`SPAN` years and on the same side of a definition break; a year
without a value is skipped, as the 2020-21 Adult Social Care Survey that most councils did
not run), tested at 99.8%, with the points' years as the time scores.

* A proportion with counts: the chi-squared test for trend (Armitage 1955; Fingertips'
  recent-trend method for proportions) with time scores 0..4:
  ``X2 = T^2 / V``, ``T = sum x_i (t_i - tbar)``, ``V = p(1 - p) (sum n_i t_i^2 - (sum n_i t_i)^2 / N)``,
  ``tbar = sum n_i t_i / N``, ``p = sum x_i / N``; significant when ``X2 > chi2_{0.998}(1)``.
* Otherwise (rates, counts, values with published intervals): an inverse-variance weighted
  least-squares slope, the variance from the 95% interval ``((upper - lower) / (2 z_0.975))^2``;
  significant when ``|slope / se| > z_{0.999}``.

A significant result counts only when the slope keeps its sign with any one point left out
(a trend that one year drives is "no significant change"). Labels: "increasing and getting
better", "increasing and getting worse", "decreasing and getting better", "decreasing and
getting worse" (just "increasing" / "decreasing" without polarity), "no significant change",
"cannot be calculated" (fewer than five points, or no counts or intervals), with the reason
in ``trend_reason`` ("4 like-for-like points since the definition changed in 2024-25 (5
needed)", "values only: no counts or intervals").
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ascbench.periods import attach_periods, definition_side, parse_period
from ascbench.stats import z_value

POINTS = 5
SPAN = 10  # years looked back for the five points


def _series_periods(periods) -> dict:
    """period -> [the same period SPAN - 1 years earlier, ..., a year earlier, period]
    (parsed once per period)."""
    out = {}
    for text in set(periods):
        p = parse_period(text)
        out[text] = [p.shifted(-k).text for k in range(SPAN - 1, -1, -1)]  # oldest first
    return out


def _gather(current, values, columns, breaks=None):
    """``(points, years, counted)``: {column: array (rows of ``current``, POINTS)} of each row's
    latest POINTS like-for-like points that have a value, oldest first, with each point's
    offset in years (negative, 0 for the current period) and the number of points found
    (up to POINTS). One index over ``values``, one lookup per candidate year. With ``breaks``
    (the metric's definition breaks, aligned with ``current``), a point from the other side
    of a break does not count: no trend runs across a definition change."""

    own_side = definition_side(breaks, current["period"]) if breaks is not None else None
    keyed = values.set_index(["metric_id", "area_code", "period"])[list(columns)]
    chain = _series_periods(current["period"].dropna())
    found = {c: [] for c in columns}
    for k in range(SPAN):
        texts = current["period"].map(lambda t, k=k: chain[t][k] if isinstance(t, str) else None)
        idx = pd.MultiIndex.from_arrays([current["metric_id"], current["area_code"], texts])
        hit = keyed.reindex(idx)
        other = (definition_side(breaks, texts) != own_side) if breaks is not None else None
        for c in columns:
            column = hit[c].to_numpy(dtype="float64")
            found[c].append(np.where(other, np.nan, column) if other is not None else column)
    full = {c: np.column_stack(p) if p else np.empty((0, SPAN)) for c, p in found.items()}
    value = full["value"]
    has = ~np.isnan(value)
    newest_first = np.cumsum(has[:, ::-1], axis=1)[:, ::-1]  # points with a value from here to now
    keep = has & (newest_first <= POINTS)
    counted = keep.sum(axis=1)
    # the kept points of each row, oldest first, moved to the last POINTS columns
    order = np.argsort(keep, axis=1, kind="stable")[:, -POINTS:]
    rows = np.arange(len(value))[:, None]
    points = {c: np.where(keep[rows, order], a[rows, order], np.nan) for c, a in full.items()}
    years = np.where(keep[rows, order], order - (SPAN - 1), np.nan).astype("float64")
    return points, years, counted


def _chi2_trend(x, n, t=None):
    """Armitage's statistic and the sign of T, for rows of x, n at times ``t`` (rows of
    scores, or one row for all; default 0..k-1)."""
    if t is None:
        t = np.arange(x.shape[1], dtype="float64")
    t = np.broadcast_to(t, x.shape)
    N = n.sum(axis=1)
    p = x.sum(axis=1) / N
    tbar = (n * t).sum(axis=1) / N
    T = (x * (t - tbar[:, None])).sum(axis=1)
    V = p * (1 - p) * ((n * t * t).sum(axis=1) - (n * t).sum(axis=1) ** 2 / N)
    with np.errstate(divide="ignore", invalid="ignore"):
        return T * T / V, np.sign(T)


def _weighted_slope(y, se, t=None):
    if t is None:
        t = np.broadcast_to(np.arange(y.shape[1], dtype="float64"), y.shape)
    w = 1.0 / (se * se)
    tw = (w * t).sum(axis=1) / w.sum(axis=1)
    yw = (w * y).sum(axis=1) / w.sum(axis=1)
    sxx = (w * (t - tw[:, None]) ** 2).sum(axis=1)
    slope = (w * (t - tw[:, None]) * (y - yw[:, None])).sum(axis=1) / sxx
    return slope, np.sqrt(1.0 / sxx)


def _leave_one_out_signs(kind_fn, t, *arrays):
    """Signs of the statistic with each one of the points left out: array (rows, POINTS);
    ``t``: the points' time scores (rows, POINTS)."""
    k = arrays[0].shape[1]
    signs = []
    for drop in range(k):
        keep = [i for i in range(k) if i != drop]
        signs.append(kind_fn(*(a[:, keep] for a in arrays), t[:, keep]))
    return np.column_stack(signs)


def recent_trend(current, values, metrics, with_statistic: bool = False):
    """A ``trend`` label for each row of ``current`` (aligned array); with
    ``with_statistic``, also the test statistic behind it (chi-squared on 1 df: Armitage's
    for proportions, (slope / se)² for the weighted regression), NaN where not calculated.

    As Fingertips, a proportion with a count equal to its denominator in any point of the
    series cannot be calculated (the chi-squared variance is degenerate there)."""

    chi2_998 = z_value(0.998) ** 2  # the 99.8% quantile of chi-squared on 1 df is z_0.999 squared

    n_rows = len(current)
    label = np.full(n_rows, "cannot be calculated", dtype=object)
    statistic_out = np.full(n_rows, np.nan)
    if n_rows == 0:
        return (label, statistic_out, np.full(0, "", dtype=object)) if with_statistic else label
    meta = metrics.set_index("metric_id")
    statistic = current["metric_id"].map(meta["statistic"]).to_numpy()
    polarity = current["metric_id"].map(meta["polarity"]).to_numpy()
    breaks = current["metric_id"].map(meta["breaks"]) if "breaks" in meta.columns else None
    series, years, counted = _gather(
        current, values, ["numerator", "denominator", "value", "lower95", "upper95"], breaks
    )
    x, n, y, lo, up = (series[c] for c in ["numerator", "denominator", "value", "lower95", "upper95"])
    five = counted >= POINTS
    years = np.where(five[:, None], years, 0.0)
    basis_counts = five & ~np.isnan(x).any(axis=1) & ~np.isnan(n).any(axis=1) & (n > 0).all(axis=1)
    all_of = (statistic == "proportion") & basis_counts & (x == n).any(axis=1)  # Fingertips: not calculated
    is_prop = (statistic == "proportion") & basis_counts & (x <= n).all(axis=1) & ~all_of
    se = (up - lo) / (2 * z_value(0.95))
    is_reg = five & ~is_prop & ~all_of & ~np.isnan(y).any(axis=1) & ~np.isnan(se).any(axis=1) & (se > 0).all(axis=1)
    direction = np.zeros(n_rows)
    significant = np.zeros(n_rows, dtype=bool)
    if is_prop.any():
        stat, sign = _chi2_trend(x[is_prop], n[is_prop], years[is_prop])

        def chi_sign(xs, ns, t):
            N = ns.sum(axis=1)
            tbar = (ns * t).sum(axis=1) / N
            return np.sign((xs * (t - tbar[:, None])).sum(axis=1))

        loo = _leave_one_out_signs(chi_sign, years[is_prop], x[is_prop], n[is_prop])
        steady = (loo == sign[:, None]).all(axis=1)
        significant[is_prop] = (stat > chi2_998) & steady & (sign != 0)
        direction[is_prop] = sign
        statistic_out[is_prop] = stat
    if is_reg.any():
        slope, se_b = _weighted_slope(y[is_reg], se[is_reg], years[is_reg])

        def reg_sign(ys, ses, t):
            return np.sign(_weighted_slope(ys, ses, t)[0])

        loo = _leave_one_out_signs(reg_sign, years[is_reg], y[is_reg], se[is_reg])
        sign = np.sign(slope)
        steady = (loo == sign[:, None]).all(axis=1)
        significant[is_reg] = (np.abs(slope / se_b) > z_value(0.998)) & steady & (sign != 0)
        direction[is_reg] = sign
        statistic_out[is_reg] = (slope / se_b) ** 2
    computable = is_prop | is_reg
    label[computable] = "no significant change"
    up_word = np.where(direction > 0, "increasing", "decreasing")
    good = np.where(polarity == "low", -direction, direction) > 0
    judged = np.where(good, " and getting better", " and getting worse")
    text = np.where(np.isin(polarity, ["high", "low"]), np.char.add(up_word.astype(str), judged.astype(str)), up_word)
    label[significant] = text[significant]
    if not with_statistic:
        return label
    return label, statistic_out, _reasons(current, breaks, counted, computable, all_of)


def _reasons(current, breaks, counted, computable, all_of):
    """Why no trend was calculated, row by row ("" where one was)."""
    reasons = np.full(len(current), "", dtype=object)
    since = [""] * len(current)
    if breaks is not None:
        for i, (b, period) in enumerate(zip(breaks, current["period"], strict=True)):
            if isinstance(period, str) and isinstance(b, str) and b:
                start = parse_period(period).start
                passed = [x for x in b.split(",") if parse_period(x).start <= start]
                since[i] = (
                    f" since the definition changed in {max(passed, key=lambda x: parse_period(x).start)}"
                    if passed
                    else ""
                )
    for i in range(len(current)):
        if computable[i]:
            continue
        if not isinstance(current["period"].iloc[i], str):
            reasons[i] = "no data"
        elif all_of[i]:
            reasons[i] = "a count equals its denominator in the series (Fingertips does not test such a series)"
        elif counted[i] < POINTS:
            n = int(counted[i])
            where = since[i] or f" in the last {SPAN} years"
            reasons[i] = f"{n} like-for-like point{'s' if n != 1 else ''}{where} ({POINTS} needed)"
        else:
            reasons[i] = "values only: no counts or intervals to test a trend with"
    return reasons


def history(values, results, areas: list[str], metrics=None):
    """Whole-year values (financial, academic or calendar years) of each result's metric for
    ``areas`` (the council and, say, England), oldest first: the points of a Past Trend chart.
    ``segment`` numbers the metric's definitions (its catalogue ``breaks``): a chart draws no
    line between points of different segments. As at the dashboard's date: a point ending
    after the metric's current period (the latest on or before the reporting date) is left
    out, so a re-run as at an earlier quarter draws nothing dated after it."""

    v = values[
        values["metric_id"].isin(results["metric_id"]) & values["area_code"].isin(areas) & values["value"].notna()
    ]
    columns = ["metric_id", "area_code", "period", "short", "end", "value", "segment"]
    if v.empty:
        return pd.DataFrame(columns=columns)
    v = attach_periods(v[["metric_id", "area_code", "period", "value"]])
    shown = attach_periods(results[["metric_id", "period"]].dropna().astype({"period": str}))
    cut = shown.groupby("metric_id", observed=True)["end"].max()
    v = v[v["is_whole_year"] & (v["end"] <= v["metric_id"].astype(str).map(cut))].copy()
    breaks = v["metric_id"].map(metrics.set_index("metric_id")["breaks"]) if metrics is not None else None
    v["segment"] = definition_side(breaks, v["period"]) if breaks is not None else 0
    return v[columns].sort_values(["metric_id", "area_code", "end"])
