"""As at a date, and the rules a council writes: a Q1 dashboard of a made-up council
(tests/fixtures/q1town) expressed in the documented formats without workarounds - a band
without a comparator, a banded measure whose rises count as improvement, an academic year to
date, a year-end forecast made at Q1 - and the default dashboard re-run as at every earlier
quarter, with nothing dated after the reporting date."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from click.testing import CliRunner

from ascbench.cli import cli
from tests.conftest import FIXTURES

Q1 = FIXTURES / "q1town"


def _rate(*args, catalogue=Q1 / "metrics.yaml", data=Q1 / "data"):
    out = CliRunner().invoke(cli, ["rate", "--catalogue", str(catalogue), "--data", str(data), *args])
    assert out.exit_code == 0, out.stderr
    return out.stdout


@pytest.fixture(scope="module")
def q1():
    return pd.read_csv(io.StringIO(_rate("--format", "csv"))).set_index("metric_id")


def test_a_band_without_a_comparator_is_rated_against_the_band(q1):
    carers = q1.loc["carers_28d"]  # 60.3% against 55-60%, tolerance 1 point
    assert (carers["rating"], carers["rag"], carers["method"]) == ("similar", "amber", "band")
    assert carers["diff"] == pytest.approx(0.3) and pd.isna(carers["comparator_value"])
    assert carers["comparator"] == "band 55-60%"
    reab = q1.loc["reablement_share"]  # 33% against 20-30%: 3 points out, beyond the tolerance
    assert (reab["rating"], reab["diff"]) == ("worse", pytest.approx(3.0))


def test_direction_may_follow_its_own_polarity(q1):
    # reablement rated against its band, but more is better: 25% -> 33% is improved
    assert q1.loc["reablement_share", "dot"] == "improved"


def test_entering_or_nearing_the_band_is_improved(q1):
    # carers: 50.0% (5 points below) -> 60.3% (0.3 above): improved, not "similar"
    assert q1.loc["carers_28d", "dot"] == "improved"
    from ascbench.engine.rules import BETTER, SIMILAR, WORSE, judge_change

    codes = judge_change(
        [57.0, 62.0, 58.0, 61.0], [60.3, 58.0, 56.0, 61.5], ["range"] * 4, 1.0, False, [55] * 4, [60] * 4
    )
    assert list(codes) == [BETTER, WORSE, SIMILAR, SIMILAR]  # in; out; both in; 1.0 vs 1.5 out, within 1


def test_academic_year_to_date_by_month(q1):
    ehc = q1.loc["ehc_timely"]
    assert (ehc["period"], ehc["previous_period"], ehc["dot"]) == ("AY2021-22-YTD-Jun", "AY2020-21-YTD-Jun", "improved")
    from ascbench.periods import parse_period

    p = parse_period("AY2021-22-YTD-Jun")
    assert (str(p.start), str(p.end), p.months, p.year_earlier().text) == (
        "2021-09-01",
        "2022-06-30",
        10,
        "AY2020-21-YTD-Jun",
    )
    assert parse_period("ay2021-22-ytd-dec").text == "AY2021-22-YTD-T1"


def test_year_end_finds_the_previous_academic_year(tmp_path):
    text = (
        (Q1 / "metrics.yaml")
        .read_text()
        .replace(
            "    direction: {similar_within: 1.0}\n", "    direction: {similar_within: 1.0, previous: [year_end]}\n", 1
        )
    )
    (tmp_path / "m.yaml").write_text(text)
    rows = pd.read_csv(
        io.StringIO(_rate("--format", "csv", "--metric", "ehc_timely", catalogue=tmp_path / "m.yaml"))
    ).set_index("metric_id")
    assert rows.loc["ehc_timely", "previous_period"] == "AY2020-21"


def test_a_forecast_made_at_q1_is_shown_as_such_and_never_as_an_actual(q1):
    adm = q1.loc["admissions_65"]
    assert (adm["period"], adm["value"]) == ("2022-23-YTD-Q1", 140)  # the actual stays the value
    assert (adm["forecast_value"], adm["forecast_period"], adm["forecast_made_at"]) == (560, "2022-23", "2022-23-Q1")
    assert adm["forecast_label"] == "forecast for 2022/23, made at Q1"  # the Q2 forecast is after the date
    md = _rate("--format", "markdown", "--metric", "admissions_65")
    assert "140 (Apr-Jun 2022); forecast for 2022/23, made at Q1: 560" in md


def test_comparators_print_at_their_own_precision_and_gaps_in_points(q1):
    md = _rate("--format", "markdown")
    assert "| 63.6 21/22 England |" in md  # a whole-number metric, its comparator as published
    assert "Target band 20-30% (3.0 points above)" in md
    assert "130 Local milestone (10 above, 7.7% above)" in md


def test_nothing_after_the_reporting_date(q1):
    assert q1.loc["satisfaction", "period"] == "2021-22"  # the 2022-23 survey is not out at Q1


def test_value_comparator_selections_no_longer_crash():
    """Selecting metrics whose only comparators are fixed values crashed with exit 70."""
    other = FIXTURES / "othertown"
    for args in (["rate", "--metric", "carers_assessed"], ["explain", "carers_assessed"]):
        out = CliRunner().invoke(
            cli, [*args, "--catalogue", str(other / "metrics.yaml"), "--data", str(other / "data")]
        )
        assert out.exit_code == 0, out.stderr


def test_validate_warns_about_a_metric_that_can_never_be_rated(tmp_path):
    text = (Q1 / "metrics.yaml").read_text() + (
        "  - {id: orphan, title: Orphan, layer: main, statistic: count, value: admissions_65, polarity: high}\n"
    )
    (tmp_path / "m.yaml").write_text(text)
    out = CliRunner().invoke(cli, ["validate", "--catalogue", str(tmp_path / "m.yaml"), "--data", str(Q1 / "data")])
    assert out.exit_code == 0
    assert "orphan: polarity high but no comparator, so it is never rated" in out.stderr


QUARTERS = [
    "2024-25-YTD-Q1",
    "2024-25-YTD-Q2",
    "2024-25-YTD-Q3",
    "2024-25",
    "2025-26-YTD-Q1",
    "2025-26-YTD-Q2",
    "2025-26-YTD-Q3",
]


@pytest.mark.parametrize("as_at", QUARTERS)
def test_the_default_as_at_each_earlier_quarter_shows_nothing_dated_after_it(as_at):
    """Every figure of the dashboard as at P - current, previous, comparator, rank period and
    the trend chart's points - ends on or before P's end (annual targets that contain P are
    plans for the year, not data: they are the one exception, and say so)."""
    from ascbench.catalogue import load_catalogue
    from ascbench.engine import build_results
    from ascbench.engine.data import load as load_dataset
    from ascbench.engine.trend import history
    from ascbench.periods import parse_period
    from tests.conftest import DEFAULT_CATALOGUE, DEFAULT_DATA

    catalogue, dataset = load_catalogue(DEFAULT_CATALOGUE), load_dataset(DEFAULT_DATA)
    results, values, _ = build_results(catalogue, dataset, period=as_at)
    end = parse_period(as_at).end

    def ends(column):
        return [parse_period(p).end for p in results[column].dropna().astype(str)]

    assert all(e <= end for e in ends("period")) and all(e <= end for e in ends("previous_period"))
    assert all(e <= end for e in ends("rank_period"))
    plans = results["comparator_type"].isin(["target"])
    assert all(parse_period(p).end <= end for p in results.loc[~plans, "comparator_period"].dropna().astype(str))
    hist = history(values, results, ["E10000018", "E92000001"], catalogue.metrics_frame())
    assert all(pd.Timestamp(e) <= pd.Timestamp(end) for e in hist["end"])
    assert len(results) == len(catalogue.metrics)
