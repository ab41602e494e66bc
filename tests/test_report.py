"""The Report: built once per run, read by every renderer; the comparison group is found
once (the league and funnel charts read its league table, they never recompute it)."""

from __future__ import annotations

from collections import Counter

from click.testing import CliRunner

from ascbench.cli import cli


def test_the_dashboard_finds_each_comparison_group_once(tmp_path, monkeypatch):
    import ascbench.engine.pipeline as pipeline
    import ascbench.engine.ranking as ranking

    calls: Counter = Counter()
    real = ranking.comparison_group

    def counted(values, metrics, areas, groups, group, focuses, end=None):
        calls[group] += 1
        return real(values, metrics, areas, groups, group, focuses, end)

    monkeypatch.setattr(ranking, "comparison_group", counted)
    monkeypatch.setattr(pipeline, "comparison_group", counted)
    out = CliRunner().invoke(cli, ["dashboard", "--out", str(tmp_path / "site")])
    assert out.exit_code == 0, out.stderr
    assert calls == {"all": 1, "neighbours": 1}  # the group, and each council's nearest neighbours
    html = (tmp_path / "site" / "dashboard.html").read_text()
    assert 'id="league-ASCOF-2B-t"' in html and 'id="funnel-ASCOF-2C-t"' in html


def test_the_report_is_frozen_and_its_league_is_the_rank_behind_each_row(catalogue, dataset):
    import dataclasses

    import pytest

    from ascbench.engine import build_report

    report = build_report(catalogue, dataset)
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.results = None  # type: ignore[misc]
    row = report.results.set_index("metric_id").loc["ASCOF_2B"]
    league = report.league("ASCOF_2B")
    mine = league.set_index("area_code").loc["E10000018"]
    assert (mine["rank"], mine["rank_of"], mine["period"]) == (row["rank"], row["rank_of"], row["rank_period"])
    assert len(league) == row["rank_of"]
