"""Importers for the official layouts (small files written in each layout, tests/fixtures/official):
every imported number, suppressed cells, disaggregations, located errors, and the round trip
import -> rank."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from click.testing import CliRunner

from ascbench.cli import cli
from tests.conftest import FIXTURES, ROOT

OFFICIAL = FIXTURES / "official"


def run_import(source, tmp_path, *files, extra=()):
    out = tmp_path / source
    result = CliRunner().invoke(cli, ["import", source, *[str(OFFICIAL / f) for f in files], "--out", str(out), *extra])
    assert result.exit_code == 0, result.stderr
    obs = pd.read_csv(out / f"observations-{source}.csv", dtype={"status": str}, keep_default_na=False)
    obs["value"] = pd.to_numeric(obs["value"])
    return out, obs.set_index(["area_code", "period", "measure"])


def rank_csv(data, catalogue, metric, *extra):
    out = CliRunner().invoke(cli, ["rank", "--data", str(data), "--catalogue", str(catalogue), "--metric", metric,
                                   "--format", "csv", *extra])
    assert out.exit_code == 0, out.stderr
    return pd.read_csv(io.StringIO(out.stdout))


def test_ascof_every_number(tmp_path):
    out, obs = run_import("ascof", tmp_path, "ascof.csv", extra=("--period", "2024-25"))
    raw = pd.read_csv(OFFICIAL / "ascof.csv", dtype=str)
    assert len(obs) == len(raw)
    assert obs.loc[("E10000018", "2024-25", "ascof_2a.num"), "value"] == 2067
    assert obs.loc[("E10000018", "2024-25", "ascof_2a.published"), "value"] == 73.7
    assert obs.loc[("E10000018", "2024-25", "ascof_2b.den"), "value"] == 440650
    assert obs.loc[("E10000018", "2024-25", "ascof_1b_1864.num"), "value"] == 150  # a disaggregation
    assert obs.loc[("E10000018", "2024-25", "ascof_1b_65ov.base"), "value"] == 340
    assert obs.loc[("E10000018", "2024-25", "ascof_3d2a.den"), "value"] == 5159
    cell = obs.loc[("E06000016", "2024-25", "ascof_2a.num")]
    assert pd.isna(cell["value"]) and cell["status"] == "suppressed"  # '[c]', never 0
    areas = pd.read_csv(out / "areas.csv", dtype=str).set_index("area_code")
    assert areas.loc["E92000001", "area_type"] == "national" and areas.loc["E12000004", "area_type"] == "region"
    assert areas.loc["SHIRE", "area_type"] == "council_type" and areas.loc["E10000018", "area_type"] == "county"
    assert "national: E92000001" in (out / "dataset.yaml").read_text()


def test_ascof_round_trip_to_a_league_table(tmp_path):
    out, _ = run_import("ascof", tmp_path, "ascof.csv", extra=("--period", "2024-25"))
    table = rank_csv(out, ROOT / "catalogues" / "ascof-2024-25.yaml", "ASCOF_2A", "--group", "all")
    # recomputed from counts: Rutland 150/180, Derbyshire 1600/2000, Leicestershire 2067/2805, Derby 700/1000;
    # Leicester is suppressed and aggregates are not ranked
    assert list(table["area_code"]) == ["E06000017", "E10000007", "E10000018", "E06000015"]
    assert list(table["rank"]) == [1, 2, 3, 4] and list(table["quartile"]) == [4, 3, 2, 1]
    assert table["value"].iloc[0] == pytest.approx(150 / 180 * 100)
    assert table["group_pooled"].iloc[0] == pytest.approx((150 + 1600 + 2067 + 700) / (180 + 2000 + 2805 + 1000) * 100)
    assert set(table["missing"]) == {1}


def test_ascof_rates_and_checks_the_published_outcome(tmp_path):
    out, _ = run_import("ascof", tmp_path, "ascof.csv", extra=("--period", "2024-25"))
    result = CliRunner().invoke(cli, ["rate", "--data", str(out), "--catalogue",
                                      str(ROOT / "catalogues" / "ascof-2024-25.yaml"), "--area", "E10000018",
                                      "--metric", "ASCOF_2A", "--metric", "ASCOF_2B", "--format", "csv"])
    assert result.exit_code == 0, result.stderr
    rows = pd.read_csv(io.StringIO(result.stdout)).set_index("metric_id")
    assert rows.loc["ASCOF_2A", "published_check"] == "ok" and rows.loc["ASCOF_2A", "comparator_value"] == \
        pytest.approx(100000 / 129702 * 100)
    assert rows.loc["ASCOF_2B", "value"] == pytest.approx(50 / 440650 * 100000)


def test_ascof_needs_a_year(tmp_path):
    result = CliRunner().invoke(cli, ["import", "ascof", str(OFFICIAL / "ascof.csv"), "--out", str(tmp_path / "x")])
    assert result.exit_code == 1 and "give the year with --period" in result.stderr


def test_changed_layout_is_a_located_error(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text((OFFICIAL / "ascof.csv").read_text().replace("Measure Type", "Type of measure"))
    result = CliRunner().invoke(cli, ["import", "ascof", str(bad), "--out", str(tmp_path / "x"), "--period", "2024-25"])
    assert result.exit_code == 1
    assert result.stderr.strip() == (f"ascbench: error: {bad}:1: Measure Type: this is not a ASCOF data file: column "
                                     "'Measure Type' is missing (expected the columns Geographical Code, Geographical "
                                     "Description, Geographical Level, ASCOF Measure Code, Disaggregation Level, "
                                     "Measure Type, Measure Value)")
    bad.write_text((OFFICIAL / "ascof.csv").read_text().replace(",Numerator,2067,", ",Numerater,2067,"))
    result = CliRunner().invoke(cli, ["import", "ascof", str(bad), "--out", str(tmp_path / "x"), "--period", "2024-25"])
    assert result.exit_code == 1 and f"{bad}:2: Measure Type: unknown measure type 'Numerater'" in result.stderr


def test_fingertips_values_counts_limits_and_comparisons(tmp_path):
    out, obs = run_import("fingertips", tmp_path, "fingertips.csv")
    m = "fingertips_90282_65-yrs"
    assert obs.loc[("E10000018", "2022-23", f"{m}.published"), "value"] == 1600.0
    assert obs.loc[("E10000018", "2022-23", f"{m}.num"), "value"] == 2520
    assert obs.loc[("E10000018", "2022-23", f"{m}.den"), "value"] == 157500
    assert obs.loc[("E10000018", "2022-23", f"{m}.published.lower95"), "value"] == 1537.0
    assert obs.loc[("E10000018", "2022-23", f"{m}.published.upper998"), "value"] == 1698.0
    assert "Compared to England value or percentiles: Better 95%" in obs.loc[
        ("E10000018", "2022-23", f"{m}.published"), "note"]
    assert obs.loc[("E10000018", "2022-23", "fingertips_90282_female_65-yrs.num"), "value"] == 1530
    assert ("E06000017", "2022-23", f"{m}.num") not in obs.index  # '*' count: not imported as a number
    assert pd.isna(obs.loc[("E06000017", "2022-23", f"{m}.published"), "value"])
    fragment = (out / "catalogue-fingertips.yaml").read_text()
    assert "statistic: rate" in fragment and "polarity: low" in fragment and "multiplier: 100000.0" in fragment


def test_fingertips_round_trip_and_agreement_with_its_own_limits(tmp_path):
    out, _ = run_import("fingertips", tmp_path, "fingertips.csv")
    catalogue = out / "catalogue-fingertips.yaml"
    table = rank_csv(out, catalogue, "FT_90282_65-yrs", "--period", "2022-23").sort_values("rank")
    assert list(table["area_code"]) == ["E10000018", "E10000007", "E06000016"]  # low is good
    assert list(table["rank"]) == [1, 2, 3]
    result = CliRunner().invoke(cli, ["rate", "--data", str(out), "--catalogue", str(catalogue), "--area",
                                      "E10000018", "--metric", "FT_90282_65-yrs", "--format", "csv"])
    row = pd.read_csv(io.StringIO(result.stdout)).iloc[0]
    assert row["value"] == pytest.approx(2520 / 157500 * 100000)  # recomputed: 1,600 per 100,000
    # ascbench's Byar limits agree with Fingertips' published 95% limits at their printed precision
    assert (round(row["lower95"]), round(row["upper95"])) == (1538, 1664)
    assert row["rating"] == "better"


def test_lginform_wide_to_long(tmp_path):
    out, obs = run_import("lginform", tmp_path, "lginform.csv")
    m = "lginform_delayed_transfers_of_care_per_100k.published"
    assert obs.loc[("E10000018", "2022-23", m), "value"] == 7.2
    assert obs.loc[("E10000018", "2023-24", m), "value"] == 6.9
    assert obs.loc[("E06000016", "2023-24", m), "status"] == "suppressed"
    assert obs.loc[("E10000018", "2023-24-Q3", "lginform_long_term_support_clients.published"), "value"] == 5120
    assert obs.loc[("E06000017", "2023-24-Q3", "lginform_long_term_support_clients.published"), "status"] == "missing"
    table = rank_csv(out, out / "catalogue-lginform.yaml", "LGI_delayed_transfers_of_care_per_100k", "--period",
                     "2022-23")
    assert list(table["area_code"]) == ["E06000016", "E10000018", "E06000017"]
    assert list(table["value_rank"]) == [1, 2, 3] and table["rank"].isna().all()  # no polarity: no 'best'


def test_lginform_unreadable_column(tmp_path):
    bad = tmp_path / "lg.csv"
    bad.write_text("area label,area long label,area code,Some metric without a period\nA,A,E10000018,1\n")
    result = CliRunner().invoke(cli, ["import", "lginform", str(bad), "--out", str(tmp_path / "x")])
    assert result.exit_code == 1 and "cannot read a metric and period in the column" in result.stderr


def test_ons_populations_by_age_band(tmp_path):
    out, obs = run_import("ons", tmp_path, "ons.csv", extra=("--period", "2024-25"))
    # Leicestershire: 5,000 at each age below 65, 8,000 at each of 65-89 and 24,000 aged 90+
    assert obs.loc[("E10000018", "2024-25", "population.18-64"), "value"] == 47 * 5000
    assert obs.loc[("E10000018", "2024-25", "population.65+"), "value"] == 25 * 8000 + 24000
    assert obs.loc[("E10000018", "2024-25", "population.18+"), "value"] == 47 * 5000 + 25 * 8000 + 24000
    assert obs.loc[("E10000018", "2024-25", "population.all"), "value"] == 65 * 5000 + 25 * 8000 + 24000


def test_import_merges_into_one_data_directory(tmp_path):
    out = tmp_path / "national"
    for source, files, extra in (("ascof", ["ascof.csv"], ["--period", "2024-25"]),
                                 ("ons", ["ons.csv"], ["--period", "2024-25"])):
        result = CliRunner().invoke(cli, ["import", source, *[str(OFFICIAL / f) for f in files], "--out", str(out),
                                          *extra])
        assert result.exit_code == 0, result.stderr
    assert {p.name for p in out.glob("observations-*.csv")} == {"observations-ascof.csv", "observations-ons.csv"}
    areas = pd.read_csv(out / "areas.csv", dtype=str)
    assert areas["area_code"].is_unique and "E10000018" in set(areas["area_code"])
