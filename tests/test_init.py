"""``ascbench init DIR --area CODE`` for every council of the national data: the starter
catalogue reads the national data, validates with no problem, and rates, ranks and compares
each council with England, its own region and its council type. Through the library for all
153 councils (one directory, every council at once: several areas at once equal one at a
time, tests/test_many_areas.py), and once end to end as a real subprocess."""

from __future__ import annotations

import io
import subprocess
import sys

import pandas as pd
import pytest

from ascbench import starter
from ascbench.catalogue import load_catalogue
from ascbench.engine import build_report
from ascbench.engine.data import load as load_dataset
from ascbench.validation import validate_all
from tests.conftest import DEFAULT_DATA


@pytest.fixture(scope="module")
def council_dir(tmp_path_factory):
    target = tmp_path_factory.mktemp("init") / "council"
    starter.write(target, starter.plan("E08000026"))
    return target


def _current_councils() -> pd.DataFrame:
    areas = pd.read_csv(DEFAULT_DATA / "areas.csv", dtype=str, keep_default_na=False)
    councils = areas[areas["area_type"].isin(["county", "unitary", "metropolitan", "london"])]
    return councils[councils["valid_to"] == ""]


def test_every_council_can_be_chosen_by_code_and_by_name():
    councils = _current_councils()
    assert len(councils) == 153
    for row in councils.itertuples():
        chosen = starter.plan(row.area_code)
        assert (chosen.area_code, chosen.area_name) == (row.area_code, row.area_name)
        assert f"default_area: {row.area_code}".encode() in chosen.files["data/dataset.yaml"]
        if (councils["area_name"] == row.area_name).sum() == 1:
            assert starter.plan(row.area_name.upper()).area_code == row.area_code


def test_the_starter_validates_with_no_problem(council_dir):
    problems = validate_all(council_dir / "metrics.yaml", council_dir / "data")
    assert problems.errors == []
    # what is left are facts of the published file: the three 4B numerators above denominators
    assert len(problems.warnings) == 3 and all("ASCOF_4B" in w for w in problems.warnings)


def test_every_council_is_rated_ranked_and_compared_with_its_region_and_type(council_dir):
    catalogue = load_catalogue(council_dir / "metrics.yaml")
    dataset = load_dataset(council_dir / "data")
    report = build_report(catalogue, dataset, ["all"], None, None, "all")
    results = report.results
    councils = _current_councils().set_index("area_code")
    assert set(results["area_code"]) == set(councils.index)
    two_c = results[results["metric_id"] == "ASCOF_2C"].set_index("area_code")
    has_2c = two_c["value"].notna()
    assert has_2c.sum() >= 150 and (two_c.loc[has_2c, "period"] == "2024-25").all()
    # ranks: every council with a value ranked among those with a value, 2024-25
    ranked = two_c[has_2c]
    assert ranked["rank"].notna().all() and (ranked["rank_period"] == "2024-25").all()
    assert sorted(ranked["rank"].astype(int)) == sorted(ranked["value"].rank(method="min").astype(int))
    # each council's own region and council type are resolved as comparators
    comparisons = report.comparisons[report.comparisons["metric_id"] == "ASCOF_2C"]
    regions = dict(zip(dataset.areas["area_name"], dataset.areas["area_code"], strict=False))
    by_area = comparisons.groupby("area_code")["comparator_area"].agg(set)
    for code, row in councils.iterrows():
        if has_2c.get(code, False):
            assert {"E92000001", regions[row["region"]], row["council_type"]} <= by_area[code], code
    # the England comparison is Fingertips' 95% interval rule
    assert set(two_c.loc[has_2c, "method"]) == {"ci_overlap95"}
    # nearest neighbours: every council with a list of its own (all but the Isles of Scilly and
    # the City of London, whose Oflog lists hold only themselves) is ranked among them
    groups = dataset.groups.groupby("group_code").size()
    listed = [c for c in ranked.index if groups.get(f"NN-{c}", 0) >= 14]
    assert len(listed) >= 148 and (ranked.loc[listed, "neighbour_rank_of"] >= 14).all()


def test_init_then_every_command_runs_in_the_directory_as_a_user_would(tmp_path):
    def run(*args, cwd=tmp_path):
        proc = subprocess.run(
            [sys.executable, "-m", "ascbench", *args], capture_output=True, text=True, cwd=cwd, timeout=300, check=False
        )
        assert proc.returncode == 0, (args, proc.stderr)
        return proc

    run("init", "mine", "--area", "E06000066")  # Somerset Council, created in 2023
    here = tmp_path / "mine"
    assert f"catalogue: {here / 'metrics.yaml'} (working directory)" in run("--version", cwd=here).stdout
    validate = run("validate", cwd=here)
    assert "0 problems" in validate.stderr
    rate = pd.read_csv(io.StringIO(run("rate", "--format", "csv", cwd=here).stdout))
    assert set(rate["area_code"]) == {"E06000066"} and rate["rank"].notna().sum() >= 15
    run("rank", "--metric", "ASCOF_2A", "--funnel", str(tmp_path / "funnel.svg"), cwd=here)
    assert (tmp_path / "funnel.svg").read_text().count("<circle") >= 100
    run("dashboard", "--out", str(tmp_path / "site"), cwd=here)
    assert "Somerset" in (tmp_path / "site" / "dashboard.html").read_text()
    assert "Somerset" in run("narrate", cwd=here).stdout
    assert "ASCOF 2C" in run("explain", "ASCOF_2C", cwd=here).stdout
