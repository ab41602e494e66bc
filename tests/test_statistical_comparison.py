"""Fingertips-style comparisons: CI overlap, both levels, control limits, trends; properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ascbench import stats
from tests.conftest import DEFAULT_CATALOGUE, DEFAULT_DATA, material


def test_compare_reproduces_fingertips_ci_overlap_reference():
    ref = pd.read_csv(material("reference", "ci_overlap_one_level.csv"))
    for column, polarity in (("expected_low_is_good", "low"), ("expected_high_is_good", "high")):
        rows = ref[ref[column].notna()]
        got = stats.compare(rows["value"], rows["lower_ci95"], rows["upper_ci95"], rows["benchmark_value"], polarity)
        assert [g.lower() for g in got] == [e.lower() for e in rows[column]], column


def test_compare_without_polarity_and_inclusive_boundaries():
    got = stats.compare([3.3, 2.5, 3.0], [3.2, 2.2, 3.0], [3.5, 2.8, 3.4], 3.0, "none")
    assert list(got) == ["higher", "lower", "similar"]  # a limit equal to the benchmark is similar


def test_control_limits_around_a_proportion_and_a_rate():
    lo, up = stats.control_limits(50.0, 100, "proportion", 0.95)
    lo_w, up_w = stats.wilson_limits(50, 100, 0.95)
    assert (float(lo), float(up)) == pytest.approx((lo_w * 100, up_w * 100))
    # a rate of 10 per 1,000 in a population of 5,000: 50 expected events, Byar's limits
    lo, up = stats.control_limits(10.0, 5000, "rate", 0.998, 1000)
    b_lo, b_up = stats.byars_limits(50, 0.998)
    assert (float(lo), float(up)) == pytest.approx((b_lo / 5, b_up / 5))


def _switch(tmp_path, metric_id: str, method: str) -> str:
    text = (DEFAULT_CATALOGUE).read_text()
    marker = f"  - id: {metric_id}\n"
    start = text.index(marker)
    end = text.index("    comparators:\n", start)
    text = text[:end] + f"    rating: {{method: {method}}}\n" + text[end:]
    path = tmp_path / "metrics.yaml"
    path.write_text(text)
    return str(path)


def test_switching_a_metric_to_ci_overlap_changes_its_rating_and_names_the_method(tmp_path):
    from ascbench.catalogue import load_catalogue
    from ascbench.engine import build_results
    from ascbench.engine.data import load as load_dataset

    data = load_dataset(DEFAULT_DATA)
    before = build_results(load_catalogue(DEFAULT_CATALOGUE), data, metric_ids=["local_heritage_visits"])[0]
    assert (before["rating"][0], before["method"][0]) == ("similar", "target")  # 1.9% short, tolerance 2.5%
    after = build_results(
        load_catalogue(_switch(tmp_path, "local_heritage_visits", "ci_overlap95")),
        data,
        metric_ids=["local_heritage_visits"],
    )[0]
    # 119,244 visits: Poisson 95% limits 118,568-119,922 exclude the milestone 121,588
    assert (after["rating"][0], after["method"][0], after["confidence"][0]) == ("worse", "ci_overlap95", 0.95)
    assert after["lower95"][0] == pytest.approx(float(stats.byars_limits(119244, 0.95)[0][()]))
    assert "confidence interval" in after["rating_rule"][0]


def test_both_levels_and_spc(tmp_path):
    from ascbench.catalogue import load_catalogue
    from ascbench.engine import build_results
    from ascbench.engine.data import load as load_dataset

    data = load_dataset(DEFAULT_DATA)
    both = build_results(
        load_catalogue(_switch(tmp_path, "ASCOF_2A", "ci_overlap_both")), data, metric_ids=["ASCOF_2A"]
    )[0]
    assert both["rating"][0] == "worst"  # 69.7% (68.0-71.4 at 95%) far below 77.1%
    spc = build_results(load_catalogue(_switch(tmp_path, "ASCOF_2D", "spc998")), data, metric_ids=["ASCOF_2D"])[0]
    lo, up = stats.control_limits(60.7, 2049, "proportion", 0.998)
    assert float(lo) < spc["value"][0] < float(up) and spc["rating"][0] == "similar"


def test_engine_intervals_match_stats(results):
    a = results.loc["ASCOF_2A"]
    expected = stats.proportion_ci(1917, 2749, 0.998)
    assert (a["lower998"], a["upper998"]) == pytest.approx((expected["lower"][0], expected["upper"][0]), rel=1e-12)
    assert a["ci_method"] == "Wilson"
    b = results.loc["ASCOF_2B"]
    assert b["ci_method"] == "Byar"  # 51 admissions
    # a count of people waiting is an administrative total: no interval unless the catalogue asks
    six = results.loc["local_awaiting_assessment_6m"]
    assert np.isnan(six["lower95"]) and six["ci_method"] == ""
    # a published survey value: its published 95% margin of error (61.1 +/- 6.2), and at 99.8%
    # the same margin scaled by z(0.999) / z(0.975)
    c1 = results.loc["ASCOF_3C1"]
    assert (c1["lower95"], c1["upper95"], c1["ci_method"]) == (pytest.approx(54.9), pytest.approx(67.3), "published")
    assert c1["lower998"] == pytest.approx(61.1 - 6.2 * stats.z_value(0.998) / stats.z_value(0.95))


def test_a_count_gets_its_interval_when_the_catalogue_says_it_is_a_rate_of_events(tmp_path):
    from ascbench.catalogue import load_catalogue
    from ascbench.engine import build_results
    from ascbench.engine.data import load as load_dataset

    text = DEFAULT_CATALOGUE.read_text()
    marker = "  - id: local_awaiting_assessment_6m\n"
    start = text.index(marker)
    end = text.index("    comparators:\n", start) if "    comparators:\n" in text[start:] else len(text)
    text = text[:end] + "    interval: true\n" + text[end:]
    (tmp_path / "m.yaml").write_text(text)
    six = build_results(
        load_catalogue(tmp_path / "m.yaml"), load_dataset(DEFAULT_DATA), metric_ids=["local_awaiting_assessment_6m"]
    )[0].iloc[0]
    exact = stats.rate_ci(8, 1, multiplier=1)
    assert six["ci_method"] == "exact Poisson" and six["upper95"] == pytest.approx(exact["upper"][0])


# ------------------------------------------------------------------------------- trends
def _trend_data(tmp_path, rows, statistic="proportion", polarity="high"):
    data = tmp_path / "data"
    data.mkdir()
    (data / "areas.csv").write_text("area_code,area_name,area_type\nA1,Alpha,unitary\n")
    lines = ["area_code,period,measure,value"]
    for year, (x, n) in zip(range(2020, 2020 + len(rows)), rows, strict=True):
        fy = f"{year}-{(year + 1) % 100:02d}"
        lines += [f"A1,{fy},x,{x}", f"A1,{fy},n,{n}"]
    (data / "observations.csv").write_text("\n".join(lines) + "\n")
    cat = tmp_path / "metrics.yaml"
    cat.write_text(
        f"metrics:\n  - {{id: m, title: M, statistic: {statistic}, numerator: x, denominator: n, "
        f"polarity: {polarity}}}\n"
    )
    from ascbench.catalogue import load_catalogue
    from ascbench.engine import build_results
    from ascbench.engine.data import load as load_dataset

    return build_results(load_catalogue(cat), load_dataset(data))[0].iloc[0]


def test_chi_squared_trend_by_hand():
    from ascbench.engine.trend import _chi2_trend

    # x = 50..70 of 100: p = 0.6, tbar = 2, T = 50, V = 0.24 * (3000 - 2000) = 240
    stat, sign = _chi2_trend(np.array([[50, 55, 60, 65, 70.0]]), np.array([[100.0] * 5]))
    assert stat[0] == pytest.approx(2500 / 240) and sign[0] == 1


@pytest.mark.parametrize(
    "rows, polarity, label",
    [
        ([(50, 100), (55, 100), (60, 100), (65, 100), (70, 100)], "high", "increasing and getting better"),
        ([(50, 100), (55, 100), (60, 100), (65, 100), (70, 100)], "low", "increasing and getting worse"),
        ([(70, 100), (65, 100), (60, 100), (55, 100), (50, 100)], "high", "decreasing and getting worse"),
        ([(50, 100), (52, 100), (50, 100), (53, 100), (51, 100)], "high", "no significant change"),
        ([(50, 100), (50, 100), (50, 100), (50, 100), (90, 100)], "high", "no significant change"),  # one point
        ([(55, 100), (60, 100), (65, 100), (70, 100)], "high", "cannot be calculated"),  # four points
    ],
)
def test_recent_trend(tmp_path, rows, polarity, label):
    assert _trend_data(tmp_path, rows, polarity=polarity)["trend"] == label


def test_rate_trend_uses_weighted_regression(tmp_path):
    rows = [(100, 10000), (130, 10000), (160, 10000), (190, 10000), (220, 10000)]
    assert _trend_data(tmp_path, rows, "rate", "low")["trend"] == "increasing and getting worse"


def test_direction_by_interval_overlap(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "areas.csv").write_text("area_code,area_name,area_type\nA1,Alpha,unitary\n")
    (data / "observations.csv").write_text(
        "area_code,period,measure,value\nA1,2023-24,x,50\nA1,2023-24,n,100\nA1,2024-25,x,62\nA1,2024-25,n,100\n"
        "A1,2023-24,y,500\nA1,2023-24,z,1000\nA1,2024-25,y,600\nA1,2024-25,z,1000\n"
    )
    (tmp_path / "m.yaml").write_text(
        "metrics:\n"
        "  - {id: small, title: S, statistic: proportion, numerator: x, denominator: n, polarity: high,"
        " direction: {method: ci_overlap}}\n"
        "  - {id: large, title: L, statistic: proportion, numerator: y, denominator: z, polarity: high,"
        " direction: {method: ci_overlap}}\n"
    )
    from ascbench.catalogue import load_catalogue
    from ascbench.engine import build_results
    from ascbench.engine.data import load as load_dataset

    r = build_results(load_catalogue(tmp_path / "m.yaml"), load_dataset(data))[0].set_index("metric_id")
    assert r.loc["small", "dot"] == "similar"  # 50/100 vs 62/100: the 95% intervals overlap
    assert r.loc["large", "dot"] == "improved"  # 500/1000 vs 600/1000: they do not
    assert r.loc["large", "dot_method"] == "ci_overlap95"


# --------------------------------------------------------------------------- properties
counts = st.integers(min_value=0, max_value=10**7)


@settings(max_examples=300, deadline=None)
@given(counts, st.integers(min_value=1, max_value=10**7))
def test_proportion_value_lies_within_limits_and_998_contains_95(x, extra):
    n = x + extra
    a = stats.proportion_ci(x, n, 0.95)
    b = stats.proportion_ci(x, n, 0.998)
    assert a["lower"][0] <= a["value"][0] + 1e-9 and a["value"][0] <= a["upper"][0] + 1e-9
    assert b["lower"][0] <= a["lower"][0] + 1e-9 and a["upper"][0] <= b["upper"][0] + 1e-9
    assert b["lower"][0] >= 0 and b["upper"][0] <= 100 + 1e-9


@settings(max_examples=300, deadline=None)
@given(counts, st.floats(min_value=1, max_value=1e8))
def test_rate_value_lies_within_limits_and_998_contains_95(x, pop):
    a = stats.rate_ci(x, pop, 0.95)
    b = stats.rate_ci(x, pop, 0.998)
    assert a["lower"][0] <= a["value"][0] * (1 + 1e-12) and a["value"][0] <= a["upper"][0] * (1 + 1e-12)
    assert b["lower"][0] <= a["lower"][0] * (1 + 1e-12) and a["upper"][0] <= b["upper"][0] * (1 + 1e-12)
    assert a["lower"][0] >= 0


finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(finite, finite, st.floats(min_value=0, max_value=1e3), finite)
def test_flipping_polarity_swaps_better_and_worse(value, half, spread, benchmark):
    lower, upper = value - abs(half) - spread, value + abs(half) + spread
    high = stats.compare(value, lower, upper, benchmark, "high")[0]
    low = stats.compare(value, lower, upper, benchmark, "low")[0]
    swap = {"better": "worse", "worse": "better", "similar": "similar"}
    assert low == swap[high]
    from ascbench.engine.rules import judge

    for method in ("tolerance", "target"):
        h = judge([value], [benchmark], ["high"], method, [abs(half)], [False])[0]
        lo = judge([value], [benchmark], ["low"], method, [abs(half)], [False])[0]
        if method == "tolerance":
            assert h == -lo


@pytest.mark.parametrize(
    "basis, expected, label",
    [
        ("pooled", (45 + 30) / (12000 + 10000) * 1000, "pooled of 2 members"),
        ("mean", (45 / 12000 * 1000 + 30 / 10000 * 1000) / 2, "mean of 2 members"),
    ],
)
def test_group_benchmark_from_members(tmp_path, basis, expected, label):
    import shutil

    from ascbench.catalogue import load_catalogue
    from ascbench.engine import build_results
    from ascbench.engine.data import load as load_dataset
    from tests.conftest import FIXTURES

    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "othertown" / "data", data)
    (data / "groups.csv").write_text("group_code,member_code\nX12000009,X99000001\nX12000009,X99000002\n")
    text = (
        (FIXTURES / "othertown" / "metrics.yaml")
        .read_text()
        .replace(
            '{area: region, label: "{period} regional average"}',
            f'{{area: region, basis: {basis}, label: "{{period}} regional average"}}',
        )
    )
    (tmp_path / "m.yaml").write_text(text)
    r = build_results(load_catalogue(tmp_path / "m.yaml"), load_dataset(data), metric_ids=["falls"])[0].iloc[0]
    # the region's own count is suppressed ('c'); asked for, the members are pooled (and said so)
    assert r["comparator_area"] == "X12000009"
    assert r["comparator_value"] == pytest.approx(expected)
    assert r["benchmark_basis"] == label


def test_auto_never_replaces_a_suppressed_group_value(tmp_path):
    """With basis auto, a region whose own count is suppressed is not replaced by a figure
    pooled from its members without a word: the region is not compared, and the next
    comparator decides (docs/errors.md: suppressed values make a comparison 'not compared')."""
    import shutil

    from ascbench.catalogue import load_catalogue
    from ascbench.engine import build_results
    from ascbench.engine.data import load as load_dataset
    from tests.conftest import FIXTURES

    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "othertown" / "data", data)
    (data / "groups.csv").write_text("group_code,member_code\nX12000009,X99000001\nX12000009,X99000002\n")
    results, _, comparisons = build_results(
        load_catalogue(FIXTURES / "othertown" / "metrics.yaml"), load_dataset(data), metric_ids=["falls"]
    )
    r = results.iloc[0]
    assert r["period"] == "2031-32"
    region = comparisons[comparisons["comparator_area"] == "X12000009"]
    assert "2031-32" not in set(region["comparator_period"])  # the withheld year is not rebuilt
