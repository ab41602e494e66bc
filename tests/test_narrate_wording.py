"""narrate says it right: the seed report's sentences (tests/material/seeds, the Q3 2025/26
committee report) against narrate's for the same figures - the same numbers at the dashboard's
precision, abbreviations spelled out from the catalogue's glossary, the comparison and
movement words held to the tolerances the rating and the direction of travel use, and no
jargon ("the position of 672")."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest
from click.testing import CliRunner

from ascbench.cli import cli
from tests.conftest import material


@pytest.fixture(scope="module")
def said():
    out = CliRunner().invoke(cli, ["narrate"])
    assert out.exit_code == 0, out.stderr
    return out.stdout


@pytest.fixture(scope="module")
def rows():
    out = CliRunner().invoke(cli, ["rate", "--format", "csv"])
    return pd.read_csv(io.StringIO(out.stdout)).set_index("metric_id")


@pytest.fixture(scope="module")
def seed():
    return " ".join(material("seeds", "q3-2025-26-report.md").read_text().split())


def _paragraph(text: str, metric_sentence: str) -> str:
    return next(p for p in text.split("\n\n") if metric_sentence in p)


# (the seed report's words, narrate's sentence for the same figures)
SAME_FIGURES = [
    (
        "In Leicestershire, this was 73.7% (2,067 out of 2,805) in 2024/25, slightly below the national average of 77.1%",
        "the percentage of people who had no need for ongoing services following reablement was 73.7% "
        "(2,067 out of 2,805) in 2024/25, below the national average of 77.1%.",
    ),
    (
        "For the 12 months to September 2025, ASCOF 2A fell to 69.7% (1,917 out of 2,749)",
        "For the 12 months to Sep 2025, this fell to 69.7% (1,917 out of 2,749).",
    ),
    (
        "In Leicestershire, 61.1% of respondents said they found it easy to find information",
        "the percentage of service users who find it easy to find information was 61.1% in 2024/25, below "
        "the national average of 67.8%.",
    ),
    (
        "At the end of December 2025, there were 416 people in team planned trays in Leicestershire - 256 "
        "fewer than the 672 recorded nine months earlier in March",
        "the number of people awaiting a care assessment was 416 at 31 Dec 2025, well below the figure of 672 "
        "at 31 Mar 2025.",
    ),
    (
        "In 2024/25, the proportion in Leicestershire was 87.3%, representing 1,255 out of 1,437 individuals, "
        "and was higher than the national figure of 81.4%",
        "was 87.3% (1,255 out of 1,437) in 2024/25, above the national average of 81.4%.",
    ),
    (
        "equating to a rate of 11.3 per 100,000 population, which is lower than the national rate of 17.0",
        "permanent admissions to care (aged 18-64) per 100,000 population was 11.3 in 2024/25, well below the "
        "national average of 17.0.",
    ),
]


@pytest.mark.parametrize(("report", "ours"), SAME_FIGURES)
def test_the_seed_reports_figures_in_narrates_words(said, seed, report, ours):
    assert report in seed  # the report really says it
    assert ours in said
    number = r"(?<![\w.,])\d[\d,]*(?:\.\d+)?(?![\w])"
    figures = set(re.findall(number, report)) - {"12", "2025", "2024"}
    assert figures <= set(re.findall(number, ours)) | {"256"}  # 256 = 672 - 416, a difference


def test_abbreviations_are_spelled_out_and_units_written(said):
    assert "SUs" not in said and "% of" not in said and " pop " not in said and not re.search(r"\bpop\.", said)
    assert "the percentage of service users who find it easy to find information" in said
    assert "per 100,000 population" in said
    assert re.search(r"\d(k|m)\b", said) is None  # "167.6 thousand", not "167.6k"
    assert "total community library issues numbered 167.6 thousand in Apr-Dec 2025." in said
    assert "the position of" not in said and " was " in said


def test_little_change_follows_the_direction_of_travel(said, rows):
    """ "Little changed" exactly where the dashboard's direction of travel says similar, on the
    same figures: para 17 says "little change" for 2C (526.9 to 521.8), but 5.1 per 100,000 is
    beyond the direction's tolerance of 1.0, the dashboard says improved, and so narrate says
    "fell to"; 2B (11.3 to 11.6, within 1.0) is little changed, as the dashboard says."""
    for metric, title in (
        ("ASCOF_2C", "(aged 65+)"),
        ("ASCOF_2B", "(aged 18-64)"),
        ("ASCOF_2E", "learning disability"),
    ):
        paragraph = _paragraph(said, title)
        dot = rows.loc[metric, "dot"]
        if dot == "similar":
            assert "this was little changed at" in paragraph, metric
        else:
            assert re.search(r"this (fell|rose) to", paragraph), metric
    assert rows.loc["ASCOF_2C", "dot"] == "improved" and "this fell to 521.8" in _paragraph(said, "(aged 65+)")
    assert rows.loc["ASCOF_2B", "dot"] == "similar"


def test_close_to_is_held_to_the_rating_tolerance(said, rows):
    """ "close to" only within the rating's tolerance (and never for a red or green rating)."""
    for metric, row in rows.iterrows():
        if row["rating"] in ("better", "worse"):
            title = str(row["title"]).split("(")[0].strip()[-25:]
            for paragraph in said.split("\n\n"):
                if title in paragraph and "close to" in paragraph.split(".")[0]:
                    pytest.fail(f"{metric} is rated {row['rating']} but narrated 'close to'")


def test_a_glossary_is_checked(tmp_path):
    from tests.conftest import DEFAULT_CATALOGUE

    text = DEFAULT_CATALOGUE.read_text().replace("  SUs: service users\n", "  SUs: [service users]\n", 1)
    (tmp_path / "m.yaml").write_text(text)
    out = CliRunner().invoke(cli, ["validate", "--catalogue", str(tmp_path / "m.yaml")])
    assert out.exit_code == 1 and "glossary" in out.output
