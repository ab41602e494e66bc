"""The judgement rules shared by ratings and directions of travel, vectorised.

One function, :func:`judge`, decides whether a value is better, similar or worse than a
reference (a comparator for a rating, the previous value for a direction of travel) given

* the metric's **polarity**: ``high`` (higher is better), ``low`` (lower is better),
  ``range`` (inside the band ``[range_low, range_high]`` is best; further outside is worse)
  or ``none`` (no judgement: higher / similar / lower);
* the **method**: ``tolerance`` (similar when the difference is within the tolerance, else
  better or worse by polarity), or ``target`` (met or beaten is better; short by no more than
  the tolerance is similar; further short is worse);
* the **tolerance**: absolute (in the metric's display units: percentage points for a
  percentage, per 100,000 for a rate) or relative (a percentage of the reference).

Boundaries are inclusive: a difference exactly equal to the tolerance is "similar".
The result is a numeric code: 1 better, 0 similar, -1 worse, 2 higher, -2 lower
(polarity none), NaN not compared. The callers map codes to words.
"""

from __future__ import annotations

import numpy as np

from ascbench.stats.comparison import (  # noqa: F401  the codes and interval judgements are statistics
    BEST,
    BETTER,
    HIGHER,
    LOWER,
    RATING_WORDS,
    SIMILAR,
    WORSE,
    WORST,
    direction_code,
    judge_control_limits,
    judge_interval,
    judge_two_levels,
    words,
)

_EPS = 1e-9


def tolerance(reference, within, relative):
    """The tolerance in the value's units: ``within`` or ``within``% of |reference|."""
    reference = np.asarray(reference, dtype="float64")
    within = np.asarray(within, dtype="float64")
    return np.where(np.asarray(relative, dtype=bool), within / 100.0 * np.abs(reference), within)


def _band_distance(value, low, high):
    return np.where(value < low, low - value, np.where(value > high, value - high, 0.0))


def judge(value, reference, polarity, method, within, relative, range_low=None, range_high=None):
    """Vectorised judgement of ``value`` against ``reference`` (see module docstring)."""
    value = np.asarray(value, dtype="float64")
    reference = np.asarray(reference, dtype="float64")
    polarity = np.asarray(polarity, dtype=object)
    method = np.broadcast_to(np.asarray(method, dtype=object), value.shape)
    n = value.shape
    low = np.broadcast_to(np.asarray(range_low if range_low is not None else np.nan, dtype="float64"), n)
    high = np.broadcast_to(np.asarray(range_high if range_high is not None else np.nan, dtype="float64"), n)
    tol = tolerance(reference, within, relative)
    slack = tol + _EPS * np.maximum(1.0, np.abs(reference))
    diff = value - reference

    sign = np.where(polarity == "low", -1.0, 1.0)
    good = diff * sign  # > 0 means better, for high and low polarity
    code = np.where(np.abs(diff) <= slack, SIMILAR, np.where(good > 0, BETTER, WORSE)).astype("float64")
    # target: met or beaten is better; short within the tolerance is similar; else worse
    target = method == "target"
    code = np.where(target & (good >= -_EPS * np.maximum(1.0, np.abs(reference))), BETTER, code)
    code = np.where(target & (good < 0) & (np.abs(diff) <= slack), SIMILAR, code)
    code = np.where(target & (good < 0) & (np.abs(diff) > slack), WORSE, code)
    # no polarity: higher / similar / lower, without judgement
    none = polarity == "none"
    code = np.where(none, np.where(np.abs(diff) <= slack, SIMILAR, np.where(diff > 0, HIGHER, LOWER)), code)
    # range: distance outside the band; a reference only sets the tolerance's scale
    is_range = polarity == "range"
    if is_range.any():
        d_value = _band_distance(value, low, high)
        band_tol = tolerance(np.where(value < low, low, high), within, relative) + _EPS
        range_code = np.where(d_value == 0, BETTER, np.where(d_value <= band_tol, SIMILAR, WORSE))
        code = np.where(is_range, range_code, code)
    missing = np.isnan(value) | (np.isnan(reference) & ~is_range)
    return np.where(missing, np.nan, code)


def judge_change(current, previous, polarity, within, relative, range_low=None, range_high=None):
    """Direction of travel: is ``current`` better, similar or worse than ``previous``?

    For polarity ``range``: entering the band is improved and leaving it worse, whatever the
    distance; both inside is similar; both outside compares the distances outside the band
    (closer is better) with the tolerance.
    """
    current = np.asarray(current, dtype="float64")
    previous = np.asarray(previous, dtype="float64")
    polarity = np.asarray(polarity, dtype=object)
    n = current.shape
    low = np.broadcast_to(np.asarray(range_low if range_low is not None else np.nan, dtype="float64"), n)
    high = np.broadcast_to(np.asarray(range_high if range_high is not None else np.nan, dtype="float64"), n)
    is_range = polarity == "range"
    # range: compare distances from the band as a "low is good" quantity
    cur = np.where(is_range, _band_distance(current, low, high), current)
    prev = np.where(is_range, _band_distance(previous, low, high), previous)
    effective = np.where(is_range, "low", polarity)
    code = judge(cur, prev, effective, "tolerance", within, relative)
    if is_range.any():
        inside_now, inside_before = (cur == 0) & ~np.isnan(current), (prev == 0) & ~np.isnan(previous)
        code = np.where(is_range & inside_now & ~inside_before & ~np.isnan(previous), BETTER, code)
        code = np.where(is_range & ~inside_now & inside_before & ~np.isnan(current), WORSE, code)
        code = np.where(is_range & inside_now & inside_before, SIMILAR, code)
    return code


DOT_WORDS = {
    BETTER: "improved",
    SIMILAR: "similar",
    WORSE: "worse",
    HIGHER: "increased",
    LOWER: "decreased",
    BEST: "improved",
    WORST: "worse",
}
RAG = {BETTER: "green", SIMILAR: "amber", WORSE: "red", HIGHER: "blue", LOWER: "blue", BEST: "green", WORST: "red"}
