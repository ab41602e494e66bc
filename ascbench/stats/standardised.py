"""Age-standardised statistics: directly standardised rates (DSR) with Dobson limits, and
indirectly standardised ratios (SMR) and rates (ISR) with exact/Byar limits.

As PHEindicatormethods ``calculate_dsr``, ``calculate_ISRatio`` and ``calculate_ISRate``
(OHID, "Technical Guide: Confidence Intervals", and Dobson AJ et al. (1991), "Confidence
intervals for weighted sums of Poisson parameters", Statistics in Medicine 10:457-462).
Each function takes one row per age band (and area, with ``groups``) and returns one row per
group. Formulas: ``docs/methods.md``.
"""

from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd

from ascbench.stats.errors import StatsError
from ascbench.stats.intervals import _check_confidence, byars_limits, poisson_limits

DSR_MIN_COUNT = 10  # PHE: no DSR is published for fewer than 10 events in total

#: The 19 bands of the European Standard Population 2013 as PHEindicatormethods ``esp2013``
#: uses them (0-4 combined; 90+ last), in order.
ESP2013_BANDS = (
    "0-4",
    "5-9",
    "10-14",
    "15-19",
    "20-24",
    "25-29",
    "30-34",
    "35-39",
    "40-44",
    "45-49",
    "50-54",
    "55-59",
    "60-64",
    "65-69",
    "70-74",
    "75-79",
    "80-84",
    "85-89",
    "90+",
)


def esp2013():
    """The European Standard Population 2013 (Eurostat, 2013 revision), 19 five-year bands
    summing to 100,000, as shipped in ``ascbench/stats/data/esp2013.csv`` (``band``,
    ``lower_age``, ``population``)."""
    with resources.files("ascbench.stats").joinpath("data/esp2013.csv").open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh, comment="#")


def _groups(groups, n):
    if groups is None:
        return pd.Series(np.zeros(n, dtype=int))
    keys = pd.Series(np.asarray(groups))
    if len(keys) != n:
        raise StatsError(
            "groups has a different length from the counts",
            argument="groups",
            expected="one group key per age-band row",
        )
    if keys.isna().any():
        raise StatsError("a group key is missing", argument="groups", expected="a key on every row")
    return keys


def _zero_missing(values: np.ndarray) -> np.ndarray:
    """Missing counts or populations as 0 (``na.zero`` in PHEindicatormethods)."""
    return np.where(np.isnan(values), 0.0, values)


def _check_nonnegative(values: np.ndarray, name: str, *, allow_missing: bool, positive: bool = False) -> None:
    if not allow_missing and np.isnan(values).any():
        raise StatsError(f"{name} has a missing value", argument=name, expected="a number on every row")
    bad = values <= 0 if positive else values < 0  # NaN compares False: a missing value is not bad here
    if bad.any():
        raise StatsError(
            f"{name} must be {'greater than zero' if positive else 'zero or more'}",
            argument=name,
            expected="a count of people or events" if not positive else "a population above zero",
        )


def _standard(standard, groups, n):
    if standard is not None:
        return np.asarray(standard, dtype="float64")
    esp = esp2013()["population"].to_numpy(dtype="float64")
    sizes = groups.groupby(groups, sort=False).transform("size").to_numpy()
    if n == 0 or np.any(sizes != len(esp)):
        raise StatsError(
            "the European Standard Population needs 19 age bands for each group",
            argument="standard",
            expected="rows in the ESP2013 bands 0-4, 5-9, ... 90+, or a standard population",
        )
    position = groups.groupby(groups, sort=False).cumcount().to_numpy()
    return esp[position]


def dsr(
    count,
    population,
    standard=None,
    *,
    groups=None,
    confidence: float = 0.95,
    multiplier: float = 100000,
    min_count: int = DSR_MIN_COUNT,
):
    """Directly standardised rate per ``multiplier`` with Dobson's confidence limits.

    One row per age band (``groups`` gives each row's area or other key). ``standard`` is the
    standard population of each row; omitted, each group must have the 19 ESP2013 bands in
    order (:data:`ESP2013_BANDS`). A missing count is zero events; a missing or non-positive
    population is an error, as in PHEindicatormethods.

        DSR = Σ (x_i / n_i · w_i) / Σ w_i · multiplier
        var = Σ (x_i · (w_i / n_i)²) / (Σ w_i)²
        limits = DSR + √(var / O) · (Byar_limit(O) − O) · multiplier,   O = Σ x_i

    Groups with fewer than ``min_count`` (10) events in total get no value or limits (PHE's
    rule). Returns a DataFrame indexed by group: ``total_count, total_pop, value, lower,
    upper``.
    """
    _check_confidence(confidence)
    if multiplier <= 0:
        raise StatsError("multiplier must be greater than 0", argument="multiplier", expected="a positive number")
    x = np.asarray(count, dtype="float64")
    n = np.asarray(population, dtype="float64")
    if x.shape != n.shape:
        raise StatsError(
            "counts and populations differ in length", argument="population", expected="one population per count"
        )
    _check_nonnegative(x, "count", allow_missing=True)
    _check_nonnegative(n, "population", allow_missing=False, positive=True)
    keys = _groups(groups, len(x))
    w = _standard(standard, keys, len(x))
    _check_nonnegative(w, "standard", allow_missing=False)
    x0 = _zero_missing(x)
    parts = pd.DataFrame({"key": keys.to_numpy(), "x": x0, "n": n, "w": w, "wt": x0 * w / n, "sq": x0 * (w / n) ** 2})
    s = parts.groupby("key", sort=False)[["x", "n", "w", "wt", "sq"]].sum()
    total = s["x"].to_numpy()
    value = s["wt"].to_numpy() / s["w"].to_numpy() * multiplier
    var = s["sq"].to_numpy() / s["w"].to_numpy() ** 2
    lo_count, up_count = byars_limits(total, confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        scale = np.sqrt(var / total) * multiplier
    lower = value + scale * (lo_count - total)
    upper = value + scale * (up_count - total)
    small = total < min_count
    out = pd.DataFrame(
        {
            "total_count": total,
            "total_pop": s["n"].to_numpy(),
            "value": np.where(small, np.nan, value),
            "lower": np.where(small, np.nan, lower),
            "upper": np.where(small, np.nan, upper),
        },
        index=s.index,
    )
    out.index.name = None
    return out if groups is not None else out.reset_index(drop=True)


def _expected(count, population, ref_count, ref_population, groups, observed, reference_sums: bool = False):
    n = np.asarray(population, dtype="float64")
    rx = np.asarray(ref_count, dtype="float64")
    rn = np.asarray(ref_population, dtype="float64")
    if not (n.shape == rx.shape == rn.shape):
        raise StatsError(
            "populations and reference values differ in length",
            argument="ref_population",
            expected="one reference count and population per age band",
        )
    _check_nonnegative(n, "population", allow_missing=True)
    _check_nonnegative(rx, "ref_count", allow_missing=True)
    _check_nonnegative(rn, "ref_population", allow_missing=False, positive=True)
    keys = _groups(groups, len(n))
    columns = {"key": keys.to_numpy(), "exp": _zero_missing(rx) / rn * _zero_missing(n)}
    if reference_sums:  # the ISR's reference rate
        columns.update(rx=_zero_missing(rx), rn=rn)
    frame = pd.DataFrame(columns)
    if observed is None:
        x = np.asarray(count, dtype="float64")
        if x.shape != n.shape:
            raise StatsError(
                "counts and populations differ in length", argument="count", expected="one count per age band"
            )
        _check_nonnegative(x, "count", allow_missing=True)
        frame["x"] = _zero_missing(x)
    s = frame.groupby("key", sort=False).sum()
    if observed is not None:
        obs = (
            pd.Series(observed, dtype="float64")
            if not np.isscalar(observed)
            else pd.Series([observed], dtype="float64")
        )
        if groups is None:
            obs.index = s.index[: len(obs)]
        s["x"] = obs.reindex(s.index).to_numpy()
        _check_nonnegative(s["x"].to_numpy(), "observed", allow_missing=False)
    return s


def _indirect(s, confidence, scale):
    obs = s["x"].to_numpy()
    exp = s["exp"].to_numpy()
    lo, up = poisson_limits(obs, confidence)  # exact below 10 events, Byar's from 10
    with np.errstate(invalid="ignore", divide="ignore"):
        out = pd.DataFrame(
            {
                "observed": obs,
                "expected": exp,
                "value": obs / exp * scale,
                "lower": lo / exp * scale,
                "upper": up / exp * scale,
            },
            index=s.index,
        )
    out["method"] = pd.Categorical.from_codes((obs < 10).astype("int8"), ["Byars", "Exact"])
    out.index.name = None
    return out


def smr(
    count,
    population,
    ref_count,
    ref_population,
    *,
    groups=None,
    observed=None,
    confidence: float = 0.95,
    refvalue: float = 1,
):
    """Indirectly standardised ratio (standardised mortality/admission ratio) × ``refvalue``.

        E = Σ n_i · X_i / N_i          (X, N: the reference counts and populations)
        SMR = O / E · refvalue;  limits = Poisson limits of O / E · refvalue

    Poisson limits are exact below 10 observed events and Byar's from 10, as
    PHEindicatormethods ``calculate_ISRatio``. ``observed`` gives each group's total events
    where the counts by age band are not known. Returns ``observed, expected, value, lower,
    upper, method`` per group.

    >>> smr([10, 20], [1000, 2000], [100, 300], [10000, 20000]).round(6)  # two age bands, one area
       observed  expected  value     lower     upper method
    0      30.0      40.0   0.75  0.505923  1.070709  Byars
    """
    _check_confidence(confidence)
    s = _expected(count, population, ref_count, ref_population, groups, observed)
    out = _indirect(s, confidence, refvalue)
    return out if groups is not None else out.reset_index(drop=True)


def isr(
    count,
    population,
    ref_count,
    ref_population,
    *,
    groups=None,
    observed=None,
    confidence: float = 0.95,
    multiplier: float = 100000,
):
    """Indirectly standardised rate per ``multiplier``: the SMR times the reference rate.

        ref_rate = Σ X_i / Σ N_i · multiplier;   ISR = O / E · ref_rate

    Limits as :func:`smr`, scaled by the reference rate (PHEindicatormethods
    ``calculate_ISRate``). Returns ``observed, expected, ref_rate, value, lower, upper, method``.
    """
    _check_confidence(confidence)
    s = _expected(count, population, ref_count, ref_population, groups, observed, reference_sums=True)
    ref_rate = s["rx"].to_numpy() / s["rn"].to_numpy() * multiplier
    out = _indirect(s, confidence, 1.0)
    for col in ("value", "lower", "upper"):
        out[col] = out[col] * ref_rate
    out.insert(2, "ref_rate", ref_rate)
    return out if groups is not None else out.reset_index(drop=True)
