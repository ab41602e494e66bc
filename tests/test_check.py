"""``ascbench check``: a report's numeric claims against the data.

The seed report (tests/material/seeds/q3-2025-26-report.md) is checked against the embedded
default data, which reproduce it, and the verdicts are compared with the transcriber's own
recomputation of every claim (q3-2025-26-narrative-facts.csv): the claims it finds wrong are
flagged, and none it finds right is. A report for another, made-up council and year
(tests/fixtures/othertown) checks that nothing is fitted to the seed's wording.
"""

from __future__ import annotations

import ast
import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from ascbench.check.claims import extract
from ascbench.check.document import parse_document
from ascbench.check.phrases import period_mentions
from ascbench.check.verdicts import figure_agrees
from ascbench.cli import cli
from tests.conftest import FIXTURES, ROOT, material

SEED = material("seeds", "q3-2025-26-report.md")
OTHERTOWN = [
    "--catalogue",
    str(FIXTURES / "othertown" / "metrics.yaml"),
    "--data",
    str(FIXTURES / "othertown" / "data"),
]


def invoke(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture(scope="session")
def seed_claims(catalogue, dataset):
    """The seed report checked against the embedded default: the claims frame."""
    from ascbench.check import check_report
    from ascbench.check.output import claims_frame

    result = check_report(SEED, catalogue, dataset)
    names = dict(zip(dataset.areas["area_code"], dataset.areas["area_name"], strict=False))
    return claims_frame(result, names, {m.id: m.code for m in catalogue.metrics})


def body(frame):
    """The claims of the numbered paragraphs of the report (not the appendix or the notes)."""
    return frame[frame["paragraph"] != ""]


# ------------------------------------------------------------------ the seed report
EXPECTED_DISAGREEMENTS = {
    # (paragraph, words as printed, metric): the figure the data give
    ("9", "four in every 10", "new_contacts_self_family_share"): "44.7%",  # facts: 44.71%, 'no'
    ("9", "4.5%", "new_contacts_hospital"): "-4.4%",  # 200 / 4,500 = 4.44%
    ("10", "slightly higher", "new_contacts_rate_65_plus"): None,  # +27.1%: facts 'no'
    ("11", "unchanged", "ASCOF_2E"): None,  # 87.3% -> 87.6%: facts 'no'
    ("17", "little change", "ASCOF_2C"): None,  # 526.9 -> 521.8, beyond the 1.0 direction tolerance
    ("27", "14.2%", "local_library_eloans"): "+14.3%",  # facts: 14.30%, 'no'
}


def test_the_seed_reports_errors_are_flagged_and_nothing_else_in_its_paragraphs(seed_claims):
    flagged = body(seed_claims)[body(seed_claims)["verdict"] == "disagrees"]
    got = {(r.paragraph, r.text, r.metric_id): r.data for r in flagged.itertuples()}
    assert set(got) == set(EXPECTED_DISAGREEMENTS)
    for key, data in EXPECTED_DISAGREEMENTS.items():
        if data is not None:
            assert got[key] == data


def test_a_share_of_counts_published_rounded_is_checked_against_the_range_they_allow(seed_claims):
    """ASCOF 4B's counts are published rounded to 5 (status 'rounded' in the data): 650 out of
    680 is 95.6%, but the true counts allow 94.9-96.3%, so the printed 95.3% - the published
    value - agrees with the data and with itself (the facts file, which took the counts as
    exact, called it wrong)."""
    rows = seed_claims[seed_claims["paragraph"] == "23"].set_index("text")
    assert rows.loc["95.3%", "verdict"] == "agrees" and rows.loc["95.3%", "data"] == "95.3%"
    arithmetic = rows.loc["95.3% (650 out of 680)"]
    assert arithmetic["verdict"] == "agrees"
    assert (
        arithmetic["reason"] == "650 out of 680 is 95.6%, but the data hold these counts rounded: they allow 94.9-96.3%"
    )


def test_little_change_is_judged_per_metric(seed_claims):
    # para 17: "show little change from these 2024/25 rates" - ASCOF 2B moved 0.2, 2C 5.1 per 100,000
    rows = seed_claims[(seed_claims["paragraph"] == "17") & (seed_claims["text"] == "little change")]
    assert dict(zip(rows["metric_id"], rows["verdict"], strict=True)) == {"ASCOF_2C": "disagrees", "ASCOF_2B": "agrees"}
    assert "beyond the direction tolerance" in rows.set_index("metric_id").loc["ASCOF_2C", "reason"]


def _facts():
    with open(material("seeds", "q3-2025-26-narrative-facts.csv"), encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_no_claim_the_transcriber_recomputed_as_right_is_flagged(seed_claims):
    """Every figure or word of a paragraph that the narrative-facts file marks 'yes' is not
    said to disagree (the claims are matched by paragraph and by their printed words)."""
    checked = 0
    frame = body(seed_claims)
    for fact in _facts():
        if fact["agrees"] != "yes" or not fact["paragraph"].isdigit():
            continue
        stated = fact["stated_result"].lower()
        rows = frame[frame["paragraph"] == fact["paragraph"]]
        for r in rows.itertuples():
            words = re.sub(r"\s+than$", "", r.text.lower())
            if len(words) >= 2 and words in stated:
                checked += 1
                assert r.verdict != "disagrees", (fact["claim"], r.text, r.data, r.reason)
    assert checked >= 40


def test_most_of_the_paragraphs_claims_are_tied_and_agree(seed_claims):
    rows = body(seed_claims)
    assert (rows["verdict"] == "agrees").sum() >= 150
    tied = rows[rows["metric_id"] != ""]
    assert len(tied) / len(rows) > 0.85


@pytest.mark.parametrize(
    "paragraph, text, metric, period, data",
    [
        ("9", "16,420", "new_contacts", "R6-2025-Dec", "16,420"),
        ("9", "17,270", "new_contacts", "R6-2025-Jun", "17,270"),  # "a 4.9% reduction from 17,270"
        ("9", "Two-thirds", "new_contacts_phone_email_share", "R6-2025-Dec", "64.6%"),
        ("10", "1,615", "new_contacts_rate_18_64", "2024-25", "1,615"),  # the peer group average
        ("12", "672", "local_awaiting_assessment", "2025-03-31", "672"),  # "nine months earlier in March"
        ("12", "eight", "local_awaiting_assessment_6m", "2025-12-31", "8"),
        ("14", "69.7%", "ASCOF_2A", "R12-2025-Sep", "69.7%"),
        ("14", "59.1%", "ASCOF_2D", "R12-2025-Jun", "59.1%"),
        ("15", "7,870", "people_supported_65_plus", "2024-25", "7,870"),  # "7,870 aged 65 or over"
        ("16", "41.6%", "residential_share_65_plus", "2024-25", "41.6%"),  # the peer group's
        ("20", "67%", "ASCOF_4A", "2024-25", "67%"),  # "from 72% in 2024 to 67% in 2025"
        ("20", "72%", "ASCOF_4A", "2023-24", "72%"),
        ("24", "59.1%", "local_annual_review", "2024-25", "59.1%"),  # the national average
        ("27", "19,000", "local_library_loans_junior", "2025-26-YTD-Q3", "-19,041"),  # short of the milestone
        ("28", "4,100", "local_volunteering_hours", "2025-26-YTD-Q3", "+4,084"),  # to the hundred
    ],
)
def test_seed_claims_are_tied_to_the_right_metric_and_period(seed_claims, paragraph, text, metric, period, data):
    rows = seed_claims[(seed_claims["paragraph"] == paragraph) & (seed_claims["text"] == text)]
    assert len(rows) >= 1
    row = rows.iloc[0]
    assert (row["metric_id"], row["period"], row["data"], row["verdict"]) == (metric, period, data, "agrees")


def test_a_period_with_no_data_cannot_be_checked_and_says_so(seed_claims):
    # para 18 calls the Q3 position "the end of the third quarter of 2024/25": no data then
    rows = seed_claims[(seed_claims["paragraph"] == "18") & (seed_claims["text"] == "32.4%")]
    assert rows["verdict"].tolist() == ["cannot be checked"]
    assert "no data for the end of the third quarter of 2024/25" in rows["reason"].iloc[0]
    # para 21: the alerts for April-December 2025 are not in the data
    rows = seed_claims[(seed_claims["paragraph"] == "21") & (seed_claims["text"] == "55%")]
    assert rows["verdict"].iloc[0] == "cannot be checked" and "no data for" in rows["reason"].iloc[0]


def test_unmatched_figures_say_why(seed_claims):
    rows = seed_claims[(seed_claims["paragraph"] == "32") & (seed_claims["text"] == "70%")]
    assert rows["verdict"].iloc[0] == "cannot be checked"
    assert rows["reason"].iloc[0] == "no metric of the catalogue matches the words around it"


def test_appendix_rows_are_checked_by_their_columns(seed_claims):
    appendix = seed_claims[seed_claims["section"].str.contains("Strategic Plan", na=False)]
    two_c = appendix[appendix["metric_id"] == "ASCOF_2C"].set_index("text")
    assert two_c.loc["592.5 per 100k", "kind"] == "benchmark" and two_c.loc["592.5 per 100k", "verdict"] == "agrees"
    assert two_c.loc["521.8 per 100k", "period"] == "R12-2025-Sep"
    four_b = appendix[appendix["metric_id"] == "ASCOF_4B"]
    assert set(four_b["verdict"]) == {"agrees"} and len(four_b) == 10  # both years' cells
    direction = appendix[(appendix["metric_id"] == "ASCOF_2A") & (appendix["kind"] == "direction")]
    assert direction["verdict"].tolist() == ["agrees"]  # "not as good as last year": 73.7% -> 69.7%


# ------------------------------------------------------------------ another council, another year
OTHER_REPORT = """# Othertown Council - adult social care half-year report 2031/32

## Summary

1. In 2031/32 the rate of falls admissions for people aged 80 and over was 3.75 per 1,000, better than the England rate of 5.00 per 1,000, though up from 3.39 the year before.

2. Between April and September 2031, 62.0% of carers (124 out of 200) were assessed within 28 days, moving out of the preferred band from 55.0% in the same period last year.

3. We delivered 9,600 meals between April and September 2031, 4% short of the target of 10,000, and the same number as a year earlier.

4. Residents' mood score was 7.4 in 2030/31, well above the national figure of 7.3.

5. Carers assessed within 28 days fell to 60.5% between April and September 2031 (121 out of 200).

6. Meals delivered rose by 5% on the same period last year.
"""


@pytest.fixture(scope="module")
def other(tmp_path_factory):
    path = tmp_path_factory.mktemp("othertown") / "report.md"
    path.write_text(OTHER_REPORT, encoding="utf-8")
    out = invoke("check", str(path), *OTHERTOWN, "--format", "json")
    assert out.exit_code == 0
    return pd.DataFrame(json.loads(out.stdout))


def test_another_council_and_year_agreements(other):
    ok = other[other["verdict"] == "agrees"]
    got = set(zip(ok["paragraph"], ok["text"], strict=True))
    assert {
        ("1", "3.75 per 1,000"),  # 45 / 12,000 x 1,000
        ("1", "5.00 per 1,000"),  # the nation's
        ("1", "better than"),  # lower is better
        ("1", "3.39"),  # 40 / 11,800 x 1,000, the year before
        ("2", "62.0%"),
        ("2", "55.0%"),
        ("3", "9,600"),
        ("3", "4%"),  # 400 short of 10,000
        ("3", "10,000"),
        ("3", "the same number as"),
        ("4", "7.4"),
        ("4", "7.3"),
    } <= got


def test_another_council_and_year_disagreements(other):
    bad = other[other["verdict"] == "disagrees"].set_index(["paragraph", "text"])
    assert bad.loc[("4", "well above"), "reason"].startswith("within the rating tolerance (0.2)")  # 0.1 apart
    assert bad.loc[("5", "60.5%"), "data"] == "62.0%"
    assert bad.loc[("5", "121"), "data"] == "124"
    assert bad.loc[("5", "fell"), "reason"] == "the other way round"
    assert bad.loc[("6", "5%"), "data"] == "0%"  # 9,600 both years
    assert set(bad.index) == {("4", "well above"), ("5", "60.5%"), ("5", "121"), ("5", "fell"), ("6", "5%")}
    # the arithmetic of paragraph 5 is right (121 out of 200 is 60.5%): only the data differ
    five = other[(other["paragraph"] == "5") & (other["kind"] == "arithmetic")]
    assert five["verdict"].tolist() == ["agrees"]


# ------------------------------------------------------------------ the command
SMALL = """## Safeguarding

23. During 2024/25, 93.5% (650 out of 680) of enquiries in Leicestershire resulted in the risk being
reduced or removed, a higher proportion than the national figure of 91.2%.

| Code | Description | 2024/25 |
|---|---|---|
| ASCOF 2A | % of people who had no need for ongoing services following reablement | 73.7% (2,067 out of 2,805) |
"""


@pytest.fixture
def small(tmp_path):
    path = tmp_path / "draft.md"
    path.write_text(SMALL, encoding="utf-8")
    return path


def test_cli_table_csv_and_json(small):
    table = invoke("check", str(small), "--width", "120")
    assert table.exit_code == 0 and "✘ disagrees" in table.stdout and "95.3%" in table.stdout
    assert "1 disagree" not in table.stdout  # the summary goes to stderr
    out = invoke("check", str(small), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    from ascbench.check.output import COLUMNS

    assert list(rows[0]) == COLUMNS
    by_text = {r["text"]: r for r in rows}
    assert by_text["93.5%"]["verdict"] == "disagrees" and by_text["93.5%"]["data"] == "95.3%"
    assert by_text["91.2%"]["verdict"] == "agrees" and by_text["91.2%"]["area_code"] == "E92000001"
    assert by_text["73.7%"]["metric_id"] == "ASCOF_2A" and by_text["73.7%"]["period"] == "2024-25"
    data = json.loads(invoke("check", str(small), "--format", "json").stdout)
    assert [r["text"] for r in data] == [r["text"] for r in rows]


def test_cli_annotated_markdown_marks_each_claim(small, tmp_path):
    target = tmp_path / "checked.md"
    out = invoke("check", str(small), "-o", str(target))
    assert out.exit_code == 0 and out.stdout == ""
    text = target.read_text(encoding="utf-8")
    assert "93.5% ✘[^c1]" in text
    assert re.search(r"\[\^c1\]: ✘ disagrees; the data give 95\.3%.*\(ASCOF 4B, Leicestershire, 2024/25\)", text)
    assert "91.2% ✔[^c" in text
    assert text.startswith("## Safeguarding")  # the report itself, as it was


def test_cli_annotated_html_is_not_colour_alone(small, tmp_path):
    target = tmp_path / "checked.html"
    assert invoke("check", str(small), "-o", str(target)).exit_code == 0
    page = target.read_text(encoding="utf-8")
    assert '<span class="claim disagrees">93.5%</span>' in page
    assert '<span class="sr"> disagrees, note 1</span>' in page  # words for a screen reader
    assert '<html lang="en">' in page and "<table>" in page and "<th>" in page
    assert "border-bottom:3px double" in page  # a line style per verdict, not only a colour


def test_show_keeps_only_the_verdicts_asked_for(small):
    rows = list(
        csv.DictReader(io.StringIO(invoke("check", str(small), "--format", "csv", "--show", "disagrees").stdout))
    )
    assert rows and {r["verdict"] for r in rows} == {"disagrees"}
    assert {r["text"] for r in rows} == {"93.5%", "93.5% (650 out of 680)"}


def test_fail_on_disagree_exits_3(small, tmp_path):
    out = invoke("check", str(small), "--format", "csv", "--fail-on", "disagree")
    assert out.exit_code == 3 and "--fail-on disagree: claims 1" in out.stderr
    right = tmp_path / "right.md"
    right.write_text("In 2024/25, 95.3% (650 out of 680) of safeguarding enquiries had the risk reduced or removed.\n")
    assert invoke("check", str(right), "--fail-on", "disagree").exit_code == 0


def test_bad_reports_are_one_line_errors(tmp_path):
    out = invoke("check", str(tmp_path / "missing.md"))
    assert out.exit_code == 1 and "missing.md" in out.stderr and "no such file" in out.stderr
    binary = tmp_path / "scan.md"
    binary.write_bytes(b"\x00\x01\x02PDF")
    out = invoke("check", str(binary))
    assert out.exit_code == 1 and "not a text file" in out.stderr and "Traceback" not in out.stderr
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Caf\xe9 figures: 95.3%\n".encode("latin-1"))
    out = invoke("check", str(latin))
    assert out.exit_code == 1 and "not UTF-8" in out.stderr and ":1" in out.stderr


def test_check_as_a_real_subprocess(small):
    done = subprocess.run(
        [sys.executable, "-m", "ascbench", "check", str(small), "--format", "json"],
        capture_output=True,
        text=True,
        cwd=small.parent,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert any(r["verdict"] == "disagrees" for r in json.loads(done.stdout))
    assert "claims:" in done.stderr


def test_a_word_report(tmp_path):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_heading("Safeguarding", level=2)
    document.add_paragraph(
        "During 2024/25, 93.5% (650 out of 680) of enquiries in Leicestershire resulted in the risk "
        "being reduced or removed, a higher proportion than the national figure of 91.2%."
    )
    table = document.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ["Code", "Description", "2024/25"], strict=True):
        cell.text = text
    for cell, text in zip(
        table.rows[1].cells, ["ASCOF 2A", "% of people who had no need for ongoing services", "73.7%"], strict=True
    ):
        cell.text = text
    path = tmp_path / "draft.docx"
    document.save(str(path))
    rows = {r["text"]: r for r in json.loads(invoke("check", str(path), "--format", "json").stdout)}
    assert rows["93.5%"]["verdict"] == "disagrees" and rows["93.5%"]["data"] == "95.3%"
    assert rows["73.7%"]["verdict"] == "agrees" and rows["73.7%"]["metric_id"] == "ASCOF_2A"


# ------------------------------------------------------------------ the pieces
@pytest.mark.parametrize(
    "printed, decimals, unit, data, agrees",
    [
        (95.3, 1, "%", 95.588235, False),
        (95.6, 1, "%", 95.588235, True),
        (67, 0, "%", 66.8, True),
        (2.3, 1, "%", 2.25, True),  # half away from zero, as published statistics round
        (2.2, 1, "%", 2.25, False),
        (4100, -2, "", 4084, True),  # "4,100": a count to the hundred
        (4100, -2, "", 4040, False),
    ],
)
def test_figures_agree_at_their_printed_precision(printed, decimals, unit, data, agrees):
    from ascbench.check.claims import Figure

    assert figure_agrees(Figure(0, 0, "", printed, decimals, unit), data) is agrees


def test_words_for_shares_agree_within_two_and_a_half_points():
    from ascbench.check.claims import Figure

    quarter = Figure(0, 0, "a quarter", 25.0, 0, "%", fraction=True)
    assert figure_agrees(quarter, 26.19) and not figure_agrees(quarter, 28.0)


@pytest.mark.parametrize(
    "words, period",
    [
        ("in 2024/25", "2024-25"),
        ("for the 12 months to September 2025", "R12-2025-Sep"),
        ("between April and December 2025", "2025-26-YTD-Q3"),
        ("at the end of March 2025", "2025-03-31"),
        ("the autumn term of 2025/26", "AY2025-26-T1"),
        ("the six months to the end of December 2025", "R6-2025-Dec"),
        ("24/25 Nat. Ave", "2024-25"),
        ("End of Dec-25", "2025-12-31"),
    ],
)
def test_period_wording(words, period):
    refs = [r for r in period_mentions(words, 0, len(words)) if r.kind not in ("ignored",)]
    assert refs and refs[0].tier(period) == 0


def test_claims_are_found_with_their_roles():
    text = "In 2024/25, the rate was 11.3 per 100,000 (50 admissions), lower than the national rate of 17.0 and up from 10.2 the year before."
    kinds = {c.text: c.kind for c in extract(parse_document(text))}
    assert kinds == {
        "11.3 per 100,000": "value",
        "50": "numerator",
        "17.0": "comparator",
        "10.2": "previous",
        "lower than": "comparison",
        "up from": "direction",
    }


def test_the_check_reads_the_engine_in_one_place():
    """Only ascbench/check/facts.py touches the engine's frames (so it can move to a Report)."""
    package = ROOT / "ascbench" / "check"
    for path in sorted(package.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        engine = [
            n.module
            for n in ast.walk(tree)
            if isinstance(n, ast.ImportFrom) and n.module and n.module.startswith("ascbench.engine")
        ]
        assert not engine or path.name == "facts.py", (path.name, engine)


def test_synonyms_are_validated(tmp_path):
    from ascbench.catalogue import load_catalogue
    from ascbench.errors import AscbenchError

    good = tmp_path / "good.yaml"
    good.write_text(
        "metrics:\n  - id: a\n    title: New contacts\n    statistic: count\n    numerator: n\n"
        "    synonyms: [contacts received, new referrals]\n",
        encoding="utf-8",
    )
    assert load_catalogue(good).get("a").synonyms == ("contacts received", "new referrals")
    for bad, message in [
        ("synonyms: contacts", "'synonyms' should be a list of texts"),
        ("synonyms: [contacts, Contacts]", "the synonym 'Contacts' is listed twice"),
        ("synonyms: ['42']", "the synonym '42' has no letters"),
    ]:
        path = tmp_path / "bad.yaml"
        path.write_text(
            f"metrics:\n  - id: a\n    title: New contacts\n    statistic: count\n    numerator: n\n    {bad}\n",
            encoding="utf-8",
        )
        with pytest.raises(AscbenchError, match=re.escape(message)) as info:
            load_catalogue(path)
        assert info.value.location.line == 6 and info.value.location.field == "synonyms"


def test_the_default_catalogue_declares_synonyms(catalogue):
    assert "direct payment" in catalogue.get("ASCOF_3D_2A").synonyms
    assert Path(ROOT / "metrics.yaml").read_text(encoding="utf-8").count("synonyms:") >= 10


# ------------------------------------------------------------------ another year, the embedded data
PREVIOUS_YEAR = """# Benchmarking 2023/24 - position at quarter 3 of 2024/25

10. ASCOF 2A measures the proportion of people who had no need for ongoing services following reablement. In 2023/24 this was 89.6% in Leicestershire, well above the national average of 79.4%, and Leicestershire ranked 28th of 152 councils.

11. The proportion of adults with a learning disability living in their own home or with family was 85.3% in 2023/24, higher than the national figure of 81.6%, and unchanged from 85.6% the year before.

12. Permanent admissions of people aged 65 and over to residential and nursing care were 509.8 per 100,000 population in 2023/24, lower than the England rate of 566.0.

13. In 2023/24, 72% of service users said they feel safe, an improvement on 65% in 2022/23 and above the national average of 71.1%.

14. Visits to heritage sites reached 115,795 between April and December 2024.

15. Direct payments were received by 31.9% of adults in 2023/24, in the top quartile nationally.
"""


def test_a_report_of_another_year_against_the_national_files(tmp_path):
    """The embedded default holds every council's ASCOF values to 2023/24: a report written a
    year earlier is checked against them, ranks and quartiles included."""
    path = tmp_path / "2023-24.md"
    path.write_text(PREVIOUS_YEAR, encoding="utf-8")
    frame = pd.DataFrame(json.loads(invoke("check", str(path), "--format", "json").stdout))
    verdicts = {(r.paragraph, r.text): (r.verdict, r.data, r.period) for r in frame.itertuples()}
    assert verdicts[("10", "28th")] == ("agrees", "28 of 152 (2023/24)", "2023-24")
    assert verdicts[("10", "well above")][0] == "agrees"
    assert verdicts[("11", "unchanged")][:2] == ("disagrees", "85.6% (2022/23) to 85.3% (2023/24)")
    assert verdicts[("12", "509.8 per 100,000")] == ("agrees", "509.8 per 100,000", "2023-24")
    assert verdicts[("13", "71.1%")] == ("agrees", "71.1%", "2023-24")  # the benchmark of 2023/24, not 2022/23
    assert verdicts[("13", "improvement")][0] == "agrees"
    assert verdicts[("14", "115,795")] == ("agrees", "115,795", "2024-25-YTD-Q3")
    assert verdicts[("15", "31.9%")][:2] == ("disagrees", "35.6%")
    assert verdicts[("15", "top quartile")][0] == "agrees"
    assert ("10", "152") not in verdicts  # "of 152 councils" belongs to the rank
    assert (frame["verdict"] == "disagrees").sum() == 2


def test_an_empty_report_has_no_claims(tmp_path):
    path = tmp_path / "empty.md"
    path.write_text("", encoding="utf-8")
    out = invoke("check", str(path), "--format", "csv")
    assert out.exit_code == 0 and out.stdout.startswith("claim,line,paragraph")
    assert "0 claims" in out.stderr
    assert json.loads(invoke("check", str(path), "--format", "json").stdout) == []


def test_reading_claims_never_fails_on_odd_text():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    pieces = st.sampled_from(
        [
            "95.3%",
            "(650 out of 680)",
            "28th of 152",
            " than ",
            "2024/25",
            "| a | 7 |",
            "\n\n",
            "**",
            "<sup>3</sup>",
            "rose by 5%",
            "four in 10",
            "= 21",
            "5 + 7",
            "slightly below the national average of",
            "£1.2m",
            "-",
            "/",
            "k",
        ]
    )

    @settings(max_examples=150, deadline=None)
    @given(st.lists(st.one_of(pieces, st.text(max_size=8)), max_size=30))
    def read(parts):
        text = " ".join(parts)
        doc = parse_document(text)
        assert len(doc.masked) == len(doc.text)
        for claim in extract(doc):
            assert 0 <= claim.start <= claim.end <= len(doc.text)

    read()


POINTS_AND_PRONOUNS = """14. In 2024/25, ASCOF 2A was 73.7%, 3.4 percentage points below the national average of 77.1%. For the 12 months to September 2025 it fell by 4.0 points on 2024/25, and ASCOF 2D was up on the year before.

20. In Leicestershire, 61.1% of respondents said they found it easy to find information, compared with 59.3% the previous year, and 39.6% had as much social contact as they would like, down 5.3 percentage points on 44.9% in 2023/24.
"""


def test_points_pronouns_and_later_clauses(tmp_path):
    """Changes in percentage points; "it" is the metric of the sentence before, not the one a
    later clause names; a period named in a later clause does not date an earlier figure."""
    path = tmp_path / "points.md"
    path.write_text(POINTS_AND_PRONOUNS, encoding="utf-8")
    rows = {r["text"]: r for r in json.loads(invoke("check", str(path), "--format", "json").stdout)}
    assert {t: r["verdict"] for t, r in rows.items()} == dict.fromkeys(rows, "agrees")
    assert (
        rows["3.4 percentage points"]["data"] == "-3.4 points"
        and rows["3.4 percentage points"]["kind"] == "gap to benchmark"
    )
    assert (rows["4.0 points"]["metric_id"], rows["4.0 points"]["data"]) == ("ASCOF_2A", "-4.0 points")
    assert rows["up on"]["metric_id"] == "ASCOF_2D"
    assert rows["61.1%"]["period"] == "2024-25" and rows["59.3%"]["period"] == "2023-24"
    assert (rows["5.3 percentage points"]["metric_id"], rows["5.3 percentage points"]["period"]) == (
        "ASCOF_5A1",
        "2024-25",
    )


def test_a_count_named_by_the_metrics_own_noun_is_its_numerator(tmp_path):
    # "55 admissions" of people aged 18-64: ASCOF 2B's count (50), not its rate (11.3)
    path = tmp_path / "admissions.md"
    path.write_text(
        "17. In 2024/25, there were 55 admissions of people aged 18-64 to permanent placements, "
        "equating to a rate of 11.3 per 100,000 population.\n",
        encoding="utf-8",
    )
    rows = {r["text"]: r for r in json.loads(invoke("check", str(path), "--format", "json").stdout)}
    assert (rows["55"]["verdict"], rows["55"]["kind"], rows["55"]["data"]) == ("disagrees", "value", "50")
    assert rows["55"]["reason"] == "the data give 50 (count, 2024/25)"
    assert rows["11.3 per 100,000"]["verdict"] == "agrees"
