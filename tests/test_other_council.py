"""A second, made-up council and year, run from its own YAML and CSV alone.

Othertown (X99000001), 2031/32, with a region role, a suppressed regional count, a range
polarity, a fixed comparator, a relative tolerance and a score. Expected figures by hand.
"""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES

HERE = FIXTURES / "othertown"


@pytest.fixture(scope="module")
def other():
    from ascbench.catalogue import load_catalogue
    from ascbench.engine import build_results
    from ascbench.engine.data import load as load_dataset

    results, values, comparisons = build_results(load_catalogue(HERE / "metrics.yaml"), load_dataset(HERE / "data"))
    return results.set_index("metric_id"), comparisons


def test_rate_per_1000_falls_back_to_national_when_region_is_suppressed(other):
    r, comparisons = other
    falls = r.loc["falls"]
    assert falls["value"] == pytest.approx(45 / 12000 * 1000)  # 3.75 per 1,000
    region = comparisons[(comparisons["metric_id"] == "falls") & (comparisons["comparator_area"] == "X12000009")]
    assert region.empty  # the region's count is 'c': no comparator value, never 0
    assert falls["comparator_area"] == "X92000000" and falls["comparator_value"] == pytest.approx(5.0)
    assert falls["comparator"] == "31/32 England"
    assert (falls["rating"], falls["rag"]) == ("better", "green")  # low polarity, 25% below
    assert falls["previous_value"] == pytest.approx(40 / 11800 * 1000)  # 3.3898
    assert falls["dot"] == "similar"  # +0.36 within 0.5


def test_range_polarity(other):
    r, _ = other
    c = r.loc["carers_assessed"]
    assert c["value"] == 62.0
    assert c["rating"] == "similar"  # 2 points above the 55-60 band, tolerance 2
    assert c["dot"] == "worse"  # 55.0 was inside the band; 62.0 is outside it
    assert c["rating_rule"].startswith("range: inside 55-60 is better")


def test_count_against_target_with_relative_tolerance(other):
    r, _ = other
    m = r.loc["meals"]
    assert (m["value"], m["comparator_value"], m["diff_pct"]) == (9600, 10000, -4.0)
    assert m["rating"] == "similar" and m["comparator"] == "Target to Apr-Sep 2031"
    assert m["dot"] == "similar"


def test_score_without_polarity(other):
    r, _ = other
    mood = r.loc["mood"]
    assert mood["period"] == "2030-31" and mood["value"] == 7.4
    assert mood["rating"] == "similar" and mood["dot"] == "no previous data"


def test_cli_runs_on_the_other_council(tmp_path):
    from click.testing import CliRunner

    from ascbench.cli import cli

    out = CliRunner().invoke(
        cli, ["rate", "--catalogue", str(HERE / "metrics.yaml"), "--data", str(HERE / "data"), "--format", "csv"]
    )
    assert out.exit_code == 0, out.output
    assert "Othertown" in out.stdout and "Leicestershire" not in out.stdout
