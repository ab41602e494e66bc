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


def _add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _two_digit_follows(first: int, second: str) -> bool:
    return int(second) == (first + 1) % 100


@dataclass(frozen=True)
class Period:
    """A parsed period. ``text`` is the canonical notation."""

    kind: str  # fy, fq, fytd, month, rolling, cy, cq, snapshot, ay, term, aytd
    year: int  # the first calendar year of the (financial/academic) year, or the year
    part: int = 0  # quarter, term, month or window length, by kind
    last_month: int = 0  # for fytd written to a month, and rolling windows: the last month
    day: int = 0  # snapshots

    # ----------------------------------------------------------------- derived attributes
    @property
    def family(self) -> str:
        if self.kind == "snapshot":
            return "snapshot"
        if self.kind in ("ay", "term", "aytd"):
            return "academic"
        if self.kind in ("cy", "cq", "month", "rolling"):
            return "calendar"
        return "financial"

    @property
    def start(self) -> date:
        k, y = self.kind, self.year
        if k == "fy" or k == "fytd":
            return date(y, 4, 1)
        if k == "fq":
            yy, mm = _add_months(y, 4, 3 * (self.part - 1))
            return date(yy, mm, 1)
        if k == "month":
            return date(y, self.part, 1)
        if k == "rolling":
            yy, mm = _add_months(y, self.last_month, -(self.part - 1))
            return date(yy, mm, 1)
        if k == "cy":
            return date(y, 1, 1)
        if k == "cq":
            return date(y, 3 * (self.part - 1) + 1, 1)
        if k == "snapshot":
            return date(y, self.last_month, self.day)
        if k in ("ay", "aytd"):
            return date(y, 9, 1)
        if k == "term":
            first = _TERMS[self.part][0]
            return date(y if first >= 9 else y + 1, first, 1)
        raise AssertionError(k)  # pragma: no cover

    @property
    def end(self) -> date:
        k, y = self.kind, self.year
        if k == "fy":
            return date(y + 1, 3, 31)
        if k == "fq":
            yy, mm = _add_months(y, 4, 3 * self.part - 1)
            return _month_end(yy, mm)
        if k == "fytd":
            yy, mm = _add_months(y, 4, self.months - 1)
            return _month_end(yy, mm)
        if k == "month":
            return _month_end(y, self.part)
        if k == "rolling":
            return _month_end(y, self.last_month)
        if k == "cy":
            return date(y, 12, 31)
        if k == "cq":
            return _month_end(y, 3 * self.part)
        if k == "snapshot":
            return self.start
        if k == "ay":
            return date(y + 1, 8, 31)
        if k in ("term", "aytd"):
            last = self.last_month if k == "aytd" and self.last_month else _TERMS[self.part][1]
            return _month_end(y if last >= 9 else y + 1, last)
        raise AssertionError(k)  # pragma: no cover

    @property
    def months(self) -> int:
        """Length in whole months; 0 for a snapshot."""
        k = self.kind
        if k in ("fy", "cy", "ay"):
            return 12
        if k in ("fq", "cq"):
            return 3
        if k == "month":
            return 1
        if k == "rolling":
            return self.part
        if k == "fytd":
            return self.last_month_offset + 1
        if k == "snapshot":
            return 0
        if k == "term":
            first, last = _TERMS[self.part]
            return (last - first) % 12 + 1
        if k == "aytd":
            last = self.last_month or _TERMS[self.part][1]
            return (last - 9) % 12 + 1
        raise AssertionError(k)  # pragma: no cover

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
        return self.kind in ("fy", "cy", "ay")

    # ---------------------------------------------------------------------------- text
    @property
    def text(self) -> str:
        k, y = self.kind, self.year
        fy = f"{y}-{(y + 1) % 100:02d}"
        if k == "fy":
            return fy
        if k == "fq":
            return f"{fy}-Q{self.part}"
        if k == "fytd":
            if self.last_month in (6, 9, 12, 3):
                return f"{fy}-YTD-Q{self.last_month_offset // 3 + 1}"
            return f"{fy}-YTD-{MONTHS[self.last_month - 1]}"
        if k == "month":
            return f"{y}-{MONTHS[self.part - 1]}"
        if k == "rolling":
            return f"R{self.part}-{y}-{MONTHS[self.last_month - 1]}"
        if k == "cy":
            return f"CY{y}"
        if k == "cq":
            return f"{y}-CQ{self.part}"
        if k == "snapshot":
            return f"{y:04d}-{self.last_month:02d}-{self.day:02d}"
        if k == "ay":
            return f"AY{fy}"
        if k == "term":
            return f"AY{fy}-T{self.part}"
        if k == "aytd":
            return f"AY{fy}-YTD-{MONTHS[self.last_month - 1]}" if self.last_month else f"AY{fy}-YTD-T{self.part}"
        raise AssertionError(k)  # pragma: no cover

    def __str__(self) -> str:
        return self.text

    @property
    def label(self) -> str:
        """How a committee report writes the period."""
        k, y = self.kind, self.year
        slash = f"{y}/{(y + 1) % 100:02d}"
        s, e = self.start, self.end
        span = f"{MONTHS[s.month - 1]}-{MONTHS[e.month - 1]} {e.year}"
        if s.year != e.year:
            span = f"{MONTHS[s.month - 1]} {s.year}-{MONTHS[e.month - 1]} {e.year}"
        if k == "fy":
            return slash
        if k == "fq":
            return f"Q{self.part} {slash} ({span})"
        if k == "fytd":
            return span
        if k == "month":
            return f"{MONTHS[self.part - 1]} {y}"
        if k == "rolling":
            return f"{self.part} months to {MONTHS[self.last_month - 1]} {y}"
        if k == "cy":
            return str(y)
        if k == "cq":
            return span
        if k == "snapshot":
            return f"{self.day} {MONTHS[self.last_month - 1]} {y}"
        if k == "ay":
            return f"academic year {slash}"
        if k == "term":
            return f"{_TERM_NAMES[self.part]} {slash}"
        if k == "aytd":
            if self.last_month:
                return f"academic year {slash} to {MONTHS[self.last_month - 1]} ({span})"
            return f"academic year {slash} to {_TERM_NAMES[self.part]}"
        raise AssertionError(k)  # pragma: no cover

    @property
    def short(self) -> str:
        """The compact form used in comparator labels: ``24/25`` for a year, else the label."""
        if self.kind in ("fy", "ay"):
            return f"{self.year % 100:02d}/{(self.year + 1) % 100:02d}"
        return self.label

    # ---------------------------------------------------------------------- relations
    def shifted(self, years: int) -> Period:
        """The same period ``years`` years later (negative: earlier)."""
        if self.kind == "snapshot":
            y = self.year + years
            day = min(self.day, calendar.monthrange(y, self.last_month)[1])
            return replace(self, year=y, day=day)
        return replace(self, year=self.year + years)

    def year_earlier(self) -> Period:
        """The like-for-like period a year earlier."""
        return self.shifted(-1)

    def preceding(self) -> Period | None:
        """The period of the same kind immediately before this one, if that means anything.

        A quarter's predecessor is the previous quarter, a rolling window's is the window
        ending where this one starts; a year to date or a snapshot has none.
        """
        k = self.kind
        if k in ("fy", "cy", "ay"):
            return self.shifted(-1)
        if k in ("fq", "cq"):
            if self.part > 1:
                return replace(self, part=self.part - 1)
            return replace(self, year=self.year - 1, part=4)
        if k == "month":
            yy, mm = _add_months(self.year, self.part, -1)
            return replace(self, year=yy, part=mm)
        if k == "rolling":
            yy, mm = _add_months(self.year, self.last_month, -self.part)
            return replace(self, year=yy, last_month=mm)
        if k == "term":
            if self.part > 1:
                return replace(self, part=self.part - 1)
            return replace(self, year=self.year - 1, part=3)
        return None

    def contains(self, other: Period) -> bool:
        return self.start <= other.start and other.end <= self.end

    def comparable(self, other: Period) -> bool:
        """Like with like (:func:`like_for_like`)."""
        return bool(like_for_like(self.months, self.is_snapshot, other.months, other.is_snapshot))


# ------------------------------------------------------------------------------- parsing
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^(\d{4})-(\d{2})$"), "fy"),
    (re.compile(r"^(\d{4})-(\d{2})-Q([1-4])$", re.I), "fq"),
    (re.compile(r"^(\d{4})-(\d{2})-YTD-Q([1-4])$", re.I), "fytd_q"),
    (re.compile(r"^(\d{4})-(\d{2})-YTD-" + _MON + r"$", re.I), "fytd_m"),
    (re.compile(r"^(\d{4})-" + _MON + r"$", re.I), "month"),
    (re.compile(r"^R(\d{1,2})-(\d{4})-" + _MON + r"$", re.I), "rolling"),
    (re.compile(r"^CY(\d{4})$", re.I), "cy"),
    (re.compile(r"^(\d{4})-CQ([1-4])$", re.I), "cq"),
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"), "snapshot"),
    (re.compile(r"^AY(\d{4})-(\d{2})$", re.I), "ay"),
    (re.compile(r"^AY(\d{4})-(\d{2})-T([1-3])$", re.I), "term"),
    (re.compile(r"^AY(\d{4})-(\d{2})-YTD-T([1-3])$", re.I), "aytd"),
    (re.compile(r"^AY(\d{4})-(\d{2})-YTD-" + _MON + r"$", re.I), "aytd_m"),
]
_TERM_ENDING = {last: term for term, (_, last) in _TERMS.items()}  # Dec -> T1, Mar -> T2, Aug -> T3
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
    """Parsing, cached: the engine asks about the same few hundred period strings many times."""
    s = text.strip()
    for pattern, kind in _PATTERNS:
        m = pattern.match(s)
        if not m:
            continue
        g = m.groups()
        year = int(g[1] if kind == "rolling" else g[0])
        if not YEARS[0] <= year <= YEARS[1]:
            raise _bad(s, f"the year should be between {YEARS[0]} and {YEARS[1]}")
        if kind in ("fy", "fq", "fytd_q", "fytd_m", "ay", "term", "aytd", "aytd_m"):
            first = int(g[0])
            if not _two_digit_follows(first, g[1]):
                if kind == "fy" and 1 <= int(g[1]) <= 12:
                    raise _bad(s, "months are written with their names, e.g. 2025-Sep")
                raise _bad(s, f"the second year should be {(first + 1) % 100:02d}")
            if kind == "fy":
                return Period("fy", first)
            if kind == "fq":
                return Period("fq", first, part=int(g[2]))
            if kind == "fytd_q":
                q = int(g[2])
                return Period("fytd", first, last_month=(3 * q + 3 - 1) % 12 + 1)
            if kind == "fytd_m":
                return Period("fytd", first, last_month=_MONTH_INDEX[g[2].lower()])
            if kind == "ay":
                return Period("ay", first)
            if kind == "term":
                return Period("term", first, part=int(g[2]))
            if kind == "aytd_m":
                month = _MONTH_INDEX[g[2].lower()]
                if month in _TERM_ENDING:  # to the end of a term: written as the term
                    return Period("aytd", first, part=_TERM_ENDING[month])
                return Period("aytd", first, last_month=month)
            return Period("aytd", first, part=int(g[2]))
        if kind == "month":
            return Period("month", int(g[0]), part=_MONTH_INDEX[g[1].lower()])
        if kind == "rolling":
            n = int(g[0])
            if not 1 <= n <= 60:
                raise _bad(s, "a rolling window is 1 to 60 months long")
            return Period("rolling", int(g[1]), part=n, last_month=_MONTH_INDEX[g[2].lower()])
        if kind == "cy":
            return Period("cy", int(g[0]))
        if kind == "cq":
            return Period("cq", int(g[0]), part=int(g[1]))
        if kind == "snapshot":
            y, mo, d = (int(x) for x in g)
            try:
                date(y, mo, d)
            except ValueError:
                raise _bad(s, "no such date") from None
            return Period("snapshot", y, last_month=mo, day=d)
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
