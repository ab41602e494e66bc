"""Time: roll-ups from monthly data, milestones from annual targets, year-end forecasts,
like-for-like comparisons."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from ascbench.cli import cli
from ascbench.render.numbers import round_half_away

MONTHS = ["Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar"]


def _calendar(fy: int, i: int) -> str:
    return f"{fy if i < 9 else fy + 1}-{MONTHS[i]}"


def make_monthly(tmp_path, this_year_months: int, catalogue: str, extra_rows=()):
    """Admissions by month: 2024-25 complete (10 a month, 20 in Q4) and the first
    ``this_year_months`` months of 2025-26 (3, 2, 3, then 4 a month)."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "areas.csv").write_text("area_code,area_name,area_type\nT1,Testshire,county\n")
    rows = ["area_code,period,measure,value"]
    for i in range(12):
        rows.append(f"T1,{_calendar(2024, i)},admissions,{20 if i >= 9 else 10}")
    this = [3, 2, 3] + [4] * 9
    for i in range(this_year_months):
        rows.append(f"T1,{_calendar(2025, i)},admissions,{this[i]}")
    rows += list(extra_rows)
    (data / "observations.csv").write_text("\n".join(rows) + "\n")
    (tmp_path / "m.yaml").write_text(catalogue)
    return tmp_path / "m.yaml", data


CATALOGUE = """
metrics:
  - id: adm
    title: Admissions
    statistic: count
    numerator: admissions
    polarity: low
    comparators:
      - {measure: admissions.target, profile: flat, label: "milestone {period}"}
    rating: {similar_within: 5%}
"""


def test_rollups_from_monthly_counts(tmp_path):
    from ascbench.engine.data import load as load_dataset

    _, data = make_monthly(tmp_path, 7, CATALOGUE)
    obs = load_dataset(data).observations.set_index(["period", "measure"])["value"]
    assert obs[("2024-25", "admissions")] == 9 * 10 + 3 * 20  # a complete year
    assert obs[("2024-25-Q4", "admissions")] == 60
    assert obs[("2025-26-Q1", "admissions")] == 8
    assert obs[("2025-26-YTD-Q2", "admissions")] == 8 + 12
    assert obs[("2025-26-YTD-Oct", "admissions")] == 8 + 12 + 4
    assert obs[("R12-2025-Oct", "admissions")] == (10 + 10 + 20 * 3) + (8 + 12 + 4)  # Nov 24 - Oct 25
    assert obs[("AY2024-25-T3", "admissions")] == 3 + 2 + 3 + 4 + 4  # summer term: Apr-Aug 2025
    assert ("2025-26-Q3", "admissions") not in obs.index  # December is missing: no partial sum
    assert ("2025-26", "admissions") not in obs.index


def test_rollup_does_not_override_given_data(tmp_path):
    from ascbench.engine.data import load as load_dataset

    _, data = make_monthly(tmp_path, 3, CATALOGUE, ["T1,2025-26-Q1,admissions,9"])
    obs = load_dataset(data).observations.set_index(["period", "measure"])["value"]
    assert obs[("2025-26-Q1", "admissions")] == 9


def test_forecast_from_one_quarter_of_monthly_counts(tmp_path):
    cat, data = make_monthly(tmp_path, 3, CATALOGUE, ["T1,2025-26,admissions.target,30"])
    out = CliRunner().invoke(
        cli, ["forecast", "--catalogue", str(cat), "--data", str(data), "--period", "2025-26-Q1", "--format", "csv"]
    )
    assert out.exit_code == 0, out.stderr
    row = pd.read_csv(pd.io.common.StringIO(out.stdout)).iloc[0]
    assert row["period"] == "2025-26-Q1" and row["value"] == 8  # the quarter, as asked
    assert row["straight_line"] == 32  # 'a full year forecast of 32 admissions'
    # last year: 30 in Apr-Jun of a 150 year, so 8 -> 8 x 150 / 30 = 40
    assert row["seasonal"] == pytest.approx(40)
    assert row["target"] == 30
    assert row["verdict_straight_line"] == "off track" and row["verdict_seasonal"] == "off track"  # low polarity


def test_milestone_from_an_annual_target_flat_and_profiled(tmp_path):
    from ascbench.catalogue import load_catalogue
    from ascbench.engine import build_results
    from ascbench.engine.data import load as load_dataset

    months = [f"T1,{_calendar(2025, i)},admissions.profile,{w}" for i, w in enumerate([1] * 6 + [2] * 6)]
    cat, data = make_monthly(
        tmp_path,
        9,
        CATALOGUE.replace("profile: flat", "profile: {measure: admissions.profile}")
        + CATALOGUE.replace("id: adm", "id: flat").replace("Admissions", "Flat").replace("\nmetrics:\n", "\n"),
        ["T1,2025-26,admissions.target,40", *months],
    )
    r = build_results(load_catalogue(cat), load_dataset(data), period="2025-26-YTD-Q3", group=None)[0]
    r = r.set_index("metric_id")
    assert r.loc["flat", "value"] == 8 + 12 + 12  # Apr-Dec
    assert r.loc["flat", "comparator_value"] == pytest.approx(40 * 9 / 12)  # 30
    assert r.loc["flat", "benchmark_basis"] == "milestone: 75.0% of the 2025-26 target of 40"
    assert r.loc["flat", "rating"] == "worse"  # 32 admissions against a milestone of 30, lower is better
    # profile: weights 1 x 6 then 2 x 6 (total 18): Apr-Dec carries 6 + 6 = 12 of 18
    assert r.loc["adm", "comparator_value"] == pytest.approx(40 * 12 / 18)


def test_milestone_share_by_quarters_and_terms():
    from ascbench.engine.milestones import share_of_year

    assert share_of_year("quarters:0.1,0.2,0.3,0.4", "2025-26-YTD-Q2", "2025-26") == pytest.approx(0.3)
    assert share_of_year("quarters:0.1,0.2,0.3,0.4", "2025-26-Q3", "2025-26") == pytest.approx(0.3)
    assert share_of_year("terms:2,1,1", "AY2025-26-T1", "AY2025-26") == pytest.approx(0.5)
    assert share_of_year("flat", "2025-26-YTD-Nov", "2025-26") == pytest.approx(8 / 12)
    assert share_of_year("flat", "2024-25-Q1", "2025-26") != share_of_year("flat", "2024-25-Q1", "2025-26")  # NaN


def test_seed_milestones_in_the_table(results):
    h = results.loc["local_heritage_visits"]
    assert round_half_away(h["diff_pct"], 1) == -1.9 and h["comparator_value"] == 121588
    lib = results.loc["local_library_visits"]
    assert (lib["diff"], round_half_away(lib["diff_pct"], 1)) == (8183, 1.4)
    table = (
        CliRunner()
        .invoke(
            cli,
            ["rate", "--format", "markdown", "--metric", "local_heritage_visits", "--metric", "local_library_visits"],
        )
        .stdout
    )
    # the gap in the metric's own units beside the relative one: 119,244 - 121,588 = -2,344
    assert "121.6k Local milestone, Apr-Dec 2025 (2.3k below, 1.9% below)" in table
    assert "585.0k Local milestone, Apr-Dec 2025 (8.2k above, 1.4% above)" in table


def test_like_for_like_only(results):
    cls = results.loc["local_cls_workshop_attendances"]
    assert (cls["period"], cls["previous_period"], cls["dot"]) == ("AY2025-26-T1", "AY2024-25-T1", "similar")
    lals = results.loc["local_lals_success_rate"]
    assert (lals["period"], lals["previous_period"], lals["dot"]) == ("AY2025-26-T1", "AY2024-25", "not comparable")
    assert "different length" in lals["dot_basis"]


def test_forecast_from_a_later_quarter_uses_the_year_to_date(tmp_path):
    cat, data = make_monthly(tmp_path, 9, CATALOGUE, ["T1,2025-26,admissions.target,60"])
    out = CliRunner().invoke(
        cli, ["forecast", "--catalogue", str(cat), "--data", str(data), "--period", "2025-26-Q3", "--format", "csv"]
    )
    row = pd.read_csv(pd.io.common.StringIO(out.stdout)).iloc[0]
    assert row["value"] == 32 and row["months_elapsed"] == 9  # April-December, not the quarter's 12
    assert row["straight_line"] == pytest.approx(32 * 12 / 9)
    assert row["seasonal"] == pytest.approx(32 * 150 / 90)  # last year: 90 by December of 150


def test_forecast_prints_only_what_it_can_and_one_line_for_the_rest():
    """The embedded dashboard: only metrics in a year not yet over are forecast; one line on
    stderr names every other metric with its reason, so none is left out without a word."""
    import io

    import pandas as pd

    out = CliRunner().invoke(cli, ["forecast", "--format", "csv"])
    assert out.exit_code == 0, out.stderr
    frame = pd.read_csv(io.StringIO(out.stdout))
    rates = pd.read_csv(io.StringIO(CliRunner().invoke(cli, ["rate", "--format", "csv"]).stdout))
    assert (frame["months_elapsed"] < 12).all() and len(frame) > 0
    line = [x for x in out.stderr.splitlines() if "left out" in x]
    assert len(line) == 1
    import re

    named = set(frame["metric_id"]) | (set(re.findall(r"[\w.-]+", line[0])) & set(rates["metric_id"]))
    assert named == set(rates["metric_id"])  # every metric forecast or named
    assert f"forecast {len(frame)} of {len(rates)} metrics" in line[0]
    assert "whose year is over" in line[0] and "ASCOF_3C1" in line[0]
    table = CliRunner().invoke(cli, ["forecast"]).stdout
    assert "no annual target in the data" not in table and "2024-25" not in table
