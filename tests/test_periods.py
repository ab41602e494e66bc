"""Period notation: parsing, start/end, lengths, like-for-like predecessors, comparability."""

from datetime import date

import pytest

from ascbench.errors import AscbenchError
from ascbench.periods import canonical, parse_period, period_frame


@pytest.mark.parametrize(
    "text, start, end, months, label",
    [
        ("2024-25", date(2024, 4, 1), date(2025, 3, 31), 12, "2024/25"),
        ("2025-26-Q3", date(2025, 10, 1), date(2025, 12, 31), 3, "Q3 2025/26 (Oct-Dec 2025)"),
        ("2025-26-Q4", date(2026, 1, 1), date(2026, 3, 31), 3, "Q4 2025/26 (Jan-Mar 2026)"),
        ("2025-26-YTD-Q3", date(2025, 4, 1), date(2025, 12, 31), 9, "Apr-Dec 2025"),
        ("2025-26-YTD-Q4", date(2025, 4, 1), date(2026, 3, 31), 12, "Apr 2025-Mar 2026"),
        ("2025-26-YTD-Nov", date(2025, 4, 1), date(2025, 11, 30), 8, "Apr-Nov 2025"),
        ("2025-Sep", date(2025, 9, 1), date(2025, 9, 30), 1, "Sep 2025"),
        ("2024-Feb", date(2024, 2, 1), date(2024, 2, 29), 1, "Feb 2024"),
        ("R12-2025-Sep", date(2024, 10, 1), date(2025, 9, 30), 12, "12 months to Sep 2025"),
        ("R6-2025-Dec", date(2025, 7, 1), date(2025, 12, 31), 6, "6 months to Dec 2025"),
        ("CY2025", date(2025, 1, 1), date(2025, 12, 31), 12, "2025"),
        ("2025-CQ4", date(2025, 10, 1), date(2025, 12, 31), 3, "Oct-Dec 2025"),
        ("2025-12-31", date(2025, 12, 31), date(2025, 12, 31), 0, "31 Dec 2025"),
        ("AY2024-25", date(2024, 9, 1), date(2025, 8, 31), 12, "academic year 2024/25"),
        ("AY2025-26-T1", date(2025, 9, 1), date(2025, 12, 31), 4, "autumn term 2025/26"),
        ("AY2025-26-T2", date(2026, 1, 1), date(2026, 3, 31), 3, "spring term 2025/26"),
        ("AY2025-26-T3", date(2026, 4, 1), date(2026, 8, 31), 5, "summer term 2025/26"),
        ("AY2025-26-YTD-T2", date(2025, 9, 1), date(2026, 3, 31), 7, "academic year 2025/26 to spring term"),
        ("2099-00", date(2099, 4, 1), date(2100, 3, 31), 12, "2099/00"),
    ],
)
def test_parse(text, start, end, months, label):
    p = parse_period(text)
    assert (p.start, p.end, p.months, p.label) == (start, end, months, label)
    assert parse_period(p.text) == p  # canonical text round-trips


def test_canonical_spellings():
    assert canonical("2025-26-ytd-dec") == "2025-26-YTD-Q3"
    assert canonical("r12-2025-sep") == "R12-2025-Sep"
    assert canonical(" 2024-25 ") == "2024-25"


@pytest.mark.parametrize(
    "text, earlier, preceding",
    [
        ("2025-26-YTD-Q3", "2024-25-YTD-Q3", None),
        ("AY2025-26-T1", "AY2024-25-T1", "AY2024-25-T3"),
        ("R6-2025-Dec", "R6-2024-Dec", "R6-2025-Jun"),
        ("2025-26-Q1", "2024-25-Q1", "2024-25-Q4"),
        ("2024-02-29", "2023-02-28", None),
        ("2025-Jan", "2024-Jan", "2024-Dec"),
    ],
)
def test_predecessors(text, earlier, preceding):
    p = parse_period(text)
    assert p.year_earlier().text == earlier
    assert (p.preceding().text if p.preceding() else None) == preceding


def test_comparability_is_like_for_like():
    term, year = parse_period("AY2025-26-T1"), parse_period("AY2024-25")
    assert not term.comparable(year)  # a first term against a full academic year
    assert term.comparable(parse_period("AY2024-25-T1"))
    assert parse_period("R12-2025-Sep").comparable(parse_period("2024-25"))  # both 12 months
    assert not parse_period("2025-26-YTD-Q3").comparable(parse_period("2024-25"))
    assert parse_period("2025-12-31").comparable(parse_period("2025-03-31"))
    assert parse_period("AY2024-25").contains(term) is False
    assert parse_period("AY2025-26").contains(term)


@pytest.mark.parametrize(
    "bad, hint",
    [
        ("2024-26", "second year should be 25"),
        ("2025-09", "months are written with their names"),
        ("2025-02-30", "no such date"),
        ("Q3 2025", ""),
        ("R0-2025-Sep", "1 to 60 months"),
        ("", ""),
    ],
)
def test_bad_periods(bad, hint):
    with pytest.raises(AscbenchError) as info:
        parse_period(bad)
    message = str(info.value)
    assert "is not a period" in message and "expected a period such as 2024-25" in message
    assert hint in message


def test_period_frame_parses_each_distinct_string_once():
    frame = period_frame(["2024-25", "2024-25", "2025-12-31"])
    assert list(frame["period"]) == ["2024-25", "2025-12-31"]
    assert list(frame["months"]) == [12, 0]
    assert list(frame["year_earlier"]) == ["2023-24", "2024-12-31"]
