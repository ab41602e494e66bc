"""Funnel plots as PHE draws them: control limits around the pooled average of all areas
(PHEindicatormethods ``calculate_funnel_limits`` and ``assign_funnel_significance``; the
APHO funnel-plot tool; Spiegelhalter DJ (2005), "Funnel plots for comparing institutional
performance", Statistics in Medicine 24:1185-1202).

* Proportions: the limits are the proportions whose Wilson interval at 95% (99.8%) just
  touches the average: the closed form of PHE's ``sigma_adjustment``.
* Ratios (observed / expected) and rates: exact Poisson. For a number of observed events
  O, the lower limit is O / λ where P(X <= O | λ) = α/2, the upper O / λ where
  P(X >= O | λ) = α/2 (PHE's ``poisson_funnel``, solved here with the regularised gamma
  function instead of a bisection, agreeing to the bisection's 1e-7).

Labels, as Fingertips: ``High (0.001)``, ``High (0.025)``, ``Low (0.001)``, ``Low (0.025)``,
``Not significant``; DSRs from fewer than 10 events are ``Not applicable for events less
than 10 for dsrs``.
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
import pandas as pd

from ascbench.stats.errors import StatsError
from ascbench.stats.intervals import poisson_limits

STATISTICS = ("proportion", "rate", "ratio")
LEVELS = {"2s": 0.975, "3s": 0.999}  # one-sided probabilities of the 95% and 99.8% limits
SIGNIFICANCE = ("High (0.001)", "High (0.025)", "Low (0.001)", "Low (0.025)", "Not significant")
DSR_TOO_FEW = "Not applicable for events less than 10 for dsrs"


def _check_statistic(statistic: str) -> None:
    if statistic not in STATISTICS:
        raise StatsError(f"no funnel for a {statistic!r}", argument="statistic", expected="proportion, rate or ratio")


def proportion_limit(average, population, p: float, side: str):
    """PHE's ``sigma_adjustment``: the proportion (of 1) at which a Wilson interval with
    one-sided probability ``p`` (0.975 or 0.999) touches ``average``, for ``population``."""
    a = np.asarray(average, dtype="float64")
    n = np.asarray(population, dtype="float64")
    z2 = NormalDist().inv_cdf(p) ** 2
    with np.errstate(invalid="ignore", divide="ignore"):
        first = a * (n / z2 + 1)
        root = np.sqrt(
            (-8 * a * (n / z2 + 1)) ** 2 - 64 * (1 / z2 + 1 / n) * a * (n * (a * (n / z2 + 2) - 1) + z2 * (a - 1))
        )
        last = 1 / z2 + 1 / n
        limit = (first - root / 8) / last if side == "low" else (first + root / 8) / last
        return limit / n


def poisson_expected(observed, p: float, side: str, *, solver: str = "phe"):
    """PHE's ``poisson_funnel``: the expected count λ at which ``observed`` events sit on the
    limit. ``side="high"``: P(X <= O | λ) = 1 − p (the lower limit's λ); ``side="low"``:
    P(X >= O | λ) = 1 − p (the upper limit's λ).

    ``solver="phe"`` (the default, for parity with Fingertips) repeats PHE's bisection on
    v = λ / (1 + O + λ) to a step of 1e-7, which leaves λ up to about 5e-5 (relative) from
    the exact root; ``solver="exact"`` inverts the regularised gamma function instead.
    """
    from scipy.special import gammainc, gammaincc, gammaincinv

    o = np.asarray(observed, dtype="float64")
    tail = 1 - p
    if solver == "exact":
        if side == "high":
            return gammaincinv(o + 1, 1 - tail)
        with np.errstate(invalid="ignore"):
            return np.where(o > 0, gammaincinv(np.where(o > 0, o, 1.0), tail), 0.0)
    if solver != "phe":
        raise StatsError(f"solver {solver!r} is not known", argument="solver", expected="phe or exact")
    v = np.full(o.shape, 0.5)
    dv = 0.5
    while dv > 1e-7:
        dv /= 2
        lam = (1 + o) * v / (1 - v)
        if side == "low":  # P(X >= O | λ) above the tail: λ too large
            prob = np.where(o > 0, gammainc(np.where(o > 0, o, 1.0), lam), 1.0)
            v = np.where(prob > tail, v - dv, v + dv)
        else:  # P(X <= O | λ) below the tail: λ too large
            prob = gammaincc(o + 1, lam)
            v = np.where(prob < tail, v - dv, v + dv)
    return (1 + o) * v / (1 - v)


def _signif(x: float, factor: float, kept: int, rounding) -> float:
    """PHE's ``signif.floor`` / ``signif.ceiling``: ``x * factor`` rounded (by ``rounding``,
    floor or ceil) to its leading digits, dropping all but ``kept`` of them."""
    if x == 0:
        return 0.0
    digits = len(str(int(rounding(x * factor)))) - kept
    return float(rounding(x * factor / 10.0**digits) * 10.0**digits)


def _signif_floor(x: float) -> float:
    return _signif(x, 0.95, 1, np.floor)  # the axis starts just below the smallest area


def _signif_ceiling(x: float) -> float:
    return _signif(x, 1.05, 2, np.ceil)  # and ends just beyond the largest


def _axis(axis_minimum: float, axis_maximum: float, statistic: str, points: int) -> np.ndarray:
    """PHE's 100 x positions, spaced geometrically so the small sizes are close together."""
    xs = [max(1.0, axis_minimum)]
    for j in range(2, points + 1):
        offset = j - 1 if statistic == "ratio" else j
        nxt = np.round((axis_maximum / xs[-1]) ** (1 / (points + 1 - offset)) * xs[-1])
        xs.append(max(float(nxt), xs[-1] + 1))
    return np.array(xs)


def _derived_denominator(numerator, denominator, rate, statistic, rate_type, multiplier):
    x = np.asarray(numerator, dtype="float64")
    if statistic != "rate":
        return np.asarray(denominator, dtype="float64")
    r = np.asarray(rate, dtype="float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        derived = multiplier * x / r
    if rate_type == "dsr":
        return np.where(x == 0, np.nan, derived)
    if denominator is None:
        return derived
    return np.where(x == 0, np.asarray(denominator, dtype="float64"), derived)


def _check_inputs(numerator, denominator, rate, statistic, rate_type, multiplier):
    _check_statistic(statistic)
    x = np.asarray(numerator, dtype="float64")
    if np.isnan(x).any():
        raise StatsError(
            "a numerator is missing", argument="numerator", expected="a count for every area, 0 where there were none"
        )
    if np.any(x < 0):
        raise StatsError("numerators must be 0 or more", argument="numerator", expected="a count of 0 or more")
    if statistic == "rate":
        if rate_type not in ("crude", "dsr"):
            raise StatsError(f"rate type {rate_type!r} is not known", argument="rate_type", expected="crude or dsr")
        if rate is None:
            raise StatsError("a funnel of rates needs the rates", argument="rate", expected="each area's rate")
        if multiplier is None or np.any(np.asarray(multiplier, dtype="float64") <= 0):
            raise StatsError(
                "a funnel of rates needs its multiplier",
                argument="multiplier",
                expected="the rate's multiplier, such as 100000",
            )
        zero = x == 0
        if zero.any() and (denominator is None or np.any(~(np.asarray(denominator, dtype="float64")[zero] > 0))):
            raise StatsError(
                "an area with no events needs its denominator",
                argument="denominator",
                expected="a population above 0 where the count is 0",
            )
        return
    n = np.asarray(denominator, dtype="float64")
    if np.isnan(n).any() or np.any(n <= 0):
        raise StatsError(
            "every denominator must be above 0", argument="denominator", expected="a denominator for every area"
        )
    if statistic == "proportion" and np.any(x > n):
        raise StatsError(
            "a numerator is greater than its denominator",
            argument="numerator",
            expected="a numerator no greater than the denominator for a proportion",
        )


def _pooled_average(numerator, derived_denominator) -> float:
    """The average the funnel is drawn around: Σ numerators / Σ denominators (for a rate, the
    denominators derived from the rates), a proportion of 1, a rate per head or a ratio."""
    return float(np.sum(np.asarray(numerator, dtype="float64")) / np.nansum(derived_denominator))


def funnel_limits(
    numerator,
    denominator=None,
    rate=None,
    *,
    statistic: str = "proportion",
    multiplier: float = 100,
    rate_type: str = "crude",
    ratio_type: str = "count",
    years_of_data: float = 1,
    points: int = 100,
):
    """The funnel lines for a chart: ``points`` rows of 95% (``2s``) and 99.8% (``3s``)
    limits, as PHEindicatormethods ``calculate_funnel_limits``.

    ``statistic="proportion"``: columns ``Population, lower_2s_limit, upper_2s_limit,
    lower_3s_limit, upper_3s_limit, baseline`` in units of ``multiplier`` (100: percent),
    clamped to [0, multiplier]. ``"ratio"`` (numerator observed, denominator expected):
    ``Observed_events`` and, per limit, the expected events and the limit, as ``O/E − 1``
    for ``ratio_type="count"`` or ``O/E × 100`` for ``"isr"``. ``"rate"``: ``Events``, the
    one-year populations at each limit (divided by ``years_of_data``) and the limits per
    ``multiplier``. The x axis follows PHE: from 0 (or just below the smallest area when the
    largest is under twice its size) to just beyond the largest.
    """
    _check_inputs(numerator, denominator, rate, statistic, rate_type, multiplier)
    if statistic == "ratio" and ratio_type not in ("count", "isr"):
        raise StatsError(f"ratio type {ratio_type!r} is not known", argument="ratio_type", expected="count or isr")
    d = _derived_denominator(numerator, denominator, rate, statistic, rate_type, multiplier)
    av = _pooled_average(numerator, d)
    dmin, dmax = float(np.nanmin(d)), float(np.nanmax(d))
    per_year = years_of_data if statistic == "rate" else 1
    axis_min = 0.0 if dmax > 2 * dmin else _signif_floor(dmin / per_year) * per_year
    axis_max = _signif_ceiling(dmax / per_year) * per_year
    if statistic == "rate":
        axis_min, axis_max = float(np.floor(axis_min * av)), float(np.ceil(axis_max * av))
    xs = _axis(axis_min, axis_max, statistic, points)
    if statistic == "proportion":
        out = {"Population": xs}
        for level, p in LEVELS.items():
            out[f"lower_{level}_limit"] = np.maximum(0, proportion_limit(av, xs, p, "low") * multiplier)
            out[f"upper_{level}_limit"] = np.minimum(multiplier, proportion_limit(av, xs, p, "high") * multiplier)
        out["baseline"] = np.full(xs.shape, av * multiplier)
        return pd.DataFrame(out)
    column = "Observed_events" if statistic == "ratio" else "Events"
    out = {column: xs}
    for level, p in LEVELS.items():
        for end, side in (("lower", "high"), ("upper", "low")):
            lam = poisson_expected(xs, p, side)
            if statistic == "ratio":
                limit = xs / lam
                out[f"{end}_{level}_exp_events"] = lam
                out[f"{end}_{level}_limit"] = limit - 1 if ratio_type == "count" else limit * 100
            else:
                population = lam / av
                out[f"{end}_{level}_population_1_year"] = population / years_of_data
                out[f"{end}_{level}_limit"] = xs / population * multiplier
    frame = pd.DataFrame(out)
    if statistic == "rate":
        frame["baseline"] = av * multiplier
    return frame


def _ratio_test_statistic(observed, expected, p: float, side: str):
    """PHE's ``funnel_ratio_significance``: the limit of O/E at one-sided level (0.5 + p/2):
    exact below 10 events, Byar's from 10; 0 for the lower limit of no events."""
    e = np.asarray(expected, dtype="float64")
    lo, up = poisson_limits(observed, p)  # p is a two-sided level: 0.95 or 0.998; no events: lower 0
    with np.errstate(invalid="ignore", divide="ignore"):
        return (lo if side == "low" else up) / e


def funnel_significance(
    numerator,
    denominator=None,
    rate=None,
    *,
    statistic: str = "proportion",
    rate_type: str = "crude",
    multiplier: float = 100,
    average=None,
):
    """Each area's place on the funnel: ``High (0.001)`` (above the 99.8% limit), ``High
    (0.025)`` (above the 95%), ``Low (0.001)``, ``Low (0.025)`` or ``Not significant``, as
    PHEindicatormethods ``assign_funnel_significance``. Limits count as inside. The average
    is the pooled average of the areas given, unless ``average`` (a proportion of 1, a rate
    per head, or a ratio of 1) is supplied. Returns an array of labels.

    >>> funnel_significance([900, 700, 720, 150, 730], [1000, 1000, 1000, 200, 1000]).tolist()
    ['High (0.001)', 'Low (0.001)', 'Low (0.001)', 'Not significant', 'Low (0.025)']
    """
    _check_inputs(numerator, denominator, rate, statistic, rate_type, multiplier)
    x = np.asarray(numerator, dtype="float64")
    d = _derived_denominator(numerator, denominator, rate, statistic, rate_type, multiplier)
    if average is None:
        average = 1.0 if statistic == "ratio" else _pooled_average(x, d)
    label = np.full(x.shape, "Not significant", dtype=object)
    if statistic == "proportion":
        value = x / d
        checks = [
            (value < proportion_limit(average, d, 0.999, "low"), "Low (0.001)"),
            (value < proportion_limit(average, d, 0.975, "low"), "Low (0.025)"),
            (value > proportion_limit(average, d, 0.999, "high"), "High (0.001)"),
            (value > proportion_limit(average, d, 0.975, "high"), "High (0.025)"),
        ]
    else:
        checks = [
            (average < _ratio_test_statistic(x, d, 0.998, "low"), "High (0.001)"),
            (average < _ratio_test_statistic(x, d, 0.95, "low"), "High (0.025)"),
            (average > _ratio_test_statistic(x, d, 0.998, "high"), "Low (0.001)"),
            (average > _ratio_test_statistic(x, d, 0.95, "high"), "Low (0.025)"),
        ]
    decided = np.zeros(x.shape, dtype=bool)
    for test, name in checks:  # the first test that holds decides, as case_when
        hit = test & ~decided
        label[hit] = name
        decided |= hit
    if statistic == "rate" and rate_type == "dsr":
        label[x < 10] = DSR_TOO_FEW
    return label
