"""The county compendium's two views: councils in quadrants of two measures (``ascbench
quadrant``, engine/quadrant.py) and tallies across metrics (``ascbench tally``,
engine/tally.py), and the composite theme ranks behind ``--y composite``. Checked against
independent arithmetic: values recomputed from the embedded national files, spend summed from
the real ASC-FR 2016-17 file, tallies counted from ``rate --format csv``."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
from collections import Counter

import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from ascbench.cli import cli
from tests.conftest import DEFAULT_CATALOGUE, DEFAULT_DATA, FIXTURES
from tests.test_national import _areas, _councils_in, _observations

LEICS = "E10000018"


def invoke(*args, code: int = 0):
    out = CliRunner().invoke(cli, [str(a) for a in args])
    assert out.exit_code == code, (out.stdout, out.stderr)
    return out


def _csv(*args) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(invoke(*args, "--format", "csv").stdout), keep_default_na=False, na_values=[""])


def _by_hand(measure: str, denominator: str, multiplier: float, period: str) -> pd.Series:
    """Every council's value of a metric computed from its counts in the embedded files."""
    obs = _observations()
    at = obs[obs["period"] == period]
    num = at[at["measure"] == measure].set_index("area_code")["value"]
    den = at[at["measure"] == denominator].set_index("area_code")["value"]
    value = (num / den * multiplier).dropna()
    return value[value.index.isin(_councils_in(period))]


def _neighbours_2024() -> set[str]:
    """Leicestershire's nearest neighbours as they existed in 2024-25: groups.csv's list, an
    abolished council standing for its successors (areas.csv), by hand."""
    groups = pd.read_csv(DEFAULT_DATA / "groups.csv", dtype=str)
    listed = set(groups.loc[groups["group_code"] == f"NN-{LEICS}", "member_code"]) - {LEICS}
    areas = _areas().set_index("area_code")
    alive = _councils_in("2024-25")
    out = set()
    for code in listed:
        out |= {code} if code in alive else set(areas.at[code, "successors"].split(";"))
    return out


# ------------------------------------------------------------------ quadrants: the rule
def _axis(key, values, polarity, label=None):
    from ascbench.engine.quadrant import Axis

    frame = pd.DataFrame({"area_code": list(values), "value": list(values.values()), "period": "2024-25"})
    return Axis(key=key, label=label or key, title=key, values=frame, polarity=polarity)


def test_quadrants_split_at_the_mean_with_polarity_and_spend_as_a_cost():
    from ascbench.engine.quadrant import quadrants

    spend = _axis("spend", {"a": 100.0, "b": 200.0, "c": 300.0, "d": 600.0}, "none")  # mean 300: c on the line
    perf = _axis("perf", {"a": 80.0, "b": 60.0, "c": 70.0, "d": 90.0}, "high")  # mean 75
    table, x_split, y_split, x_better, y_better = quadrants(spend, perf, "mean")
    assert (x_split, y_split, x_better, y_better) == (300.0, 75.0, "below", "above")
    q = table.set_index("area_code")
    assert q.loc["a", "quadrant"] == "better perf, lower spend" and bool(q.loc["a", "good_value"])
    assert q.loc["d", "quadrant"] == "better perf, higher spend" and not q.loc["d", "good_value"]
    assert q.loc["b", "quadrant"] == "worse perf, lower spend"
    assert q.loc["c", "x_side"] == "below"  # on the line: below it, as a value on a quartile bound
    assert list(table["area_code"]) == ["a", "d", "c", "b"]  # good value first, then better y, ...
    # the median instead: type 7 over the same councils
    table, x_split, y_split, *_ = quadrants(spend, perf, "median")
    assert (x_split, y_split) == (250.0, 75.0)
    assert table.set_index("area_code").loc["c", "x_side"] == "above"


def test_quadrants_of_two_polarities_two_without_and_too_few_councils():
    from ascbench.engine.quadrant import quadrants
    from ascbench.errors import AscbenchError

    low = _axis("admissions", {"a": 10.0, "b": 30.0, "c": 20.0}, "low")
    high = _axis("reablement", {"a": 90.0, "b": 50.0, "c": 70.0}, "high")
    table, *_, x_better, y_better = quadrants(low, high)
    assert (x_better, y_better) == ("below", "above")
    q = table.set_index("area_code")
    assert q.loc["a", "quadrant"] == "better reablement, better admissions" and bool(q.loc["a", "good_value"])
    assert q.loc["b", "quadrant"] == "worse reablement, worse admissions"
    # neither axis has a polarity (nor does a range): higher / lower, no good value
    plain = _axis("count", {"a": 1.0, "b": 2.0, "c": 3.0}, "none")
    banded = _axis("band", {"a": 1.0, "b": 5.0, "c": 3.0}, "range")
    table, *_, x_better, y_better = quadrants(plain, banded)
    assert (x_better, y_better) == (None, None) and not table["good_value"].any()
    assert list(table.set_index("area_code").loc[["a", "b", "c"], "quadrant"]) == [
        "lower band, lower count",
        "higher band, lower count",
        "lower band, higher count",
    ]
    with pytest.raises(AscbenchError, match="1 council"):
        quadrants(plain, _axis("other", {"a": 1.0, "z": 2.0}, "high"))


# ------------------------------------------------------------------ quadrants on the national data
def test_quadrant_of_every_council_against_the_mean_computed_by_hand():
    a2 = _by_hand("ascof_2a.num", "ascof_2a.den", 100, "2024-25")
    c2 = _by_hand("ascof_2c.num", "population.65+", 100_000, "2024-25")
    both = sorted(set(a2.index) & set(c2.index))
    table = _csv("quadrant", "--x", "ASCOF_2C", "--y", "ASCOF_2A", "--period", "2024-25").set_index("area_code")
    assert sorted(table.index) == both and len(both) >= 140
    x, y = c2[both], a2[both]
    assert table["x_value"].to_numpy() == pytest.approx(x[table.index].to_numpy(), rel=1e-12)
    assert table["y_value"].to_numpy() == pytest.approx(y[table.index].to_numpy(), rel=1e-12)
    assert table["x_split"].iloc[0] == pytest.approx(x.mean(), rel=1e-12)
    assert table["y_split"].iloc[0] == pytest.approx(y.mean(), rel=1e-12)
    # 2C: low is better; 2A: high is better; the quadrant follows, council by council
    better_x, better_y = x[table.index] < x.mean(), y[table.index] > y.mean()
    assert ((table["x_side"] == "below") == better_x).all() and ((table["y_side"] == "above") == better_y).all()
    assert (table["good_value"] == (better_x & better_y)).all()
    assert Counter(table["quadrant"])["better ASCOF 2A, better ASCOF 2C (BCF)"] == int((better_x & better_y).sum())
    mine = table.loc[LEICS]  # the report's own 2024-25 counts: 2067 of 2805, 829 per 157,349
    assert mine["y_value"] == pytest.approx(2067 / 2805 * 100) and mine["x_value"] == pytest.approx(829 / 157349 * 1e5)
    assert y.mean() < mine["y_value"] and mine["x_value"] < x.mean()  # nationally, 73.7% is above the mean
    assert mine["quadrant"] == "better ASCOF 2A, better ASCOF 2C (BCF)" and mine["good_value"]
    # the council and its nearest neighbours are the ones marked
    assert set(table.index[table["highlight"].astype(str) == "True"]) == ({LEICS} | _neighbours_2024()) & set(both)
    median = _csv("quadrant", "--x", "ASCOF_2C", "--y", "ASCOF_2A", "--period", "2024-25", "--split", "median")
    assert median["x_split"].iloc[0] == pytest.approx(np.median(x)) and (median["split"] == "median").all()


def test_quadrant_of_spend_against_performance_from_the_real_asc_fr_file(tmp_path):
    """Gross current expenditure (ASC-FR 2016-17, East Midlands, summed by hand from the
    published rows) against ASCOF 3C1 in the East Midlands councils: lower spend and better
    performance is the good-value quadrant."""
    data = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA, data)
    fixture = FIXTURES / "official" / "ascfr-2016-17-totals-cut.csv"
    invoke("import", "ascfr", fixture, "--out", tmp_path / "spend")
    shutil.copy(tmp_path / "spend" / "observations-ascfr.csv", data)
    base = yaml.safe_load(DEFAULT_CATALOGUE.read_text(encoding="utf-8"))
    fragment = yaml.safe_load((tmp_path / "spend" / "catalogue-ascfr.yaml").read_text(encoding="utf-8"))
    gce = next(m for m in fragment["metrics"] if m["id"] == "ASCFR_GCE")
    base["metrics"] = [m for m in base["metrics"] if m["id"] == "ASCOF_3C1"] + [
        {**gce, "code": "ASCFR GCE", "polarity": "none", "source": "ASC-FR"}
    ]
    catalogue = tmp_path / "spend.yaml"
    catalogue.write_text(yaml.safe_dump(base, sort_keys=False), encoding="utf-8")
    args = ["--catalogue", catalogue, "--data", data, "--x", "ASCFR_GCE", "--y", "ASCOF_3C1"]
    args += ["--group", "region", "--period", "2016-17"]
    table = _csv("quadrant", *args).set_index("area_code")

    raw = pd.read_csv(fixture, dtype={"GEOGRAPHY_CODE": str})
    spend = raw[raw["DataType_KEY"] == 1].groupby("GEOGRAPHY_CODE")["GROSSCURRENTEXPENDITURE"].sum()
    areas = _areas().set_index("area_code")
    east_midlands = [c for c in spend.index if areas.at[c, "region"] == "East Midlands"]
    obs = _observations()
    c31 = obs[(obs["measure"] == "ascof_3c1.published") & (obs["period"] == "2016-17")].set_index("area_code")
    perf = c31["value"].reindex(east_midlands)
    assert sorted(table.index) == sorted(east_midlands) and len(east_midlands) == 9
    assert table["x_value"].to_numpy() == pytest.approx(spend[table.index].to_numpy())
    assert table["x_split"].iloc[0] == pytest.approx(spend[east_midlands].mean())
    assert table["y_split"].iloc[0] == pytest.approx(perf.mean())
    good = (spend[table.index] < spend[east_midlands].mean()) & (perf[table.index] > perf.mean())
    assert (table["good_value"] == good).all() and good.sum() >= 1
    assert set(table.loc[good[good].index, "quadrant"]) == {"better ASCOF 3C1, lower ASCFR GCE"}
    assert table.loc[LEICS, "quadrant"] == "worse ASCOF 3C1, higher ASCFR GCE"  # £181.6m, 70.1%

    chart = tmp_path / "spend.svg"
    invoke("quadrant", *args, "--chart", chart)
    svg = chart.read_text(encoding="utf-8")
    assert "better ASCOF 3C1,</text>" in svg and "lower ASCFR GCE: good value</text>" in svg
    assert f"mean {spend[east_midlands].mean():,.1f} £000" in svg  # the split, one decimal more than the values


def test_quadrant_chart_is_accessible_labelled_and_byte_identical(tmp_path):
    args = ["quadrant", "--x", "ASCOF_2C", "--y", "ASCOF_2A", "--period", "2024-25"]
    for name in ("a", "b"):
        invoke(*args, "--chart", tmp_path / f"{name}.svg", "-o", tmp_path / f"{name}.csv")
    a, b = (tmp_path / "a.svg").read_bytes(), (tmp_path / "b.svg").read_bytes()
    assert a == b and a.startswith(b"<?xml") and b'xmlns="http://www.w3.org/2000/svg"' in a
    svg = a.decode()
    assert re.search(r'role="img" aria-labelledby="quadrant-t quadrant-d"', svg)
    table = pd.read_csv(tmp_path / "a.csv").set_index("area_code")
    neighbours = set(table.index) & _neighbours_2024()
    # every council a point: dots, the neighbours as squares, the council ringed
    assert svg.count("<circle") == len(table) - len(neighbours)
    assert svg.count('width="5.2" height="5.2"') == len(neighbours)
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    names = _areas().set_index("area_code")["area_name"]
    assert "Leicestershire" in texts and {names[c] for c in neighbours} <= set(texts)
    # the splits labelled at one decimal more than the values print; the axes' ends at theirs
    x_split, y_split = table["x_split"].iloc[0], table["y_split"].iloc[0]
    assert f"mean {x_split:,.2f} per 100k" in texts and f"mean {y_split:.2f}%" in texts
    assert f"{table['y_value'].max():.1f}%" in texts and f"{table['x_value'].min():,.1f} per 100k" in texts
    for name in ("better ASCOF 2A,", "worse ASCOF 2C (BCF)", "better ASCOF 2C (BCF): good value"):
        assert name in texts
    desc = re.search(r'<desc id="quadrant-d">([^<]*)</desc>', svg).group(1)
    good = int(table["good_value"].sum())
    assert f"{len(table)} councils of group all" in desc and f"{good} better ASCOF 2A, better ASCOF 2C (BCF)" in desc
    assert "Leicestershire: ASCOF 2C (BCF) 526.9 per 100k, ASCOF 2A 73.7%" in desc


# ------------------------------------------------------------------ composite ranks
def test_composite_ties_share_a_position_and_thin_coverage_gets_none(catalogue):
    from ascbench.engine.position import composite

    rows = [  # delay: 2A, 2B, 2C, 2D
        ("ASCOF_2A", "a", 1),
        ("ASCOF_2B", "a", 2),
        ("ASCOF_2A", "b", 2),
        ("ASCOF_2B", "b", 1),
        *[(m, "c", 3) for m in ("ASCOF_2A", "ASCOF_2B", "ASCOF_2C", "ASCOF_2D")],
        *[(m, "e", 4) for m in ("ASCOF_2A", "ASCOF_2B", "ASCOF_2C", "ASCOF_2D")],
        ("ASCOF_2C", "d", 1),  # one of four: a mean, no position
        ("ASCOF_4A", "solo", 1),  # a league of one council counts nowhere
    ]
    frame = pd.DataFrame(rows, columns=["metric_id", "area_code", "rank"])
    frame["rank_of"] = np.where(frame["area_code"] == "solo", 1, 5)
    out = composite(frame, catalogue, "layer").set_index("area_code")
    assert set(out["theme"]) == {"delay"} and (out["theme_metrics"] == 4).all()
    assert out.loc[["a", "b", "c", "e"], "position"].tolist() == [1, 1, 3, 4]
    assert out.loc["a", "mean_rank"] == out.loc["b", "mean_rank"] == 1.5
    assert np.isnan(out.loc["d", "position"]) and out.loc["d", "mean_rank"] == 1 and out.loc["d", "metrics"] == 1
    assert list(out.index) == ["a", "b", "c", "e", "d"]  # no position last


def test_quadrant_against_the_composite_rank_computed_by_hand():
    delay = ["ASCOF_2A", "ASCOF_2B", "ASCOF_2C", "ASCOF_2D"]
    ranks = pd.concat(
        [_csv("rank", "--metric", m, "--period", "2024-25")[["metric_id", "area_code", "rank"]] for m in delay]
    )
    by = ranks.groupby("area_code")["rank"]
    mean, n = by.sum() / by.size(), by.size()
    covered = mean[n >= 2]
    position = covered.map(lambda v: 1 + int((covered < v).sum()))
    args = ["quadrant", "--x", "ASCOF_2C", "--y", "composite", "--theme", "layer:delay", "--period", "2024-25"]
    table = _csv(*args).set_index("area_code")
    assert (table["y_metric"] == "composite:delay").all()
    assert table["y_value"].to_dict() == position[table.index].to_dict()
    assert table["y_split"].iloc[0] == pytest.approx(position[table.index].mean())
    # a lower position is better: the y side named "better" is below the mean position
    assert (table.loc[table["y_value"] <= table["y_split"], "quadrant"].str.startswith("better delay rank")).all()


# ------------------------------------------------------------------ tallies
RATING = {"better": {"better", "best"}, "similar": {"similar", "middle"}, "worse": {"worse", "worst"}}
DOT = {"improved": {"improved"}, "similar": {"similar"}, "worse": {"worse"}}


def _count_by_hand(rows) -> dict:
    """The tally of one area's rows of ``rate --format csv``, counted with plain Python."""
    polar = [r for r in rows if r["polarity"] in ("high", "low", "range")]
    out = {"metrics": len(rows)}
    for word, said in RATING.items():
        out[f"rating_{word}"] = sum(r["rating"] in said for r in polar)
    for word in ("green", "amber", "red"):
        out[f"rag_{word}"] = sum(r["rag"] == word for r in rows)
    for word, said in DOT.items():
        out[f"dot_{word}"] = sum(r["dot"] in said for r in polar)
    for q, band in zip("1234", "ABCD", strict=True):
        out[f"quartile_{q}"] = sum(r["band"] == band for r in rows)
    return out


def test_tally_of_every_council_equals_counts_by_hand_from_rate_csv():
    rate = list(
        csv.DictReader(io.StringIO(invoke("rate", "--area", "all", "--tag", "ascof", "--format", "csv").stdout))
    )
    tally = list(
        csv.DictReader(io.StringIO(invoke("tally", "--area", "all", "--tag", "ascof", "--format", "csv").stdout))
    )
    by_area: dict[str, list] = {}
    for r in rate:
        by_area.setdefault(r["area_code"], []).append(r)
    assert [t["area_code"] for t in tally] == list(by_area) and len(tally) == 153
    for t in tally:
        expected = _count_by_hand(by_area[t["area_code"]])
        assert {k: int(t[k]) for k in expected} == expected, t["area_code"]
        for family, words in (("rating", RATING), ("rag", ("green", "amber", "red")), ("dot", DOT)):
            assert sum(int(t[f"{family}_{w}"]) for w in (*words, "other")) == int(t["metrics"])
        assert sum(int(t[f"quartile_{q}"]) for q in ("1", "2", "3", "4", "none")) == int(t["metrics"])
        assert t["dot_summary"] == f"{t['dot_improved']} improved, {t['dot_similar']} similar, {t['dot_worse']} worse"
    # better/similar/worse against the comparator are the green/amber/red of the same metrics
    assert all(
        (t["rating_better"], t["rating_similar"], t["rating_worse"]) == (t["rag_green"], t["rag_amber"], t["rag_red"])
        for t in tally
    )
    total = Counter()
    for t in tally:
        total.update({k: int(t[k]) for k in ("dot_improved", "dot_similar", "dot_worse")})
    assert total["dot_improved"] + total["dot_similar"] + total["dot_worse"] > 500  # the national files' years


def test_tally_quartiles_run_by_performance_from_type7_bounds_by_hand(catalogue, dataset):
    """Quartile 1 is the best quarter of councils (as rank 1 is the best), from the type-7
    bounds of each league table's values read by polarity - whatever way the results'
    ``quartile`` column runs."""
    from ascbench.engine import build_report
    from ascbench.engine.tally import tally

    report = build_report(catalogue, dataset, [LEICS], None, None, "all")
    counted = Counter()
    for r in report.results[report.results["rank"].notna()].itertuples():
        league = report.league(r.metric_id, LEICS).set_index("area_code")["value"]  # in rank_period
        bounds = np.percentile(league.to_numpy(), [25, 50, 75])
        value_quartile = 1 + int((league[LEICS] > bounds).sum())  # on a bound: the lower quartile
        counted[value_quartile if r.polarity == "low" else 5 - value_quartile] += 1
    row = tally(report.results, "none", report.metrics).iloc[0]
    assert {q: int(row[f"quartile_{q}"]) for q in range(1, 5)} == {q: counted[q] for q in range(1, 5)}
    assert sum(counted.values()) == 12 and row["quartile_none"] == row["metrics"] - 12


def test_tally_by_theme_adds_up_and_several_areas_equal_one_at_a_time(catalogue, dataset, built):
    from ascbench.engine import build_report
    from ascbench.engine.tally import tally

    both = build_report(catalogue, dataset, [LEICS, "E06000001"], None, None, "all")
    alone = built[0]  # Leicestershire's report alone (conftest)
    for by in ("none", "layer", "outcome", "tag"):
        together = tally(both.results, by, both.metrics)
        mine = together[together["area_code"] == LEICS].reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, tally(alone, by, both.metrics))
    layers = tally(both.results, "layer")
    layers = layers[layers["area_code"] == LEICS]
    whole = tally(both.results).set_index("area_code").loc[LEICS]
    assert list(layers["theme"]) == ["prevent", "reduce", "delay", "meet"]  # the catalogue's order
    numbers = [c for c in layers.columns if layers[c].dtype.kind == "i"]
    assert layers[numbers].sum().to_dict() == whole[numbers].to_dict()
    # by tag a metric counts under each of its tags; by outcome a metric without one is left out
    tags = tally(alone, "tag", both.metrics).set_index("theme")
    assert tags.loc["ascof", "metrics"] == 13 and tags.loc["cld", "metrics"] == 6
    outcomes = tally(alone, "outcome")
    assert outcomes["metrics"].sum() == int(alone["outcome"].notna().sum()) < len(alone)


def test_tally_command_prints_the_compendium_sentences_and_runs_as_a_subprocess(tmp_path, built):
    from ascbench.engine.tally import tally

    row = tally(built[0]).iloc[0]
    text = " ".join(invoke("tally").stdout.split())
    assert f"{row['dot_improved']} improved, {row['dot_similar']} similar, {row['dot_worse']} worse" in text
    assert f"Leicestershire (E10000018): {row['metrics']} metrics" in text
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "ascbench",
            "tally",
            "--by",
            "layer",
            "--format",
            "markdown",
            "-o",
            str(tmp_path / "t.md"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    md = (tmp_path / "t.md").read_text(encoding="utf-8").splitlines()
    assert md[0].startswith("| area_code | area_name | by | theme | metrics | rating_better |")
    delay = next(line for line in md if "| delay |" in line)
    assert delay.startswith("| E10000018 | Leicestershire | layer | delay |")
    data = json.loads(invoke("tally", "--tag", "ascof", "--format", "json").stdout)
    assert len(data) == 1 and data[0]["metrics"] == 13 and isinstance(data[0]["rating_better"], int)


def test_quadrant_and_tally_refuse_bad_choices_in_one_line():
    out = invoke("quadrant", "--x", "ASCOF_2X", "--y", "ASCOF_2A", code=1)
    assert "no metric 'ASCOF_2X'" in out.stderr and "--x" not in out.stderr or "did you mean" in out.stderr
    out = invoke("quadrant", "--x", "ASCOF_2C", "--y", "composite", "--theme", "layer", code=1)
    assert "4 themes" in out.stderr and "layer:" in out.stderr and len(out.stderr.strip().splitlines()) == 1
    invoke("quadrant", "--x", "ASCOF_2C", "--y", "ASCOF_2A", "--theme", "layer:delay", code=2)
    invoke("tally", "--by", "region", code=2)


def test_rank_prints_its_league_and_composite_tables_as_markdown():
    """Not through the dashboard's Markdown renderer, which needs the results frame (it
    stopped with an internal error on a league table)."""
    md = invoke("rank", "--metric", "ASCOF_2B", "--period", "2024-25", "--format", "markdown").stdout.splitlines()
    assert md[0].startswith("| metric_id | period | group | area_code | area_name | value | value_rank | rank |")
    mine = next(line for line in md if "| E10000018 |" in line)
    league = _csv("rank", "--metric", "ASCOF_2B", "--period", "2024-25").set_index("area_code")
    assert f"| {int(league.loc[LEICS, 'rank'])} | {int(league.loc[LEICS, 'rank_of'])} |" in mine
    md = invoke("rank", "--metric", "all", "--composite", "layer", "--period", "2024-25", "--format", "markdown").stdout
    assert md.startswith("| theme | area_code | area_name | mean_rank | metrics | theme_metrics | position |")
