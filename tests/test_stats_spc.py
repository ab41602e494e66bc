"""Statistical process control (ascbench.stats.spc) against NHSRplotthedots' published
behaviour: its unit tests' expectations, its test snapshots of the ae_attendances charts, its
README and vignettes, and a literal port of its R rules run on random series.

Sources (NHSRplotthedots, NHS-R Community, MIT licence; github.com/nhs-r-community/NHSRplotthedots,
commit 050b07d7eacc011767532732f69b8fd7d6a28fd3 unless said): tests/testthat/
test-ptd_calculate_point_type.R, test-ptd_calculate_assurance_type.R, test-ptd_spc_standard.R
and _snaps/ptd_spc_standard.md, _snaps/ptd_spc.md, vignettes/deviations.Rmd,
vignettes/NHSRplotthedots.Rmd, README.md and man/figures/README-limits-example-1.png; the
2021 integration snapshots and NHSRdatasets' ae_attendances are in
tests/material/reference/nhsrplotthedots/ (PROVENANCE.md there and in tests/material/).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ascbench import stats
from ascbench.stats import StatsError
from ascbench.stats import spc as S
from tests.conftest import material

# R: set.seed(123); rnorm(20), the series of test-ptd_spc_standard.R and test-ptd_spc.R. The
# values are R's; _snaps/ptd_spc_standard.md prints the first five to 8 digits and the mean and
# limits below to 7, which these reproduce.
RNORM20 = [
    -0.56047565,
    -0.23017749,
    1.55870831,
    0.07050839,
    0.12928774,
    1.71506499,
    0.46091621,
    -1.26506123,
    -0.68685285,
    -0.44566197,
    1.22408180,
    0.35981383,
    0.40077145,
    0.11068272,
    -0.55584113,
    1.78691314,
    0.49785048,
    -1.96661716,
    0.70135590,
    -0.47279141,
]


def _ints(a):
    return np.asarray(a).astype(int).tolist()


# ------------------------------------------------- the package's unit tests, rule by rule
def test_shift_of_seven_on_one_side():
    # ptd_seven_point_one_side_mean + ptd_part_of_seven_trend
    assert _ints(S.shift([1] * 6)) == [0] * 6
    assert _ints(S.shift([1] * 6 + [-1])) == [0] * 7
    assert _ints(S.shift([1] * 8 + [-1])) == [1] * 8 + [0]
    assert _ints(S.shift([-1] * 8 + [1])) == [1] * 8 + [0]
    assert _ints(S.shift([1] * 4 + [0] + [1] * 4)) == [0] * 9  # a point on the mean breaks it
    assert _ints(S.shift([])) == []


def test_trend_of_seven():
    # ptd_seven_point_trend + ptd_part_of_seven_trend
    assert _ints(S.trend(np.arange(1, 7))) == [0] * 6
    assert _ints(S.trend([1, 2, 3, 3, 4, 5, 6])) == [0] * 7  # c(1:3, 3:6): a tie breaks it
    assert _ints(S.trend(np.arange(1, 8))) == [1] * 7
    assert _ints(S.trend([2, *range(1, 8), 3])) == [0] + [1] * 7 + [0]
    assert _ints(S.trend(np.arange(7, 0, -1))) == [-1] * 7
    assert _ints(S.trend([2, *range(7, 0, -1), 3])) == [0] + [-1] * 7 + [0]
    assert _ints(S.trend([5.0])) == [0]


@pytest.mark.parametrize(
    "close, side, flagged",
    [
        ([1, 0, 1], [1, 1, 1], [1, 0, 1]),
        ([0, 1, 1], [1, 1, 1], [0, 1, 1]),
        ([1, 1, 0], [1, 1, 1], [1, 1, 0]),
        ([0, 0, 1, 0, 1, 0, 0], [1] * 7, [0, 0, 1, 0, 1, 0, 0]),
        ([0, 0, 1, 1, 0, 0, 0], [1] * 7, [0, 0, 1, 1, 0, 0, 0]),
        ([1, 0, 0, 1], [1] * 4, [0, 0, 0, 0]),
        ([1, 0, 0, 1, 1], [1] * 5, [0, 0, 0, 1, 1]),
        # opposite sides of the mean: never (the 2022 fix)
        ([1, 0, 1], [1, -1, 1], [0, 0, 0]),
        ([0, 1, 1], [1, -1, 1], [0, 0, 0]),
        ([1, 1, 0], [1, -1, 1], [0, 0, 0]),
        ([0, 0, 1, 0, 1, 0, 0], [1, -1, 1, -1, 1, -1, 1], [0] * 7),
        ([0, 0, 1, 1, 0, 0, 0], [-1, 1, -1, 1, -1, 1, -1], [0] * 7),
        ([0, 0, 0], [0, 0, 0], [0, 0, 0]),
        ([], [], []),
    ],
)
def test_two_in_three(close, side, flagged):
    # ptd_two_in_three + ptd_part_of_two_in_three
    assert _ints(S.two_in_three(close, side)) == flagged


def test_two_in_three_stays_inside_a_section():
    # the window 1, 1 | 1 would qualify if it crossed the rebase
    assert _ints(S.two_in_three([0, 1, 1, 0], [1, 1, 1, 1], segment=[0, 0, 1, 1])) == [0, 0, 0, 0]


def test_special_cause_type_order_and_labels():
    # test-ptd_calculate_point_type.R "ptd_special_cause_type works as expected"
    labels, direction = S.special_cause_types(
        outside=[0, 0, 0, 0, 0, 1, 1, 0],
        two_of_three=[0, 0, 0, 0, 1, 0, 0, 0],
        in_shift=[0, 0, 1, 1, 0, 0, 0, 0],
        in_trend=[1, 1, 0, 0, 0, 0, 0, 0],
        side=[1, 1, 1, 1, -1, -1, -1, -1],
    )
    assert list(labels) == [
        "7 Point Trend (Increasing)",
        "7 Point Trend (Increasing)",
        "7 Points Above CL",
        "7 Points Above CL",
        "2 in 3 Below CL",
        "Below LCL",
        "Below LCL",
        "Common Cause",
    ]
    assert direction.tolist() == [1, 1, 1, 1, -1, -1, -1, 0]
    # outside the limits wins over every other rule
    labels, _ = S.special_cause_types([1], [1], [1], [-1], [1])
    assert list(labels) == ["Above UCL"]


def test_point_types_by_polarity():
    direction = [1, -1, 0]
    assert list(S.point_types(direction, 1)) == [
        "special_cause_improvement",
        "special_cause_concern",
        "common_cause",
    ]
    assert list(S.point_types(direction, -1)) == [
        "special_cause_concern",
        "special_cause_improvement",
        "common_cause",
    ]
    assert list(S.point_types(direction, 0)) == [
        "special_cause_neutral_high",
        "special_cause_neutral_low",
        "common_cause",
    ]


@pytest.mark.parametrize(
    "polarity, expected",
    [
        (1, ["consistent_fail", "consistent_pass", "inconsistent"]),
        (-1, ["consistent_pass", "consistent_fail", "inconsistent"]),
        (0, [None, None, None]),
    ],
)
def test_assurance_icon(polarity, expected):
    # test-ptd_calculate_assurance_type.R: lpl 1, 5, 1; upl 3, 7, 5; target 4
    assert list(S.assurance_icon([4, 4, 4], [1, 5, 1], [3, 7, 5], polarity)) == expected
    # a target on a limit is hit or miss (strict > and <)
    assert list(S.assurance_icon([3], [1], [3], 1)) == ["inconsistent"]


def test_variation_icon_files():
    # ptd_get_icons: the icon file for the last point's type
    kinds = ["common_cause", "special_cause_improvement", "special_cause_concern"]
    assert list(S.variation_icon(kinds, 1)) == ["common_cause", "improvement_high", "concern_low"]
    assert list(S.variation_icon(kinds, -1)) == ["common_cause", "improvement_low", "concern_high"]
    assert list(S.variation_icon(["special_cause_neutral_high", "special_cause_neutral_low"], 0)) == [
        "neutral_high",
        "neutral_low",
    ]


# ------------------------------------------------------------------- limits, as published
def test_limits_of_the_standard_test_series():
    # _snaps/ptd_spc_standard.md r1, r2 (y[15] <- 10), r3 (and screen_outliers = FALSE)
    points, summary = stats.xmr(RNORM20)
    assert summary.loc[0, ["mean", "lpl", "upl"]].astype(float).tolist() == pytest.approx(
        [0.1416238, -3.01138, 3.294627], abs=5e-7
    )
    assert _ints(points["relative_to_mean"][:15]) == [-1, -1, 1, -1, -1, 1, 1, -1, -1, -1, 1, 1, 1, -1, -1]
    # _snaps/ptd_spc.md summary: n 20, common_cause 20, special_cause_improvement 0
    assert (points["point_type"] == "common_cause").all() and len(points) == 20
    outlier = list(RNORM20)
    outlier[14] = 10
    _, screened = stats.xmr(outlier)
    assert screened.loc[0, ["mean", "lpl", "upl"]].astype(float).tolist() == pytest.approx(
        [0.6694159, -2.383666, 3.722497], abs=5e-7
    )
    _, unscreened = stats.xmr(outlier, screen_outliers=False)
    assert unscreened.loc[0, ["lpl", "upl"]].astype(float).tolist() == pytest.approx([-4.596625, 5.935457], abs=5e-7)


def test_limits_by_facet_and_fixed():
    # _snaps/ptd_spc.md: facets of 10 points (printed to 3 significant figures)
    _, summary = stats.xmr(RNORM20, series=[0] * 10 + [1] * 10, min_points=2)
    assert summary["mean"].round(4).tolist() == [0.0746, 0.2086]
    assert summary["lpl"].round(2).tolist() == [-2.60, -3.28]
    assert summary["upl"].round(2).tolist() == [2.75, 3.70]
    # test-ptd_spc_standard.R: fixing after 12 points changes the limits
    _, fixed = stats.xmr(RNORM20, fix_after_n_points=12)
    _, free = stats.xmr(RNORM20)
    assert fixed.loc[0, "lpl"] != free.loc[0, "lpl"] and fixed.loc[0, "upl"] != free.loc[0, "upl"]
    assert fixed.loc[0, "mean"] == pytest.approx(np.mean(RNORM20[:12]))


def test_screening_outliers_as_the_deviations_vignette():
    # vignettes/deviations.Rmd: captions UPL 4.6, mean 1.94, LPL -0.72 (screened) and
    # UPL 6.95, LPL -3.06 (screen_outliers = FALSE, as the Excel tool); one blue point
    data = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]
    points, summary = stats.xmr(data)
    assert summary.loc[0, ["upl", "mean", "lpl"]].astype(float).round(2).tolist() == [4.6, 1.94, -0.72]
    assert points["point_type"].tolist() == ["common_cause"] * 4 + ["special_cause_improvement"] + ["common_cause"] * 13
    points, summary = stats.xmr(data, screen_outliers=False)
    assert summary.loc[0, ["upl", "lpl"]].astype(float).round(2).tolist() == [6.95, -3.06]
    assert points["point_type"].tolist() == ["common_cause"] * 4 + ["special_cause_improvement"] + ["common_cause"] * 13


def test_two_close_points_on_opposite_sides_are_common_cause():
    # test-ptd_spc_standard.R: symmetrical data, 5.5 then -5.5 at the end
    data = [1.0, -1.0] * 8
    data[14], data[15] = 5.5, -5.5
    points, _ = stats.xmr(data)
    assert points["point_type"].tolist()[-2:] == ["common_cause", "common_cause"]


# --------------------------------------------------- the ae_attendances charts (snapshots)
SNAPSHOT_ARGS = {
    "ae_all_attendances": {},
    "ae_all_attendances_rebase_2017_04": {"rebase": ["2017-04-01"]},
    "ae_all_performance_fix_12": {"fix_after_n_points": 12},
    "rl4_by_type_attendances": {},
    "rl4_by_type_performance": {},
}


@pytest.fixture(scope="module")
def snapshots():
    return pd.read_csv(material("reference", "nhsrplotthedots", "ptd_spc_snapshots_2021.csv"))


@pytest.mark.parametrize("case", list(SNAPSHOT_ARGS))
def test_ae_attendances_snapshots(snapshots, case):
    """NHSRplotthedots' integration snapshots (tests/testthat/_snaps/integration_tests.md,
    commit 0c096d813e16, December 2021): the limits and flags of every point."""
    want = snapshots[snapshots["case"] == case].reset_index(drop=True)
    points, _ = stats.xmr(want["y"], want["period"], series=want["series"], min_points=2, **SNAPSHOT_ARGS[case])
    for column in ("mean", "lpl", "upl"):
        np.testing.assert_allclose(points[column], want[column], rtol=1e-12)
    assert points["outside_limits"].tolist() == want["outside_limits"].tolist()
    assert points["close_to_limits"].tolist() == want["close_to_limits"].tolist()
    assert points["relative_to_mean"].astype(int).tolist() == want["relative_to_mean"].tolist()
    # The point types are the 2021 package's, except where its rules changed since: in June
    # 2022 (commit 72f703f, "2 of 3 on the same side of the mean") two close points with one
    # on the other side of the mean stopped being special cause; RL4 type 1's January and
    # March 2019 were such a pair.
    changed = (
        (want["case"] == "rl4_by_type_attendances")
        & (want["series"] == "1")
        & want["period"].isin(["2019-01-01", "2019-03-01"])
    )
    expected = want["point_type_2021"].where(~changed, "common_cause")
    assert points["point_type"].tolist() == expected.tolist()
    if changed.any():
        mid = points[(points["series"] == "1") & (points["x"] == "2019-02-01")]
        assert mid["relative_to_mean"].tolist() == [-1.0]  # the point between them is below the mean


def test_rebasing_gives_each_section_its_own_limits(snapshots):
    want = snapshots[snapshots["case"] == "ae_all_attendances_rebase_2017_04"].reset_index(drop=True)
    points, summary = stats.xmr(want["y"], want["period"], rebase=["2017-04-01"])
    assert points["rebase_group"].tolist() == [0] * 12 + [1] * 24
    assert points.loc[0, "mean"] == pytest.approx(want["y"][:12].mean(), rel=1e-12)
    assert points.loc[35, "mean"] == pytest.approx(want["y"][12:].mean(), rel=1e-12)
    # the moving range between the two sections belongs to neither
    mr = S.moving_ranges(points["y"], points["rebase_group"])
    assert np.isnan(mr[0]) and np.isnan(mr[12]) and not np.isnan(mr[13])
    assert summary.loc[0, "rebase_group"] == 1 and summary.loc[0, "n"] == 24
    assert points["short_group_warning"].tolist() == [True] * 12 + [False] * 24  # 12 < 13: trial limits


def test_rebase_points_are_read_as_the_x_values_kind():
    import datetime as dt

    months = pd.date_range("2016-04-01", periods=20, freq="MS")
    y = np.arange(20.0) % 5
    for point in ("2017-04-01", pd.Timestamp("2017-04-01"), dt.date(2017, 4, 1), np.datetime64("2017-04-01")):
        points, _ = stats.xmr(y, months, rebase=[point], min_points=2)
        assert points["rebase_group"].tolist() == [0] * 12 + [1] * 8, point
    # x as plain dates: a string is not a date, and says so rather than never rebasing
    with pytest.raises(StatsError, match="is not a point of the series"):
        stats.xmr(y, [d.date() for d in months], rebase=["2017-04-01"])
    with pytest.raises(StatsError, match="series 'b'"):
        stats.xmr(y, months, series=["a"] * 20, rebase={"b": ["2017-04-01"]})


@pytest.fixture(scope="module")
def ae_type1():
    return pd.read_csv(material("reference", "nhsrplotthedots", "ae_attendances_type1_RQM_RRK.csv"))


def test_readme_example_rqm(ae_type1):
    """README.md: RQM's type 1 breaches to March 2018, decrease is improvement, target 1200:
    variation_type common_cause, assurance_type inconsistent; the limits figure
    (man/figures/README-limits-example-1.png) labels UPL 2 350, mean 1 545, LPL 740 and shows
    two blue points (May, June 2016) and two orange (December 2016, January 2017)."""
    rqm = ae_type1[(ae_type1["org_code"] == "RQM") & (ae_type1["period"] < "2018-04-01")]
    points, summary = stats.xmr(rqm["breaches"], rqm["period"], polarity="decrease", target=1200)
    row = summary.iloc[0]
    assert (row["variation_type"], row["assurance_icon"]) == ("common_cause", "inconsistent")
    assert [round(row["upl"]), round(row["mean"]), round(row["lpl"])] == [2350, 1545, 740]
    blue = points.loc[points["point_type"] == "special_cause_improvement", "x"].tolist()
    orange = points.loc[points["point_type"] == "special_cause_concern", "x"].tolist()
    assert blue == ["2016-05-01", "2016-06-01"]
    assert orange == ["2016-12-01", "2017-01-01"]


def test_vignette_example_rrk(ae_type1):
    """vignettes/NHSRplotthedots.Rmd: RRK's stable period shows "8 sequential points coloured
    in blue", triggered by the rule of 7 or more points on one side of the mean."""
    rrk = ae_type1[(ae_type1["org_code"] == "RRK") & (ae_type1["period"] < "2018-04-01")]
    points, _ = stats.xmr(rrk["breaches"], rrk["period"], polarity="decrease")
    blue = points["point_type"] == "special_cause_improvement"
    assert blue.sum() == 8
    assert points.loc[blue, "x"].tolist() == [f"2017-{m:02d}-01" for m in range(2, 10)]
    assert set(points.loc[blue, "special_cause_type"]) == {"7 Points Below CL"}
    # and its change point: rebased at July 2018 the merged trust gets limits of its own
    whole = ae_type1[ae_type1["org_code"] == "RRK"]
    rebased, summary = stats.xmr(whole["breaches"], whole["period"], polarity="decrease", rebase=["2018-07-01"])
    assert rebased["rebase_group"].tolist() == [0] * 27 + [1] * 9
    assert summary.loc[0, "mean"] == pytest.approx(whole["breaches"][27:].mean())


# --------------------------------------------------------------- a literal port of the R
def _reference(y, polarity, run=7):
    """NHSRplotthedots' rules for one section, point by point as its R code has them (the
    vapply windows, the padding, case_when's order): an independent check of the vectorised
    module, not a copy of it."""
    y = list(map(float, y))
    n = len(y)
    mean = sum(y) / n
    mr = [abs(y[i] - y[i - 1]) for i in range(1, n)]
    amr = sum(mr) / len(mr)
    kept = [m for m in mr if m < 3.267 * amr]
    amr = sum(kept) / len(kept) if kept else 0.0
    lpl, upl = mean - 2.66 * amr, mean + 2.66 * amr
    nlpl, nupl = mean - 2 * 2.66 / 3 * amr, mean + 2 * 2.66 / 3 * amr
    outside = [v > upl or v < lpl for v in y]
    rtm = [float(np.sign(v - mean)) for v in y]
    close = [not o and (v < nlpl or v > nupl) for v, o in zip(y, outside, strict=True)]

    def part_of(flags):
        padded = flags + [0] * (run - 1)
        return [any(abs(padded[i + k]) == 1 for k in range(run)) for i in range(n)]

    padded = [0.0] * (run - 1) + rtm
    one_side = [
        1 if all(padded[i] == padded[i - k] for k in range(1, run)) and padded[i] != 0 else 0
        for i in range(run - 1, run - 1 + n)
    ]
    seven = [0] * n
    for i in range(run - 1, n):
        d = [np.sign(y[i - k] - y[i - k - 1]) for k in range(run - 1)]
        seven[i] = 1 if all(v == 1 for v in d) else -1 if all(v == -1 for v in d) else 0
    part_trend, part_side = part_of(seven), part_of(one_side)
    vp, rp = [0, 0, *map(int, close), 0, 0], [0, 0, *rtm, 0, 0]
    two = [
        any(sum(vp[i + a : i + a + 3]) >= 2 and abs(sum(rp[i + a : i + a + 3])) == 3 for a in range(3)) and close[i]
        for i in range(n)
    ]
    sdy = [np.sign(y[i] - y[i - 1]) for i in range(1, n)]
    direction_of = [
        (sdy + sdy[-1:])[i] if part_trend[i] and (part_trend + [False])[i + 1] else ([0.0] + sdy)[i] for i in range(n)
    ]
    kinds = []
    for i in range(n):
        if outside[i]:
            v = 1 if rtm[i] == 1 else -1
        elif part_trend[i]:
            v = 1 if direction_of[i] == 1 else -1
        elif two[i] or part_side[i]:
            v = 1 if rtm[i] > 0 else -1
        else:
            v = 0
        kinds.append(
            "common_cause"
            if v == 0
            else ("special_cause_neutral_high" if v > 0 else "special_cause_neutral_low")
            if polarity == 0
            else ("special_cause_improvement" if v * polarity > 0 else "special_cause_concern")
        )
    return lpl, upl, kinds


def test_matches_a_literal_port_of_the_r_rules_on_random_series():
    rng = np.random.default_rng(20250601)
    for trial in range(300):
        n = int(rng.integers(15, 40))
        kind = trial % 4
        if kind == 0:
            y = rng.normal(size=n)
        elif kind == 1:  # steps and drifts: shifts and trends
            y = np.cumsum(rng.normal(size=n)) + np.repeat(
                rng.normal(scale=3, size=3), [n // 3, n // 3, n - 2 * (n // 3)]
            )
        elif kind == 2:  # small whole numbers: ties, points on the mean
            y = rng.integers(0, 4, size=n).astype(float)
        else:  # trends
            y = np.concatenate([np.arange(8.0), rng.normal(size=n - 16), np.arange(8.0, 0, -1)])
        polarity = int(rng.integers(-1, 2))
        points, _ = stats.xmr(y, polarity={1: "high", -1: "low", 0: "none"}[polarity])
        lpl, upl, kinds = _reference(y, polarity)
        assert points["lpl"].iloc[0] == pytest.approx(lpl, rel=1e-12, abs=1e-12)
        assert points["upl"].iloc[0] == pytest.approx(upl, rel=1e-12, abs=1e-12)
        assert points["point_type"].tolist() == kinds, (trial, y.tolist())


# ------------------------------------------------------------ many series, one call
def test_many_series_at_once_equal_one_at_a_time(ae_type1):
    frames, targets, rebases = [], {"RQM": 1200, "RRK": 1500}, {"RRK": ["2018-07-01"]}
    together, summary = stats.xmr(
        ae_type1["breaches"],
        ae_type1["period"],
        series=ae_type1["org_code"],
        polarity="low",
        target=targets,
        rebase=rebases,
    )
    for org in ("RQM", "RRK"):
        one = ae_type1[ae_type1["org_code"] == org]
        alone, alone_summary = stats.xmr(
            one["breaches"], one["period"], polarity="low", target=targets[org], rebase=rebases.get(org)
        )
        mine = together[together["series"] == org].drop(columns="series").reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, alone)
        pd.testing.assert_frame_equal(
            summary[summary["series"] == org].drop(columns="series").reset_index(drop=True), alone_summary
        )
        frames.append(mine)
    # the input order does not matter: shuffled rows give the same chart
    shuffled = ae_type1.sample(frac=1, random_state=3)
    again, _ = stats.xmr(
        shuffled["breaches"], shuffled["period"], series=shuffled["org_code"], polarity="low", target=targets
    )
    plain, _ = stats.xmr(
        ae_type1["breaches"], ae_type1["period"], series=ae_type1["org_code"], polarity="low", target=targets
    )
    pd.testing.assert_frame_equal(again, plain)


def test_no_polarity_gives_neutral_points_and_no_assurance():
    data = [1.0] * 7 + [5.0] * 8
    points, summary = stats.xmr(data, polarity="none", target=3)
    assert set(points["point_type"]) == {"special_cause_neutral_low", "special_cause_neutral_high"}
    assert summary.loc[0, "variation_icon"] == "neutral_high" and summary.loc[0, "assurance_icon"] is None
    assert summary.loc[0, "special_cause_neutral"] == 15


def test_a_flat_series_has_limits_at_its_mean():
    # every moving range 0: ascbench keeps a mean moving range of 0 (NHSRplotthedots' screen
    # leaves none and no limits); the points sit on the mean and none is special
    points, summary = stats.xmr([4.0] * 15, target=5)
    assert summary.loc[0, ["mean", "lpl", "upl"]].astype(float).tolist() == [4.0, 4.0, 4.0]
    assert (points["point_type"] == "common_cause").all()
    assert summary.loc[0, "assurance_icon"] == "consistent_fail"


# ------------------------------------------------------------------ arguments checked first
@pytest.mark.parametrize(
    "kwargs, argument",
    [
        ({"y": [1.0] * 14}, "y"),  # fewer than 15 points
        ({"y": [1.0] * 14 + [np.nan]}, "y"),
        ({"y": [1.0] * 15, "polarity": "up"}, "polarity"),
        ({"y": [1.0] * 15, "fix_after_n_points": 11}, "fix_after_n_points"),
        ({"y": [1.0] * 15, "x": [1] * 15}, "x"),
        ({"y": [1.0] * 15, "x": list(range(14))}, "x"),
        ({"y": [1.0] * 15, "rebase": [20]}, "rebase"),
        ({"y": [1.0] * 15, "target": [1, 2]}, "target"),
        ({"y": [1.0] * 15, "run_length": 1}, "run_length"),
        ({"y": [1.0] * 15, "screen_outliers": "yes"}, "screen_outliers"),
        ({"y": [1.0] * 15, "series": ["a"] * 15, "target": {"b": 3}}, "target"),
        (
            {"y": [1.0] * 30, "series": ["a"] * 15 + ["b"] * 15, "polarity": ["high"] * 15 + ["low"] * 14 + ["high"]},
            "polarity",
        ),
    ],
)
def test_arguments_are_checked_first(kwargs, argument):
    with pytest.raises(StatsError) as err:
        stats.xmr(**kwargs)
    assert err.value.argument == argument
    assert isinstance(err.value, ValueError)
