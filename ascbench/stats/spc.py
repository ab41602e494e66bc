"""Statistical process control: XmR charts as NHS England's "Making Data Count" draws them.

The rules are those of NHSRplotthedots (NHS-R Community, MIT licence; ``ptd_spc``,
``ptd_spc_standard``, ``ptd_calculate_point_type``, ``ptd_calculate_assurance_type``), the
R package that reproduces the Making Data Count Excel tools; this is ascbench's own code,
written from their rules and tested against their published values
(``tests/test_stats_spc.py``). Formulas and where ascbench differs: ``docs/methods.md``,
"Statistical process control".

For each series (and each rebased section of it):

* the centre line is the **mean** of the points (of the first ``fix_after_n_points`` only,
  when fixed); NHSRplotthedots offers no median;
* the **moving ranges** |yᵢ − yᵢ₋₁| within the section, and their mean; with
  ``screen_outliers`` (the default, as NHSRplotthedots; Nelson 1982) moving ranges of
  3.267 × that mean or more are dropped and the mean taken again;
* the **process limits** mean ± 2.66 × mean moving range;
* four special-cause rules: a point **outside the limits**; **two of three** consecutive
  points beyond two sigma (2/3 of the way to a limit) on the same side of the mean (the
  two points are flagged); a **shift** of seven points on one side of the mean; a **trend**
  of seven points each higher (or each lower) than the one before. A point takes the first
  rule that holds, in that order;
* each special-cause point is an **improvement** or a **concern** by polarity (neither for
  ``polarity="none"``: neutral high / low);
* the **variation icon** is the type of the series' last point; the **assurance icon**
  compares the target with the latest limits (beyond the limits on the good side: it will
  consistently pass; on the bad side: consistently fail; between: hit or miss).

Everything is vectorised over many series at once (``series=``): the sections are
contiguous blocks of one flat array, and runs and trends are found from run lengths
(cumulative sums), not point by point.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from ascbench.stats.errors import StatsError

LIMIT = 2.66  # process limits: mean ± 2.66 × mean moving range (3 sigma for an XmR chart)
NEAR_LIMIT = 2 * LIMIT / 3  # "close to the limits": beyond 2 sigma
SCREEN = 3.267  # moving ranges of 3.267 × their mean or more are screened out (Nelson 1982)
RUN_LENGTH = 7  # a shift: seven points on one side of the mean (NHSRplotthedots)
TREND_LENGTH = 7  # a trend: seven points each increasing or each decreasing (NHSRplotthedots)
MIN_POINTS = 15  # ascbench's minimum series length (NHSRplotthedots draws any length)
FIX_AT_LEAST = 12  # NHSRplotthedots: fix_after_n_points must be 12 or more
SHORT_GROUP = 13  # NHSRplotthedots' warning threshold: a section of fewer points has trial limits

#: polarity words (ascbench's and NHSRplotthedots' improvement_direction) -> +1, -1, 0
POLARITIES = {"high": 1, "increase": 1, "low": -1, "decrease": -1, "none": 0, "neutral": 0}

POINT_TYPES = (
    "common_cause",
    "special_cause_improvement",
    "special_cause_concern",
    "special_cause_neutral_high",
    "special_cause_neutral_low",
)
#: point colours of NHSRplotthedots ``ptd_spc_colours()``: grey, blue, orange, purple
POINT_COLOURS = {
    "common_cause": "#a6a6a6",
    "special_cause_improvement": "#00b0f0",
    "special_cause_concern": "#e46c0a",
    "special_cause_neutral_high": "#490092",
    "special_cause_neutral_low": "#490092",
}
LINE_COLOURS = {"mean": "#000000", "limits": "#a6a6a6", "target": "#de1b1b", "value": "#a6a6a6"}

#: the Making Data Count variation icons (NHSRplotthedots ``inst/icons/variation``)
VARIATION_ICONS = {
    "common_cause": "Common cause variation",
    "improvement_high": "Special cause variation: improvement, higher values",
    "improvement_low": "Special cause variation: improvement, lower values",
    "concern_high": "Special cause variation: concern, higher values",
    "concern_low": "Special cause variation: concern, lower values",
    "neutral_high": "Special cause variation: higher values, neither improvement nor concern",
    "neutral_low": "Special cause variation: lower values, neither improvement nor concern",
}
#: the Making Data Count assurance icons (NHSRplotthedots ``inst/icons/assurance``)
ASSURANCE_ICONS = {
    "consistent_pass": "Consistently passes the target",
    "consistent_fail": "Consistently fails the target",
    "inconsistent": "Hit or miss: will inconsistently pass and fail the target",
}
#: the icons' colours (their SVG files): blue improvement / pass, orange concern / fail,
#: purple neither, grey common cause / hit or miss
ICON_COLOURS = {
    "common_cause": "#7f7f7f",
    "improvement_high": "#0072c6",
    "improvement_low": "#0072c6",
    "concern_high": "#ff6600",
    "concern_low": "#ff6600",
    "neutral_high": "#8000c0",
    "neutral_low": "#8000c0",
    "consistent_pass": "#0072c6",
    "consistent_fail": "#ff6600",
    "inconsistent": "#7f7f7f",
}


class SpcResult(NamedTuple):
    """:func:`xmr`'s answer: ``points`` (one row per point) and ``summary`` (one row per series)."""

    points: pd.DataFrame
    summary: pd.DataFrame


# ------------------------------------------------------------------------ sections
def _flat(values, name: str) -> np.ndarray:
    try:
        y = np.asarray(values, dtype="float64")
    except (TypeError, ValueError):
        raise StatsError(f"{name} must be numbers", argument=name, expected="a number for every point") from None
    if y.ndim != 1:
        raise StatsError(f"{name} must be one series of numbers", argument=name, expected="a 1-D array of numbers")
    return y


def _section(segment, n: int) -> np.ndarray:
    if segment is None:
        return np.zeros(n, dtype=np.int64)
    seg = np.asarray(segment)
    if seg.shape != (n,):
        raise StatsError("segment has a different length from the values", argument="segment", expected="one per point")
    return seg


def _starts(segment: np.ndarray) -> np.ndarray:
    """True where a section begins (the section id changes)."""
    start = np.ones(segment.shape, dtype=bool)
    start[1:] = segment[1:] != segment[:-1]
    return start


def _position(segment: np.ndarray) -> np.ndarray:
    """Each point's place within its section, from 0."""
    start = _starts(segment)
    index = np.arange(segment.size)
    return index - np.maximum.accumulate(np.where(start, index, 0))


def _section_ids(segment: np.ndarray) -> np.ndarray:
    """Sections numbered 0, 1, ... in order (the ids given may be any labels)."""
    return np.cumsum(_starts(segment)) - 1


def _section_mean(values: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """The mean of the non-missing values of each section, repeated on every point (NaN for
    a section with none)."""
    ok = ~np.isnan(values)
    k = int(ids.max()) + 1 if ids.size else 0
    total = np.bincount(ids, weights=np.where(ok, values, 0.0), minlength=k)
    count = np.bincount(ids, weights=ok.astype("float64"), minlength=k)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (total / np.where(count > 0, count, np.nan))[ids]


def _run_lengths(values: np.ndarray, segment: np.ndarray) -> np.ndarray:
    """The length of the run of equal values (within a section) each point belongs to."""
    start = _starts(segment)
    start[1:] |= values[1:] != values[:-1]
    run = np.cumsum(start) - 1
    return np.bincount(run)[run]


# ----------------------------------------------------------------------- the steps
def fixed_values(y, segment=None, fix_after_n_points: int | None = None) -> np.ndarray:
    """The values the limits are computed from: every point, or only the first
    ``fix_after_n_points`` of each section (the rest NaN), as NHSRplotthedots' ``fix_y``.

    >>> fixed_values([1, 2, 3, 4], fix_after_n_points=2)
    array([ 1.,  2., nan, nan])
    """
    values = _flat(y, "y")
    seg = _section(segment, values.size)
    if fix_after_n_points is None:
        return values
    return np.where(_position(seg) < fix_after_n_points, values, np.nan)


def centre_line(y, segment=None, fix_after_n_points: int | None = None) -> np.ndarray:
    """The mean of each section (of its first ``fix_after_n_points`` points when fixed),
    on every point.

    >>> centre_line([1, 2, 3, 10, 20, 30], segment=[0, 0, 0, 1, 1, 1])
    array([ 2.,  2.,  2., 20., 20., 20.])
    """
    values = fixed_values(y, segment, fix_after_n_points)
    return _section_mean(values, _section_ids(_section(segment, values.size)))


def moving_ranges(y, segment=None, fix_after_n_points: int | None = None) -> np.ndarray:
    """|yᵢ − yᵢ₋₁| within each section: NaN for a section's first point, and after its
    first ``fix_after_n_points`` when fixed.

    >>> moving_ranges([1, 4, 2, 10, 7], segment=[0, 0, 0, 1, 1])
    array([nan,  3.,  2., nan,  3.])
    """
    values = fixed_values(y, segment, fix_after_n_points)
    seg = _section(segment, values.size)
    mr = np.full(values.shape, np.nan)
    mr[1:] = np.abs(np.diff(values))
    mr[_starts(seg)] = np.nan
    return mr


def mean_moving_range(mr, segment=None, screen_outliers: bool = True) -> np.ndarray:
    """The mean moving range of each section, on every point.

    With ``screen_outliers`` (NHSRplotthedots' default) the moving ranges not below
    ``3.267 ×`` the first mean are left out and the mean is taken again (so one very large
    jump does not widen the limits). A section whose moving ranges are all 0 has a mean
    moving range of 0 (NHSRplotthedots' strict ``<`` screens every one of them out and
    leaves no limits).

    >>> mean_moving_range([np.nan, 1, 1, 1, 1, 1, 1, 1, 1, 1, 30])
    array([1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1.])
    >>> float(mean_moving_range([np.nan, 1, 1, 1, 1, 1, 1, 1, 1, 1, 30], screen_outliers=False)[0])
    3.9
    """
    ranges = _flat(mr, "mr")
    ids = _section_ids(_section(segment, ranges.size))
    amr = _section_mean(ranges, ids)
    if not screen_outliers:
        return amr
    with np.errstate(invalid="ignore"):
        kept = np.where(ranges < SCREEN * amr, ranges, np.nan)
    screened = _section_mean(kept, ids)
    return np.where(np.isnan(screened) & (amr == 0), 0.0, screened)


def process_limits(mean, amr) -> tuple[np.ndarray, np.ndarray]:
    """The lower and upper process limits: mean ∓ 2.66 × mean moving range.

    >>> process_limits([10.0], [1.5])
    (array([6.01]), array([13.99]))
    """
    centre, spread = _flat(mean, "mean"), _flat(amr, "amr")
    return centre - LIMIT * spread, centre + LIMIT * spread


def outside_limits(y, lpl, upl) -> np.ndarray:
    """Rule 1: a point above the upper or below the lower process limit (a point on a limit
    is inside).

    >>> outside_limits([1, 5, 9], 2, 8)
    array([ True, False,  True])
    """
    values = _flat(y, "y")
    with np.errstate(invalid="ignore"):
        return (values > np.asarray(upl, dtype="float64")) | (values < np.asarray(lpl, dtype="float64"))


def close_to_limits(y, mean, amr) -> np.ndarray:
    """A point inside the limits but beyond two sigma: further than 2/3 × 2.66 mean moving
    ranges from the mean.

    >>> close_to_limits([10, 13, 14, 7], 10, 1.5)  # 2 sigma at 7.34 and 12.66, limits 6.01 and 13.99
    array([False,  True, False,  True])
    """
    values = _flat(y, "y")
    centre = np.asarray(mean, dtype="float64")
    spread = np.asarray(amr, dtype="float64")
    lpl, upl = centre - LIMIT * spread, centre + LIMIT * spread
    with np.errstate(invalid="ignore"):
        near = (values < centre - NEAR_LIMIT * spread) | (values > centre + NEAR_LIMIT * spread)
        return near & ~((values > upl) | (values < lpl))


def side_of_mean(y, mean) -> np.ndarray:
    """+1 above the mean, −1 below, 0 on it.

    >>> side_of_mean([1, 2, 3], 2)
    array([-1.,  0.,  1.])
    """
    return np.sign(_flat(y, "y") - np.asarray(mean, dtype="float64"))


def two_in_three(close, side, segment=None) -> np.ndarray:
    """Rule 2: two (or three) of three consecutive points close to the limits, all three on
    the same side of the mean. The close points of such a window are flagged (the third,
    nearer the mean, is not), as NHSRplotthedots' ``ptd_two_in_three``.

    >>> two_in_three([0, 1, 0, 1, 0], [1, 1, 1, 1, 1]).astype(int)
    array([0, 1, 0, 1, 0])
    >>> two_in_three([0, 1, 0, 1, 0], [1, 1, -1, 1, 1]).astype(int)  # the window crosses the mean
    array([0, 0, 0, 0, 0])
    """
    near = np.asarray(close, dtype=bool)
    sides = np.asarray(side, dtype="float64")
    seg = _section(segment, near.size)
    n = near.size
    hit = np.zeros(n, dtype=bool)
    if n < 3:
        return hit
    count = near[:-2].astype(int) + near[1:-1] + near[2:]
    total = sides[:-2] + sides[1:-1] + sides[2:]
    window = (count >= 2) & (np.abs(total) == 3) & (seg[:-2] == seg[2:])  # windows starting at 0 .. n-3
    for offset in range(3):  # each point lies in the windows starting 0, 1 or 2 before it
        hit[offset : n - 2 + offset] |= window
    return hit & near


def shift(side, segment=None, length: int = RUN_LENGTH) -> np.ndarray:
    """Rule 3: a point in a run of ``length`` (7) or more consecutive points on the same side
    of the mean (a point on the mean breaks the run).

    >>> shift([1, 1, 1, 1, 1, 1, 1, 1, -1]).astype(int)
    array([1, 1, 1, 1, 1, 1, 1, 1, 0])
    >>> shift([1, 1, 1, 1, 1, 1, -1]).astype(int)
    array([0, 0, 0, 0, 0, 0, 0])
    """
    sides = np.asarray(side, dtype="float64")
    seg = _section(segment, sides.size)
    if sides.size == 0:
        return np.zeros(0, dtype=bool)
    return (sides != 0) & (_run_lengths(sides, seg) >= length)


def trend(y, segment=None, length: int = TREND_LENGTH) -> np.ndarray:
    """Rule 4: +1 for a point in a run of ``length`` (7) or more points each higher than the
    one before, −1 each lower, 0 otherwise (an equal neighbour breaks a trend).

    A point shared by a rising and a falling trend takes the direction of the step after it,
    as NHSRplotthedots labels it.

    >>> trend([2, 1, 2, 3, 4, 5, 6, 7, 3])
    array([0, 1, 1, 1, 1, 1, 1, 1, 0])
    >>> trend([1, 2, 3, 3, 4, 5, 6])
    array([0, 0, 0, 0, 0, 0, 0])
    """
    values = _flat(y, "y")
    seg = _section(segment, values.size)
    n = values.size
    out = np.zeros(n, dtype=np.int64)
    if n < 2:
        return out
    step = np.zeros(n)
    step[1:] = np.sign(np.diff(values))  # step[i]: from point i-1 to point i
    first = _starts(seg)
    step[first] = 0.0
    runs = _run_lengths(step, seg)
    qualifying = (step != 0) & (runs >= length - 1)  # a run of length-1 steps spans length points
    ends = qualifying  # point i ends a qualifying step
    begins = np.zeros(n, dtype=bool)
    begins[:-1] = qualifying[1:] & ~first[1:]  # point i begins one
    part = ends | begins
    if not part.any():
        return out
    # the direction: of the step after the point when the next point is in a trend too,
    # else of the step before it (NHSRplotthedots' ``sdy``); 0 counts as decreasing there
    after = np.zeros(n)
    after[:-1] = np.where(first[1:], 0.0, step[1:])
    after[-1] = step[-1]
    part_next = np.zeros(n, dtype=bool)
    part_next[:-1] = part[1:] & ~first[1:]
    direction = np.where(part & part_next, after, step)
    out[part] = np.where(direction[part] == 1, 1, -1)
    return out


def special_cause_types(
    outside, two_of_three, in_shift, in_trend, side, run_length: int = RUN_LENGTH, trend_length: int = TREND_LENGTH
) -> tuple[np.ndarray, np.ndarray]:
    """Each point's special cause, the first rule that holds (outside the limits, trend,
    two in three, shift), as NHSRplotthedots' labels ("Above UCL", "7 Point Trend
    (Increasing)", "2 in 3 Below CL", "7 Points Above CL", "Common Cause"), and its
    direction: +1 above / increasing, −1 below / decreasing, 0 common cause.

    >>> labels, direction = special_cause_types([0, 1], [0, 0], [0, 0], [1, 0], [1, -1])
    >>> list(labels), direction.tolist()
    (['7 Point Trend (Increasing)', 'Below LCL'], [1, -1])
    """
    out_ = np.asarray(outside, dtype=bool)
    two = np.asarray(two_of_three, dtype=bool)
    run = np.asarray(in_shift, dtype=bool)
    tr = np.asarray(in_trend, dtype=np.int64)
    sides = np.asarray(side, dtype="float64")
    above = sides > 0
    where = np.where(above, "Above", "Below")
    labels = np.select(
        [out_, tr != 0, two, run],
        [
            np.where(sides == 1, "Above UCL", "Below LCL"),
            np.where(tr == 1, f"{trend_length} Point Trend (Increasing)", f"{trend_length} Point Trend (Decreasing)"),
            np.char.add("2 in 3 ", np.char.add(where, " CL")),
            np.char.add(f"{run_length} Points ", np.char.add(where, " CL")),
        ],
        default="Common Cause",
    ).astype(object)
    direction = np.select(
        [out_, tr != 0, two | run],
        [np.where(sides == 1, 1, -1), tr, np.where(above, 1, -1)],
        default=0,
    ).astype(np.int64)
    return labels, direction


def point_types(direction, polarity) -> np.ndarray:
    """``common_cause``, ``special_cause_improvement`` or ``special_cause_concern`` by
    polarity (+1 higher is better, −1 lower is better); with no polarity (0)
    ``special_cause_neutral_high`` / ``_low``.

    >>> list(point_types([1, -1, 0, 1], [1, 1, 1, 0]))
    ['special_cause_improvement', 'special_cause_concern', 'common_cause', 'special_cause_neutral_high']
    """
    d = np.asarray(direction, dtype=np.int64)
    p = np.broadcast_to(np.asarray(polarity, dtype=np.int64), d.shape)
    good = d * p
    judged = np.where(good > 0, "special_cause_improvement", "special_cause_concern")
    neutral = np.where(d > 0, "special_cause_neutral_high", "special_cause_neutral_low")
    return np.where(d == 0, "common_cause", np.where(p == 0, neutral, judged)).astype(object)


def variation_icon(point_type, polarity) -> np.ndarray:
    """The variation icon from the type of a series' **last** point: ``common_cause``,
    ``improvement_high`` / ``_low``, ``concern_high`` / ``_low`` (the side is the polarity's:
    a concern for higher-is-better is low), ``neutral_high`` / ``_low``.

    >>> list(variation_icon(["special_cause_concern", "special_cause_improvement"], [1, -1]))
    ['concern_low', 'improvement_low']
    """
    kind = np.asarray(point_type, dtype=object)
    p = np.broadcast_to(np.asarray(polarity, dtype=np.int64), kind.shape)
    out = np.full(kind.shape, "common_cause", dtype=object)
    out[kind == "special_cause_improvement"] = np.where(p > 0, "improvement_high", "improvement_low")[
        kind == "special_cause_improvement"
    ]
    out[kind == "special_cause_concern"] = np.where(p > 0, "concern_low", "concern_high")[
        kind == "special_cause_concern"
    ]
    out[kind == "special_cause_neutral_high"] = "neutral_high"
    out[kind == "special_cause_neutral_low"] = "neutral_low"
    return out


def assurance_icon(target, lpl, upl, polarity) -> np.ndarray:
    """The assurance icon from the target and the latest process limits: a target above the
    upper limit is ``consistent_fail`` for higher-is-better (``consistent_pass`` for
    lower-is-better), below the lower limit the reverse, otherwise ``inconsistent`` (hit or
    miss; a target on a limit too). No target, or no polarity: None.

    >>> list(assurance_icon([4, 4, 4, 4, np.nan], [1, 5, 1, 1, 1], [3, 7, 5, 3, 3], [1, 1, 1, -1, 1]))
    ['consistent_fail', 'consistent_pass', 'inconsistent', 'consistent_pass', None]
    """
    t = np.atleast_1d(np.asarray(target, dtype="float64"))
    lo = np.broadcast_to(np.asarray(lpl, dtype="float64"), t.shape)
    up = np.broadcast_to(np.asarray(upl, dtype="float64"), t.shape)
    p = np.broadcast_to(np.asarray(polarity, dtype=np.int64), t.shape)
    with np.errstate(invalid="ignore"):
        high = np.where(p > 0, "consistent_fail", "consistent_pass")
        low = np.where(p > 0, "consistent_pass", "consistent_fail")
        icon = np.where(t > up, high, np.where(t < lo, low, "inconsistent")).astype(object)
    icon[np.isnan(t) | (p == 0)] = None
    return icon


# ----------------------------------------------------------------- the whole chart
def _polarity_codes(polarity, n: int) -> np.ndarray:
    if np.ndim(polarity) == 0:  # one polarity for every point: one look-up
        words = pd.Series([polarity])
    else:
        words = pd.Series(np.asarray(polarity, dtype=object))
        if len(words) != n:
            raise StatsError("polarity has a different length from y", argument="polarity", expected="one per point")
    codes = words.map(POLARITIES)
    if codes.isna().any():
        raise StatsError(
            f"polarity {words[codes.isna()].iloc[0]!r} is not known",
            argument="polarity",
            expected="high, low or none (or increase, decrease, neutral)",
        )
    return np.broadcast_to(codes.to_numpy(dtype=np.int64), (n,)).copy()


def _per_series(values, keys: np.ndarray, name: str) -> np.ndarray:
    """A scalar, a mapping {series: value} or one value per point, as one float per point."""
    if values is None:
        return np.full(keys.shape, np.nan)
    if isinstance(values, dict):
        unknown = [k for k in values if k not in set(keys.tolist())]
        if unknown:
            raise StatsError(f"{name} names a series {unknown[0]!r} that is not in the data", argument=name)
        return pd.Series(keys).map(values).to_numpy(dtype="float64")
    out = np.asarray(values, dtype="float64")
    if out.ndim == 0:
        return np.full(keys.shape, float(out))
    if out.shape != keys.shape:
        raise StatsError(f"{name} has a different length from y", argument=name, expected="one per point, or one value")
    return out


def _as_list(points) -> list:
    if isinstance(points, (list, tuple, np.ndarray, pd.Index, pd.Series)):
        return list(points)
    return [points]


def _like(points: list, x: pd.Series) -> pd.Series:
    """Rebase points in the type of the x values (dates as dates, numbers as numbers)."""
    values = pd.Series(points, dtype=object)
    try:
        if pd.api.types.is_datetime64_any_dtype(x):
            return pd.to_datetime(values).astype(x.dtype)
        if pd.api.types.is_numeric_dtype(x):
            return pd.to_numeric(values).astype(x.dtype)
    except (TypeError, ValueError):
        raise StatsError(
            f"rebase points {points!r} are not of the x values' kind", argument="rebase", expected=f"{x.dtype} values"
        ) from None
    return values


def _rebase_flags(rebase, keys: np.ndarray, x: pd.Series) -> np.ndarray:
    """True at each point where a new section starts (a rebase point of its series)."""
    flags = np.zeros(keys.shape, dtype=bool)
    if rebase is None:
        return flags
    if isinstance(rebase, dict):
        known = set(pd.unique(keys).tolist())
        unknown = [k for k in rebase if k not in known]
        if unknown:
            raise StatsError(f"rebase names a series {unknown[0]!r} that is not in the data", argument="rebase")
        listed = {k: _as_list(points) for k, points in rebase.items()}
        wanted = pd.DataFrame(
            {
                "key": pd.Series([k for k, points in listed.items() for _ in points], dtype=object),
                "x": _like([p for points in listed.values() for p in points], x),
            }
        )
    else:
        points, series = _as_list(rebase), pd.unique(keys)
        wanted = pd.DataFrame(
            {"key": pd.Series(np.repeat(series, len(points)), dtype=object), "x": _like(points * len(series), x)}
        )
    if wanted.empty:
        return flags
    have = pd.DataFrame(
        {"key": pd.Series(keys, dtype=object), "x": x.reset_index(drop=True), "at": np.arange(keys.size)}
    )
    found = wanted.merge(have, on=["key", "x"], how="left")
    if found["at"].isna().any():
        key, point = found.loc[found["at"].isna(), ["key", "x"]].iloc[0]
        raise StatsError(
            f"rebase point {point!r} is not a point of the series {key!r}",
            argument="rebase",
            expected="rebase points that are x values of their series",
        )
    flags[found["at"].to_numpy(dtype=np.int64)] = True
    return flags


def _check_whole(value, name: str, low: int) -> None:
    if value is None:
        return
    ok = isinstance(value, (int, np.integer)) and not isinstance(value, bool) and value >= low
    if not ok:
        raise StatsError(f"{name} is {value!r}", argument=name, expected=f"a whole number of {low} or more")


def xmr(
    y,
    x=None,
    *,
    series=None,
    polarity="high",
    target=None,
    rebase=None,
    fix_after_n_points: int | None = None,
    screen_outliers: bool = True,
    run_length: int = RUN_LENGTH,
    trend_length: int = TREND_LENGTH,
    min_points: int = MIN_POINTS,
) -> SpcResult:
    """An XmR (SPC) chart of one or many series, as NHSRplotthedots ``ptd_spc``.

    ``y`` the values; ``x`` their times (anything sortable: dates, periods, numbers; default
    0, 1, 2, ...), unique within a series; ``series`` a key per point for many series at once
    (default: one series). ``polarity``: ``high`` (higher is better), ``low`` or ``none``
    (NHSRplotthedots' ``increase``, ``decrease``, ``neutral`` are accepted), one for all or
    one per point. ``target``: a number, ``{series: number}`` or one per point; it gives the
    assurance icon. ``rebase``: x values where new limits start, for every series, or
    ``{series: [x, ...]}``; each must be a point of its series. ``fix_after_n_points``
    (12 or more): limits from the first n points of each section only.
    ``screen_outliers=False`` keeps every moving range, as the Making Data Count Excel tool.
    ``run_length`` and ``trend_length`` (7, as NHSRplotthedots) set rules 3 and 4. A series
    of fewer than ``min_points`` (15) points is an error (``min_points=2`` for
    NHSRplotthedots' behaviour, which only flags sections under 13 points as trial limits).

    Returns :class:`SpcResult`: ``points``, one row per point in x order: ``[series], x, y,
    rebase_group, mean, lpl, upl, outside_limits, close_to_limits, two_in_three, run, trend,
    relative_to_mean, special_cause_type, special_cause_flag, point_type, short_group_warning,
    target``; ``summary``, one row per series, for its latest section: ``[series],
    rebase_group, n, mean, lpl, upl, common_cause, special_cause_improvement,
    special_cause_concern, special_cause_neutral, variation_type`` (the last point's type),
    ``variation_icon, variation_label, assurance_icon, assurance_label, target``.

    >>> points, summary = xmr([1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1])
    >>> summary.loc[0, ["mean", "lpl", "upl"]].astype(float).round(2).tolist()
    [1.94, -0.72, 4.6]
    >>> points.loc[points["special_cause_flag"], ["x", "y", "point_type"]].to_dict("records")
    [{'x': 4, 'y': 10.0, 'point_type': 'special_cause_improvement'}]
    >>> summary.loc[0, "variation_icon"], summary.loc[0, "assurance_icon"]
    ('common_cause', None)
    """
    # ---- arguments first
    values = _flat(y, "y")
    n = values.size
    if not np.isfinite(values).all():
        raise StatsError("y has a missing or infinite value", argument="y", expected="a number for every point")
    keys = np.zeros(n, dtype=np.int64) if series is None else np.asarray(series, dtype=object)
    if keys.shape != (n,):
        raise StatsError("series has a different length from y", argument="series", expected="one key per point")
    if x is None:
        times = pd.Series(np.arange(n))
    else:
        times = x.reset_index(drop=True) if isinstance(x, pd.Series) else pd.Series(list(x))
    if len(times) != n:
        raise StatsError("x has a different length from y", argument="x", expected="one x per point")
    for name, value, low in (
        ("fix_after_n_points", fix_after_n_points, FIX_AT_LEAST),
        ("run_length", run_length, 2),
        ("trend_length", trend_length, 2),
        ("min_points", min_points, 1),
    ):
        _check_whole(value, name, low)
    if not isinstance(screen_outliers, (bool, np.bool_)):
        raise StatsError(
            f"screen_outliers is {screen_outliers!r}", argument="screen_outliers", expected="True or False"
        )
    codes = _polarity_codes(polarity, n)
    goals = _per_series(target, keys, "target")
    frame = pd.DataFrame({"key": keys, "x": times, "y": values, "p": codes, "target": goals})
    try:
        frame = frame.sort_values(["key", "x"], kind="stable").reset_index(drop=True)
    except TypeError:
        raise StatsError("x values cannot be put in order", argument="x", expected="sortable times") from None
    key_codes = pd.factorize(frame["key"])[0] if n else np.zeros(0, dtype=np.int64)
    series_start = _starts(key_codes)
    xs = frame["x"].to_numpy()
    repeated = ~series_start[1:] & (xs[1:] == xs[:-1])  # sorted: a repeat sits next to its twin
    if repeated.any():
        dup = xs[1:][repeated][0]
        raise StatsError(f"x {dup!r} appears twice in a series", argument="x", expected="one point per x in a series")
    sizes = np.bincount(key_codes)[key_codes] if n else np.zeros(0, dtype=np.int64)
    if n == 0 or (sizes < min_points).any():
        short = int(sizes.min()) if n else 0
        raise StatsError(
            f"a series has {short} points; an SPC chart needs {min_points} or more",
            argument="y",
            expected=f"{min_points} or more points in each series (min_points= to change it)",
        )
    first_of_series = np.flatnonzero(series_start)  # index of each series' first point
    polarity_codes = frame["p"].to_numpy()
    if (polarity_codes != polarity_codes[first_of_series][key_codes]).any():
        raise StatsError("a series has more than one polarity", argument="polarity", expected="one polarity per series")
    flags = _rebase_flags(rebase, frame["key"].to_numpy(), frame["x"])

    # ---- the sections: a new one where the series changes or at a rebase point
    so_far = np.cumsum(flags)
    before = so_far[first_of_series] - flags[first_of_series]
    rebase_group = so_far - before[key_codes]  # NHSRplotthedots: cumsum(rebase) within the series
    section = np.cumsum(series_start | flags) - 1
    y_sorted = frame["y"].to_numpy()

    # ---- limits
    mean = centre_line(y_sorted, section, fix_after_n_points)
    amr = mean_moving_range(moving_ranges(y_sorted, section, fix_after_n_points), section, screen_outliers)
    lpl, upl = process_limits(mean, amr)

    # ---- rules
    side = side_of_mean(y_sorted, mean)
    outside = outside_limits(y_sorted, lpl, upl)
    close = close_to_limits(y_sorted, mean, amr)
    two = two_in_three(close, side, section)
    run = shift(side, section, run_length)
    tr = trend(y_sorted, section, trend_length)
    labels, direction = special_cause_types(outside, two, run, tr, side, run_length, trend_length)
    kinds = point_types(direction, polarity_codes)
    section_size = np.bincount(section)[section]

    points = pd.DataFrame(
        {
            "series": frame["key"],
            "x": frame["x"],
            "y": y_sorted,
            "rebase_group": rebase_group,
            "mean": mean,
            "lpl": lpl,
            "upl": upl,
            "outside_limits": outside,
            "close_to_limits": close,
            "two_in_three": two,
            "run": run,
            "trend": tr != 0,
            "relative_to_mean": side,
            "special_cause_type": labels,
            "special_cause_flag": direction != 0,
            "point_type": kinds,
            "short_group_warning": section_size < SHORT_GROUP,
            "target": frame["target"].to_numpy(),
        }
    )
    summary = _summary(points, polarity_codes, section, key_codes)
    if series is None:
        points = points.drop(columns="series")
        summary = summary.drop(columns="series")
    return SpcResult(points, summary)


def _summary(points: pd.DataFrame, polarity_codes: np.ndarray, section: np.ndarray, key_codes: np.ndarray):
    """One row per series, for its latest section (NHSRplotthedots' ``summary`` of the last
    rebase group, with the icons of ``ptd_get_icons``). The points are in series order."""
    m = int(key_codes.max()) + 1
    last = np.flatnonzero(np.r_[key_codes[1:] != key_codes[:-1], True])  # each series' last point
    latest = section == section[last][key_codes]  # the points of each series' latest section
    kind = points["point_type"].to_numpy()

    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(key_codes[mask & latest], minlength=m)

    at_last = points.iloc[last]
    target = at_last["target"].to_numpy(dtype="float64")
    lpl, upl = at_last["lpl"].to_numpy(dtype="float64"), at_last["upl"].to_numpy(dtype="float64")
    variation_type = kind[last]
    variation = variation_icon(variation_type, polarity_codes[last])
    assurance = assurance_icon(target, lpl, upl, polarity_codes[last])
    return pd.DataFrame(
        {
            "series": at_last["series"].to_numpy(),
            "rebase_group": at_last["rebase_group"].to_numpy(),
            "n": count(np.ones(kind.shape, dtype=bool)),
            "mean": at_last["mean"].to_numpy(dtype="float64"),
            "lpl": lpl,
            "upl": upl,
            "common_cause": count(kind == "common_cause"),
            "special_cause_improvement": count(kind == "special_cause_improvement"),
            "special_cause_concern": count(kind == "special_cause_concern"),
            "special_cause_neutral": count(np.isin(kind, ["special_cause_neutral_high", "special_cause_neutral_low"])),
            "variation_type": variation_type,
            "variation_icon": variation,
            "variation_label": pd.Series(variation).map(VARIATION_ICONS).to_numpy(dtype=object),
            "assurance_icon": assurance,
            "assurance_label": pd.Series(assurance, dtype=object).map(ASSURANCE_ICONS).to_numpy(dtype=object),
            "target": target,
        }
    )
