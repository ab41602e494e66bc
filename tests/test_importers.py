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
    out = CliRunner().invoke(
        cli, ["rank", "--data", str(data), "--catalogue", str(catalogue), "--metric", metric, "--format", "csv", *extra]
    )
    assert out.exit_code == 0, out.stderr
    return pd.read_csv(io.StringIO(out.stdout))


def test_ascof_2024_25_layout_every_number(tmp_path):
    """The 2024-25 data file's sentence-case layout (DHSC's 'How to use the CSV file'):
    CASSR codes, levels Local authority / Regional / Council type / National, a margin of
    error and disaggregations; the Leicestershire and England figures are the 2024/25 ones the
    Q3 2025/26 committee report prints."""
    out, obs = run_import("ascof", tmp_path, "ascof-2024-25.csv")  # the year from the file name
    raw = pd.read_csv(OFFICIAL / "ascof-2024-25.csv", dtype=str)
    assert len(obs) == len(raw)
    assert obs.loc[("E10000018", "2024-25", "ascof_2a.num"), "value"] == 2067
    assert obs.loc[("E10000018", "2024-25", "ascof_2a.den"), "value"] == 2805
    assert obs.loc[("E10000018", "2024-25", "ascof_2a.published"), "value"] == 73.7
    assert obs.loc[("E10000018", "2024-25", "ascof_3c1.moe"), "value"] == 3.1
    assert obs.loc[("E10000018", "2024-25", "ascof_1a_1864.published"), "value"] == 18.9
    assert obs.loc[("E10000018", "2024-25", "ascof_1a_65ov.published"), "value"] == 19.2
    assert obs.loc[("E10000018", "2024-25", "ascof_1a_female.published"), "value"] == 19.0
    assert obs.loc[("E92000001", "2024-25", "ascof_2c.published"), "value"] == 592.5
    assert obs.loc[("CT-COUNTY", "2024-25", "ascof_3c1.published"), "value"] == 68.1
    cell = obs.loc[("E06000016", "2024-25", "ascof_2b.num")]  # Leicester by its CASSR code 509 alone
    assert pd.isna(cell["value"]) and cell["status"] == "suppressed"  # '[c]', never 0
    areas = pd.read_csv(out / "areas.csv", dtype=str, keep_default_na=False).set_index("area_code")
    assert areas.loc["E92000001", "area_type"] == "national" and areas.loc["E12000004", "area_type"] == "region"
    assert areas.loc["CT-COUNTY", "area_type"] == "council_type" and areas.loc["E10000018", "area_type"] == "county"
    assert areas.loc["E10000018", "region"] == "East Midlands"
    assert "national: E92000001" in (out / "dataset.yaml").read_text()


def test_ascof_import_reports_layout_and_every_row(tmp_path):
    result = CliRunner().invoke(
        cli, ["import", "ascof", str(OFFICIAL / "ascof-2024-25.csv"), "--out", str(tmp_path / "x")]
    )
    assert result.exit_code == 0, result.stderr
    assert "ASCOF data file, 2024-25 layout (sentence-case headers)" in result.stderr
    assert "read 29 rows; kept 29 observations" in result.stderr
    assert "2 suppressed or unavailable cells kept as such" in result.stderr


def test_ascof_old_codes_join_the_new_series_through_the_crosswalk(tmp_path):
    """2018-19 (old framework, joined codes 1A1864 / 1BM): each series takes the 2023 code,
    so one series has one name in every year (old 2A1 is 2B, old 1B is 3A, old 2D is 2A)."""
    _, obs = run_import("ascof", tmp_path, "ascof-2018-19.csv")
    assert obs.loc[("E10000018", "2018-19", "ascof_2b.published"), "value"] == 9.6
    assert obs.loc[("E10000018", "2018-19", "ascof_3a.published"), "value"] == 74.3
    assert obs.loc[("E10000018", "2018-19", "ascof_3a_male.published"), "value"] == 75.0
    assert obs.loc[("E10000018", "2018-19", "ascof_1a_1864.published"), "value"] == 18.2
    assert obs.loc[("E10000018", "2018-19", "ascof_1a_65ov.published"), "value"] == 18.9
    assert obs.loc[("E10000018", "2018-19", "ascof_3d2a.published"), "value"] == 49.9
    assert obs.loc[("E92000001", "2018-19", "ascof_2a.published"), "value"] == 79.6


def test_ascof_real_stacked_rows_every_one_accounted_for(tmp_path):
    """Lines cut byte for byte from the real stacked file (2017-18 to 2023-24): each imports
    with its value, the old codes renamed, a discontinued one kept apart."""
    import csv

    out, obs = run_import("ascof", tmp_path, "ascof-stacked-2017-2024.csv")
    with open(OFFICIAL / "ascof-stacked-2017-2024.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(obs) == len(rows)
    walk = pd.read_csv(ROOT / "ascbench" / "importers" / "data" / "ascof_codes.csv", dtype=str, keep_default_na=False)
    renamed = dict(zip(walk["code_before_2023"], walk["code"], strict=True))
    for row in rows:
        code = (
            row["Measure Group"]
            if row["Year"] >= "2023-24"
            else (renamed.get(row["Measure Group"]) or "pre2023_" + row["Measure Group"])
        )
        area = {"Shire Counties": "CT-COUNTY", "Inner London": "CT-INNER-LONDON"}.get(
            row["Geographical Description"], row["ONS Code"]
        )
        assert obs.loc[(area, row["Year"], f"ascof_{code.lower()}.published"), "value"] == float(row["Measure_Value"])
    fragment = (out / "catalogue-ascof.yaml").read_text()
    assert "id: ASCOF_2B," in fragment and "breaks: [2024-25]" in fragment
    assert "id: ASCOF_PRE2023_4B," in fragment  # old 4B is not the new 4B
    check = CliRunner().invoke(cli, ["validate", "--data", str(out), "--catalogue", str(out / "catalogue-ascof.yaml")])
    assert check.exit_code == 0, check.stderr


def test_ascof_league_table_from_the_import(tmp_path):
    out, _ = run_import("ascof", tmp_path, "ascof-stacked-2017-2024.csv")
    table = rank_csv(out, out / "catalogue-ascof.yaml", "ASCOF_2B", "--period", "2023-24", "--group", "all")
    table = table.sort_values("rank")
    # low is good: Rutland 4.6, North Northamptonshire 11.4, Leicestershire 12.0; aggregates not ranked
    assert list(table["area_code"]) == ["E06000017", "E06000061", "E10000018"]
    assert list(table["rank"]) == [1, 2, 3] and list(table["value"]) == [4.6, 11.4, 12.0]


def test_ascof_direction_never_crosses_a_definition_break(tmp_path):
    """2B moved to Client Level Data in 2024-25: 2024-25 against 2023-24 is 'definition
    changed', never improved or worse."""
    out, _ = run_import("ascof", tmp_path, "ascof-stacked-2017-2024.csv", "ascof-2024-25.csv")
    catalogue = (out / "catalogue-ascof.yaml").read_text()
    assert "id: ASCOF_2B," in catalogue
    result = CliRunner().invoke(
        cli,
        [
            "rate",
            "--data",
            str(out),
            "--catalogue",
            str(out / "catalogue-ascof.yaml"),
            "--area",
            "E10000018",
            "--period",
            "2024-25",
            "--metric",
            "ASCOF_2B",
            "--metric",
            "ASCOF_3C1",
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.stderr
    rows = pd.read_csv(io.StringIO(result.stdout)).set_index("metric_id")
    assert rows.loc["ASCOF_2B", "previous_period"] == "2023-24"
    assert rows.loc["ASCOF_2B", "dot"] == "definition changed"
    assert "definition changed" in rows.loc["ASCOF_2B", "dot_basis"]
    assert rows.loc["ASCOF_3C1", "previous_period"] == "2023-24"  # 3C1 has no break: judged as usual
    assert rows.loc["ASCOF_3C1", "dot"] in ("improved", "similar", "worse")


def test_ascof_year_from_period_option_or_a_located_error(tmp_path):
    nameless = tmp_path / "download.csv"
    nameless.write_text((OFFICIAL / "ascof-2024-25.csv").read_text())
    result = CliRunner().invoke(cli, ["import", "ascof", str(nameless), "--out", str(tmp_path / "x")])
    assert result.exit_code == 1 and not (tmp_path / "x").exists()
    assert f"{nameless}:2: --period: no year for this row" in result.stderr
    ok = CliRunner().invoke(
        cli, ["import", "ascof", str(nameless), "--out", str(tmp_path / "y"), "--period", "2024-25"]
    )
    assert ok.exit_code == 0, ok.stderr


@pytest.mark.parametrize(
    "header",
    [
        "GEOGRAPHICAL CODE,Geographical_Description,geographical level,ONS_Code,ASCOF Measure Code,Disaggregation Level,"
        "Measure Type,Measure_Value",
        " Geographical code , Geographical description ,Geographical level,ONS code,ascof measure code,"
        "disaggregation level,measure type,measure value",
    ],
)
def test_ascof_headers_in_any_case_spacing_or_underscores(tmp_path, header):
    text = (OFFICIAL / "ascof-2024-25.csv").read_text().split("\n", 1)[1]
    path = tmp_path / "ascof_2024_25.csv"
    path.write_text(header + "\n" + text)
    _, obs = run_import("ascof", tmp_path, path)
    assert obs.loc[("E10000018", "2024-25", "ascof_2a.num"), "value"] == 2067


def test_ascof_codes_are_folded_or_refused_never_misfiled(tmp_path):
    base = (OFFICIAL / "ascof-2024-25.csv").read_text()
    path = tmp_path / "ascof-2024-25.csv"
    path.write_text(base.replace(",E10000018,2A,Total,Numerator,", ", e10000018 ,2A,Total,Numerator,"))
    _, obs = run_import("ascof", tmp_path, path)
    assert obs.loc[("E10000018", "2024-25", "ascof_2a.num"), "value"] == 2067
    for old, new, message in [
        (
            "509,Leicester,Local authority,,",
            "999,Leicester,Local authority,,",
            "its CASSR code is not in the shipped table",
        ),
        (",E10000018,2A,Total,Numerator,", ",E1000018,2A,Total,Numerator,", "'E1000018' is not an ONS (GSS) code"),
        (",Numerator,2067", ",Numerater,2067", "unknown measure type 'Numerater'"),
        (
            "Local authority,E10000018,2A,Total,Numerator",
            "Borough,E10000018,2A,Total,Numerator",
            "unknown geographical level 'Borough'",
        ),
    ]:
        path.write_text(base.replace(old, new, 1))
        result = CliRunner().invoke(cli, ["import", "ascof", str(path), "--out", str(tmp_path / "bad")])
        assert result.exit_code == 1 and message in result.stderr, (message, result.stderr)
        assert result.stderr.count("\n") == 1 and f"{path}:" in result.stderr
        assert not (tmp_path / "bad").exists()


def test_ascof_repeated_rows_dropped_conflicting_rows_refused(tmp_path):
    base = (OFFICIAL / "ascof-2024-25.csv").read_text()
    line = "508,Leicestershire,Local authority,E10000018,2A,Total,Numerator,2067\n"
    path = tmp_path / "ascof-2024-25.csv"
    path.write_text(base + line)
    result = CliRunner().invoke(cli, ["import", "ascof", str(path), "--out", str(tmp_path / "a")])
    assert result.exit_code == 0 and "1 rows repeated an earlier row exactly and were dropped" in result.stderr
    path.write_text(base + line.replace("2067", "2068"))
    result = CliRunner().invoke(cli, ["import", "ascof", str(path), "--out", str(tmp_path / "b")])
    assert result.exit_code == 1
    assert (
        f"{path}:31: value: two different values for E10000018 2024-25 ascof_2a.num (the other at line 11)"
        in result.stderr
    )


def test_changed_layout_is_a_located_error(tmp_path):
    bad = tmp_path / "ascof-2024-25.csv"
    bad.write_text((OFFICIAL / "ascof-2024-25.csv").read_text().replace("Measure type", "Type of measure"))
    result = CliRunner().invoke(cli, ["import", "ascof", str(bad), "--out", str(tmp_path / "x")])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"ascbench: error: {bad}:1: Measure Type: this is not an ASCOF data file: no "
        "column 'Measure Type' (expected the ASCOF data file's columns "
        "(docs/importing.md))"
    )


def test_fingertips_values_counts_limits_and_comparisons(tmp_path):
    out, obs = run_import("fingertips", tmp_path, "fingertips.csv")
    m = "fingertips_90282_65plus-yrs"
    assert obs.loc[("E10000018", "2022-23", f"{m}.published"), "value"] == 1600.0
    assert obs.loc[("E10000018", "2022-23", f"{m}.num"), "value"] == 2520
    assert obs.loc[("E10000018", "2022-23", f"{m}.den"), "value"] == 157500
    assert obs.loc[("E10000018", "2022-23", f"{m}.published.lower95"), "value"] == 1537.0
    assert obs.loc[("E10000018", "2022-23", f"{m}.published.upper998"), "value"] == 1698.0
    assert (
        "Compared to England value or percentiles: Better 95%"
        in obs.loc[("E10000018", "2022-23", f"{m}.published"), "note"]
    )
    assert obs.loc[("E10000018", "2022-23", "fingertips_90282_female_65plus-yrs.num"), "value"] == 1530
    assert ("E06000017", "2022-23", f"{m}.num") not in obs.index  # '*' count: not imported as a number
    assert pd.isna(obs.loc[("E06000017", "2022-23", f"{m}.published"), "value"])
    fragment = (out / "catalogue-fingertips.yaml").read_text()
    assert "statistic: rate" in fragment and "polarity: low" in fragment and "multiplier: 100000.0" in fragment


def test_fingertips_breakdown_rows_never_replace_the_total(tmp_path):
    """A deprivation-decile row on the England code is its own series: England's total stays."""
    _, obs = run_import("fingertips", tmp_path, "fingertips.csv")
    assert obs.loc[("E92000001", "2022-23", "fingertips_90282_65plus-yrs.published"), "value"] == 1933.1
    england = obs.xs(("E92000001", "2022-23"), level=["area_code", "period"])
    decile = [m for m in england.index if "most-deprived-decile" in m and m.endswith(".published")]
    assert len(decile) == 1 and obs.loc[("E92000001", "2022-23", decile[0]), "value"] == 2480.0


def test_fingertips_standardised_rate_is_kept_as_published(tmp_path):
    """A directly standardised rate is not Count / Denominator x 100,000: its catalogue entry
    says 'published' (never recomputed as a crude rate), with the published limits shown."""
    out, obs = run_import("fingertips", tmp_path, "fingertips.csv")
    fragment = (out / "catalogue-fingertips.yaml").read_text()
    line = next(x for x in fragment.splitlines() if "id: FT_40401_lt75-yrs," in x)
    assert "statistic: published" in line and "numerator" not in line and "polarity: low" in line
    result = CliRunner().invoke(
        cli,
        [
            "rate",
            "--data",
            str(out),
            "--catalogue",
            str(out / "catalogue-fingertips.yaml"),
            "--area",
            "E10000018",
            "--metric",
            "FT_40401_lt75-yrs",
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.stderr
    row = pd.read_csv(io.StringIO(result.stdout)).iloc[0]
    assert row["value"] == 65.4 and row["period"] == "R36-2022-Dec"
    assert row["value"] != pytest.approx(1484 / 2070000 * 100000, abs=0.1)
    assert (row["lower95"], row["upper95"]) == (62.1, 68.8)


def test_fingertipsr_column_names_read_the_same(tmp_path):
    import csv

    text = (OFFICIAL / "fingertips.csv").read_text()
    header, body = text.split("\n", 1)
    squeezed = ",".join(h.replace(" ", "") for h in next(csv.reader([header])))
    path = tmp_path / "fingertipsr.csv"
    path.write_text(squeezed + "\n" + body)
    assert "IndicatorID" in squeezed and "Timeperiod" in squeezed and "LowerCI95.0limit" in squeezed
    _, a = run_import("fingertips", tmp_path, "fingertips.csv")
    out = tmp_path / "r"
    result = CliRunner().invoke(cli, ["import", "fingertips", str(path), "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    b = pd.read_csv(out / "observations-fingertips.csv", dtype={"status": str}, keep_default_na=False)
    b["value"] = pd.to_numeric(b["value"])
    assert b.set_index(["area_code", "period", "measure"])["value"].equals(a["value"])


@pytest.mark.parametrize(
    "written, notation",
    [
        ("2006", "CY2006"),
        ("2006 - 08", "R36-2008-Dec"),
        ("2006 Q1", "2006-CQ1"),
        ("2006/07", "2006-07"),
        ("2006/07 - 08/09", "R36-2009-Mar"),
        ("2006/07 Q1", "2006-07-Q1"),
        ("2006/07 Q1 - 2007/08 Q4", "R24-2008-Mar"),
        ("2006/07 Q1-Q3", "2006-07-YTD-Q3"),
        ("Aug 2006 - Jul 2007", "R12-2007-Jul"),
        ("Mar 2006", "2006-Mar"),
    ],
)
def test_fingertips_every_period_form(written, notation):
    from ascbench.importers.fingertips import period_of
    from ascbench.periods import parse_period

    assert period_of(written) == notation
    assert parse_period(notation).text == notation


def test_fingertips_conflicting_rows_are_a_located_error(tmp_path):
    text = (OFFICIAL / "fingertips.csv").read_text()
    lines = text.splitlines()
    leics = next(i for i, x in enumerate(lines) if ",E10000018,Leicestershire," in x and ",Persons,65+" in x)
    path = tmp_path / "ft.csv"
    path.write_text(text + lines[leics].replace(",1600.0,", ",1601.0,") + "\n")
    result = CliRunner().invoke(cli, ["import", "fingertips", str(path), "--out", str(tmp_path / "x")])
    assert result.exit_code == 1 and not (tmp_path / "x").exists()
    assert f"{path}:{len(lines) + 1}: value: two different values for E10000018 2022-23" in result.stderr
    # the same row twice (one area under two parents) is dropped and counted
    path.write_text(text + lines[leics] + "\n")
    result = CliRunner().invoke(cli, ["import", "fingertips", str(path), "--out", str(tmp_path / "y")])
    assert result.exit_code == 0 and "repeated rows dropped" in result.stderr


def test_fingertips_round_trip_and_agreement_with_its_own_limits(tmp_path):
    out, _ = run_import("fingertips", tmp_path, "fingertips.csv")
    catalogue = out / "catalogue-fingertips.yaml"
    table = rank_csv(out, catalogue, "FT_90282_65plus-yrs", "--period", "2022-23").sort_values("rank")
    assert list(table["area_code"]) == ["E10000018", "E10000007", "E06000016"]  # low is good
    assert list(table["rank"]) == [1, 2, 3]
    result = CliRunner().invoke(
        cli,
        [
            "rate",
            "--data",
            str(out),
            "--catalogue",
            str(catalogue),
            "--area",
            "E10000018",
            "--metric",
            "FT_90282_65plus-yrs",
            "--format",
            "csv",
        ],
    )
    row = pd.read_csv(io.StringIO(result.stdout)).iloc[0]
    assert row["value"] == pytest.approx(2520 / 157500 * 100000)  # recomputed: 1,600 per 100,000
    # ascbench's Byar limits agree with Fingertips' published 95% limits at their printed precision
    assert (round(row["lower95"]), round(row["upper95"])) == (1538, 1664)
    assert row["rating"] == "better"


LONG_NAME = "Long-term support clients aged 18-64 per 100,000 population, with a name over sixty characters long"


def test_lginform_api_download_with_preamble_periods_alone_and_thousands(tmp_path):
    """The LG Inform Plus download: title lines, 'area, area label, area long label', one column
    per period, a repeated header row and numbers written with thousands separators."""
    out, obs = run_import("lginform", tmp_path, "lginform.csv")
    m = (
        "lginform_" + "long_term_support_clients_aged_18_64_per_100_000_population_with_a_name_over_sixty_"
        "characters_long.published"
    )
    assert obs.loc[("E10000018", "2021-22", m), "value"] == 1210.5
    assert obs.loc[("E92000001", "2023-24", m), "value"] == 1305.0
    assert obs.loc[("E06000016", "2022-23", m), "status"] == "suppressed"
    assert obs.loc[("E06000017", "2023-24", m), "status"] == "missing"
    assert obs.loc[("E06000017", "2021-22", m), "value"] == 980.0  # the row after the repeated header
    assert len(obs) == 12
    assert f"title: '{LONG_NAME}'" in (out / "catalogue-lginform.yaml").read_text()  # the name kept whole


def test_lginform_metric_from_the_option(tmp_path):
    path = tmp_path / "lg.csv"
    path.write_text("area,area label,area long label,2022/23\nE10000018,Leicestershire,Leicestershire CC,5\n")
    result = CliRunner().invoke(cli, ["import", "lginform", str(path), "--out", str(tmp_path / "x")])
    assert result.exit_code == 1 and "name the metric with --measure" in result.stderr
    result = CliRunner().invoke(
        cli, ["import", "lginform", str(path), "--out", str(tmp_path / "y"), "--measure", "Carers assessed"]
    )
    assert result.exit_code == 0, result.stderr
    assert "lginform_carers_assessed.published" in (tmp_path / "y" / "observations-lginform.csv").read_text()


def test_lginform_report_download_metric_and_period_in_the_header(tmp_path):
    out, obs = run_import("lginform", tmp_path, "lginform-report.csv")
    m = "lginform_delayed_transfers_of_care_per_100k.published"
    assert obs.loc[("E10000018", "2022-23", m), "value"] == 7.2
    assert obs.loc[("E10000018", "2023-24", m), "value"] == 6.9
    assert obs.loc[("E06000016", "2023-24", m), "status"] == "suppressed"
    assert obs.loc[("E10000018", "2023-24-Q3", "lginform_long_term_support_clients.published"), "value"] == 5120
    assert obs.loc[("E92000001", "AY2021-22", "lginform_pupils_with_an_ehc_plan.published"), "value"] == 389171
    table = rank_csv(
        out, out / "catalogue-lginform.yaml", "LGI_delayed_transfers_of_care_per_100k", "--period", "2022-23"
    )
    assert list(table["area_code"]) == ["E06000016", "E10000018", "E06000017"]
    assert list(table["value_rank"]) == [1, 2, 3] and table["rank"].isna().all()  # no polarity: no 'best'


def test_lginform_unreadable_column(tmp_path):
    bad = tmp_path / "lg.csv"
    bad.write_text("area label,area long label,area code,Some metric without a period\nA,A,E10000018,1\n")
    result = CliRunner().invoke(cli, ["import", "lginform", str(bad), "--out", str(tmp_path / "x")])
    assert (
        result.exit_code == 1
        and "cannot read a period and metric in the column 'Some metric without a period'" in result.stderr
    )


def test_the_wrong_source_is_named(tmp_path):
    result = CliRunner().invoke(
        cli, ["import", "fingertips", str(OFFICIAL / "lginform-report.csv"), "--out", str(tmp_path / "x")]
    )
    assert result.exit_code == 1 and "this looks like a lginform file, not fingertips" in result.stderr


def test_a_one_metric_catalogue_validates(tmp_path):
    """validate crashed on a one-metric catalogue (a categorical key mapped to a categorical)."""
    out, _ = run_import("lginform", tmp_path, "lginform.csv")
    result = CliRunner().invoke(
        cli, ["validate", "--data", str(out), "--catalogue", str(out / "catalogue-lginform.yaml")]
    )
    assert result.exit_code == 0, result.stderr


def _check_leicestershire(obs, period="2023-24"):
    # Leicestershire: 5,000 at each age below 65, 8,000 at each of 65-89 and 24,000 aged 90+
    assert obs.loc[("E10000018", period, "population.18-64"), "value"] == 47 * 5000
    assert obs.loc[("E10000018", period, "population.65+"), "value"] == 25 * 8000 + 24000
    assert obs.loc[("E10000018", period, "population.18+"), "value"] == 47 * 5000 + 25 * 8000 + 24000
    assert obs.loc[("E10000018", period, "population.all"), "value"] == 65 * 5000 + 25 * 8000 + 24000


def test_ons_mye2_sheet_saved_as_csv(tmp_path):
    """Title rows, the header at the row holding Code and Name, thousands separators, and the
    mid-year from the title (mid-2023 -> 2023-24)."""
    out, obs = run_import("ons", tmp_path, "ons-mye2-mid2023.csv")
    _check_leicestershire(obs)
    assert obs.loc[("E07000129", "2023-24", "population.65+"), "value"] == 25 * 1500 + 4000
    areas = pd.read_csv(out / "areas.csv", dtype=str).set_index("area_code")
    assert areas.loc["E10000018", "area_type"] == "county" and areas.loc["K02000001", "area_type"] == "aggregate"


def _mye2_workbook(path):
    """The MYE2 workbook as ONS lays it out: a contents sheet first, then the persons, males and
    females sheets, each with title rows above the header."""
    import csv

    import xlsxwriter

    rows = list(csv.reader((OFFICIAL / "ons-mye2-mid2023.csv").read_text().splitlines()))
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("Contents").write(0, 0, "Contents")
    for name in ("MYE2 - Persons", "MYE2 - Males", "MYE2 - Females"):
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                plain = cell.replace(",", "")
                if r > 4 and c >= 3 and plain.isdigit():
                    sheet.write_number(r, c, int(plain) // (1 if name.endswith("Persons") else 2))
                else:
                    sheet.write_string(r, c, cell)
    book.close()


def test_ons_mye2_workbook_persons_sheet(tmp_path):
    path = tmp_path / "ukpopestimatesmid2023.xlsx"
    _mye2_workbook(path)
    _, obs = run_import("ons", tmp_path, path)
    _check_leicestershire(obs)


def _myeb(path, districts):
    import csv

    with open(path, "w", newline="") as handle:
        w = csv.writer(handle, lineterminator="\n")
        w.writerow(["ladcode23", "laname23", "country", "sex", "age", "population_2022", "population_2023"])
        for code, name, per_age in districts:
            for sex in (1, 2):
                for age in range(91):
                    w.writerow([code, name, "E", sex, age, per_age(age) - 10, per_age(age)])


def test_ons_myeb_long_series_summed_into_counties(tmp_path):
    path = tmp_path / "MYEB1_detailed_population_estimates_series.csv"
    _myeb(
        path,
        [
            ("E07000129", "Blaby", lambda a: 500 if a < 65 else 700),
            ("E07000130", "Charnwood", lambda a: 800 if a < 65 else 900),
            ("E06000016", "Leicester", lambda a: 2000 if a < 65 else 1500),
        ],
    )
    lookup = tmp_path / "LAD23_CTY23_EN_LU.csv"
    lookup.write_text(
        "LAD23CD,LAD23NM,CTY23CD,CTY23NM\nE07000129,Blaby,E10000018,Leicestershire\n"
        "E07000130,Charnwood,E10000018,Leicestershire\n"
    )
    refused = CliRunner().invoke(cli, ["import", "ons", str(path), "--out", str(tmp_path / "x")])
    # without --lookup, the shipped 2024 lookup knows Leicestershire has seven districts: two
    # alone would give the county a fraction of its population, so the import stops
    assert refused.exit_code == 1 and "county E10000018 cannot be summed: the file lacks 5 of its 7" in refused.stderr
    _, obs = run_import("ons", tmp_path, path, extra=("--lookup", str(lookup)))
    # two sexes, 26 ages 65-90 (90 = 90 and over)
    assert obs.loc[("E10000018", "2023-24", "population.65+"), "value"] == 2 * 26 * (700 + 900)
    assert obs.loc[("E10000018", "2022-23", "population.65+"), "value"] == 2 * 26 * (690 + 890)
    assert obs.loc[("E10000018", "2023-24", "population.18-64"), "value"] == 2 * 47 * (500 + 800)
    assert obs.loc[("E06000016", "2023-24", "population.all"), "value"] == 2 * (65 * 2000 + 26 * 1500)
    assert obs.loc[("E07000129", "2023-24", "population.18+"), "value"] == 2 * (47 * 500 + 26 * 700)


@pytest.mark.parametrize(
    "cell, message",
    [
        ("-5", "'-5' is not a count of people (negative or fractional)"),
        ("12.5", "'12.5' is not a count of people (negative or fractional)"),
        ("c", "'c' is missing or suppressed"),
    ],
)
def test_ons_bad_counts_are_located_errors(tmp_path, cell, message):
    import csv
    import io

    rows = list(csv.reader(io.StringIO((OFFICIAL / "ons-mye2-mid2023.csv").read_text())))
    assert rows[8][:2] == ["E10000018", "Leicestershire"] and rows[4][4 + 70] == "70"
    rows[8][4 + 70] = cell  # Leicestershire, aged 70
    path = tmp_path / "mye2-mid2023.csv"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue())
    result = CliRunner().invoke(cli, ["import", "ons", str(path), "--out", str(tmp_path / "x")])
    assert result.exit_code == 1 and f"{path}:9: 70: {message}" in result.stderr, result.stderr
    assert not (tmp_path / "x").exists()


def test_an_option_for_another_source_is_refused(tmp_path):
    result = CliRunner().invoke(
        cli,
        [
            "import",
            "ascof",
            str(OFFICIAL / "ascof-2024-25.csv"),
            "--out",
            str(tmp_path / "x"),
            "--lookup",
            str(OFFICIAL / "ascof-2024-25.csv"),
        ],
    )
    assert result.exit_code == 1 and "--lookup does not apply to ascof" in result.stderr


def test_import_merges_into_one_data_directory(tmp_path):
    out = tmp_path / "national"
    for source, files, extra in (("ascof", ["ascof-2024-25.csv"], []), ("ons", ["ons-mye2-mid2023.csv"], [])):
        result = CliRunner().invoke(
            cli, ["import", source, *[str(OFFICIAL / f) for f in files], "--out", str(out), *extra]
        )
        assert result.exit_code == 0, result.stderr
    assert {p.name for p in out.glob("observations-*.csv")} == {"observations-ascof.csv", "observations-ons.csv"}
    areas = pd.read_csv(out / "areas.csv", dtype=str)
    assert areas["area_code"].is_unique and "E10000018" in set(areas["area_code"])
