"""Direction of travel: the current value against the previous one.

Like is compared with like only: two periods are comparable when both are snapshots or both
cover the same number of months (:meth:`ascbench.periods.Period.comparable`). Otherwise the
direction is "not comparable", unless the metric says ``compare_unequal_periods: true``
(for instance a year-to-date proportion against the previous full year, a comparison the
report makes). The judgement uses :func:`ascbench.engine.rules.judge_change` with the
metric's direction tolerance and polarity: ``direction: {polarity: high}`` judges the change
by its own polarity (a measure rated against a band whose every rise counts as improvement),
else the metric's.

A metric whose catalogue entry declares ``breaks: [2024-25]`` changed its definition (or data
source) at that period: a current value from 2024-25 on is never compared with a previous one
from before it, and the direction is "definition changed".

Words: improved / similar / worse (increased / similar / decreased for a metric without
polarity), "not comparable", "definition changed", "no previous data", "not compared" (a
value is missing or suppressed), "n/a" (the metric says ``direction: {method: none}``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ascbench.engine.rules import DOT_WORDS, direction_code, judge_change, words
from ascbench.periods import definition_side, like_for_like, period_frame


def attach_direction(current, metrics):
    """Add ``dot``, ``change`` and ``change_pct`` to rows that carry previous values."""
    cur = current.copy()
    meta = metrics.set_index("metric_id")
    prev_periods = period_frame(cur["previous_period"].dropna()).set_index("period")
    prev_months = cur["previous_period"].map(prev_periods["months"])
    prev_snapshot = cur["previous_period"].map(prev_periods["is_snapshot"])
    cur["previous_label"] = cur["previous_period"].map(prev_periods["label"])
    same_shape = pd.Series(
        like_for_like(cur["months"], cur["is_snapshot"], prev_months, prev_snapshot.astype("boolean").fillna(False)),
        index=cur.index,
    )
    unequal_ok = cur["metric_id"].map(meta["dot_unequal_ok"]).astype(bool)
    comparable = same_shape | unequal_ok
    polarity = cur["metric_id"].map(meta["dot_polarity"] if "dot_polarity" in meta.columns else meta["polarity"])
    codes = judge_change(
        cur["value"],
        cur["previous_value"],
        polarity,
        cur["metric_id"].map(meta["dot_within"]),
        cur["metric_id"].map(meta["dot_relative"]).astype(bool),
        cur["metric_id"].map(meta["range_low"]),
        cur["metric_id"].map(meta["range_high"]),
    )
    method = cur["metric_id"].map(meta["dot_method"]).fillna("tolerance")
    for level in ("95", "998"):
        mask = (method == f"ci_overlap{level}").to_numpy()
        if mask.any() and f"previous_lower{level}" in cur.columns:
            codes = np.where(
                mask,
                intervals_overlap(
                    cur[f"lower{level}"],
                    cur[f"upper{level}"],
                    cur[f"previous_lower{level}"],
                    cur[f"previous_upper{level}"],
                    cur["value"],
                    cur["previous_value"],
                    polarity,
                ),
                codes,
            )
    dot = words(codes, DOT_WORDS, "not compared")
    has_previous = cur["previous_period"].notna().to_numpy()
    breaks = cur["metric_id"].map(meta["breaks"]) if "breaks" in meta.columns else None
    changed = np.zeros(len(cur), dtype=bool)
    if breaks is not None and (breaks.fillna("") != "").any():
        changed = definition_side(breaks, cur["period"]) != definition_side(breaks, cur["previous_period"])
        changed &= has_previous
    dot = np.where(has_previous, np.where(comparable.to_numpy(), dot, "not comparable"), "no previous data")
    dot = np.where(changed, "definition changed", dot)
    dot = np.where(cur["metric_id"].map(meta["dot_method"]).to_numpy() == "none", "n/a", dot)
    cur["dot"] = dot
    cur["dot_basis"] = np.where(
        has_previous,
        cur["period"].astype(str)
        + " vs "
        + cur["previous_period"].fillna("").astype(str)
        + np.where(
            same_shape,
            "",
            np.where(
                unequal_ok, " (periods of different length, allowed by the catalogue)", " (periods of different length)"
            ),
        )
        + np.where(changed, " (definition changed between them)", ""),
        "",
    )
    cur["dot_method"] = np.where(cur["dot"] == "n/a", "", method)
    cur["change"] = cur["value"] - cur["previous_value"]
    with np.errstate(divide="ignore", invalid="ignore"):
        cur["change_pct"] = cur["change"] / cur["previous_value"].abs() * 100
    return cur


def intervals_overlap(lower, upper, prev_lower, prev_upper, value, previous, polarity):
    """Direction by significance: two intervals that overlap (touching counts) are
    "similar"; otherwise the change is improved or worse by polarity."""
    lower, upper = np.asarray(lower, dtype="float64"), np.asarray(upper, dtype="float64")
    prev_lower, prev_upper = np.asarray(prev_lower, dtype="float64"), np.asarray(prev_upper, dtype="float64")
    side = np.where(lower > prev_upper, 1.0, np.where(upper < prev_lower, -1.0, 0.0))
    missing = np.isnan(lower) | np.isnan(upper) | np.isnan(prev_lower) | np.isnan(prev_upper)
    missing |= np.isnan(np.asarray(value, dtype="float64")) | np.isnan(np.asarray(previous, dtype="float64"))
    return direction_code(np.where(missing, np.nan, side), polarity)
