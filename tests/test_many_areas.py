"""Many areas at once: ``rate --area A --area B`` (and ``--area all``) gives each area exactly
what a run for that area alone gives - ranks, quartiles, medians, neighbour ranks and every
rating method, the group-based ones (quintile, funnel) included - for any comparison group.
A property test over random sets of councils, groups and metrics on the embedded national
data."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ascbench.catalogue import load_catalogue
from ascbench.cli import cli
from ascbench.engine import build_report
from tests.conftest import DEFAULT_DATA

# one metric per rating method, on the national series of the embedded data
CATALOGUE = """
catalogue: {title: every rating method}
layers: {one: One}
metrics:
  - {id: TOL, code: T1, title: Reablement (tolerance), layer: one, statistic: proportion, numerator: ascof_2a.num,
     denominator: ascof_2a.den, value: ascof_2a.published, polarity: high, comparators: [{area: national}]}
  - {id: CI95, code: T2, title: Reablement (interval), layer: one, statistic: proportion, numerator: ascof_2a.num,
     denominator: ascof_2a.den, value: ascof_2a.published, polarity: high, comparators: [{area: national}],
     rating: {method: ci_overlap95}}
  - {id: SURVEY, code: T3, title: Information (survey margins), layer: one, statistic: proportion,
     value: ascof_3c1.published, polarity: high, comparators: [{area: national}], rating: {method: ci_overlap_both}}
  - {id: QUINT, code: T4, title: Admissions 18-64 (quintile), layer: one, statistic: rate, numerator: ascof_2b.num,
     denominator: population.18-64, multiplier: 100000, unit: per 100k, polarity: low, rating: {method: quintile}}
  - {id: FUNNEL, code: T5, title: Admissions 65+ (funnel), layer: one, statistic: rate, numerator: ascof_2c.num,
     denominator: population.65+, multiplier: 100000, unit: per 100k, polarity: low, rating: {method: funnel95}}
  - {id: SPC, code: T6, title: Direct payments (control limits), layer: one, statistic: proportion,
     numerator: ascof_3d2a.num, denominator: ascof_3d2a.den, polarity: high, comparators: [{area: national}],
     rating: {method: spc998}}
  - {id: BAND, code: T7, title: Safeguarding (band), layer: one, statistic: proportion, numerator: ascof_4b.num,
     denominator: ascof_4b.den, value: ascof_4b.published, polarity: range, range: [90, 95],
     rating: {similar_within: 1.0}}
  - {id: RANGE, code: T8, title: Living at home (range target), layer: one, statistic: proportion,
     numerator: ascof_2e.num, denominator: ascof_2e.den, value: ascof_2e.published, polarity: high,
     range_target: [80, 90], rating: {method: range_target}}
  - {id: NOTRATED, code: T9, title: Discharge (not rated), layer: one, statistic: proportion, numerator: ascof_2d.num,
     denominator: ascof_2d.den, value: ascof_2d.published, polarity: high,
     comparators: [{area: national, rating: {method: none}}]}
"""
COUNCILS = [
    "E10000018",  # Leicestershire (its own report's figures too)
    "E06000065",  # North Yorkshire, created 2023
    "E06000063",  # Cumberland, created 2023 from Cumbria
    "E09000001",  # City of London
    "E06000053",  # Isles of Scilly
    "E08000023",  # South Tyneside (a 4B numerator above its denominator)
    "E09000033",  # Westminster
    "E10000030",  # Surrey
    "E06000016",  # Leicester
    "E08000025",  # Birmingham
    "E06000059",  # Dorset
    "E06000061",  # North Northamptonshire
]
GROUPS = ["all", "region", "type", "neighbours"]


@pytest.fixture(scope="module")
def every_method(tmp_path_factory):
    path = tmp_path_factory.mktemp("catalogue") / "metrics.yaml"
    path.write_text(CATALOGUE)
    return load_catalogue(path)


def _rows(report, area):
    rows = report.results[report.results["area_code"] == area]
    return rows.drop(columns=["order"]).reset_index(drop=True)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    areas=st.lists(st.sampled_from(COUNCILS), min_size=2, max_size=4, unique=True),
    group=st.sampled_from(GROUPS),
    metrics=st.lists(
        st.sampled_from(["TOL", "CI95", "SURVEY", "QUINT", "FUNNEL", "SPC", "BAND", "RANGE", "NOTRATED"]),
        min_size=1,
        max_size=9,
        unique=True,
    ),
)
def test_several_areas_at_once_equal_one_at_a_time(every_method, dataset, areas, group, metrics):
    together = build_report(every_method, dataset, areas, "2024-25", metrics, group)
    assert set(together.results["area_code"]) == set(areas)
    for area in areas:
        alone = build_report(every_method, dataset, [area], "2024-25", metrics, group)
        pd.testing.assert_frame_equal(_rows(together, area), _rows(alone, area), check_dtype=False)


def test_every_rating_method_rates_and_ranks_on_the_national_data(every_method, dataset):
    results = build_report(every_method, dataset, ["E10000018"], "2024-25", None, "all").results
    rows = results.set_index("metric_id")
    assert rows.loc["QUINT", "method"] == "quintile" and rows.loc["FUNNEL", "method"] == "funnel95"
    assert rows.loc["FUNNEL", "funnel_of"] >= 140 and rows.loc["SURVEY", "method"] == "ci_overlap_both"
    assert rows.loc["BAND", "comparator_type"] == "band" and rows.loc["RANGE", "method"] == "range_target"
    assert rows.loc["NOTRATED", "rating"] == "not rated"
    assert rows["rank"].notna().all()


def test_area_all_rates_every_council_that_existed_then():
    out = CliRunner().invoke(cli, ["rate", "--area", "all", "--metric", "ASCOF_2B", "--format", "csv"])
    assert out.exit_code == 0, out.stderr
    rows = pd.read_csv(pd.io.common.StringIO(out.stdout))
    assert len(rows) == 153 and rows["area_code"].is_unique
    assert "E06000065" in set(rows["area_code"]) and "E10000023" not in set(rows["area_code"])
    ranked = rows[rows["rank"].notna()]
    # each council's rank among all councils, as the league table gives it
    league = CliRunner().invoke(cli, ["rank", "--metric", "ASCOF_2B", "--period", "2024-25", "--format", "csv"])
    table = pd.read_csv(pd.io.common.StringIO(league.stdout)).set_index("area_code")
    same_period = ranked[ranked["rank_period"] == "2024-25"].set_index("area_code")
    assert len(same_period) >= 140
    assert (same_period["rank"] == table.loc[same_period.index, "rank"]).all()


def test_an_area_name_two_councils_share_is_an_error_naming_both():
    out = CliRunner().invoke(cli, ["rate", "--area", "Somerset"])
    assert out.exit_code == 1
    assert (
        "--area: 'Somerset' names 2 areas: E06000066 (unitary, from 2023-24); E10000027 (county, to 2022-23)"
        in out.stderr
    )
    assert CliRunner().invoke(cli, ["rate", "--area", "leicestershire", "--format", "csv"]).exit_code == 0
    # a name typed with other spacing or case is the same name, and as ambiguous
    spaced = CliRunner().invoke(cli, ["rate", "--area", "north  YORKSHIRE "])
    assert spaced.exit_code == 1
    assert "names 2 areas: E06000065 (unitary, from 2023-24); E10000023 (county, to 2022-23)" in spaced.stderr
    one = CliRunner().invoke(cli, ["rate", "--area", " Leicestershire", "--metric", "ASCOF_2B", "--format", "csv"])
    assert one.exit_code == 0 and ",E10000018,Leicestershire," in one.stdout


def test_lifetimes_in_areas_csv_are_checked(tmp_path):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA, data)
    areas = data / "areas.csv"
    text = areas.read_text().replace("E10000023,North Yorkshire,county,", "E10000023,North Yorkshire,county,", 1)
    lines = text.splitlines()
    header = lines[0].split(",")
    i = next(n for n, line in enumerate(lines) if line.startswith("E10000023,"))
    cells = lines[i].split(",")
    cells[header.index("valid_to")] = "last year"
    cells[header.index("successors")] = "E06999999"
    lines[i] = ",".join(cells)
    areas.write_text("\n".join(lines) + "\n")
    out = CliRunner().invoke(cli, ["validate", "--data", str(data)])
    assert out.exit_code == 1
    assert f"{areas}:{i + 1}: valid_to: 'last year' is not a period" in out.stderr
    assert f"{areas}:{i + 1}: successors: a successor of E10000023 is not an area of areas.csv" in out.stderr


def test_explain_says_the_rule_of_every_method(every_method, tmp_path):
    """explain's rating line repeats, for every method of the catalogue (quintiles, funnels,
    range targets, interval overlaps, SPC, bands), the rule, comparator and tolerance that the
    results frame holds: no row rated by its own rule keeps another comparator's value."""
    import io

    from click.testing import CliRunner

    from ascbench.cli import cli

    where = ["--catalogue", every_method.path, "--period", "2024-25"]
    out = CliRunner().invoke(cli, ["rate", "--format", "csv", *where])
    assert out.exit_code == 0, out.stderr
    rows = pd.read_csv(io.StringIO(out.stdout), keep_default_na=False)
    for r in rows.to_dict("records"):
        if not r["method"]:
            continue
        text = " ".join(CliRunner().invoke(cli, ["explain", r["metric_id"], *where]).stdout.split())
        line = text[text.index(" rating ") :]
        assert line.startswith(f" rating {r['rating']} ({r['rag']}) by "), (r["metric_id"], line[:90])
        assert f"rule: {r['rating_rule']}" in line and f"comparator ({r['comparator_type']}): {r['comparator']}" in line
        if r["method"] in ("quintile", "funnel95", "range_target"):
            assert r["comparator_value"] == "" and "the method's limits decide" in line
    assert {"quintile", "funnel95", "range_target", "ci_overlap95", "spc998"} <= set(rows["method"])
