"""The gap to a target value in whole people or events: how many more (or fewer) in the
numerator, at the current denominator, would reach a target.

A proportion is ``numerator / denominator × multiplier``, a rate ``count / population ×
multiplier``, a count the count. The smallest whole numerator that reaches the target is
found exactly: every number is read as the decimal it is written as (77.1 is 771/10, not the
binary double nearest it, as ``ascbench.render.numbers.round_half_away`` reads values) and
the inequality is solved in integers, so a threshold that is a whole number of people is
never missed by a rounding error. Vectorised over arrays (``docs/methods.md``, "The gap to a
target").

Two readings of "reaches 77.1%", both offered:

* ``reach="value"`` (the default): the value itself, unrounded, is at least the target
  (at most, for low-is-good);
* ``reach="displayed"``: the value *as published*, rounded half away from zero to
  ``decimals`` places, is at least the target (so 77.05% counts, since it prints as 77.1%).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ascbench.stats.errors import StatsError

STATISTICS = ("proportion", "rate", "count")
REACH = ("value", "displayed")
MAX_PLACES = 12  # decimals a number is read to
SAFE = 2**62  # int64 products below this are exact; from it, Python integers are used


def decimal_places(values) -> int:
    """The fewest decimal places (0 to 12) that write every value as it reads: 77.1 -> 1,
    2805 -> 0, 0.7705 -> 4. Missing values are ignored.

    >>> decimal_places([77.1, 2805, 0.7705])
    4
    """
    x = np.asarray(values, dtype="float64")
    x = x[np.isfinite(x)]
    for places in range(MAX_PLACES + 1):
        scaled = x * 10.0**places
        if np.all(np.abs(scaled - np.round(scaled)) <= 1e-9 * np.maximum(1.0, np.abs(scaled))):
            return places
    return MAX_PLACES


def _scaled(values: np.ndarray, places: int) -> np.ndarray:
    """Whole numbers ``values × 10^places`` (as the decimals read), int64 where safe, else
    Python integers; missing values as 0 (the caller masks them)."""
    x = np.where(np.isfinite(values), values, 0.0) * 10.0**places
    ints = np.round(x)
    if np.all(np.abs(ints) < 2**53):
        return ints.astype(np.int64)
    return np.array([int(v) for v in ints], dtype=object)  # beyond doubles' whole numbers: exact Python ints


def _ceil_div(a: np.ndarray, b: int) -> np.ndarray:
    return -((-a) // b)


def _check(statistic, reach, polarity, decimals, multiplier, confidence) -> None:
    if statistic not in STATISTICS:
        raise StatsError(f"no gap for a {statistic!r}", argument="statistic", expected="proportion, rate or count")
    if reach not in REACH:
        raise StatsError(f"reach {reach!r} is not a reading", argument="reach", expected="value or displayed")
    bad = sorted({str(p) for p in np.atleast_1d(np.asarray(polarity, dtype=object)) if p not in ("high", "low")})
    if bad:
        raise StatsError(
            f"polarity {bad[0]!r} has no direction to close a gap in",
            argument="polarity",
            expected="high (reach at least the target) or low (at most)",
        )
    if not (isinstance(decimals, (int, np.integer)) and not isinstance(decimals, bool) and 0 <= decimals <= 9):
        raise StatsError(f"decimals is {decimals!r}", argument="decimals", expected="a whole number from 0 to 9")
    if not (np.isfinite(multiplier) and multiplier > 0):
        raise StatsError(f"multiplier is {multiplier!r}", argument="multiplier", expected="a positive number")
    if not 0 < confidence < 1:
        raise StatsError(f"confidence {confidence!r} is outside (0, 1)", argument="confidence", expected="0.95")


def gap_to_target(
    numerator,
    denominator,
    target,
    *,
    statistic: str = "proportion",
    multiplier: float = 100,
    polarity="high",
    reach: str = "value",
    decimals: int = 1,
    comparator=None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """The smallest whole change in the numerator, at the current denominator, that reaches
    ``target`` (at least it for ``polarity="high"``, at most for ``"low"``).

    ``statistic``: ``proportion`` (``numerator`` of ``denominator``; the new numerator stays
    within 0 and the denominator), ``rate`` (a count per ``denominator`` population ×
    ``multiplier``) or ``count`` (the denominator is not used). ``reach``: ``value`` (the
    unrounded value reaches the target) or ``displayed`` (the value rounded half away from
    zero to ``decimals`` places does). With a ``comparator`` (a value in the same units,
    such as England's), the value at the target numerator is compared with it at
    ``confidence`` as :func:`ascbench.stats.compare` does, with Wilson limits for a proportion
    and Poisson limits (exact below 10 events, Byar's from 10) for a rate or count.

    Returns one row per input: ``numerator, denominator, value, target, target_numerator``
    (the boundary: the fewest that reach a high-is-good target, the most that stay within a
    low-is-good one), ``change`` (target_numerator − numerator: negative is fewer),
    ``needed`` (how many more, or fewer for low-is-good, are needed: 0 when already
    reached), ``met``, ``reachable`` (False when no whole numerator within range reaches
    it: then the boundary is missing), ``value_at_target``, and with a comparator
    ``lower, upper, significance``. A zero or missing denominator, or a missing numerator
    or target, gives a row of missing values (not met, not reachable).

    ASCOF 2A 2024-25 (2,067 of 2,805 = 73.7%) against England's 77.1%:

    >>> gap = gap_to_target(2067, 2805, 77.1)
    >>> gap.loc[0, ["target_numerator", "change", "needed"]].tolist()
    [2163, 96, 96]
    >>> int(gap_to_target(2067, 2805, 77.1, reach="displayed").loc[0, "needed"])  # 2,162 of 2,805 prints 77.1%
    95
    """
    _check(statistic, reach, polarity, decimals, multiplier, confidence)
    if statistic == "count":
        multiplier = 1  # a count is its own value
    x = np.atleast_1d(np.asarray(numerator, dtype="float64"))
    n = np.atleast_1d(np.asarray(1.0 if statistic == "count" else denominator, dtype="float64"))
    t = np.atleast_1d(np.asarray(target, dtype="float64"))
    try:
        x, n, t = np.broadcast_arrays(x, n, t)
    except ValueError:
        raise StatsError(
            "numerator, denominator and target differ in length", argument="target", expected="one per row, or one"
        ) from None
    pol = np.broadcast_to(np.asarray(polarity, dtype=object), x.shape)
    present = ~np.isnan(x)
    if np.any(x[present] < 0) or np.any(x[present] != np.round(x[present])):
        raise StatsError("a numerator is not a whole number of 0 or more", argument="numerator", expected="counts")
    usable = present & np.isfinite(t) & (n > 0)
    if statistic == "proportion":
        whole = n[usable] == np.round(n[usable])
        if not whole.all():
            raise StatsError("a denominator is not a whole number", argument="denominator", expected="counts")
        if np.any(x[usable] > n[usable]):
            raise StatsError(
                "a numerator is greater than its denominator",
                argument="numerator",
                expected="a numerator no greater than the denominator for a proportion",
            )

    # ---- the threshold in integers: with t = T/10^a, n = D/10^b, multiplier = M/10^c,
    # numerator'/n x multiplier >= t  <=>  numerator' x M x 10^(a+b) >= T x D x 10^c
    a = decimal_places(t[usable])  # the target's places
    b = decimal_places(n[usable])  # the denominator's (a population may have some)
    c = decimal_places([multiplier])
    if reach == "displayed":  # bounds on the grid of the displayed places, and half a unit
        a = max(a, decimals + 1)
    T, D = _scaled(t, a), _scaled(n, b)
    scale = round(multiplier * 10**c) * 10 ** (a + b)
    tens = 10**c
    if reach == "displayed":
        unit = 10 ** (a - decimals)  # one unit of the last displayed place, in 10^-a
        half = unit // 2
        # high: the value prints at least t when it is at least (the smallest printable value
        # >= t) - half, a half rounding up (away from zero); low: it prints at most t when it
        # is below (the largest printable value <= t) + half
        t_high, t_low = _ceil_div(T, unit) * unit - half, (T // unit) * unit + half
    else:
        t_high = t_low = T
    bound = max(float(np.max(np.abs(t_high), initial=0)), float(np.max(np.abs(t_low), initial=0)))
    if bound * float(np.max(np.abs(D), initial=0)) * tens >= SAFE or scale >= SAFE:  # exact Python integers
        t_high, t_low, D = t_high.astype(object), t_low.astype(object), D.astype(object)
    lower_bound = _ceil_div(t_high * D * tens, scale)  # high: numerator' >= this
    if reach == "displayed":
        upper_bound = _ceil_div(t_low * D * tens, scale) - 1  # low, strictly below the half
    else:
        upper_bound = (t_low * D * tens) // scale  # low: numerator' <= this
    high = pol == "high"
    boundary = np.where(high, lower_bound, upper_bound).astype("float64")
    top = n if statistic == "proportion" else np.full(x.shape, np.inf)
    reachable = usable & np.where(high, boundary <= top, boundary >= 0)
    boundary = np.where(high, np.maximum(boundary, 0.0), np.minimum(boundary, top))
    target_numerator = np.where(reachable, boundary, np.nan)
    change = target_numerator - x
    with np.errstate(invalid="ignore"):
        met = reachable & np.where(high, x >= target_numerator, x <= target_numerator)
    needed = np.where(usable & reachable, np.where(high, np.maximum(change, 0), np.maximum(-change, 0)), np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        per = np.where(usable, multiplier / n, np.nan)
    out = pd.DataFrame(
        {
            "numerator": x,
            "denominator": n if statistic != "count" else np.nan,
            "value": x * per,
            "target": t,
            "target_numerator": pd.array(np.where(np.isnan(target_numerator), np.nan, target_numerator), dtype="Int64"),
            "change": pd.array(change, dtype="Int64"),
            "needed": pd.array(needed, dtype="Int64"),
            "met": met,
            "reachable": reachable,
            "value_at_target": target_numerator * per,
        }
    )
    if comparator is not None:
        out = out.join(_significance_at(target_numerator, per, multiplier, comparator, pol, statistic, confidence))
    return out


def _significance_at(k, per, multiplier, comparator, polarity, statistic, confidence) -> pd.DataFrame:
    """The value at the target numerator ``k`` against ``comparator``: its limits and the
    comparison in words, as :func:`ascbench.stats.compare` (a limit on the comparator is
    similar)."""
    from ascbench.stats.comparison import compare
    from ascbench.stats.intervals import poisson_limits, wilson_limits

    ok = ~np.isnan(k)
    kk = np.where(ok, k, 0.0)
    if statistic == "proportion":
        lo, up = wilson_limits(kk, multiplier / per, confidence)  # the denominator: multiplier / per
        lo, up = lo * multiplier, up * multiplier  # Wilson limits are proportions of 1
    else:
        lo, up = poisson_limits(kk, confidence)
        lo, up = lo * per, up * per
    lo, up = np.where(ok, lo, np.nan), np.where(ok, up, np.nan)
    value = np.where(ok, kk * per, np.nan)
    bench = np.broadcast_to(np.asarray(comparator, dtype="float64"), value.shape)
    words = compare(value, lo, up, bench, polarity)
    return pd.DataFrame({"lower": lo, "upper": up, "significance": words})
