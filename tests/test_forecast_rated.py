"""A forecast can be the rated value: the Q1 2022/23 dashboard expressed literally
(tests/fixtures/q1-2022-23: forecasts rated, see its PROVENANCE.md) reproduces its values and
ratings - "7.6 per 100k Pop. Forecast 32 Admissions in 22/23" rated against the national
average, 2A pt 2 rated "better" - each compared with last year's actual, with nothing read
that was published after the reporting date; a survey not yet published says when it is
due."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from click.testing import CliRunner

from ascbench.cli import cli
from tests.conftest import FIXTURES

HERE = FIXTURES / "q1-2022-23"


def _run(*args, catalogue=HERE / "metrics.yaml"):
    out = CliRunner().invoke(cli, [args[0], "--catalogue", str(catalogue), "--data", str(HERE / "data"), *args[1:]])
    assert out.exit_code == 0, out.stderr
    return out.stdout


@pytest.fixture(scope="module")
def rows():
    return pd.read_csv(io.StringIO(_run("rate", "--format", "csv"))).set_index("metric_id")


def _observations():
    return pd.read_csv(HERE / "data" / "observations.csv").set_index(["area_code", "period", "measure"])["value"]


def test_the_forecast_is_the_rated_value_with_its_count_and_made_at_date(rows):
    obs = _observations()
    a1 = rows.loc["ASCOF_2A1"]
    forecast = obs[("E10000018", "2022-23-Q1", "admissions_18_64.forecast")]
    population = obs[("E10000018", "2022-23", "population.18-64")]
    assert forecast == 32
    assert a1["value"] == pytest.approx(forecast / population * 100_000) and round(a1["value"], 1) == 7.6
    assert (a1["period"], a1["value_basis"], a1["numerator"], a1["denominator"]) == (
        "2022-23",
        "forecast",
        32,
        population,
    )
    assert (a1["period_label"], a1["forecast_made_at"]) == ("forecast for 2022/23, made at Q1", "2022-23-Q1")


def test_rated_against_the_national_average_known_at_q1_and_last_years_actual(rows):
    obs = _observations()
    a1, a2 = rows.loc["ASCOF_2A1"], rows.loc["ASCOF_2A2"]
    # England's 2022-23 figures are in the data but were published in December 2023: as at Q1
    # 2022/23 the national average is 2021-22's
    for row, code in ((a1, "ascof_2a1.published"), (a2, "ascof_2a2.published")):
        assert row["comparator_period"] == "2021-22"
        assert row["comparator_value"] == obs[("E92000001", "2021-22", code)]
        assert row["comparator"] == "21/22 Nat. Ave."
        assert (row["previous_period"], row["previous_value"]) == ("2021-22", obs[("E10000018", "2021-22", code)])
    # 7.6 against 13.9, low is good, 5% tolerance: better (green); against 6.1 last year: worse
    assert (a1["rating"], a1["rag"], a1["dot"]) == ("better", "green", "worse")
    # 2A pt 2: 760 / 149,800 = 507.3 against 538.5: better, as the dashboard rated it; 567.2 last year
    assert round(a2["value"], 1) == 507.3 and a2["numerator"] == 760
    assert (a2["rating"], a2["rag"], a2["dot"]) == ("better", "green", "improved")


def test_the_dashboard_prints_the_forecast_with_its_count_once(rows):
    md = _run("rate", "--format", "markdown")
    assert "7.6 per 100k (32) (forecast for 2022/23, made at Q1)" in md
    assert "507.3 per 100k (760) (forecast for 2022/23, made at Q1)" in md
    assert md.count("forecast for 2022/23") == 2  # not repeated as a 'forecast' beside the value
    assert "13.9 per 100k 21/22 Nat. Ave." in md


def test_a_survey_not_yet_published_says_when_it_is_due(rows):
    survey = rows.loc["ASCOF_3A"]
    assert (survey["period"], survey["status"], survey["rating"]) == ("2022-23", "due 2023-05", "not compared")
    assert (survey["previous_period"], survey["previous_value"]) == ("2021-22", 63.4)
    assert "due May 2023" in _run("rate", "--format", "markdown", "--metric", "ASCOF_3A")


def test_without_rate_forecast_the_forecast_is_never_the_value(tmp_path):
    text = (HERE / "metrics.yaml").read_text().replace("    rate: forecast\n", "")
    (tmp_path / "m.yaml").write_text(text)
    plain = pd.read_csv(io.StringIO(_run("rate", "--format", "csv", catalogue=tmp_path / "m.yaml")))
    a1 = plain.set_index("metric_id").loc["ASCOF_2A1"]
    assert a1["value_basis"] != "forecast" and a1["period"] == "2022-23-YTD-Q1"
    assert (a1["forecast_value"], a1["forecast_label"]) == (32, "forecast for 2022/23, made at Q1")


def test_rate_forecast_without_a_forecast_measure_is_a_located_error(tmp_path):
    text = (HERE / "metrics.yaml").read_text().replace("    forecast: admissions_65.forecast\n", "", 1)
    (tmp_path / "m.yaml").write_text(text)
    out = CliRunner().invoke(cli, ["validate", "--catalogue", str(tmp_path / "m.yaml"), "--data", str(HERE / "data")])
    assert out.exit_code == 1
    assert "need the metric's forecast measure" in out.output and "ASCOF_2A2" in out.output
