"""The standardised, mean, funnel, quantile and band methods of ``ascbench.stats`` against
published reference results.

The figures are quoted from the test data of OHID's PHEindicatormethods (R package, GPL-3;
github.com/ukhsa-collaboration/PHEindicatormethods, commit 093fd28, ``tests/testthat``):
``testdata_DSR_ISR.xlsx`` (sheets testdata_multiarea, testdata_multiarea_isr, refdata,
testresults_DSR, testresults_ISR), ``testdata_Mean.xlsx``, ``testdata_Quantiles.xlsx`` (the
Fingertips extract of indicator 90366, female, South West region and 40501, female, North
East), and the funnel-plot files ``testdata_funnel_*.csv``. Each figure is the package's
expected output, not ascbench's.
"""

from __future__ import annotations

import numpy as np
import pytest

from ascbench import stats
from ascbench.stats import StatsError
from ascbench.stats.comparison import RATING_WORDS, words

REL = 1e-8

# testdata_multiarea, area testdata_big / testdata_small: counts and populations in the 19
# ESP2013 bands (the sheet labels the 55-59 band "55-69").
BIG = [127, 25, 18, 21, 12, 27, 48, 27, 29, 32, 32, 34, 45, 65, 38, 68, 74, 82, 91]
SMALL = [12, 4, 3, 2, 3, 4, 8, 2, 2, 3, 4, 5, 6, 8, 5, 6, 5, 5, 4]
TINY = [0, 0, np.nan, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 1, 2, 2, 1, 1]
POP = [636, 558, 609, 543, 384, 594, 669, 843, 660, 576, 606, 522, 426, 273, 300, 288, 153, 123, 207]
# refdata
REF_COUNT = [
    10303,
    2824,
    0,
    3615,
    3641,
    3490,
    3789,
    3213,
    3031,
    2771,
    3089,
    3490,
    3595,
    4745,
    5514,
    7125,
    5694,
    6210,
    5757,
]
REF_POP = [
    50520,
    57173,
    60213,
    54659,
    44345,
    50128,
    62163,
    67423,
    62899,
    55463,
    60479,
    49974,
    44140,
    40888,
    37239,
    30819,
    18136,
    15325,
    13918,
]


def _areas():
    counts = BIG + SMALL + TINY
    pops = POP * 3
    groups = ["big"] * 19 + ["small"] * 19 + ["tiny"] * 19
    return counts, pops, groups


def test_esp2013_is_the_published_standard():
    esp = stats.esp2013()
    assert list(esp["band"]) == list(stats.ESP2013_BANDS)
    assert esp["population"].sum() == 100000
    assert esp["population"].iloc[0] == 5000 and esp["population"].iloc[-1] == 1000


def test_dsr_matches_phe_at_95_and_998():
    counts, pops, groups = _areas()
    per_10000 = stats.dsr(counts, pops, groups=groups, multiplier=10000)
    assert per_10000.loc["big", "total_count"] == 895 and per_10000.loc["big", "total_pop"] == 8970
    assert per_10000.loc["big", ["value", "lower", "upper"]].tolist() == pytest.approx(
        [1043.024799, 971.770907, 1117.894092], rel=REL * 100
    )
    assert per_10000.loc["small", ["value", "lower", "upper"]].tolist() == pytest.approx(
        [110.321203, 87.745577, 136.708822], rel=1e-8 * 100
    )
    at998 = stats.dsr(counts, pops, groups=groups, confidence=0.998)
    assert at998.loc["big", ["value", "lower", "upper"]].tolist() == pytest.approx(
        [10430.247991, 9323.287880, 11620.596000], rel=1e-9 * 100
    )
    assert at998.loc["small", ["lower", "upper"]].tolist() == pytest.approx([763.642036, 1530.032895], rel=1e-6)


def test_dsr_is_suppressed_below_ten_events():
    counts, pops, groups = _areas()
    out = stats.dsr(counts, pops, groups=groups)
    assert out.loc["tiny", "total_count"] == 9
    assert out.loc["tiny", ["value", "lower", "upper"]].isna().all()
    assert not np.isnan(stats.dsr(counts, pops, groups=groups, min_count=5).loc["tiny", "value"])


def test_dsr_with_a_supplied_standard_population():
    # testdata_1976: 18 bands (85+ last) and the European Standard Population 1976
    esp1976 = [
        8000,
        7000,
        7000,
        7000,
        7000,
        7000,
        7000,
        7000,
        7000,
        7000,
        7000,
        6000,
        5000,
        4000,
        3000,
        2000,
        1000,
        1000,
    ]
    counts = BIG[:17] + [82]
    pops = POP[:17] + [123]
    out = stats.dsr(counts, pops, esp1976)
    assert out.loc[0, ["value", "lower", "upper"]].tolist() == pytest.approx(
        [8592.097585, 7991.160931, 9225.253880], rel=1e-9
    )


@pytest.mark.parametrize(
    "counts, pops, standard, field",
    [
        ([1, -1], [10, 10], [1, 1], "count"),
        ([1, 1], [10, 0], [1, 1], "population"),
        ([1, 1], [10, np.nan], [1, 1], "population"),
        ([1, 1], [10, 10], [1, -1], "standard"),
        ([1, 1], [10, 10], None, "standard"),  # ESP2013 needs 19 bands
    ],
)
def test_dsr_checks_its_arguments_first(counts, pops, standard, field):
    with pytest.raises(StatsError) as err:
        stats.dsr(counts, pops, standard)
    assert err.value.argument == field


def test_isr_and_smr_match_phe():
    counts, pops, groups = _areas()
    ref_count, ref_pop = REF_COUNT * 3, REF_POP * 3
    pops = list(pops)
    pops[40] = np.nan  # the tiny area's 10-14 band is missing in the ISR sheet
    isr = stats.isr(counts, pops, ref_count, ref_pop, groups=groups)
    assert isr.loc["big", "expected"] == pytest.approx(835.883561, rel=1e-9)
    assert isr.loc["big", "ref_rate"] == pytest.approx(9349.883092, rel=1e-9)
    assert isr.loc["big", ["value", "lower", "upper"]].tolist() == pytest.approx(
        [10011.137622, 9365.916003, 10689.097583], rel=1e-9
    )
    assert isr.loc["tiny", ["value", "lower", "upper"]].tolist() == pytest.approx(
        [100.670658, 46.033035, 191.104267], rel=1e-8
    )
    assert list(isr["method"]) == ["Byars", "Byars", "Exact"]
    smr = stats.smr(counts, pops, ref_count, ref_pop, groups=groups, refvalue=100, confidence=0.998)
    assert smr.loc["big", ["value", "lower", "upper"]].tolist() == pytest.approx(
        [107.072329, 96.351556, 118.600704], rel=1e-8
    )
    assert smr.loc["tiny", ["lower", "upper"]].tolist() == pytest.approx([0.293393, 2.710590], rel=1e-6)
    ratio = stats.smr(counts, pops, ref_count, ref_pop, groups=groups)
    assert ratio.loc["small", ["value", "lower", "upper"]].tolist() == pytest.approx(
        [0.108867, 0.087650, 0.133666], rel=1e-5
    )


def test_isr_from_observed_totals():
    # testresults_ISR "Area1": 895 observed events against the small area's age profile
    out = stats.isr(None, POP, REF_COUNT, REF_POP, groups=["Area1"] * 19, observed={"Area1": 895})
    assert out.loc["Area1", "observed"] == 895
    assert out.loc["Area1", "value"] == pytest.approx(895 / out.loc["Area1", "expected"] * 9349.883092, rel=1e-9)


def test_mean_with_t_limits_matches_phe():
    area1 = [33.09375, 48.38596, 64.83495, 67.98475, 22.93556, 71.23587, 38.78465, 82.37927]
    out = stats.mean(area1)
    assert out.loc[0, "value_count"] == 8
    assert out.loc[0, ["value_sum", "stdev", "value", "lower", "upper"]].tolist() == pytest.approx(
        [429.63476, 20.975575, 53.704345, 36.168325, 71.240365], rel=1e-7
    )
    assert stats.mean(area1, confidence=0.998).loc[0, ["lower", "upper"]].tolist() == pytest.approx(
        [18.216705, 89.191985], rel=1e-7
    )
    with pytest.raises(StatsError):
        stats.mean([1.0, np.nan])


# ---------------------------------------------------------------------------- funnels
def test_proportion_funnel_limits_match_phe():
    # testdata_funnel_prop_outputs.csv: pooled average 80.642448% of 303 PCTs
    average = 0.80642448
    for population, lo95, up95, lo998, up998 in [
        (3, 35.933491, 100, 10.150815, 100),
        (68, 71.251689, 90.033207, 65.836243, 95.448652),
        (1531, 78.663349, 82.621547, 77.522045, 83.76285),
        (110000, 80.408963, 80.875933, 80.274317, 81.010578),
    ]:
        lo = stats.funnel.proportion_limit(average, population, 0.975, "low") * 100
        up = min(100, stats.funnel.proportion_limit(average, population, 0.975, "high") * 100)
        lo3 = max(0, stats.funnel.proportion_limit(average, population, 0.999, "low") * 100)
        up3 = min(100, stats.funnel.proportion_limit(average, population, 0.999, "high") * 100)
        assert [lo, up, lo3, up3] == pytest.approx([lo95, up95, lo998, up998], abs=2e-6)


def test_funnel_axis_follows_phe():
    # a funnel's x axis: 100 points from 1 to just past the largest area, closer at the start
    out = stats.funnel_limits([5, 50, 400], [10, 100, 1000], statistic="proportion")
    xs = out["Population"].to_numpy()
    assert len(xs) == 100 and xs[0] == 1 and xs[-1] >= 1000 and np.all(np.diff(xs) >= 1)
    assert list(out.columns) == [
        "Population",
        "lower_2s_limit",
        "upper_2s_limit",
        "lower_3s_limit",
        "upper_3s_limit",
        "baseline",
    ]
    assert out["baseline"].iloc[0] == pytest.approx(455 / 1110 * 100)


def test_ratio_funnel_expected_events_match_phe():
    # testdata_funnel_ratio_outputs.csv: rows for 1, 9, 67 and 716 observed events
    for obs, lo2, up2, lo3, up3 in [
        (1, 5.571644585, 0.025317898, 9.233410143, 0.001000547),
        (9, 17.08479966, 4.11537405, 22.65737951, 2.452425215),
        (67, 85.0876134, 51.92408873, 96.35358134, 44.52205864),
        (716, 770.4222128, 664.5083011, 802.60414, 636.1521174),
    ]:
        got = [
            stats.funnel.poisson_expected(obs, 0.975, "high"),
            stats.funnel.poisson_expected(obs, 0.975, "low"),
            stats.funnel.poisson_expected(obs, 0.999, "high"),
            stats.funnel.poisson_expected(obs, 0.999, "low"),
        ]
        assert got == pytest.approx([lo2, up2, lo3, up3], rel=1e-7)  # the figures have 10 digits
        exact = stats.funnel.poisson_expected(obs, 0.975, "high", solver="exact")
        assert float(exact) == pytest.approx(lo2, rel=1e-4)  # PHE's bisection stops at a step of 1e-7


def test_ratio_funnel_significance_matches_phe():
    # testdata_funnel_ratio_inputs.csv
    rows = [
        (8, 6.239860227, "Not significant"),
        (151, 106.4429719, "High (0.001)"),
        (159, 232.9329036, "Low (0.001)"),
        (191, 184.0963855, "Not significant"),
        (124, 183.894409, "Low (0.001)"),
        (150, 119.5695496, "High (0.025)"),
        (0, 240.6273499, "Low (0.001)"),
        (206, 139.4719025, "High (0.001)"),
        (113, 96.14566494, "Not significant"),
    ]
    obs, exp, want = zip(*rows, strict=True)
    assert list(stats.funnel_significance(obs, exp, statistic="ratio")) == list(want)


def test_proportion_funnel_significance_matches_phe():
    # testdata_funnel_prop_inputs.csv rows, against the pooled average of all 303
    rows = [
        (35078.4880, 41980, "High (0.001)"),
        (24803.6256, 31824, "Low (0.001)"),
        (50050.7443, 61921, "Not significant"),
        (35795.6324, 45449, "Low (0.001)"),
        (22506.3828, 25932, "High (0.001)"),
    ]
    num, den, want = zip(*rows, strict=True)
    got = stats.funnel_significance(num, den, statistic="proportion", average=0.80642448)
    assert list(got) == list(want)


def test_rate_funnel_limits_match_phe():
    # testdata_funnel_rate_outputs.csv (DSRs per 100,000, 3 years): baseline 116.1720835
    av = 116.1720835 / 1e5
    for events, lo_pop, lo_limit, up_pop, up_limit in [
        (1, 1598.675694, 20.85059119, 7.264481402, 4588.535848),
        (19, 8513.476582, 74.39185711, 3282.268972, 192.9559517),
    ]:
        lam_lo = stats.funnel.poisson_expected(events, 0.975, "high")
        lam_up = stats.funnel.poisson_expected(events, 0.975, "low")
        assert [
            lam_lo / av / 3,
            events / (lam_lo / av) * 1e5,
            lam_up / av / 3,
            events / (lam_up / av) * 1e5,
        ] == pytest.approx([lo_pop, lo_limit, up_pop, up_limit], rel=1e-8)


def test_dsr_funnel_significance_needs_ten_events():
    labels = stats.funnel_significance(
        [5, 2419, 2337],
        [50000, 264102, 259711],
        rate=[10.0, 907.6, 948.6],
        statistic="rate",
        rate_type="dsr",
        multiplier=1e5,
    )
    assert labels[0] == stats.funnel.DSR_TOO_FEW


def test_funnel_refuses_bad_input():
    with pytest.raises(StatsError):
        stats.funnel_limits([1, 2], [0, 4])
    with pytest.raises(StatsError):
        stats.funnel_significance([5, 2], [4, 4])  # 5 of 4
    with pytest.raises(StatsError):
        stats.funnel_significance([0, 2], rate=[0, 1], statistic="rate", multiplier=1e5)  # no events, no population
    with pytest.raises(StatsError):
        stats.funnel_limits([1], [2], statistic="mean")


# --------------------------------------------------------------------------- quantiles
SOUTH_WEST_90366 = [
    82.65352,
    82.66577,
    82.80399,
    83.00369,
    83.00592,
    83.39545,
    83.56296,
    83.60254,
    83.64126,
    84.06265,
    84.11249,
    84.18526,
    84.53047,
    84.66648,
    84.98198,
    np.nan,
]
SOUTH_WEST_DECILES = [1, 1, 2, 3, 3, 4, 5, 5, 6, 7, 7, 8, 9, 9, 10, np.nan]
NORTH_EAST_40501 = [
    118.746048,
    131.277828,
    137.109864,
    137.725653,
    138.900523,
    143.263302,
    145.596671,
    146.697126,
    153.691283,
    155.763081,
    157.122229,
    171.217046,
]
NORTH_EAST_DECILES = [10, 9, 8, 7, 6, 6, 5, 4, 3, 2, 1, 1]


def test_phe_rank_quantiles_match_fingertips():
    got = stats.quantile_groups(SOUTH_WEST_90366, 10, method="phe_rank", invert=False)
    np.testing.assert_array_equal(got, SOUTH_WEST_DECILES)
    got = stats.quantile_groups(NORTH_EAST_40501, 10, method="phe_rank", invert=True)  # low is good
    np.testing.assert_array_equal(got, NORTH_EAST_DECILES)


def test_quantile_conventions_differ_where_the_count_is_not_a_multiple():
    phe = stats.quantile_groups(NORTH_EAST_40501, 10, method="phe_rank", invert=False)
    type7 = stats.quantile_groups(NORTH_EAST_40501, 10, method="type7")
    assert not np.array_equal(phe, type7)
    # twenty values in quintiles: the two agree
    twenty = np.arange(1.0, 21.0)
    np.testing.assert_array_equal(
        stats.quantile_groups(twenty, 5, method="phe_rank", invert=False),
        stats.quantile_groups(twenty, 5, method="type7"),
    )


def test_quantile_groups_any_number_and_too_few():
    septiles = stats.quantile_groups(np.arange(14.0), 7, method="phe_rank", invert=False)
    np.testing.assert_array_equal(septiles, np.repeat(np.arange(1, 8), 2))
    assert np.isnan(stats.quantile_groups([1.0, 2.0], 3)).all()
    with pytest.raises(StatsError):
        stats.quantile_groups([1.0, 2.0], 1)
    with pytest.raises(StatsError):
        stats.quantile_groups([1.0, 2.0], 2, method="type6")


def test_band_against_supplied_bounds():
    got = stats.band([10, 25, 60, 100, np.nan], [0, 25, 50, 75, 100], labels=["D", "C", "B", "A"])
    assert list(got) == ["D", "C", "B", "A", None]
    with pytest.raises(StatsError) as err:
        stats.band([101], [0, 50, 100])
    assert "outside the band bounds" in str(err.value)
    with pytest.raises(StatsError):
        stats.band([1], [0, 0, 100])


# --------------------------------------------------------------------- target conventions
def test_a_limit_equal_to_the_target_is_significant_only_when_asked():
    # Fingertips counts a limit equal to a target as significant
    assert list(stats.compare(80, 75, 85, 85, "high")) == ["similar"]
    assert list(stats.compare(80, 75, 85, 85, "high", limits_equal="significant")) == ["worse"]
    assert list(stats.compare(80, 75, 85, 75, "high", limits_equal="significant")) == ["better"]
    with pytest.raises(StatsError):
        stats.compare(80, 75, 85, 85, limits_equal="sometimes")


# Fingertips' RangeTargetComparerTest (ukhsa-collaboration/fingertips-open, commit 678089724a51,
# PholioVisualisationWS/AnalysisTest/RangeTargetComparerTest.cs): lower limit 1, upper limit 2.
FINGERTIPS_RANGE_TARGET = [  # (polarity, value, significance)
    ("high", 0, "worse"),
    ("high", 1, "similar"),
    ("high", 1.5, "similar"),
    ("high", 2, "better"),
    ("high", 3, "better"),
    ("low", 0, "better"),
    ("low", 1, "similar"),  # on the lower limit: Same
    ("low", 2, "worse"),  # on the upper limit: Worse
    ("low", 3, "worse"),
]


@pytest.mark.parametrize("polarity, value, expected", FINGERTIPS_RANGE_TARGET)
def test_range_target_edges_are_fingertips(polarity, value, expected):
    code = stats.judge_range_target([value], 1, 2, polarity)
    assert list(words(code, RATING_WORDS, "not compared")) == [expected]


def test_range_target_vectorised_and_the_mirrored_option():
    values = [70, 80, 85, 90, 95, np.nan]
    np.testing.assert_array_equal(stats.judge_range_target(values, 80, 90, "high"), [-1, 0, 0, 1, 1, np.nan])
    np.testing.assert_array_equal(stats.judge_range_target(values, 80, 90, "low"), [1, 0, 0, -1, -1, np.nan])
    np.testing.assert_array_equal(stats.judge_range_target(values, 80, 90, "none"), [-2, 0, 0, 2, 2, np.nan])
    # ascbench's earlier convention, kept as an option: low-is-good mirrors high-is-good
    mirrored = stats.judge_range_target(values, 80, 90, "low", edges="mirrored")
    np.testing.assert_array_equal(mirrored, [1, 1, 0, 0, -1, np.nan])
    # the edges only differ for low-is-good
    np.testing.assert_array_equal(
        stats.judge_range_target(values, 80, 90, "high", edges="mirrored"),
        stats.judge_range_target(values, 80, 90, "high"),
    )
    # a band of one point (Fingertips allows lower == upper)
    np.testing.assert_array_equal(stats.judge_range_target([0, 1, 2], 1, 1, "high"), [-1, 1, 1])
    with pytest.raises(StatsError) as err:
        stats.judge_range_target([1], 2, 1, "high")  # Fingertips: "Lower limit cannot be greater than upper limit"
    assert err.value.argument == "target_low"
    with pytest.raises(StatsError) as err:
        stats.judge_range_target([1], 1, 2, "high", edges="closed")
    assert err.value.argument == "edges"


def test_band_edges_belong_to_the_side_asked_for():
    bounds, labels = [0, 25, 50, 75, 100], ["D", "C", "B", "A"]
    assert list(stats.band([0, 25, 50, 100], bounds, labels)) == ["D", "C", "B", "A"]
    assert list(stats.band([0, 25, 50, 100], bounds, labels, closed="right")) == ["D", "D", "C", "A"]
    with pytest.raises(StatsError):
        stats.band([1], bounds, closed="middle")
