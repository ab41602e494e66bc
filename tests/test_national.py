"""The national benchmark inside the default data: every council's published ASCOF values
(2017-18 to 2023-24, built by tools/build_national.py with ascbench's own importer), so ranks,
quartiles, medians and nearest-neighbour ranks work out of the box. Checked against
independent arithmetic on the embedded file itself."""

from __future__ import annotations

import csv
import io
import json
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
ASCOF_RANKED = [
    "ASCOF_3C1",
    "ASCOF_3C2",
    "ASCOF_2E",
    "ASCOF_5A1",
    "ASCOF_5A2",
    "ASCOF_2A",
    "ASCOF_2B",
    "ASCOF_2C",
    "ASCOF_3D_2A",
    "ASCOF_4A",
]


def _councils():
    areas = pd.read_csv(DEFAULT_DATA / "areas.csv", dtype=str, keep_default_na=False)
    return set(
        areas.loc[areas["area_type"].isin(["county", "unitary", "metropolitan", "london", "council"]), "area_code"]
    )


def _published(measure, period):
    obs = pd.read_csv(NATIONAL, dtype={"value": float}, keep_default_na=False, na_values=[""])
    rows = obs[(obs["measure"] == measure) & (obs["period"] == period) & obs["area_code"].isin(_councils())]
    return rows.set_index("area_code")["value"].dropna()


def invoke(*args):
    out = CliRunner().invoke(cli, list(args))
    assert out.exit_code == 0, out.stderr
    return out.stdout


def test_the_embedded_file_holds_every_council_and_the_aggregates():
    obs = pd.read_csv(NATIONAL, dtype=str, keep_default_na=False)
    assert sorted(obs["period"].unique()) == [
        "2017-18",
        "2018-19",
        "2019-20",
        "2020-21",
        "2021-22",
        "2022-23",
        "2023-24",
    ]
    b = obs[(obs["measure"] == "ascof_2b.published") & (obs["period"] == "2023-24")]
    assert len(set(b["area_code"]) & _councils()) == 152
    assert {"E92000001", "E12000004", "CT-COUNTY"} <= set(b["area_code"])
    # the published spot checks of the source (PROVENANCE): Leicestershire 2023-24, from the
    # national file or, where the report prints the same figure, the report's row (which wins:
    # 4A is printed "72%" in the report, 72.2 in the national file)
    every = pd.concat(
        [pd.read_csv(p, dtype=str, keep_default_na=False) for p in DEFAULT_DATA.glob("observations*.csv")]
    )
    lc = every[(every["area_code"] == "E10000018") & (every["period"] == "2023-24")].set_index("measure")["value"]
    assert [
        float(lc[m])
        for m in (
            "ascof_2b.published",
            "ascof_2c.published",
            "ascof_3c1.published",
            "ascof_5a2.published",
            "ascof_4a.published",
        )
    ] == [12.0, 509.8, 59.3, 25.4, 72.0]


def test_league_table_on_the_default_data_against_independent_arithmetic():
    table = pd.read_csv(io.StringIO(invoke("rank", "--metric", "ASCOF_2B", "--period", "2023-24", "--format", "csv")))
    values = _published("ascof_2b.published", "2023-24")
    assert len(table) == len(values) == 152
    mine = table.set_index("area_code").loc["E10000018"]
    # low is good: rank = 1 + councils with a lower rate (ties share the best rank)
    assert mine["rank"] == 1 + int((values < 12.0).sum()) and mine["rank_of"] == 152
    v = np.sort(values.to_numpy())
    assert table["group_median"].iloc[0] == pytest.approx(np.percentile(v, 50))
    assert mine["quartile"] == 1 + sum(np.percentile(v, q) < 12.0 for q in (25, 50, 75))
    tied = table[table["value"] == 0.0]
    assert len(tied) == 2 and set(tied["rank"]) == {1}  # Isles of Scilly and City of London share 1st


def test_neighbour_league_table_on_the_default_data():
    table = pd.read_csv(
        io.StringIO(
            invoke("rank", "--metric", "ASCOF_2B", "--period", "2023-24", "--group", "neighbours", "--format", "csv")
        )
    )
    nn = pd.read_csv(MATERIAL / "public-data" / "oflog_nearest_neighbours.csv", dtype=str)
    members = set(nn.loc[nn["area_code"] == "E10000018", "neighbour_code"])
    values = _published("ascof_2b.published", "2023-24")
    present = values[values.index.isin(members)]
    assert set(table["area_code"]) == set(present.index) and len(present) == 14
    mine = table.set_index("area_code").loc["E10000018"]
    assert (mine["rank"], mine["rank_of"]) == (1 + int((present < 12.0).sum()), 14)


def test_rate_shows_rank_quartile_median_and_neighbour_rank_for_every_ascof_metric():
    rows = pd.read_csv(io.StringIO(invoke("rate", "--format", "csv"))).set_index("metric_id")
    ranked = rows[rows["rank"].notna()]
    assert sorted(ranked.index) == sorted(ASCOF_RANKED)  # local measures have no all-council data
    assert (ranked["rank_period"] == "2023-24").all() and (ranked["rank_of"] >= 151).all()
    b = rows.loc["ASCOF_2B"]
    values = _published("ascof_2b.published", "2023-24")
    assert b["rank"] == 1 + int((values < 12.0).sum())
    assert b["group_median"] == pytest.approx(np.percentile(values.to_numpy(), 50))
    assert (b["neighbour_rank"], b["neighbour_rank_of"]) == (5, 14)
    # survey rows gain the previous year the report does not print, from the national files
    assert rows.loc["ASCOF_5A1", ["previous_period", "previous_value", "dot"]].tolist() == ["2023-24", 44.9, "worse"]


def test_every_output_format_carries_the_position():
    md = invoke("rate", "--format", "markdown", "--metric", "ASCOF_2B")
    assert (
        "| Position among councils |" in md
        and "60th of 152 councils (2023/24), quartile 2, median 14.9 per 100k; 5th of 14 nearest neighbours" in md
    )
    table = invoke("rate", "--metric", "ASCOF_2B", "--width", "100")
    assert "60th of 152" in table.replace("\n", " ") or "60th of" in table
    data = json.loads(invoke("rate", "--format", "json", "--metric", "ASCOF_2B"))
    row = data[0] if isinstance(data, list) else data["results"][0]
    assert (row["rank"], row["rank_of"], row["rank_period"]) == (60, 152, "2023-24")


def test_dashboard_files_show_positions_and_a_chart_per_ranked_metric(tmp_path):
    import openpyxl

    invoke("dashboard", "--out", str(tmp_path))
    html = (tmp_path / "dashboard.html").read_text()
    assert html.count('<tr class="league">') == len(ASCOF_RANKED)
    assert 'aria-labelledby="league-ASCOF-2B-t league-ASCOF-2B-d"' in html
    assert (
        '<title id="league-ASCOF-2B-t">ASCOF 2B Permanent admissions to care (aged 18-64) per 100,000 pop.: '
        "every council, 2023/24</title>" in html
    )
    assert "Leicestershire 12.0 per 100k, ranked 60 of 152, quartile 2; England 15.2 per 100k." in html
    sheet = openpyxl.load_workbook(tmp_path / "dashboard.xlsx")["Dashboard"]
    header = [c.value for c in sheet[4]]  # after the title rows
    row = next(r for r in sheet.iter_rows(min_row=5, values_only=True) if r[2] == "ASCOF 2B")
    cells = dict(zip(header, row, strict=False))
    assert (cells["Rank"], cells["Of"], cells["Rank year"], cells["Neighbour rank"]) == (60, 152, "2023/24", 5)


def test_rank_chart_is_an_accessible_svg_with_identical_bytes(tmp_path):
    for name in ("a.svg", "b.svg"):
        invoke(
            "rank", "--metric", "ASCOF_2C", "--period", "2023-24", "--chart", str(tmp_path / name), "--format", "csv"
        )
    a, b = (tmp_path / "a.svg").read_bytes(), (tmp_path / "b.svg").read_bytes()
    assert a == b and a.startswith(b"<?xml") and b'xmlns="http://www.w3.org/2000/svg"' in a
    text = a.decode()
    assert 'role="img"' in text and "<desc id=" in text and "Leicestershire 509.8 per 100k" in text
    assert text.count("<rect") == 152 + 4  # a bar per council, four quartile bands


def test_composite_theme_ranks_across_councils_by_the_compendium_method():
    table = pd.read_csv(
        io.StringIO(invoke("rank", "--metric", "all", "--composite", "layer", "--period", "2023-24", "--format", "csv"))
    )
    delay = table[table["theme"] == "delay"]
    assert delay["indicators"].iloc[0] == "ASCOF_2A, ASCOF_2B, ASCOF_2C"
    assert len(delay) >= 150
    single = {
        m: pd.read_csv(io.StringIO(invoke("rank", "--metric", m, "--period", "2023-24", "--format", "csv"))).set_index(
            "area_code"
        )["rank"]
        for m in ("ASCOF_2A", "ASCOF_2B", "ASCOF_2C")
    }
    mine = delay.set_index("area_code").loc["E10000018"]
    assert mine["mean_rank"] == pytest.approx(np.mean([single[m]["E10000018"] for m in single]))
    assert mine["position"] == 1 + (delay["mean_rank"] < mine["mean_rank"]).sum()


def test_the_trend_line_breaks_at_the_definition_change():
    from ascbench.engine.trend import sparkline

    assert sparkline([1, 2, 3, 4], [0, 0, 1, 1]) == "▁▃┊▆█"
    table = invoke("rate", "--metric", "ASCOF_2B", "--width", "100")
    assert "┊" in table  # 2017-18..2023-24 (SALT) | 2024-25 (Client Level Data)


def test_build_command_is_reproducible_and_keeps_the_reports_rows(tmp_path):
    """tools/build_national.py on the cut of the real stacked file: the report's own rows win,
    the output is byte-identical when run twice, and the directory loads."""
    outputs = []
    for run in ("one", "two"):
        data = tmp_path / run
        shutil.copytree(DEFAULT_DATA, data)
        (data / "observations-national-ascof.csv").unlink()
        proc = subprocess.run(
            [
                sys.executable,
                str(ROOT / "tools" / "build_national.py"),
                "--ascof",
                str(FIXTURES / "official" / "ascof-stacked-2017-2024.csv"),
                "--neighbours",
                str(MATERIAL / "public-data" / "oflog_nearest_neighbours.csv"),
                "--data",
                str(data),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr
        assert "check: the default data load" in proc.stdout
        outputs.append((data / "observations-national-ascof.csv").read_bytes())
    assert outputs[0] == outputs[1]
    rows = list(csv.DictReader(io.StringIO(outputs[0].decode())))
    keys = {(r["area_code"], r["period"], r["measure"]) for r in rows}
    assert ("E10000018", "2023-24", "ascof_2b.published") in keys
    # the report prints England's 2023-24 3C2 (59.1): its row is kept, the national one dropped
    assert ("E92000001", "2023-24", "ascof_3c2.published") not in keys


def test_rank_without_a_period_uses_the_latest_period_most_of_the_group_has():
    """Not the first year (a categorical sorted by its codes picked 2017-18) and not a period only
    the council itself has (R12-2025-Sep): the latest year at least half the group report."""
    import csv
    import io

    from click.testing import CliRunner

    from ascbench.cli import cli

    for group, n in (("all", 152), ("region", 10)):
        out = CliRunner().invoke(cli, ["rank", "--metric", "ASCOF_2B", "--group", group, "--format", "csv"])
        rows = list(csv.DictReader(io.StringIO(out.stdout)))
        assert {r["period"] for r in rows} == {"2023-24"} and int(rows[0]["rank_of"]) <= n
