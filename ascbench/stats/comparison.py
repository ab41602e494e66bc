"""Significance comparisons with a benchmark or target, as numeric codes (vectorised).

Codes: 1 better, 0 similar, -1 worse, 2 higher, -2 lower (polarity ``none``), 3 best and -3
worst (significant at the higher of two levels), NaN not compared. The engine's rating rules
(:mod:`ascbench.engine.rules`) build on these; :func:`ascbench.stats.compare` gives them as
words.

Boundary conventions (``docs/methods.md``, "Boundaries"):

* ``limits_equal="similar"`` (ascbench's default, and Fingertips' for comparisons with a
  benchmark *value*): a confidence limit equal to the benchmark is inside, so similar.
* ``limits_equal="significant"`` (Fingertips' comparison with a *target*): a limit equal to
  the target counts as significant, so better or worse.
"""

from __future__ import annotations

import numpy as np

from ascbench.stats.errors import StatsError

BETTER, SIMILAR, WORSE, HIGHER, LOWER = 1, 0, -1, 2, -2
BEST, WORST = 3, -3  # significant at the higher of two confidence levels
LIMITS_EQUAL = ("similar", "significant")
RANGE_EDGES = ("fingertips", "mirrored")  # judge_range_target: Fingertips' [low, high), or mirrored for low-is-good

RATING_WORDS = {
    BETTER: "better",
    SIMILAR: "similar",
    WORSE: "worse",
    HIGHER: "higher",
    LOWER: "lower",
    BEST: "best",
    WORST: "worst",
}


def words(codes, vocabulary: dict, missing: str) -> np.ndarray:
    """Map numeric codes to words; NaN (or a code not in ``vocabulary``) -> ``missing``."""
    codes = np.atleast_1d(np.asarray(codes, dtype="float64"))
    out = np.full(codes.shape, missing, dtype=object)
    for code, word in vocabulary.items():
        out[codes == code] = word
    return out


def _check_limits_equal(limits_equal: str) -> None:
    if limits_equal not in LIMITS_EQUAL:
        raise StatsError(
            f"limits_equal {limits_equal!r} is not a convention",
            argument="limits_equal",
            expected="similar or significant",
        )


def direction_code(side, polarity):
    """side: +1 significantly higher, -1 significantly lower, 0 similar, NaN not compared."""
    side = np.asarray(side, dtype="float64")
    polarity = np.asarray(polarity, dtype=object)
    good = np.where(polarity == "low", -side, side)
    code = np.where(side == 0, SIMILAR, np.where(good > 0, BETTER, WORSE)).astype("float64")
    code = np.where(polarity == "none", np.where(side == 0, SIMILAR, np.where(side > 0, HIGHER, LOWER)), code)
    return np.where(np.isnan(side), np.nan, code)


def interval_side(lower, upper, reference, limits_equal: str = "similar"):
    """+1 where the interval lies above the reference, -1 below, 0 overlapping, NaN missing.

    With ``limits_equal="similar"`` the interval is above when ``lower > reference``; with
    ``"significant"`` when ``lower >= reference`` (and below likewise)."""
    _check_limits_equal(limits_equal)
    lower = np.asarray(lower, dtype="float64")
    upper = np.asarray(upper, dtype="float64")
    reference = np.asarray(reference, dtype="float64")
    if limits_equal == "similar":
        above, below = lower > reference, upper < reference
    else:
        above, below = lower >= reference, upper <= reference
    side = np.where(above, 1.0, np.where(below, -1.0, 0.0))
    return np.where(np.isnan(lower) | np.isnan(upper) | np.isnan(reference), np.nan, side)


def judge_interval(lower, upper, reference, polarity, range_low=None, range_high=None, limits_equal: str = "similar"):
    """Fingertips "confidence interval overlapping the benchmark": similar when the
    benchmark lies within [lower, upper] (inclusive, unless ``limits_equal="significant"``);
    otherwise higher or lower, judged by polarity. For polarity ``range``: the interval inside
    the band is better, overlapping it similar, clear of it worse. A missing limit or
    benchmark gives NaN (not compared)."""
    lower = np.asarray(lower, dtype="float64")
    upper = np.asarray(upper, dtype="float64")
    polarity = np.asarray(polarity, dtype=object)
    code = direction_code(interval_side(lower, upper, reference, limits_equal), polarity)
    is_range = polarity == "range"
    if is_range.any():
        n = lower.shape
        low = np.broadcast_to(np.asarray(range_low, dtype="float64"), n)
        high = np.broadcast_to(np.asarray(range_high, dtype="float64"), n)
        inside = (lower >= low) & (upper <= high)
        clear = (upper < low) | (lower > high)
        range_code = np.where(inside, BETTER, np.where(clear, WORSE, SIMILAR))
        range_code = np.where(np.isnan(lower) | np.isnan(upper), np.nan, range_code)
        code = np.where(is_range, range_code, code)
    return code


def judge_two_levels(lower95, upper95, lower998, upper998, reference, polarity, limits_equal: str = "similar"):
    """Fingertips' comparison at both 95% and 99.8%: significant at 99.8% is best/worst
    (higher/lower without polarity), at 95% only better/worse, else similar."""
    at95 = judge_interval(lower95, upper95, reference, polarity, limits_equal=limits_equal)
    at998 = judge_interval(lower998, upper998, reference, polarity, limits_equal=limits_equal)
    strong = np.where(at998 == BETTER, BEST, np.where(at998 == WORSE, WORST, at998))
    return np.where(np.isin(at998, [BETTER, WORSE, HIGHER, LOWER]), strong, at95)


def judge_control_limits(value, lower_limit, upper_limit, polarity):
    """Statistical process control: a value outside the control limits around the benchmark
    is significantly higher or lower (inclusive limits count as inside)."""
    value = np.asarray(value, dtype="float64")
    lo = np.asarray(lower_limit, dtype="float64")
    up = np.asarray(upper_limit, dtype="float64")
    side = np.where(value > up, 1.0, np.where(value < lo, -1.0, 0.0))
    side = np.where(np.isnan(value) | np.isnan(lo) | np.isnan(up), np.nan, side)
    return direction_code(side, polarity)


def _check_range_edges(edges: str) -> None:
    if edges not in RANGE_EDGES:
        raise StatsError(
            f"range edges {edges!r} is not a convention",
            argument="edges",
            expected="fingertips or mirrored",
        )


def judge_range_target(value, target_low, target_high, polarity, edges: str = "fingertips"):
    """A value against a directional target range ``[target_low, target_high)``: Fingertips'
    range goal (``RangeTargetComparer``), as codes (1 better, 0 similar, -1 worse; 2 higher,
    -2 lower for polarity ``none``).

    ``edges="fingertips"`` (the default): the band is ``[low, high)`` for every polarity. A
    value below ``low`` is on the low side, one at or above ``high`` on the high side,
    anything from ``low`` up to (not including) ``high`` similar. High is good: high side
    better, low side worse; low is good: low side better, high side worse; polarity ``none``:
    higher / lower. So for low-is-good a value on ``low`` is similar and a value on ``high``
    worse (Fingertips' own test data).

    ``edges="mirrored"``: ascbench's earlier convention; for low-is-good the high-is-good
    rule is mirrored, the band ``(low, high]``: at or below ``low`` better, above ``high``
    worse. High-is-good and ``none`` are the same as Fingertips'.

    ``target_low`` above ``target_high`` is an error (Fingertips rejects it too); they may be
    equal. A missing value or bound gives NaN.

    >>> judge_range_target([0, 1, 1.5, 2, 3], 1, 2, "low")
    array([ 1.,  0.,  0., -1., -1.])
    >>> judge_range_target([0, 1, 1.5, 2, 3], 1, 2, "high")
    array([-1.,  0.,  0.,  1.,  1.])
    >>> judge_range_target([0, 1, 1.5, 2, 3], 1, 2, "low", edges="mirrored")
    array([ 1.,  1.,  0.,  0., -1.])
    """
    _check_range_edges(edges)
    value = np.asarray(value, dtype="float64")
    polarity = np.broadcast_to(np.asarray(polarity, dtype=object), value.shape)
    low = np.broadcast_to(np.asarray(target_low, dtype="float64"), value.shape)
    high = np.broadcast_to(np.asarray(target_high, dtype="float64"), value.shape)
    with np.errstate(invalid="ignore"):
        if np.any(low > high):
            raise StatsError(
                "the lower bound of the target range is above the upper bound",
                argument="target_low",
                expected="target_low no greater than target_high",
            )
        side = np.where(value < low, -1.0, np.where(value >= high, 1.0, 0.0))
        if edges == "mirrored":
            mirrored = np.where(value <= low, -1.0, np.where(value > high, 1.0, 0.0))
            side = np.where(polarity == "low", mirrored, side)
    side = np.where(np.isnan(value) | np.isnan(low) | np.isnan(high), np.nan, side)
    return direction_code(side, polarity)


def compare(
    value,
    lower,
    upper,
    benchmark,
    polarity: str = "high",
    *,
    range_low=None,
    range_high=None,
    limits_equal: str = "similar",
):
    """Fingertips' comparison with a benchmark by confidence interval overlap, in words.

    The interval [lower, upper] containing the benchmark is "similar" (a limit equal to the
    benchmark counts as containing it unless ``limits_equal="significant"``, Fingertips'
    rule for targets); an interval wholly above it is "better" for polarity ``high``,
    "worse" for ``low``, and "higher" for ``none`` (and conversely below). For polarity
    ``range`` the interval inside ``[range_low, range_high]`` is "better", overlapping it
    "similar", clear of it "worse". A missing value, limit or benchmark gives
    "not compared". Returns an array of words.

    >>> compare([80, 90], [75, 86], [85, 94], 85, "high")  # 75-85 contains 85; 86-94 lies above it
    array(['similar', 'better'], dtype=object)
    >>> compare(80, 75, 85, 85, "high", limits_equal="significant")  # Fingertips' rule for a target
    array(['worse'], dtype=object)
    """
    _check_limits_equal(limits_equal)
    value = np.atleast_1d(np.asarray(value, dtype="float64"))
    lower = np.broadcast_to(np.asarray(lower, dtype="float64"), value.shape)
    upper = np.broadcast_to(np.asarray(upper, dtype="float64"), value.shape)
    pol = np.broadcast_to(np.asarray(polarity, dtype=object), value.shape)
    bench = np.broadcast_to(np.asarray(benchmark, dtype="float64"), value.shape)
    codes = judge_interval(lower, upper, bench, pol, range_low, range_high, limits_equal)
    codes = np.where(np.isnan(value), np.nan, codes)
    return words(codes, RATING_WORDS, "not compared")
