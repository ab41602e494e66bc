"""``ascbench rank`` is one engine call (:func:`ascbench.engine.league.build_league`) and a
render (:mod:`ascbench.render.league_table`, the league and funnel charts): the League holds
the table, England's value, the council's nearest neighbours and the funnel, each found by
the same rule the Report uses, on the embedded national data."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from ascbench.cli import cli
from ascbench.engine import build_report
from ascbench.engine.league import build_league

PACKAGE = Path(__file__).resolve().parents[1] / "ascbench"
NEIGHBOUR = 'fill="#4c2c92"'  # the neighbours' bars (and their marks) on a league chart


def _rank(*args: str):
    return CliRunner().invoke(cli, ["rank", *args])


@pytest.mark.parametrize("area", ["E10000018", "E06000016", "E06000063"])
@pytest.mark.parametrize("group", ["all", "neighbours"])
def test_the_report_and_the_league_name_the_same_neighbours(catalogue, dataset, area, group):
    """One rule for a council's nearest neighbours: the dashboard's (Report.neighbour_codes,
    read from the group the run resolved) and rank's (the League's) agree, in the Report's
    benchmark period, whichever group the council is ranked in."""
    report = build_report(catalogue, dataset, [area], "2024-25", ["ASCOF_2B"], group)
    period = str(report.results["rank_period"].iloc[0])
    league = build_league(catalogue, dataset, ["ASCOF_2B"], group, area, period)
    listed = dataset.groups.loc[dataset.groups["group_code"] == f"NN-{area}", "member_code"]
    assert list(league.neighbours) == report.neighbour_codes(area) == sorted(set(listed) - {area})
    assert len(league.neighbours) == 15  # Oflog lists 15 neighbours per council


def test_the_neighbours_are_the_councils_that_existed_in_the_tables_year(catalogue, dataset, tmp_path):
    """Leicestershire's list names North Yorkshire and Somerset Councils (created 2023): in
    2022-23 the county councils they replaced stand in for them, in the league and on the
    chart, so every one of its 15 neighbours is marked (13 were, when rank read groups.csv
    itself)."""
    league = build_league(catalogue, dataset, ["ASCOF_2B"], "neighbours", "E10000018", "2022-23")
    assert {"E10000023", "E10000027"} <= set(league.neighbours)  # the county councils
    assert not {"E06000065", "E06000066"} & set(league.neighbours)  # not yet created
    assert set(league.neighbours) == set(league.table["area_code"]) - {"E10000018"}
    out = _rank(
        "--metric", "ASCOF_2B", "--area", "E10000018", "--group", "neighbours", "--period", "2022-23",
        "--chart", str(tmp_path / "x.svg"),
    )  # fmt: skip
    assert out.exit_code == 0, out.stderr
    svg = (tmp_path / "x.svg").read_text(encoding="utf-8")
    assert "North Yorkshire (E06000065) counted as North Yorkshire (E10000023) in 2022-23" in out.stderr
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", svg, re.S).group(1)
    shown = desc.split("Nearest neighbours: ")[1].split(". Bars")[0].split("; ")
    assert len(shown) == 15 and any(s.startswith("North Yorkshire ") for s in shown)
    assert svg.count(NEIGHBOUR) == 2 * 15 + 1  # each bar and its mark, and the legend's swatch


def test_englands_value_is_the_reports_and_the_published_one(catalogue, dataset):
    """The England line of rank's chart is the dashboard's: the national area's value from
    its counts, else the published one; for 3C1 2024-25 the published 67.8%."""
    report = build_report(catalogue, dataset, ["E10000018"], "2024-25", ["ASCOF_3C1"], "all")
    league = build_league(catalogue, dataset, ["ASCOF_3C1"], "all", "E10000018", "2024-25")
    assert league.national == report.national_value("ASCOF_3C1", "2024-25")
    obs = dataset.observations
    published = obs[
        (obs["area_code"] == dataset.roles["national"])
        & (obs["period"] == "2024-25")
        & (obs["measure"] == catalogue.get("ASCOF_3C1").value)
    ]["value"]
    assert league.national == pytest.approx(float(published.iloc[0]), abs=0.05) == pytest.approx(67.8, abs=0.05)


def test_rank_prints_the_league_the_library_builds(catalogue, dataset):
    """The command adds nothing to the League: its table is the renderer's, its CSV the
    League's table; the council is marked on its rank's row; a narrow table drops the
    columns that repeat others."""
    from ascbench.render.league_table import league_output

    args = ["--metric", "ASCOF_2B", "--period", "2023-24", "--area", "E06000016"]
    league = build_league(catalogue, dataset, ["ASCOF_2B"], "all", "E06000016", "2023-24")
    wide = _rank(*args, "--width", "160").stdout
    assert wide == league_output(league, "table", 160)
    frame = pd.read_csv(io.StringIO(_rank(*args, "--format", "csv").stdout))
    assert list(frame.columns) == list(league.table.columns)
    assert frame.set_index("area_code")["rank"].to_dict() == league.table.set_index("area_code")["rank"].to_dict()
    mine = frame.set_index("area_code").loc["E06000016"]
    marked = next(line for line in wide.splitlines() if "▶" in line)
    assert f"{int(mine['rank'])} of {int(mine['rank_of'])}" in marked and "Leicester" in marked
    narrow = _rank(*args, "--width", "80").stdout
    assert "value rank" in wide and "MADs" in wide and "value rank" not in narrow and "MADs" not in narrow


def test_a_refused_funnel_writes_no_chart(tmp_path):
    """3C1 is a survey measure without counts: the funnel is refused before anything is
    written, so --chart's file is not left behind by a run that failed."""
    chart, funnel = tmp_path / "x.svg", tmp_path / "f.svg"
    out = _rank("--metric", "ASCOF_3C1", "--chart", str(chart), "--funnel", str(funnel))
    assert out.exit_code == 1 and "--funnel: no funnel plot for ASCOF_3C1 in 2024-25" in out.stderr
    assert not chart.exists() and not funnel.exists()


def test_rank_with_a_funnel_draws_the_leagues_counts(tmp_path):
    """2A 2024-25 has counts for every council: the funnel's points are the League's."""
    out = _rank("--metric", "ASCOF_2A", "--funnel", str(tmp_path / "f.svg"), "--format", "csv")
    assert out.exit_code == 0, out.stderr
    svg = (tmp_path / "f.svg").read_text(encoding="utf-8")
    councils = pd.read_csv(io.StringIO(out.stdout))
    assert svg.count("<circle") == len(councils) and "2024/25" in svg


def test_option_errors_name_the_option(tmp_path):
    unknown = _rank("--metric", "ASCOF_2B", "--group", "nosuch")
    assert unknown.exit_code == 1 and unknown.stderr.startswith("ascbench: error: --group: no group 'nosuch' (")
    chart = _rank("--metric", "all", "--composite", "layer", "--chart", str(tmp_path / "x.svg"))
    assert chart.exit_code == 2 and "--composite" in chart.stderr and not (tmp_path / "x.svg").exists()


def test_the_published_composite_says_its_rule_in_markdown():
    out = _rank("--metric", "all", "--composite", "overall", "--publish", "--period", "2023-24", "--format", "markdown")
    assert out.exit_code == 0, out.stderr
    head, _, first = out.stdout.splitlines()[:3]
    assert head.endswith("| disclosure |") and "1st" in first and "Disclosure control" in first


def test_only_membership_spells_a_neighbour_group():
    """No command, renderer or other engine module builds an ``NN-<code>`` name to read
    groups.csv itself (rank once did): membership.group_name and neighbours_of do."""
    spelled = [
        str(path.relative_to(PACKAGE))
        for unit in ("engine", "render", "cli")
        for path in sorted((PACKAGE / unit).rglob("*.py"))
        if re.search(r"""f["']NN-\{|["']NN-["']\s*\+""", path.read_text(encoding="utf-8"))
    ]
    assert spelled == ["engine/membership.py"]
