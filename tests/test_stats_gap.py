"""The gap to a target in whole people (ascbench.stats.gap), checked with independent
arithmetic: Python's exact fractions and a brute-force walk over the whole numerators."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from ascbench import stats
from ascbench.render.numbers import round_half_away
from ascbench.stats import StatsError


def _displayed(k: int, n, multiplier, decimals: int) -> Fraction:
    """k of n as published: rounded half away from zero (the values are never negative)."""
    v = Fraction(k) / Fraction(str(n)) * Fraction(str(multiplier))
    unit = Fraction(1, 10**decimals)
    return math.floor(v / unit + Fraction(1, 2)) * unit


def _independent(x, n, target, multiplier, polarity, reach, decimals, top):
    """The boundary numerator by exact fractions: the fewest k in [0, top] whose value
    reaches a high-is-good target, the most reaching a low-is-good one; None if none does."""
    t = Fraction(str(target))
    if reach == "value":
        exact = t * Fraction(str(n)) / Fraction(str(multiplier))
        k = math.ceil(exact) if polarity == "high" else math.floor(exact)
        k = max(k, 0) if polarity == "high" else min(k, top)
        return k if 0 <= k <= top else None
    ok = [
        k
        for k in range(int(min(top, 10 * n)) + 1)
        if (
            _displayed(k, n, multiplier, decimals) >= t
            if polarity == "high"
            else _displayed(k, n, multiplier, decimals) <= t
        )
    ]
    if not ok:
        return None
    return min(ok) if polarity == "high" else max(ok)


def test_ascof_2a_2024_25_against_england():
    # 2,067 of 2,805 people: 73.7%; England 77.1%
    gap = stats.gap_to_target(2067, 2805, 77.1).iloc[0]
    assert round_half_away(gap["value"], 1) == 73.7
    assert math.ceil(Fraction("0.771") * 2805) == 2163
    assert (gap["target_numerator"], gap["change"], gap["needed"], gap["met"]) == (2163, 96, 96, False)
    assert gap["value_at_target"] == pytest.approx(2163 / 2805 * 100)
    # "reaches 77.1% as published": 2,162 of 2,805 is 77.076...%, printed 77.1%; 2,161 prints 77.0%
    shown = stats.gap_to_target(2067, 2805, 77.1, reach="displayed").iloc[0]
    assert (shown["target_numerator"], shown["needed"]) == (2162, 95)
    assert round_half_away(2162 / 2805 * 100, 1) == 77.1 and round_half_away(2161 / 2805 * 100, 1) == 77.0


def test_thresholds_that_are_whole_numbers_are_not_missed_by_floating_point():
    # 7% of 300 is exactly 21 people, but 7.0 / 100 * 300 = 21.000000000000004 in doubles
    assert math.ceil(7.0 / 100 * 300) == 22  # the trap
    gap = stats.gap_to_target([0, 0, 60], [300, 100, 100], [7.0, 29.0, 57.0], polarity=["high", "high", "low"])
    assert gap["target_numerator"].tolist() == [21, 29, 57]
    assert gap["needed"].tolist() == [21, 29, 3]


@pytest.mark.parametrize("reach", ["value", "displayed"])
@pytest.mark.parametrize("polarity", ["high", "low"])
def test_random_proportions_against_exact_fractions(reach, polarity):
    rng = np.random.default_rng(hash((reach, polarity)) % 2**32)
    n = rng.integers(1, 400, 150)
    x = (rng.uniform(0, 1, 150) * n).round()
    places = rng.integers(0, 3, 150)
    target = np.array([round(v, int(p)) for v, p in zip(rng.uniform(-5, 105, 150), places, strict=True)])
    decimals = 1
    gap = stats.gap_to_target(x, n, target, polarity=polarity, reach=reach, decimals=decimals)
    for i in range(150):
        want = _independent(x[i], int(n[i]), float(target[i]), 100, polarity, reach, decimals, int(n[i]))
        got = gap["target_numerator"][i]
        if want is None:
            assert not gap["reachable"][i] and pd.isna(got), (n[i], target[i])
        else:
            assert got == want, (x[i], n[i], target[i])
            assert gap["change"][i] == want - x[i]
            good = want - x[i] if polarity == "high" else x[i] - want
            assert gap["needed"][i] == max(good, 0)
            assert gap["met"][i] == (good <= 0)


@pytest.mark.parametrize("reach", ["value", "displayed"])
def test_random_rates_against_exact_fractions(reach):
    rng = np.random.default_rng(7 if reach == "value" else 8)
    population = rng.uniform(500, 200_000, 60)  # a population may have a decimal place
    count = rng.integers(0, 400, 60).astype(float)
    target = np.round(rng.uniform(0, 600, 60), 1)
    population = np.array([round(v, int(p)) for v, p in zip(population, rng.integers(0, 2, 60), strict=True)])
    for polarity in ("high", "low"):
        gap = stats.gap_to_target(
            count, population, target, statistic="rate", multiplier=100_000, polarity=polarity, reach=reach
        )
        for i in range(60):
            if reach == "displayed":  # walk only near the exact boundary: the brute force is long
                exact = Fraction(str(target[i])) * Fraction(str(population[i])) / 100_000
                candidates = range(max(0, math.floor(exact) - 3), math.ceil(exact) + 4)
                ok = [
                    k
                    for k in candidates
                    if (
                        _displayed(k, population[i], 100_000, 1) >= Fraction(str(target[i]))
                        if polarity == "high"
                        else _displayed(k, population[i], 100_000, 1) <= Fraction(str(target[i]))
                    )
                ]
                want = min(ok) if polarity == "high" else max(ok)
            else:
                want = _independent(count[i], population[i], target[i], 100_000, polarity, reach, 1, 10**9)
            assert gap["target_numerator"][i] == want, (count[i], population[i], target[i], polarity)


def test_significance_at_the_target_numerator():
    gap = stats.gap_to_target([2067, 1500], [2805, 1700], 77.1, comparator=[77.1, 80.0]).iloc[:2]
    for i, (k, n, england) in enumerate([(2163, 2805, 77.1), (1311, 1700, 80.0)]):
        assert gap["target_numerator"][i] == k
        ci = stats.proportion_ci(k, n)
        assert gap["lower"][i] == pytest.approx(ci["lower"][0], rel=1e-12)
        assert gap["upper"][i] == pytest.approx(ci["upper"][0], rel=1e-12)
        assert gap["significance"][i] == stats.compare(k / n * 100, ci["lower"][0], ci["upper"][0], england)[0]
    # just reaching England's value is no significant difference from it; 77.1% of 1,700
    # against 80% is significantly lower (Wilson 95%: 75.1% to 79.0%)
    assert gap["significance"].tolist() == ["similar", "worse"]
    # a rate: Poisson limits (Byar's from 10 events), as rate_ci
    rate = stats.gap_to_target(30, 20_000, 100, statistic="rate", multiplier=100_000, polarity="low", comparator=300)
    ci = stats.rate_ci(20, 20_000)
    assert rate["target_numerator"][0] == 20
    assert rate["upper"][0] == pytest.approx(ci["upper"][0], rel=1e-12)
    assert rate["significance"][0] == "better"  # 100 per 100,000 from 20 events: clear of 300


def test_missing_zero_and_unreachable():
    gap = stats.gap_to_target([np.nan, 5, 5, 5], [10, 0, 10, 10], [50, 50, np.nan, 120])
    assert gap["target_numerator"].isna().all() and not gap["met"].any() and not gap["reachable"].any()
    # a proportion cannot pass 100%; a low-is-good target below 0 cannot be met
    assert not stats.gap_to_target(5, 10, -1, polarity="low")["reachable"][0]
    assert stats.gap_to_target(5, 10, 100)["target_numerator"][0] == 10
    # a count: its value is itself
    count = stats.gap_to_target(37, None, 42.5, statistic="count")
    assert (count["target_numerator"][0], count["needed"][0]) == (43, 6)


@pytest.mark.parametrize(
    "kwargs, argument",
    [
        ({"polarity": "none"}, "polarity"),
        ({"statistic": "ratio"}, "statistic"),
        ({"reach": "rounded"}, "reach"),
        ({"decimals": -1}, "decimals"),
        ({"multiplier": 0}, "multiplier"),
        ({"numerator": 11}, "numerator"),
        ({"numerator": 2.5}, "numerator"),
        ({"denominator": 10.5}, "denominator"),
    ],
)
def test_arguments_are_checked_first(kwargs, argument):
    call = {"numerator": 5, "denominator": 10, "target": 50.0} | kwargs
    with pytest.raises(StatsError) as err:
        stats.gap_to_target(call.pop("numerator"), call.pop("denominator"), call.pop("target"), **call)
    assert err.value.argument == argument
