"""Confidence intervals: Wilson (proportions), Byar and exact Poisson (counts and rates),
Student's t (means), and control limits for one area's size. Sources in each docstring and
in ``docs/methods.md``."""

from __future__ import annotations

from math import lgamma
from statistics import NormalDist

import numpy as np
import pandas as pd

from ascbench.stats.errors import StatsError

EXACT_BELOW = 10  # phe_rate: counts below 10 use exact Poisson limits, 10 or more Byar's
SCIPY_FROM = 200  # exact limits for more rows than this use scipy.special.gammaincinv


# ------------------------------------------------------------------------------ helpers
def z_value(confidence: float) -> float:
    """Two-sided standard normal quantile: 1.959964 for 0.95, 3.090232 for 0.998.

    >>> round(z_value(0.95), 6), round(z_value(0.998), 6)
    (1.959964, 3.090232)
    """
    _check_confidence(confidence)
    return NormalDist().inv_cdf(1 - (1 - confidence) / 2)


def _check_confidence(confidence: float) -> None:
    try:
        ok = 0 < float(confidence) < 1
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise StatsError(
            f"confidence level {confidence!r} is outside (0, 1)",
            argument="confidence",
            expected="a level such as 0.95 or 0.998",
        )


def _as_float(values) -> np.ndarray:
    return np.asarray(values, dtype="float64")


def _frame(value, lower, upper, index=None):
    return pd.DataFrame(
        {"value": np.atleast_1d(value), "lower": np.atleast_1d(lower), "upper": np.atleast_1d(upper)},
        index=index,
    )


def _check_counts(x: np.ndarray, name: str) -> None:
    if np.any(x < 0):
        raise StatsError(f"{name} must not be negative", argument=name, expected="a count of 0 or more")


# ------------------------------------------------------------------- Wilson (proportion)
def wilson_limits(x, n, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score limits of the proportion x/n, as proportions of 1.

    lower, upper = (2x + z^2 -/+ z*sqrt(z^2 + 4x(1 - x/n))) / (2(n + z^2))

    Rows with a missing or non-positive ``n`` give NaN. No validation beyond that: use
    :func:`proportion_ci` for checked input.

    >>> lower, upper = wilson_limits([65, 0], [100, 10])
    >>> lower.round(6), upper.round(6)
    (array([0.552544, 0.      ]), array([0.736358, 0.277533]))
    """
    x = _as_float(x)
    n = _as_float(n)
    z = z_value(confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        n_ok = np.where(n > 0, n, np.nan)
        root = z * np.sqrt(z * z + 4 * x * (1 - x / n_ok))
        denom = 2 * (n_ok + z * z)
        lower = (2 * x + z * z - root) / denom
        upper = (2 * x + z * z + root) / denom
    return lower, upper


def proportion_ci(numerator, denominator, confidence: float = 0.95, multiplier: float = 100):
    """Proportion with Wilson score limits.

    Returns a DataFrame with columns ``value, lower, upper`` (one row per input), each
    multiplied by ``multiplier`` (100 gives a percentage). A zero or missing denominator, or
    a missing numerator, gives NaN; a negative count or a numerator above its denominator
    raises :class:`~ascbench.stats.StatsError`.
    """
    x = _as_float(numerator)
    n = _as_float(denominator)
    _check_counts(x[~np.isnan(x)], "numerator")
    _check_counts(n[~np.isnan(n)], "denominator")
    with np.errstate(invalid="ignore"):
        over = x > n
    if np.any(over):
        raise StatsError(
            "numerator is greater than its denominator",
            argument="numerator",
            expected="a numerator no greater than the denominator for a proportion",
        )
    lower, upper = wilson_limits(x, n, confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        value = x / np.where(n > 0, n, np.nan)
    return _frame(value * multiplier, lower * multiplier, upper * multiplier)


# -------------------------------------------------------------- Poisson (counts, rates)
def byars_limits(x, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Byar's approximation to the Poisson limits of a count x.

    lower = x (1 - 1/(9x) - z/(3 sqrt(x)))^3
    upper = (x + 1) (1 - 1/(9(x + 1)) + z/(3 sqrt(x + 1)))^3

    The formula as published, for every x (PHEindicatormethods ``byars_lower/upper``); the
    lower limit for x = 0 is 0. :func:`poisson_limits` switches to exact limits below 10.

    >>> [round(float(limit), 6) for limit in byars_limits(65)]  # PHEindicatormethods' test value
    [50.163188, 82.849139]
    """
    x = _as_float(x)
    z = z_value(confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        lower = x * (1 - 1 / (9 * x) - z / (3 * np.sqrt(x))) ** 3
        x1 = x + 1
        upper = x1 * (1 - 1 / (9 * x1) + z / (3 * np.sqrt(x1))) ** 3
    lower = np.where(x == 0, 0.0, lower)
    return lower, upper


def _gamma_quantile_integer(k: np.ndarray, p: float) -> np.ndarray:
    """The p-quantile of a gamma(k) variable for whole k >= 1, without scipy: the root of
    P(k, x) = 1 - exp(-x) sum_{i<k} x^i / i! = p, by bisection then Newton steps (to machine
    precision)."""
    k = k.astype("float64")
    lo = np.zeros_like(k)
    hi = k + 40.0 * np.sqrt(k) + 40.0
    kmax = int(k.max())

    def cdf(x):
        term = np.exp(-x)
        total = np.zeros_like(x)
        for i in range(kmax):
            total = total + np.where(i < k, term, 0.0)
            term = term * x / (i + 1)
        return 1.0 - total

    for _ in range(60):
        mid = (lo + hi) / 2
        below = cdf(mid) < p
        lo = np.where(below, mid, lo)
        hi = np.where(below, hi, mid)
    x = (lo + hi) / 2

    lg = np.array([lgamma(v) for v in k])
    for _ in range(3):  # Newton on P(k, x) - p; the density is x^(k-1) e^-x / (k-1)!
        density = np.exp((k - 1) * np.log(np.maximum(x, 1e-300)) - x - lg)
        x = x - (cdf(x) - p) / np.where(density > 0, density, np.inf)
    return x


def exact_poisson_limits(x, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) Poisson limits of a count x from the chi-squared distribution.

    lower = chi2_{(1-c)/2}(2x) / 2,  upper = chi2_{1-(1-c)/2}(2x + 2) / 2

    i.e. quantiles of gamma(x) and gamma(x + 1) variables. A few whole counts (a dashboard's)
    are solved without scipy, so they do not pay scipy's import; many rows, or other values,
    use ``scipy.special.gammaincinv``. The lower limit for x = 0 is 0.

    >>> lower, upper = exact_poisson_limits([0, 3])
    >>> lower.round(6), upper.round(6)
    (array([0.      , 0.618672]), array([3.688879, 8.767273]))
    """
    x = _as_float(x)
    _check_confidence(confidence)
    alpha = 1 - confidence
    scalar = x.ndim == 0
    x = np.atleast_1d(x)
    lower = np.full(x.shape, np.nan)
    upper = np.full(x.shape, np.nan)
    whole = ~np.isnan(x) & (x == np.round(x)) & (x >= 0) & (x < 1000)
    if whole.sum() > SCIPY_FROM:  # many rows: scipy's compiled inverse is faster than its import
        whole[:] = False
    if whole.any():
        xw = x[whole]
        up = _gamma_quantile_integer(xw + 1, 1 - alpha / 2)
        lo = np.zeros_like(xw)
        pos = xw > 0
        if pos.any():
            lo[pos] = _gamma_quantile_integer(xw[pos], alpha / 2)
        lower[whole], upper[whole] = lo, up
    other = ~np.isnan(x) & ~whole
    if other.any():
        from scipy.special import gammaincinv

        xo = x[other]
        with np.errstate(invalid="ignore"):
            lower[other] = np.where(xo > 0, gammaincinv(np.where(xo > 0, xo, 1.0), alpha / 2), 0.0)
            upper[other] = gammaincinv(xo + 1, 1 - alpha / 2)
    if scalar:
        return lower.reshape(()), upper.reshape(())
    return lower, upper


def poisson_limits(x, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Poisson limits as Fingertips computes them: exact below 10 events, Byar's from 10.

    Exact limits are computed only for the rows that need them.

    >>> lower, upper = poisson_limits([3, 65])  # exact for 3 events, Byar's for 65
    >>> lower.round(4), upper.round(4)
    (array([ 0.6187, 50.1632]), array([ 8.7673, 82.8491]))
    """
    x = _as_float(x)
    scalar = x.ndim == 0
    x = np.atleast_1d(x)
    lower, upper = byars_limits(x, confidence)
    small = x < EXACT_BELOW
    if np.any(small):
        lo, up = exact_poisson_limits(x[small], confidence)
        lower = lower.copy()
        upper = upper.copy()
        lower[small] = lo
        upper[small] = up
    if scalar:
        return lower.reshape(()), upper.reshape(())
    return lower, upper


def rate_ci(count, population, confidence: float = 0.95, multiplier: float = 100000):
    """Crude rate per ``multiplier`` with Poisson limits (exact below 10 events, else Byar).

    Returns a DataFrame with columns ``value, lower, upper``. A zero or missing population
    gives NaN; a negative count raises :class:`~ascbench.stats.StatsError`. Also used for a count on its
    own: pass ``population=1, multiplier=1``.
    """
    x = _as_float(count)
    n = _as_float(population)
    _check_counts(x[~np.isnan(x)], "count")
    _check_counts(n[~np.isnan(n)], "population")
    lower, upper = poisson_limits(x, confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        scale = multiplier / np.where(n > 0, n, np.nan)
    return _frame(x * scale, lower * scale, upper * scale)


# ------------------------------------------------------------------------------- means
def mean_ci(mean, sd, n, confidence: float = 0.95):
    """Mean with Student's t limits: mean -/+ t_{1-(1-c)/2, n-1} * sd / sqrt(n).

    Returns a DataFrame ``value, lower, upper``; n below 2 gives NaN limits.
    """
    from scipy.special import stdtrit

    _check_confidence(confidence)
    m = _as_float(mean)
    s = _as_float(sd)
    k = _as_float(n)
    with np.errstate(invalid="ignore", divide="ignore"):
        df = np.where(k >= 2, k - 1, np.nan)
        t = stdtrit(df, 1 - (1 - confidence) / 2)
        half = t * s / np.sqrt(k)
    return _frame(m, m - half, m + half)


# -------------------------------------------------------------------------- comparison
def control_limits(
    benchmark, denominator, statistic: str = "proportion", confidence: float = 0.998, multiplier: float = 100
):
    """Control limits around a benchmark for an area of a given size (funnel-plot limits).

    A proportion's limits are the Wilson limits of ``benchmark/multiplier * n`` out of ``n``;
    a rate's are the Poisson limits (exact below 10, Byar's from 10) of the expected count
    ``benchmark * population / multiplier``, scaled back to a rate. Returns ``(lower, upper)``
    in the benchmark's units.

    >>> lower, upper = control_limits(75.0, [100, 1000])  # 99.8% around 75% for 100 and 1,000 people
    >>> lower.round(3), upper.round(3)
    (array([59.852, 70.545]), array([85.79 , 78.982]))
    """
    b = _as_float(benchmark)
    n = _as_float(denominator)
    with np.errstate(invalid="ignore", divide="ignore"):
        n = np.where(n > 0, n, np.nan)
        if statistic == "proportion":
            p0 = b / multiplier
            lower, upper = wilson_limits(p0 * n, n, confidence)
            return lower * multiplier, upper * multiplier
        if statistic in ("rate", "count"):
            expected = b * n / multiplier
            lower, upper = poisson_limits(np.where(np.isnan(expected), 0, expected), confidence)
            lower = np.where(np.isnan(expected), np.nan, lower)
            upper = np.where(np.isnan(expected), np.nan, upper)
            return lower * multiplier / n, upper * multiplier / n
    raise StatsError(f"no control limits for a {statistic}", argument="statistic", expected="proportion or rate")
