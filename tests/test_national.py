"""The national benchmark inside the default data: every council's published ASCOF figures
(built by tools/build_national.py with ascbench's own importers from the ASCOF 2024-25
time-series tables, with counts, survey bases and margins of error; the 2020-21 data file;
the stacked outcomes 2017-18 to 2023-24; ONS mid-2022 to mid-2024 populations), so ranks,
quartiles, medians, funnels, interval ratings and nearest-neighbour ranks work out of the
box. Checked against independent arithmetic on the embedded files themselves."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from ascbench.cli import cli
from tests.conftest import DEFAULT_DATA, FIXTURES, MATERIAL, ROOT

NATIONAL = DEFAULT_DATA / "observations-national-ascof.csv"
POPULATIONS = DEFAULT_DATA / "observations-national-populations.csv"
ASCOF_RANKED = [
    "ASCOF_3C1",
    "ASCOF_3C2",
    "ASCOF_2E",
    "ASCOF_5A1",
    "ASCOF_5A2",
    "ASCOF_2A",
    "ASCOF_2D",
    "ASCOF_2B",
    "ASCOF_2C",
    "ASCOF_3D_2A",
    "ASCOF_4A",
    "ASCOF_4B",
]


def _areas():
    return pd.read_csv(DEFAULT_DATA / "areas.csv", dtype=str, keep_default_na=False)


def _councils_in(period: str) -> set[str]:
    """Councils that existed at the end of ``period`` (a financial year), by areas.csv's
    lifetimes, computed here independently of the engine."""
    areas = _areas()
    councils = areas[areas["area_type"].isin(["county", "unitary", "metropolitan", "london", "council"])]
    year = int(period[:4])
    start = councils["valid_from"].map(lambda p: int(p[:4]) if p else 0)
    stop = councils["valid_to"].map(lambda p: int(p[:4]) if p else 9999)
    return set(councils.loc[(start <= year) & (year <= stop), "area_code"])


def _observations():
    """Every observation file of the default data (the report's own rows replace the national
    ones for Leicestershire's printed figures)."""
    return pd.concat(
        [
            pd.read_csv(p, dtype={"value": float}, keep_default_na=False, na_values={"value": [""]})
            for p in sorted(DEFAULT_DATA.glob("observations*.csv"))
        ],
        ignore_index=True,
    )


def _rates_2b(period: str) -> pd.Series:
    """Every council's 2B rate per 100,000 from its published count and the ONS 18-64
    population (the default catalogue's definition), by hand."""
    obs = _observations()
    pops = obs
    num = obs[(obs["measure"] == "ascof_2b.num") & (obs["period"] == period)].set_index("area_code")["value"]
    den = pops[(pops["measure"] == "population.18-64") & (pops["period"] == period)].set_index("area_code")["value"]
    rate = (num / den * 100_000).dropna()
    return rate[rate.index.isin(_councils_in(period))]


def invoke(*args):
    out = CliRunner().invoke(cli, list(args))
    assert out.exit_code == 0, out.stderr
    return out


def test_the_embedded_files_hold_every_council_with_counts_bases_and_margins():
    national = pd.read_csv(NATIONAL, dtype=str, keep_default_na=False)
    assert sorted(national["period"].unique())[0] == "2015-16" and sorted(national["period"].unique())[-1] == "2024-25"
    obs = _observations()
    in_2024 = _councils_in("2024-25")
    assert len(in_2024) == 153 and "E06000065" in in_2024 and "E10000023" not in in_2024
    two_a = obs[(obs["measure"] == "ascof_2a.num") & (obs["period"] == "2024-25")]
    assert len(set(two_a["area_code"]) & in_2024) >= 140
    assert {"E92000001", "E12000004", "CT-COUNTY"} <= set(two_a["area_code"])
    # the published checks of the source: Leicestershire 2024-25 and England's 2A
    lc = obs[(obs["area_code"] == "E10000018") & (obs["period"] == "2024-25")].set_index("measure")["value"]
    assert (lc["ascof_2c.num"], lc["ascof_2c.den"], lc["ascof_3c1.moe"], lc["ascof_3c1.base"]) == (
        829,
        157349,
        6.2,
        230,
    )
    england = obs[(obs["area_code"] == "E92000001") & (obs["period"] == "2024-25")].set_index("measure")
    assert england.loc["ascof_2a.num", "value"] / england.loc["ascof_2a.den", "value"] * 100 == pytest.approx(
        77.147, abs=1e-3
    )
    # counts the tables publish rounded to 5: 4B everywhere, CLD counts above council level
    assert england.loc["ascof_2a.num", "status"] == "rounded"
    four_b = national[(national["measure"] == "ascof_4b.num") & (national["value"] != "")]
    assert (four_b["status"] == "rounded").all() and (four_b["value"].astype(float) % 5 == 0).all()
    council_2a = obs[(obs["measure"] == "ascof_2a.num") & obs["area_code"].isin(in_2024) & obs["value"].notna()]
    assert (council_2a["status"] == "").all()
    # ONS populations: Leicestershire's 18-64 and 65+ are ASCOF 2B's and 2C's denominators
    pops = pd.read_csv(POPULATIONS, dtype={"value": float}, keep_default_na=False)
    mine = pops[(pops["area_code"] == "E10000018") & (pops["period"] == "2024-25")].set_index("measure")["value"]
    assert (mine["population.18-64"], mine["population.65+"], mine["population.18+"]) == (440785, 157349, 598134)


def test_areas_have_lifetimes_and_north_yorkshire_is_one_council_in_each_year():
    areas = _areas().set_index("area_code")
    assert areas.loc["E10000023", ["valid_to", "successors"]].tolist() == ["2022-23", "E06000065"]
    assert areas.loc["E06000065", "valid_from"] == "2023-24"
    assert areas.loc["E10000006", "successors"] == "E06000063;E06000064"  # Cumbria, split in two
    assert areas.loc["E10000018", "council_type"] == "CT-COUNTY"
    obs = _observations()
    nyorks = obs[obs["measure"].eq("ascof_3c1.published") & obs["area_code"].isin(["E10000023", "E06000065"])]
    by_year = nyorks.groupby("period")["area_code"].agg(set)
    assert by_year["2017-18"] == {"E10000023"} and by_year["2024-25"] == {"E06000065"}


def test_league_table_on_the_default_data_against_independent_arithmetic():
    table = pd.read_csv(
        io.StringIO(invoke("rank", "--metric", "ASCOF_2B", "--period", "2024-25", "--format", "csv").stdout)
    )
    rates = _rates_2b("2024-25")
    assert len(table) == len(rates) and set(table["area_code"]) == set(rates.index)
    mine = table.set_index("area_code").loc["E10000018"]
    # low is good: rank = 1 + councils with a lower rate (ties share the best rank)
    assert mine["rank"] == 1 + int((rates < rates["E10000018"]).sum()) and mine["rank_of"] == len(rates)
    assert mine["missing"] == 153 - len(rates) and mine["group_size"] == 153
    assert table["group_median"].iloc[0] == pytest.approx(np.percentile(rates.to_numpy(), 50))


def test_neighbour_league_table_counts_successors_of_abolished_neighbours():
    nn = pd.read_csv(MATERIAL / "public-data" / "oflog_nearest_neighbours.csv", dtype=str)
    oflog = set(nn.loc[nn["area_code"] == "E10000018", "neighbour_code"])
    assert {"E10000023", "E10000027"} <= oflog  # North Yorkshire and Somerset county councils, abolished in 2023
    expected = (oflog - {"E10000023", "E10000027"}) | {"E06000065", "E06000066"}
    out = invoke("rank", "--metric", "ASCOF_2B", "--period", "2024-25", "--group", "neighbours", "--format", "csv")
    table = pd.read_csv(io.StringIO(out.stdout))
    rates = _rates_2b("2024-25")
    present = rates[rates.index.isin(expected)]
    assert set(table["area_code"]) == set(present.index) and len(present) == 16
    mine = table.set_index("area_code").loc["E10000018"]
    assert (mine["rank"], mine["rank_of"]) == (1 + int((present < present["E10000018"]).sum()), 16)
    # before 2023 the same list counts the county councils that then existed, and says so
    out = invoke("rank", "--metric", "ASCOF_2B", "--period", "2022-23", "--group", "neighbours", "--format", "csv")
    table = pd.read_csv(io.StringIO(out.stdout))
    assert {"E10000023", "E10000027"} <= set(table["area_code"]) and "E06000065" not in set(table["area_code"])
    assert "NN-E10000018: North Yorkshire (E06000065) counted as North Yorkshire (E10000023) in 2022-23" in out.stderr


def test_rate_shows_rank_quartile_median_and_neighbour_rank_for_every_ascof_metric():
    rows = pd.read_csv(io.StringIO(invoke("rate", "--format", "csv").stdout)).set_index("metric_id")
    ranked = rows[rows["rank"].notna()]
    assert sorted(ranked.index) == sorted(ASCOF_RANKED)  # local measures have no all-council data
    carers = ["ASCOF_3C2", "ASCOF_5A2"]  # the carers' survey is biennial: 2023-24 is its latest
    assert (ranked.drop(carers)["rank_period"] == "2024-25").all() and (
        ranked.loc[carers, "rank_period"] == "2023-24"
    ).all()
    b = rows.loc["ASCOF_2B"]
    rates = _rates_2b("2024-25")
    assert b["rank"] == 1 + int((rates < rates["E10000018"]).sum()) and b["rank_of"] == len(rates)
    assert b["group_median"] == pytest.approx(np.percentile(rates.to_numpy(), 50))
    assert b["neighbour_rank_of"] == 16
    # the survey rows gain the previous year the report does not print, from the national files
    assert rows.loc["ASCOF_5A1", ["previous_period", "previous_value", "dot"]].tolist() == ["2023-24", 44.9, "worse"]
    # and their published margins of error as intervals
    assert rows.loc["ASCOF_3C1", ["lower95", "upper95", "ci_method"]].tolist() == [54.9, 67.3, "published"]


def test_every_output_format_carries_the_position():
    rates = _rates_2b("2024-25")
    rank = 1 + int((rates < rates["E10000018"]).sum())
    data = json.loads(invoke("rate", "--format", "json", "--metric", "ASCOF_2B").stdout)
    row = data[0] if isinstance(data, list) else data["results"][0]
    assert (row["rank"], row["rank_of"], row["rank_period"]) == (rank, len(rates), "2024-25")
    md = invoke("rate", "--format", "markdown", "--metric", "ASCOF_2B").stdout
    assert "| Position among councils |" in md and f" of {len(rates)} councils (2024/25)" in md
    table = invoke("rate", "--metric", "ASCOF_2B", "--width", "100").stdout
    assert f" {rank}/{len(rates)}" in table  # the compact view's rank column
    table = invoke("rate", "--long", "--metric", "ASCOF_2B", "--width", "100").stdout
    assert f"of {len(rates)}" in " ".join(table.split())


def test_dashboard_files_show_positions_a_chart_and_a_funnel_per_ranked_metric(tmp_path):
    import openpyxl

    invoke("dashboard", "--out", str(tmp_path))
    html = (tmp_path / "dashboard.html").read_text()
    assert len(re.findall(r'<title id="league-[\w-]+-t">', html)) == len(ASCOF_RANKED)
    assert 'aria-labelledby="league-ASCOF-2B-t league-ASCOF-2B-d"' in html
    assert (
        '<title id="league-ASCOF-2B-t">ASCOF 2B Permanent admissions to care (aged 18-64) per 100,000 pop.: '
        "every council, 2024/25</title>" in html
    )
    # the national counts make funnel plots of the CLD measures possible out of the box
    assert 'id="funnel-ASCOF-2A-t"' in html and 'id="funnel-ASCOF-2C-t"' in html
    sheet = openpyxl.load_workbook(tmp_path / "dashboard.xlsx")["Dashboard"]
    header = [c.value for c in sheet[4]]  # after the title rows
    row = next(r for r in sheet.iter_rows(min_row=5, values_only=True) if r[2] == "ASCOF 2B")
    cells = dict(zip(header, row, strict=False))
    rates = _rates_2b("2024-25")
    assert (cells["Rank"], cells["Of"], cells["Rank year"]) == (
        1 + int((rates < rates["E10000018"]).sum()),
        len(rates),
        "2024/25",
    )


def test_rank_chart_and_funnel_are_accessible_svgs_with_identical_bytes(tmp_path):
    for name in ("a", "b"):
        invoke(
            "rank",
            "--metric",
            "ASCOF_2C",
            "--period",
            "2024-25",
            "--chart",
            str(tmp_path / f"{name}.svg"),
            "--funnel",
            str(tmp_path / f"{name}-funnel.svg"),
            "--format",
            "csv",
        )
    a, b = (tmp_path / "a.svg").read_bytes(), (tmp_path / "b.svg").read_bytes()
    assert a == b and a.startswith(b"<?xml") and b'xmlns="http://www.w3.org/2000/svg"' in a
    text = a.decode()
    assert 'role="img"' in text and "<desc id=" in text and "Leicestershire 526.9 per 100k" in text
    ranked = invoke("rank", "--metric", "ASCOF_2C", "--period", "2024-25", "--format", "csv").stdout
    assert text.count("<rect") == len(ranked.splitlines()) - 1 + 4  # a bar per council with a value, four bands
    assert (tmp_path / "a-funnel.svg").read_bytes() == (tmp_path / "b-funnel.svg").read_bytes()


def test_composite_theme_ranks_across_councils_by_the_compendium_method():
    table = pd.read_csv(
        io.StringIO(
            invoke("rank", "--metric", "all", "--composite", "layer", "--period", "2024-25", "--format", "csv").stdout
        )
    )
    delay = table[table["theme"] == "delay"]
    assert delay["indicators"].iloc[0] == "ASCOF_2A, ASCOF_2B, ASCOF_2C, ASCOF_2D"
    assert len(delay) >= 150
    single = {
        m: pd.read_csv(
            io.StringIO(invoke("rank", "--metric", m, "--period", "2024-25", "--format", "csv").stdout)
        ).set_index("area_code")["rank"]
        for m in ("ASCOF_2A", "ASCOF_2B", "ASCOF_2C", "ASCOF_2D")
    }
    mine = delay.set_index("area_code").loc["E10000018"]
    assert mine["mean_rank"] == pytest.approx(np.mean([single[m]["E10000018"] for m in single]))
    assert mine["position"] == 1 + (delay["mean_rank"] < mine["mean_rank"]).sum()


def test_the_trend_line_breaks_at_the_definition_change():
    from ascbench.render.sparkline import sparkline

    assert sparkline([1, 2, 3, 4], [0, 0, 1, 1]) == "▁▃┊▆█"
    table = invoke("rate", "--long", "--metric", "ASCOF_2B", "--width", "100").stdout
    assert "┊" in table  # 2017-18..2023-24 (SALT) | 2024-25 (Client Level Data)


def test_build_command_is_reproducible_and_keeps_the_reports_rows(tmp_path):
    """tools/build_national.py on cuts of the real files: the report's own rows win, North
    Yorkshire's pre-2023 rows go to the county council that then existed, rounded counts are
    marked, the output is byte-identical when run twice, and the directory loads."""
    national = FIXTURES / "official" / "national"
    outputs = []
    for run in ("one", "two"):
        data = tmp_path / run
        shutil.copytree(DEFAULT_DATA, data)
        for name in ("observations-national-ascof.csv", "observations-national-populations.csv"):
            (data / name).unlink()
        proc = subprocess.run(
            [
                sys.executable,
                str(ROOT / "tools" / "build_national.py"),
                "--annex",
                str(national / "ascof_2024_25_timeseries_annex-cut.csv"),
                "--datafile",
                str(national / "ascof_2020_21_data_file-cut.csv"),
                "--outcomes",
                str(FIXTURES / "official" / "ascof-stacked-2017-2024.csv"),
                *[
                    a
                    for y in (2022, 2023, 2024)
                    for a in ("--mye", str(national / f"ons_mye2_persons_mid-{y}-cut.csv"))
                ],
                "--neighbours",
                str(MATERIAL / "public-data" / "oflog_nearest_neighbours.csv"),
                "--data",
                str(data),
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr
        assert "check: the default data load" in proc.stdout
        assert "rows of E06000065 for 2015-16" in proc.stdout and "filed under E10000023" in proc.stdout
        outputs.append(
            [(data / n).read_bytes() for n in ("observations-national-ascof.csv", "areas.csv", "groups.csv")]
        )
    assert outputs[0] == outputs[1]
    rows = list(csv.DictReader(io.StringIO(outputs[0][0].decode())))
    keys = {(r["area_code"], r["period"], r["measure"]): r for r in rows}
    assert keys[("E92000001", "2024-25", "ascof_2a.num")]["value"] == "142525"
    assert ("E10000023", "2017-18", "ascof_3c1.published") in keys  # North Yorkshire County Council then
    assert ("E06000065", "2017-18", "ascof_3c1.published") not in keys
    assert keys[("E92000001", "2024-25", "ascof_2a.num")]["status"] == "rounded"
    # a figure the report prints as the national file has it lives in the national file only
    # (Leicestershire 2A 2024-25), so a directory of the national files alone holds it
    assert keys[("E10000018", "2024-25", "ascof_2a.num")]["value"] == "2067"
    assert (
        "ascof_2a.num"
        not in (tmp_path / "one" / "observations-leicestershire.csv")
        .read_text()
        .split("E10000018,2024-25,", 1)[-1]
        .split("\n", 1)[0]
    )
    groups = list(csv.DictReader(io.StringIO(outputs[0][2].decode())))
    leics = {g["member_code"] for g in groups if g["group_code"] == "NN-E10000018"}
    assert "E06000065" not in leics or "E10000023" not in leics


def test_rank_without_a_period_uses_the_latest_period_most_of_the_group_has():
    """Not the first year and not a period only the council itself has (R12-2025-Sep): the
    latest year at least half the group report."""
    for group, n in (("all", 153), ("region", 10)):
        out = CliRunner().invoke(cli, ["rank", "--metric", "ASCOF_2B", "--group", group, "--format", "csv"])
        rows = list(csv.DictReader(io.StringIO(out.stdout)))
        assert {r["period"] for r in rows} == {"2024-25"} and int(rows[0]["rank_of"]) <= n
