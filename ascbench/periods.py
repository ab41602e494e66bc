"""Period notation: what a period string means, and which period it is compared with.

Every period in ascbench's data is a short string. The notation (documented in
``docs/data-format.md``) is:

=====================  ================================  ==========================================
notation               example                           meaning
=====================  ================================  ==========================================
financial year         ``2024-25``                       1 Apr 2024 - 31 Mar 2025
financial quarter      ``2025-26-Q3``                    Oct - Dec 2025 (Q1 = Apr - Jun)
financial year to date ``2025-26-YTD-Q3``                1 Apr 2025 - 31 Dec 2025
                       ``2025-26-YTD-Nov``               1 Apr 2025 - 30 Nov 2025
calendar month         ``2025-Sep``                      1 - 30 Sep 2025
rolling window         ``R12-2025-Sep``                  the 12 months ending 30 Sep 2025
calendar year          ``CY2025``                        1 Jan - 31 Dec 2025
calendar quarter       ``2025-CQ4``                      Oct - Dec 2025
snapshot at a date     ``2025-12-31``                    the position on 31 Dec 2025
academic year          ``AY2024-25``                     1 Sep 2024 - 31 Aug 2025
academic term          ``AY2025-26-T1``                  autumn term: Sep - Dec 2025
                                                         (T2 spring: Jan - Mar, T3 summer: Apr - Aug)
academic year to date  ``AY2025-26-YTD-T2``              1 Sep 2025 - 31 Mar 2026
                       ``AY2021-22-YTD-Jun``             1 Sep 2021 - 30 Jun 2022 (to a term's end
                                                         month it is written as the term: -YTD-Dec
                                                         is -YTD-T1)
=====================  ================================  ==========================================

Years run from 1900 to 2099: anything else is a located error, not a date the engine
cannot hold.

Months are written with their English three-letter names so that ``2011-12`` can only mean
the financial year 2011/12, never December 2011.

Each period knows its start and end (inclusive), its length in whole months (0 for a
snapshot), the like-for-like period a year earlier, and the immediately preceding period of
the same kind. Two periods are *comparable* when both are snapshots or both cover the same
number of months (a rolling 12 months and a financial year are comparable; an autumn term
and a full academic year are not).
"""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

import numpy as np
import pandas as pd

from ascbench.errors import AscbenchError

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_MONTH_INDEX = {m.lower(): i + 1 for i, m in enumerate(MONTHS)}
_MON = "(" + "|".join(MONTHS) + ")"

NOTATION = (
    "a period such as 2024-25, 2025-26-Q3, 2025-26-YTD-Q3, 2025-Sep, R12-2025-Sep, "
    "CY2025, 2025-CQ4, 2025-12-31, AY2024-25, AY2025-26-T1, AY2025-26-YTD-T2 or AY2021-22-YTD-Jun"
)

# Academic terms: the month each starts and ends (inclusive), counted within the academic
# year that starts in September.
_TERMS = {1: (9, 12), 2: (1, 3), 3: (4, 8)}
_TERM_NAMES = {1: "autumn term", 2: "spring term", 3: "summer term"}
_TERM_ENDING = {last: term for term, (_, last) in _TERMS.items()}  # Dec -> T1, Mar -> T2, Aug -> T3


def _add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _two_digit_follows(first: int, second: str) -> bool:
    return int(second) == (first + 1) % 100


def _slash(y: int) -> str:
    """``2024/25``: a financial or academic year as a committee report writes it."""
    return f"{y}/{(y + 1) % 100:02d}"


def _years(y: int) -> str:
    """``2024-25``: the two years of a financial or academic year as the notation writes them."""
    return f"{y}-{(y + 1) % 100:02d}"


def _span(p: Period) -> str:
    """``Apr-Dec 2025``, or ``Apr 2025-Mar 2026`` across a calendar year end."""
    s, e = p.start, p.end
    if s.year != e.year:
        return f"{MONTHS[s.month - 1]} {s.year}-{MONTHS[e.month - 1]} {e.year}"
    return f"{MONTHS[s.month - 1]}-{MONTHS[e.month - 1]} {e.year}"


@dataclass(frozen=True)
class _Kind:
    """What a kind of period is, in one row of :data:`KINDS`: how it is written (``notations``:
    each a pattern and how its groups build the period), what it covers (``months``: its
    first month, counted from year 0, and its length; ``None`` for a snapshot, a day), how it
    is written back (``text``) and for a report (``label``), which period precedes it
    (``preceding``) and how it moves by whole years (``shift``)."""

    family: str
    notations: tuple[tuple[re.Pattern[str], Callable[[str, tuple[str, ...]], Period]], ...]
    months: Callable[[Period], tuple[int, int] | None]
    text: Callable[[Period], str]
    label: Callable[[Period], str]
    preceding: Callable[[Period], Period | None] = lambda p: None
    shift: Callable[[Period, int], Period] = lambda p, years: replace(p, year=p.year + years)
    whole_year: bool = False


def _year_before(p: Period) -> Period:
    return p.shifted(-1)


def _quarter_before(p: Period) -> Period:
    return replace(p, part=p.part - 1) if p.part > 1 else replace(p, year=p.year - 1, part=4)


def _month_before(p: Period) -> Period:
    year, month = _add_months(p.year, p.part, -1)
    return replace(p, year=year, part=month)


def _window_before(p: Period) -> Period:
    """The window of the same length ending where this one starts."""
    year, month = _add_months(p.year, p.last_month, -p.part)
    return replace(p, year=year, last_month=month)


def _snapshot_shift(p: Period, years: int) -> Period:
    """A date moved by whole years; 29 February becomes the 28th in other years."""
    y = p.year + years
    return replace(p, year=y, day=min(p.day, calendar.monthrange(y, p.last_month)[1]))


def _term_months(part: int) -> tuple[int, int]:
    """First month (from the September the academic year starts in) and length of a term."""
    first, last = _TERMS[part]
    return (first - 9) % 12, (last - first) % 12 + 1


def _aytd_last(p: Period) -> int:
    return p.last_month or _TERMS[p.part][1]


def _fytd_text(p: Period) -> str:
    if p.last_month in (6, 9, 12, 3):
        return f"{_years(p.year)}-YTD-Q{p.last_month_offset // 3 + 1}"
    return f"{_years(p.year)}-YTD-{MONTHS[p.last_month - 1]}"


def _aytd_month(g: tuple[str, ...]) -> Period:
    month = _MONTH_INDEX[g[2].lower()]
    if month in _TERM_ENDING:  # to the end of a term: written as the term
        return Period("aytd", int(g[0]), part=_TERM_ENDING[month])
    return Period("aytd", int(g[0]), last_month=month)


def _rolling(s: str, g: tuple[str, ...]) -> Period:
    n = int(g[0])
    if not 1 <= n <= 60:
        raise _bad(s, "a rolling window is 1 to 60 months long")
    return Period("rolling", int(g[1]), part=n, last_month=_MONTH_INDEX[g[2].lower()])


def _snapshot(s: str, g: tuple[str, ...]) -> Period:
    y, mo, d = (int(x) for x in g)
    try:
        date(y, mo, d)
    except ValueError:
        raise _bad(s, "no such date") from None
    return Period("snapshot", y, last_month=mo, day=d)


def _pattern(text: str, ignore_case: bool = True) -> re.Pattern[str]:
    return re.compile("^" + text + "$", re.I if ignore_case else 0)


_FY, _AY = r"(\d{4})-(\d{2})", r"AY(\d{4})-(\d{2})"
KINDS: dict[str, _Kind] = {
    "fy": _Kind(
        "financial",
        ((_pattern(_FY, False), lambda s, g: Period("fy", int(g[0]))),),
        lambda p: (p.year * 12 + 3, 12),
        lambda p: _years(p.year),
        lambda p: _slash(p.year),
        _year_before,
        whole_year=True,
    ),
    "fq": _Kind(
        "financial",
        ((_pattern(_FY + r"-Q([1-4])"), lambda s, g: Period("fq", int(g[0]), part=int(g[2]))),),
        lambda p: (p.year * 12 + 3 + 3 * (p.part - 1), 3),
        lambda p: f"{_years(p.year)}-Q{p.part}",
        lambda p: f"Q{p.part} {_slash(p.year)} ({_span(p)})",
        _quarter_before,
    ),
    "fytd": _Kind(
        "financial",
        (
            (
                _pattern(_FY + r"-YTD-Q([1-4])"),
                lambda s, g: Period("fytd", int(g[0]), last_month=(3 * int(g[2]) + 3 - 1) % 12 + 1),
            ),
            (
                _pattern(_FY + r"-YTD-" + _MON),
                lambda s, g: Period("fytd", int(g[0]), last_month=_MONTH_INDEX[g[2].lower()]),
            ),
        ),
        lambda p: (p.year * 12 + 3, p.last_month_offset + 1),
        _fytd_text,
        _span,
    ),
    "month": _Kind(
        "calendar",
        ((_pattern(r"(\d{4})-" + _MON), lambda s, g: Period("month", int(g[0]), part=_MONTH_INDEX[g[1].lower()])),),
        lambda p: (p.year * 12 + p.part - 1, 1),
        lambda p: f"{p.year}-{MONTHS[p.part - 1]}",
        lambda p: f"{MONTHS[p.part - 1]} {p.year}",
        _month_before,
    ),
    "rolling": _Kind(
        "calendar",
        ((_pattern(r"R(\d{1,2})-(\d{4})-" + _MON), _rolling),),
        lambda p: (p.year * 12 + p.last_month - p.part, p.part),
        lambda p: f"R{p.part}-{p.year}-{MONTHS[p.last_month - 1]}",
        lambda p: f"{p.part} months to {MONTHS[p.last_month - 1]} {p.year}",
        _window_before,
    ),
    "cy": _Kind(
        "calendar",
        ((_pattern(r"CY(\d{4})"), lambda s, g: Period("cy", int(g[0]))),),
        lambda p: (p.year * 12, 12),
        lambda p: f"CY{p.year}",
        lambda p: str(p.year),
        _year_before,
        whole_year=True,
    ),
    "cq": _Kind(
        "calendar",
        ((_pattern(r"(\d{4})-CQ([1-4])"), lambda s, g: Period("cq", int(g[0]), part=int(g[1]))),),
        lambda p: (p.year * 12 + 3 * (p.part - 1), 3),
        lambda p: f"{p.year}-CQ{p.part}",
        _span,
        _quarter_before,
    ),
    "snapshot": _Kind(
        "snapshot",
        ((_pattern(r"(\d{4})-(\d{2})-(\d{2})", False), _snapshot),),
        lambda p: None,
        lambda p: f"{p.year:04d}-{p.last_month:02d}-{p.day:02d}",
        lambda p: f"{p.day} {MONTHS[p.last_month - 1]} {p.year}",
        shift=_snapshot_shift,
    ),
    "ay": _Kind(
        "academic",
        ((_pattern(_AY), lambda s, g: Period("ay", int(g[0]))),),
        lambda p: (p.year * 12 + 8, 12),
        lambda p: f"AY{_years(p.year)}",
        lambda p: f"academic year {_slash(p.year)}",
        _year_before,
        whole_year=True,
    ),
    "term": _Kind(
        "academic",
        ((_pattern(_AY + r"-T([1-3])"), lambda s, g: Period("term", int(g[0]), part=int(g[2]))),),
        lambda p: (p.year * 12 + 8 + _term_months(p.part)[0], _term_months(p.part)[1]),
        lambda p: f"AY{_years(p.year)}-T{p.part}",
        lambda p: f"{_TERM_NAMES[p.part]} {_slash(p.year)}",
        lambda p: replace(p, part=p.part - 1) if p.part > 1 else replace(p, year=p.year - 1, part=3),
    ),
    "aytd": _Kind(
        "academic",
        (
            (_pattern(_AY + r"-YTD-T([1-3])"), lambda s, g: Period("aytd", int(g[0]), part=int(g[2]))),
            (_pattern(_AY + r"-YTD-" + _MON), lambda s, g: _aytd_month(g)),
        ),
        lambda p: (p.year * 12 + 8, (_aytd_last(p) - 9) % 12 + 1),
        lambda p: (
            f"AY{_years(p.year)}-YTD-{MONTHS[p.last_month - 1]}"
            if p.last_month
            else f"AY{_years(p.year)}-YTD-T{p.part}"
        ),
        lambda p: (
            f"academic year {_slash(p.year)} to {MONTHS[p.last_month - 1]} ({_span(p)})"
            if p.last_month
            else f"academic year {_slash(p.year)} to {_TERM_NAMES[p.part]}"
        ),
    ),
}
# notations that write a financial or academic year as two years (2024-25): the second must follow
_TWO_YEARS = ("fy", "fq", "fytd", "ay", "term", "aytd")


@dataclass(frozen=True)
class Period:
    """A parsed period. ``text`` is the canonical notation. What each kind means is one row
    of :data:`KINDS`."""

    kind: str  # fy, fq, fytd, month, rolling, cy, cq, snapshot, ay, term, aytd
    year: int  # the first calendar year of the (financial/academic) year, or the year
    part: int = 0  # quarter, term, month or window length, by kind
    last_month: int = 0  # for fytd written to a month, and rolling windows: the last month
    day: int = 0  # snapshots

    # ----------------------------------------------------------------- derived attributes
    @property
    def family(self) -> str:
        return KINDS[self.kind].family

    @property
    def start(self) -> date:
        span = KINDS[self.kind].months(self)
        if span is None:
            return date(self.year, self.last_month, self.day)
        return date(span[0] // 12, span[0] % 12 + 1, 1)

    @property
    def end(self) -> date:
        span = KINDS[self.kind].months(self)
        if span is None:
            return self.start
        last = span[0] + span[1] - 1
        return _month_end(last // 12, last % 12 + 1)

    @property
    def months(self) -> int:
        """Length in whole months; 0 for a snapshot."""
        span = KINDS[self.kind].months(self)
        return 0 if span is None else span[1]

    @property
    def last_month_offset(self) -> int:
        """For a financial year to date: months after April of its last month (Dec = 8)."""
        return (self.last_month - 4) % 12

    @property
    def is_snapshot(self) -> bool:
        return self.kind == "snapshot"

    @property
    def is_whole_year(self) -> bool:
        """A financial, calendar or academic year (the 'full year' of a dashboard)."""
        return KINDS[self.kind].whole_year

    # ---------------------------------------------------------------------------- text
    @property
    def text(self) -> str:
        return KINDS[self.kind].text(self)

    def __str__(self) -> str:
        return self.text

    @property
    def label(self) -> str:
        """How a committee report writes the period."""
        return KINDS[self.kind].label(self)

    @property
    def short(self) -> str:
        """The compact form used in comparator labels: ``24/25`` for a year, else the label."""
        if self.kind in ("fy", "ay"):
            return f"{self.year % 100:02d}/{(self.year + 1) % 100:02d}"
        return self.label

    # ---------------------------------------------------------------------- relations
    def shifted(self, years: int) -> Period:
        """The same period ``years`` years later (negative: earlier)."""
        return KINDS[self.kind].shift(self, years)

    def year_earlier(self) -> Period:
        """The like-for-like period a year earlier."""
        return self.shifted(-1)

    def preceding(self) -> Period | None:
        """The period of the same kind immediately before this one, if that means anything.

        A quarter's predecessor is the previous quarter, a rolling window's is the window
        ending where this one starts; a year to date or a snapshot has none.
        """
        return KINDS[self.kind].preceding(self)

    def contains(self, other: Period) -> bool:
        return self.start <= other.start and other.end <= self.end

    def comparable(self, other: Period) -> bool:
        """Like with like (:func:`like_for_like`)."""
        return bool(like_for_like(self.months, self.is_snapshot, other.months, other.is_snapshot))


# ------------------------------------------------------------------------------- parsing
YEARS = (1900, 2099)


def _bad(text: str, why: str = "") -> AscbenchError:
    msg = f"'{text}' is not a period" + (f": {why}" if why else "")
    return AscbenchError(msg, field="period", expected=NOTATION)


def parse_period(text: object) -> Period:
    """Parse one period string; raise :class:`AscbenchError` naming the notation if it fails."""
    if not isinstance(text, str):
        raise _bad(str(text))
    return _parse(text)


@functools.lru_cache(maxsize=65536)
def _parse(text: str) -> Period:
    """Parsing, cached: the engine asks about the same few hundred period strings many times.
    The notations of :data:`KINDS` are tried in turn; the year is checked against
    :data:`YEARS`, and the second of two years against the first, before the period is built."""
    s = text.strip()
    for kind, spec in KINDS.items():
        for pattern, build in spec.notations:
            m = pattern.match(s)
            if not m:
                continue
            g = m.groups()
            year = int(g[1] if kind == "rolling" else g[0])
            if not YEARS[0] <= year <= YEARS[1]:
                raise _bad(s, f"the year should be between {YEARS[0]} and {YEARS[1]}")
            if kind in _TWO_YEARS and not _two_digit_follows(year, g[1]):
                if kind == "fy" and 1 <= int(g[1]) <= 12:
                    raise _bad(s, "months are written with their names, e.g. 2025-Sep")
                raise _bad(s, f"the second year should be {(year + 1) % 100:02d}")
            return build(s, g)
    raise _bad(s)


def canonical(text: str) -> str:
    """The canonical spelling of a period (``2025-26-ytd-dec`` -> ``2025-26-YTD-Q3``)."""
    return parse_period(text).text


def period_frame(texts):
    """A DataFrame describing each distinct period string in ``texts``.

    Columns: ``period`` (as given), ``canonical``, ``kind``, ``family``, ``start``, ``end``
    (datetime64), ``months``, ``is_snapshot``, ``is_whole_year``, ``label``, ``short``,
    ``year_earlier``, ``preceding``. Parsing is done once per distinct string.
    """
    series = texts if isinstance(texts, pd.Series) else pd.Series(list(texts), dtype="object")
    uniques = tuple(t for t in pd.unique(series).tolist() if isinstance(t, str))
    return _period_frame(uniques).copy()


@functools.lru_cache(maxsize=64)
def _period_frame(uniques: tuple[str, ...]):
    """:func:`period_frame` of distinct strings, cached: a report asks for the same periods'
    attributes at several steps."""
    rows = []
    for t in uniques:
        p = parse_period(t)
        prev = p.preceding()
        rows.append(
            {
                "period": t,
                "canonical": p.text,
                "kind": p.kind,
                "family": p.family,
                "start": pd.Timestamp(p.start),
                "end": pd.Timestamp(p.end),
                "months": p.months,
                "is_snapshot": p.is_snapshot,
                "is_whole_year": p.is_whole_year,
                "label": p.label,
                "short": p.short,
                "year_earlier": p.year_earlier().text,
                "preceding": prev.text if prev else None,
            }
        )
    columns = [
        "period",
        "canonical",
        "kind",
        "family",
        "start",
        "end",
        "months",
        "is_snapshot",
        "is_whole_year",
        "label",
        "short",
        "year_earlier",
        "preceding",
    ]
    # typed even with no rows: date arithmetic on an empty selection must not fail
    return pd.DataFrame(rows, columns=columns).astype(
        {
            "start": "datetime64[us]",
            "end": "datetime64[us]",
            "months": "int64",
            "is_snapshot": "bool",
            "is_whole_year": "bool",
        }
    )


def definition_side(breaks, periods):
    """Vectorised: for each row, how many of its metric's definition breaks start on or
    before its period starts (``breaks`` holds comma-separated period texts per row, as the
    catalogue's ``breaks`` key; ``periods`` the row's period). Two periods of one metric are
    of one definition when their sides are equal: a break at 2024-25 puts 2023-24 on side 0
    and 2024-25 and everything after on side 1; a period that starts before a break is on
    the side before it."""
    breaks = pd.Series(breaks).fillna("").astype(str).reset_index(drop=True)
    periods = pd.Series(periods).reset_index(drop=True)
    side = np.zeros(len(periods), dtype="int64")
    has = (breaks != "").to_numpy() & periods.notna().to_numpy()
    if not has.any():
        return side
    long = pd.DataFrame(
        {"row": np.flatnonzero(has), "brk": breaks[has].str.split(",").to_numpy(), "period": periods[has].to_numpy()}
    ).explode("brk")
    starts = period_frame(pd.concat([long["brk"], long["period"]])).set_index("period")["start"]
    on_or_after = (long["brk"].map(starts) <= long["period"].map(starts)).to_numpy()
    np.add.at(side, long["row"].to_numpy(dtype="int64")[on_or_after], 1)
    return side


def like_for_like(months, snapshot, other_months, other_snapshot):
    """The one like-for-like rule, vectorised: two periods compare like with like when both
    are snapshots or neither is, and they cover the same number of months (a quarter with a
    quarter, a year to date with the same months a year earlier, never a quarter with a year).
    Used by the direction of travel, the comparator's preference for a period of the same
    length, and :meth:`Period.comparable`. Takes scalars or aligned arrays/Series."""
    same_kind = np.asarray(snapshot, dtype=bool) == np.asarray(other_snapshot, dtype=bool)
    return same_kind & (np.asarray(months, dtype="float64") == np.asarray(other_months, dtype="float64"))


def attach_periods(frame, column: str = "period"):
    """Join the period attributes (start, end, months, label, ...) of :func:`period_frame`
    onto ``frame``."""
    periods = period_frame(frame[column]).drop(columns=["canonical"])
    periods = periods.rename(columns={"period": column})
    return frame.merge(periods, on=column, how="left")
