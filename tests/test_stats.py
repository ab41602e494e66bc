"""ascbench.stats against the published test values of PHEindicatormethods (tests/material/reference)."""

import math

import numpy as np
import pandas as pd
import pytest

from ascbench import stats
from ascbench.stats import StatsError
from tests.conftest import material

REL = 1e-9


def _level(text: str) -> float:
    return {"95%": 0.95, "99.8%": 0.998}[text]


def test_byars_and_wilson_reference_rows():
    ref = pd.read_csv(material("reference", "byars_wilson.csv"))
    checked = 0
    for row in ref.itertuples():
        conf = _level(row.confidence)
        if row.method == "Byars":
            lower, upper = stats.byars_limits(row.x, conf)
        else:
            lower, upper = stats.wilson_limits(row.x, row.n, conf)
        if not math.isnan(row.lowercl):  # an empty cell was not asserted by the source
            assert float(lower) == pytest.approx(row.lowercl, rel=REL)
            checked += 1
        assert float(upper) == pytest.approx(row.uppercl, rel=REL)
        checked += 1
    assert checked == 2 * len(ref) - 1


def test_proportions_reference_rows():
    ref = pd.read_csv(material("reference", "proportions.csv"))
    for mult, rows in ref.groupby("multiplier"):
        for conf, lo_col, up_col in ((0.95, "lower95_0cl", "upper95_0cl"), (0.998, "lower99_8cl", "upper99_8cl")):
            got = stats.proportion_ci(rows["Numerator"], rows["Denominator"], conf, multiplier=mult)
            for column, expected in (("value", rows["value"]), ("lower", rows[lo_col]), ("upper", rows[up_col])):
                exp = expected.to_numpy(dtype=float)
                act = got[column].to_numpy()
                missing = np.isnan(exp)
                assert np.array_equal(np.isnan(act), missing), (mult, conf, column)  # missing in, missing out
                np.testing.assert_allclose(act[~missing], exp[~missing], rtol=REL)


def test_rate_uses_exact_poisson_below_ten():
    # exact limits for 5 events (Garwood): chi2(0.025, 10)/2 = 1.6235, chi2(0.975, 12)/2 = 11.6683
    got = stats.rate_ci([5, 0], [1000, 1000], 0.95, multiplier=1000)
    assert got["value"].tolist() == [5.0, 0.0]
    assert got["lower"][0] == pytest.approx(1.623486, rel=1e-6)
    assert got["upper"][0] == pytest.approx(11.668332, rel=1e-6)
    assert got["lower"][1] == 0.0  # a zero count is a genuine zero, lower limit 0
    assert got["upper"][1] == pytest.approx(3.688879, rel=1e-6)  # -ln(0.025)


def test_rate_uses_byar_from_ten():
    got = stats.rate_ci(65, 1, 0.95, multiplier=1)  # the count itself
    assert got["lower"][0] == pytest.approx(50.163187710459454, rel=REL)
    assert got["upper"][0] == pytest.approx(82.84913854593984, rel=REL)


def test_missing_and_zero_denominators_give_missing_results():
    got = stats.rate_ci([3, 4], [0, np.nan])
    assert got.isna().all().all()
    got = stats.proportion_ci([0, 3], [0, np.nan])
    assert got.isna().all().all()


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: stats.proportion_ci(-1, 10), "numerator must not be negative"),
        (lambda: stats.proportion_ci(11, 10), "numerator is greater than its denominator"),
        (lambda: stats.rate_ci(-3, 100), "count must not be negative"),
        (lambda: stats.rate_ci(3, 100, confidence=95), "outside (0, 1)"),
        (lambda: stats.proportion_ci(3, 10, confidence=1.0), "outside (0, 1)"),
    ],
)
def test_invalid_input_is_a_clear_error(call, message):
    with pytest.raises(StatsError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call()


def test_mean_ci_student_t():
    # mean 10, sd 2, n 16: t(0.975, 15) = 2.131450 -> half-width 1.065725
    got = stats.mean_ci(10, 2, 16)
    assert got["lower"][0] == pytest.approx(10 - 1.0657249, rel=1e-7)
    assert got["upper"][0] == pytest.approx(10 + 1.0657249, rel=1e-7)


def test_exact_limits_agree_whether_or_not_scipy_is_used():
    from scipy.special import gammaincinv

    few = np.arange(0, 10.0)
    many = np.tile(few, 50)  # more rows than stats.SCIPY_FROM: the scipy path
    for conf in (0.95, 0.998):
        lo_few, up_few = stats.exact_poisson_limits(few, conf)
        lo_many, up_many = stats.exact_poisson_limits(many, conf)
        np.testing.assert_allclose(lo_few, lo_many[:10], rtol=1e-12)
        np.testing.assert_allclose(up_few, up_many[:10], rtol=1e-12)
        np.testing.assert_allclose(up_few, gammaincinv(few + 1, 1 - (1 - conf) / 2), rtol=1e-12)
