"""``ascbench gap`` (ascbench.engine.gap): the gap to England, a median, the top quartile or a
rank, checked against independent arithmetic on the embedded 2024-25 national files -
exact fractions for the whole numbers, a brute-force walk over numerators with numpy's
type-7 percentiles for quartiles and a count of better councils for ranks."""

from __future__ import annotations

import csv
import io
import json
import math
import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest
from click.testing import CliRunner

from ascbench.cli import cli
from tests.conftest import DEFAULT_DATA

LEICESTERSHIRE, ENGLAND = "E10000018", "E92000001"


def _rows(name: str) -> list[dict]:
    with open(DEFAULT_DATA / name, encoding="utf-8") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


@pytest.fixture(scope="module")
def files():
    """measure -> area -> value of 2024-25, from the embedded CSV files (the report's own
    rows first: they win over the national file's, as the engine's data directory says)."""
    out: dict[str, dict[str, tuple[str, str]]] = {}
    for name in (
        "observations-leicestershire.csv",
        "observations-comparators.csv",
        "observations-national-ascof.csv",
        "observations-national-populations.csv",
    ):
        for r in _rows(name):
            if r["period"] == "2024-25":
                out.setdefault(r["measure"], {}).setdefault(r["area_code"], (r["value"], r["status"]))
    councils = {
        r["area_code"]
        for r in _rows("areas.csv")
        if r["area_type"] not in ("national", "region", "group", "council_type", "aggregate") and not r.get("valid_to")
    }
    return out, councils


def _council_values(files, measure_num, measure_den, published, multiplier):
    """Each council's 2024-25 value as an exact fraction: from its counts, else its published
    value."""
    data, councils = files
    out = {}
    for area in councils:
        num, den = data.get(measure_num, {}).get(area), data.get(measure_den, {}).get(area)
        if num and den and num[0] not in ("", "[c]") and den[0] not in ("", "[c]") and num[1] != "rounded":
            if float(den[0]) > 0 and (measure_num != "ascof_2a.num" or float(num[0]) <= float(den[0])):
                out[area] = Fraction(num[0]) / Fraction(den[0]) * multiplier
                continue
        pub = data.get(published, {}).get(area)
        if pub and pub[0] not in ("", "[c]", "[x]", "[z]"):
            out[area] = Fraction(pub[0])
    return out


@pytest.fixture(scope="module")
def report(catalogue, dataset):
    from ascbench.engine import build_report

    return build_report(catalogue, dataset, None, "2024-25", ["ASCOF_2A", "ASCOF_2C", "ASCOF_4A", "ASCOF_4B"], "all")


def _gap(report, metric, target):
    from ascbench.engine.gap import gaps

    frame = gaps(report, [target], metric_ids=[metric])
    assert len(frame) == 1
    return frame.iloc[0]


def test_ascof_2a_to_england_is_96_people_by_exact_arithmetic(report, files):
    data, _ = files
    num, den = (int(data["ascof_2a." + k][LEICESTERSHIRE][0]) for k in ("num", "den"))
    england = Fraction(data["ascof_2a.published"][ENGLAND][0])
    assert (num, den, england) == (2067, 2805, Fraction("77.1"))
    fewest = math.ceil(england / 100 * den)  # the smallest whole number of people that reaches 77.1%
    row = _gap(report, "ASCOF_2A", "england")
    assert (row["numerator"], row["denominator"], row["target_value"]) == (num, den, 77.1)
    assert (
        (row["target_numerator"], row["change"], row["needed"])
        == (fewest, fewest - num, fewest - num)
        == (
            2163,
            96,
            96,
        )
    )
    assert Fraction(fewest - 1, den) * 100 < england <= Fraction(fewest, den) * 100
    assert row["counts"] == "exact" and not row["met"] and row["reachable"] and row["note"] == ""
    assert row["target_label"] == "England 24/25" and row["period"] == "2024-25"
    # now worse than England by its Wilson interval; at 2,163 of 2,805 no longer significantly different
    assert (row["significance_now"], row["significance_at_target"]) == ("worse", "similar")
    from ascbench.engine.gap import gaps

    shown = gaps(report, ["england"], metric_ids=["ASCOF_2A"], reach="displayed").iloc[0]
    assert shown["needed"] == 95  # 2,162 of 2,805 prints 77.1%


def _rank_of(value, others, high=True):
    """Rank by polarity, ties sharing the best: 1 + the others strictly better."""
    return 1 + sum(1 for o in others if (o > value if high else o < value))


def _quartile(value, others):
    """Quartile of ``value`` among the others and itself: numpy's type-7 bounds, a value on a
    bound in the lower group (docs/ranking.md)."""
    every = np.array([float(o) for o in others] + [float(value)])
    bounds = np.percentile(every, [25, 50, 75])
    return 1 + int(np.sum(float(value) > bounds))


def test_ascof_2a_rank_and_top_quartile_against_every_council(report, files):
    values = _council_values(files, "ascof_2a.num", "ascof_2a.den", "ascof_2a.published", 100)
    mine = values.pop(LEICESTERSHIRE)
    others = list(values.values())
    assert mine == Fraction(2067, 2805) * 100
    row_now = _gap(report, "ASCOF_2A", "rank:10")
    assert row_now["rank_of"] == len(others) + 1  # the engine ranks the same councils
    assert row_now["rank"] == _rank_of(mine, others)
    # rank 10: the 10th best of the others, reached with the fewest whole people
    tenth = sorted(others, reverse=True)[9]
    fewest = math.ceil(tenth * 2805 / 100)
    assert row_now["target_value"] == pytest.approx(float(tenth))
    assert row_now["target_numerator"] == fewest and row_now["needed"] == fewest - 2067
    assert _rank_of(Fraction(fewest, 2805) * 100, others) <= 10 < _rank_of(Fraction(fewest - 1, 2805) * 100, others)
    assert row_now["rank_at_target"] == _rank_of(Fraction(fewest, 2805) * 100, others)
    # the top quartile: the fewest people for which the council's own value lands in quartile 4
    # when every council's value, its own moved, makes the bounds
    top = _gap(report, "ASCOF_2A", "top-quartile")
    walk = [k for k in range(2067, 2806) if _quartile(Fraction(k, 2805) * 100, others) == 4]
    assert top["target_numerator"] == walk[0] and top["needed"] == walk[0] - 2067
    # quartiles run by performance (1 = best, as rank 1): high-is-good's top value quartile is quartile 1
    assert top["quartile_at_target"] == 1 and top["quartile"] == 5 - _quartile(mine, others)
    assert top["rank_at_target"] == _rank_of(Fraction(walk[0], 2805) * 100, others)


def test_ascof_2c_low_is_good_needs_fewer_admissions(report, files):
    data, _ = files
    values = _council_values(files, "ascof_2c.num", "population.65+", "ascof_2c.published", 100_000)
    mine = values.pop(LEICESTERSHIRE)
    pop = int(data["population.65+"][LEICESTERSHIRE][0])
    assert (pop, mine) == (157349, Fraction(829 * 100_000, 157349))
    others = list(values.values())
    top = _gap(report, "ASCOF_2C", "top-quartile")
    # the most admissions for which 2C (low is good) lands in quartile 1
    walk = [k for k in range(830) if _quartile(Fraction(k * 100_000, pop), others) == 1]
    assert top["target_numerator"] == walk[-1] and top["change"] == walk[-1] - 829 < 0
    assert top["needed"] == 829 - walk[-1] == 34 and top["quartile_at_target"] == 1
    # England's 592.5 per 100k is already met: none needed; 932 is the most that stays at or below it
    england = _gap(report, "ASCOF_2C", "england")
    most = math.floor(Fraction("592.5") * pop / 100_000)
    assert england["met"] and england["needed"] == 0 and england["target_numerator"] == most == 932
    rank = _gap(report, "ASCOF_2C", "rank:10")
    tenth = sorted(others)[9]
    assert rank["target_numerator"] == math.floor(tenth * pop / 100_000)
    assert rank["rank_at_target"] == 10


def test_neighbour_median_is_the_median_of_the_nearest_neighbours(report, files):
    values = _council_values(files, "ascof_2a.num", "ascof_2a.den", "ascof_2a.published", 100)
    members = [r["member_code"] for r in _rows("groups.csv") if r["group_code"] == f"NN-{LEICESTERSHIRE}"]
    ranked = sorted(values[m] for m in members if m in values)
    middle = len(ranked) // 2
    median = ranked[middle] if len(ranked) % 2 else (ranked[middle - 1] + ranked[middle]) / 2
    row = _gap(report, "ASCOF_2A", "neighbour-median")
    assert row["target_value"] == pytest.approx(float(median))
    assert row["target_numerator"] == math.ceil(median * 2805 / 100)
    assert row["group"] == f"NN-{LEICESTERSHIRE}" and row["rank_of"] == len(ranked)


def test_a_survey_value_has_a_gap_in_points_and_says_why_no_count(report, files):
    data, _ = files
    row = _gap(report, "ASCOF_4A", "england")
    mine, england = (
        Fraction(data["ascof_4a.published"][LEICESTERSHIRE][0]),
        Fraction(data["ascof_4a.published"][ENGLAND][0]),
    )
    assert row["value_gap"] == pytest.approx(float(england - mine))
    assert row["counts"] == "none" and row["needed"] is pd_na() and "without its counts" in row["note"]
    from ascbench.render.gap import gap_sentence

    text = gap_sentence(row.to_dict())
    assert "3.3 points below" in text and "without its counts" in text and "more" not in text


def pd_na():
    import pandas as pd

    return pd.NA


def test_rounded_counts_give_an_approximate_number(report):
    from ascbench.render.gap import gap_sentence

    row = _gap(report, "ASCOF_4B", "rank:10")
    assert row["counts"] == "rounded" and (row["numerator"], row["denominator"]) == (650, 680)
    assert "approximate" in row["note"]
    assert "about " in gap_sentence(row.to_dict())


def test_targets_are_checked():
    from ascbench.engine.gap import parse_target
    from ascbench.errors import AscbenchError

    assert parse_target("rank:3").number == 3 and parse_target("value:12.5").number == 12.5
    assert parse_target("National").kind == "england"
    for bad in ("rank:0", "rank:2.5", "quartile", "value:"):
        with pytest.raises(AscbenchError):
            parse_target(bad)
    out = CliRunner().invoke(cli, ["gap", "--metric", "ASCOF_2A", "--to", "rank:0"])
    assert out.exit_code == 1 and "--to" in out.stderr and "rank" in out.stderr


def test_gap_command_formats_end_to_end():
    args = ["gap", "--metric", "ASCOF_2A", "--metric", "ASCOF_4A", "--period", "2024-25", "--to", "england"]
    wide = CliRunner().invoke(cli, [*args, "--width", "300"])
    assert wide.exit_code == 0, wide.output
    line = next(line for line in wide.stdout.splitlines() if line.startswith("ASCOF 2A"))
    assert (
        "96 more" in line
        and "77.1% (2,163 out of 2,805); 63rd of 146, second quartile (better than the median)" in line
    )
    narrow = CliRunner().invoke(cli, [*args, "--width", "80"]).stdout
    assert max(len(line) for line in narrow.splitlines()) <= 80 and "(2,163" in narrow.split()
    frame = list(csv.DictReader(io.StringIO(CliRunner().invoke(cli, [*args, "--format", "csv"]).stdout)))
    assert [r["metric_id"] for r in frame] == ["ASCOF_2A", "ASCOF_4A"]
    assert (frame[0]["needed"], frame[0]["target_numerator"], frame[1]["needed"]) == ("96", "2163", "")
    rows = json.loads(CliRunner().invoke(cli, [*args, "--format", "json"]).stdout)
    assert rows[0]["needed"] == 96 and rows[1]["counts"] == "none"
    md = CliRunner().invoke(cli, [*args, "--format", "markdown"]).stdout
    assert md.startswith("| Metric |") and "96 more" in md
    words = CliRunner().invoke(cli, [*args, "--words"]).stdout
    assert "Reaching England 24/25 (77.1%) needs 96 more (2,163 out of 2,805" in " ".join(words.split())
    done = subprocess.run(
        [sys.executable, "-m", "ascbench", *args, "--format", "csv"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and done.stdout.splitlines()[1].split(",")[0] == "ASCOF_2A"


def test_narrate_adds_the_gap_sentence():
    out = CliRunner().invoke(cli, ["narrate", "--metric", "ASCOF_2A", "--period", "2024-25", "--gap", "england"])
    assert out.exit_code == 0, out.output
    text = " ".join(out.stdout.split())
    assert "below the national average of 77.1%" in text
    assert "Reaching England 24/25 (77.1%) needs 96 more (2,163 out of 2,805, 77.1%)" in text
