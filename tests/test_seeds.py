"""The committee report's figures, recomputed from counts (tests/material/seeds).

Every Appendix A figure of q3-2025-26-metrics.csv must come back at its printed precision:
values recomputed from their counts where counts exist, comparators, previous values,
numerators and denominators. Where the counts are published rounded to the nearest 5 (ASCOF
4B 2024/25: 95.3% printed beside 650 out of 680), the published value is shown and checked
against the range the rounded counts allow.
"""

from __future__ import annotations

import pandas as pd
import pytest

from ascbench.render.numbers import round_half_away
from tests.conftest import DEFAULT_CATALOGUE, DEFAULT_DATA, material

SCALE = {"thousands": 1000}
# Printed figures that do not follow from their own counts: (metric, column) -> recomputed.
# (None now: 4B's 95.3% for 650 of 680 follows from the true counts, which DHSC rounds to 5.)
KNOWN_INCONSISTENT: dict = {}


def _decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def _seed_rows():
    frame = pd.read_csv(material("seeds", "q3-2025-26-metrics.csv"), dtype=str, keep_default_na=False)
    return frame.to_dict("records")


def _printed(row, column):
    text = row[column].strip()
    return (float(text), _decimals(text)) if text else (None, None)


def _check(actual, printed, decimals, unit):
    scale = SCALE.get(unit, 1)
    assert actual is not None and not pd.isna(actual)
    assert round_half_away(actual / scale, decimals) == pytest.approx(printed, abs=1e-9)


def test_every_appendix_metric_is_in_the_catalogue(catalogue):
    ids = {r["metric_id"] for r in _seed_rows()}
    assert len(ids) == 25
    assert ids <= set(catalogue.ids())
    tagged = {m.id for m in catalogue.metrics if "appendix-a" in m.tags}
    assert tagged == ids
    layers = pd.Series({m.id: m.layer for m in catalogue.metrics})[sorted(ids)].value_counts().to_dict()
    assert layers == {"prevent": 12, "reduce": 5, "delay": 4, "meet": 4}


@pytest.mark.parametrize("row", _seed_rows(), ids=lambda r: r["metric_id"])
def test_appendix_row_recomputes(row, results):
    r = results.loc[row["metric_id"]]
    unit = row["unit"]
    cur, cur_d = _printed(row, "current_value")
    prev, prev_d = _printed(row, "previous_value")
    if cur is None:
        # survey rows: the 2025/26 cell says when the survey next runs; the printed 2024/25
        # (or 2023/24) cell is the latest value, which ascbench shows as current
        cur, cur_d, prev = prev, prev_d, None
    if cur is not None:
        _check(r["value"], cur, cur_d, unit)
    if prev is not None:
        key = (row["metric_id"], "previous_value")
        if key in KNOWN_INCONSISTENT:
            assert round_half_away(r["previous_value"], prev_d) == KNOWN_INCONSISTENT[key] != prev
        else:
            _check(r["previous_value"], prev, prev_d, unit)
    comp, comp_d = _printed(row, "comparator_value")
    if comp is not None:
        _check(r["comparator_value"], comp, comp_d, row["comparator_unit"] or unit)
    else:
        assert r["rating"] == "for information"
    for column, ours in (("current_numerator", "numerator"), ("current_denominator", "denominator")):
        if row[column]:
            assert r[ours] == float(row[column])
    if row["current_numerator"] and row["current_denominator"]:
        assert r["value_basis"] == "counts"


def test_rounded_counts_give_the_published_value_and_a_check_of_their_range(catalogue, dataset, tmp_path):
    """DHSC publishes 4B's counts rounded to the nearest 5: 650 of 680 is any of 647.5-652.5 of
    677.5-682.5, 94.87% to 96.31%, so the printed 95.3% is right and recomputing 95.6% from
    the rounded counts would be the wrong number. A published value outside that range is a
    data warning."""
    import shutil

    from ascbench.engine import build_results
    from ascbench.validation import validate_all

    results = build_results(catalogue, dataset, period="2024-25", metric_ids=["ASCOF_4B"])[0].iloc[0]
    assert (results["value"], results["value_basis"], results["published_check"]) == (
        95.3,
        "published",
        "within rounding",
    )
    assert (results["numerator"], results["denominator"]) == (650, 680)
    problems = validate_all(DEFAULT_CATALOGUE, DEFAULT_DATA)
    assert problems.errors == [] and not [w for w in problems.warnings if w.startswith("ASCOF_4B")]
    data = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA, data)
    own = data / "observations-national-ascof.csv"
    text = own.read_text()
    assert "E10000018,2024-25,ascof_4b.published,95.3," in text
    own.write_text(
        text.replace("E10000018,2024-25,ascof_4b.published,95.3,", "E10000018,2024-25,ascof_4b.published,97.3,")
    )
    four_b = [w for w in validate_all(DEFAULT_CATALOGUE, data).warnings if w.startswith("ASCOF_4B E10000018 2024-25")]
    assert len(four_b) == 1
    assert "650 / 680 (rounded to the nearest 5) allow 94.872 to 96.310" in four_b[0]
    assert "published value is 97.3" in four_b[0]


# The direction-of-travel glyphs of Appendix A (note B of the transcription): U+F070 read as
# "improved", U+F071 "not as good as last year", U+F074 U+F075 "similar". The survey rows whose
# previous value the report does not print (3C2, 5A1, 5A2) take it from the embedded national
# ASCOF files and agree with their glyphs; LALS (a first term against a full academic year) is
# listed with what ascbench says instead.
DOT_DIFFERENT = {
    "local_lals_success_rate": "not comparable",
}
GLYPH = {"U+F070": "improved", "U+F071": "worse", "U+F074 U+F075": "similar"}


@pytest.mark.parametrize("row", _seed_rows(), ids=lambda r: r["metric_id"])
def test_direction_of_travel_matches_the_printed_glyph(row, results):
    r = results.loc[row["metric_id"]]
    if not row["dot_glyph_raw"]:
        assert r["dot"] == "n/a"  # printed "N/A" for information-only rows
    elif row["metric_id"] in DOT_DIFFERENT:
        assert r["dot"] == DOT_DIFFERENT[row["metric_id"]]
    else:
        assert r["dot"] == GLYPH[row["dot_glyph_raw"]]


def test_done_when_figures(results):
    """The issue's own examples."""
    a = results.loc["ASCOF_2A"]
    assert (round_half_away(a["value"], 1), a["numerator"], a["denominator"]) == (69.7, 1917, 2749)
    assert (a["comparator_value"], a["rating"]) == (77.1, "worse")
    c = results.loc["ASCOF_2C"]
    assert round_half_away(c["value"], 1) == 521.8 and c["comparator_value"] == 592.5 and c["rating"] == "better"
    h = results.loc["local_heritage_visits"]
    assert round_half_away(h["value"] / 1000, 1) == 119.2 and round_half_away(h["comparator_value"] / 1000, 1) == 121.6
    rv = results.loc["local_annual_review"]
    assert (round_half_away(rv["value"], 1), rv["numerator"], rv["denominator"]) == (78.3, 4140, 5287)
    assert (rv["comparator_value"], rv["rating"]) == (59.1, "better")
