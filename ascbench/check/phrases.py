"""The words a committee report uses for periods, numbers and age groups.

:func:`period_mentions` finds the periods a sentence names - "2024/25", "the 12 months to
September 2025", "April to December 2025", "the end of March 2025", "the third quarter of
2024/25", "the autumn term of 2025/26", "last year", "the preceding six months" - each as a
:class:`PeriodRef` that says which periods of the data it can mean (:meth:`PeriodRef.tier`).
:func:`number_words` reads "eight", "two-thirds", "four in every 10"; :func:`age_mentions`
the age groups ("aged 18-64", "65 or over", "65+").
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from ascbench.periods import Period, parse_period

_MONTH_NUM = {}
for _i in range(1, 13):
    _MONTH_NUM[calendar.month_name[_i].lower()] = _i
    _MONTH_NUM[calendar.month_abbr[_i].lower()] = _i
_MONTH_NUM["sept"] = 9
MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)"

WORD_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
}
_NUMBER_WORD = "(?:" + "|".join(sorted(WORD_NUMBERS, key=len, reverse=True)) + r"|\d{1,2})"


def month_number(name: str) -> int:
    return _MONTH_NUM[name.lower()]


def small_number(text: str) -> int:
    t = text.lower()
    return int(t) if t.isdigit() else WORD_NUMBERS[t]


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _full_year(text: str, base: int | None = None) -> int:
    """'2025' -> 2025; '25' -> 2025."""
    y = int(text)
    return y if y >= 100 else 2000 + y


# ------------------------------------------------------------------------------- periods
@dataclass
class PeriodRef:
    """A period named in a report.

    ``kind``: ``span`` (a stretch of time with a start and an end: a year, a quarter, the
    12 months to September), ``point`` (a date: the end of March 2025), ``year`` (a
    calendar year: "in 2024"), ``relative`` (``which`` = ``year_earlier`` or
    ``preceding``: "last year", "the preceding six months"), ``carried`` ("during the
    year": the period the paragraph is about). A span or point without its year
    (``needs_year``) gets one from the sentence around it (:meth:`with_year`).
    """

    kind: str
    start: int = 0  # offsets in the document
    end: int = 0
    text: str = ""
    first: date | None = None
    last: date | None = None
    exact: tuple[str, ...] = ()  # canonical periods it names exactly
    which: str = ""  # relative: year_earlier | preceding; or months back for "nine months earlier"
    months_back: int = 0
    needs_year: bool = False
    month: int = 0  # a month named without a year
    month_from: int = 0  # a span of months without a year: first month
    earlier: bool = False  # "earlier", "from", "down from": the year is before the sentence's
    snapshot_first: bool = False  # "the end of ...": a position at a date is meant
    academic: bool = False

    def tier(self, period: str) -> int | None:
        """How well a period of the data fits this reference: 0 named exactly, 1 ends when it
        ends and lies within it (a 31 March snapshot for "2024/25"), 2 lies within it, 3 ends
        within it (the 12 months to September 2025 in a "2025/26" column); None: no."""
        if self.kind not in ("span", "point", "year") or self.first is None or self.last is None:
            return None
        try:
            p = parse_period(period)
        except Exception:  # noqa: BLE001 - not a period
            return None
        if p.text in self.exact:
            return 0
        if self.kind == "point":
            if p.is_snapshot and p.start == self.last:
                return 0
            if p.end == self.last:
                return 1
            return None
        if p.start == self.first and p.end == self.last and (not self.snapshot_first or p.is_snapshot):
            return 0
        if p.is_snapshot and p.start == self.last:
            return 0 if self.snapshot_first else 1
        inside = self.first <= p.start and p.end <= self.last
        if inside and p.end == self.last:
            return 1
        if inside:
            return 2
        if self.first <= p.end <= self.last:
            return 3
        return None

    def with_year(self, year: int, before: date | None = None, latest: date | None = None) -> PeriodRef:
        """A month or span named without its year, given the year of the sentence (or, when
        the wording says it was earlier, the latest such month before ``before``)."""
        if not self.needs_year:
            return self
        if self.month:
            y = year
            if before is not None and self.earlier and _month_end(y, self.month) >= before:
                y -= 1  # "nine months earlier in March": before the sentence's own date
            elif latest is not None and _month_end(y, self.month) > latest:
                y -= 1  # "by the end of December" in a report to March: the December before
            last = _month_end(y, self.month)
            return PeriodRef(
                "point",
                self.start,
                self.end,
                self.text,
                date(y, self.month, 1),
                last,
                (last.isoformat(), f"{y}-{calendar.month_abbr[self.month]}"),
                snapshot_first=True,
            )
        if self.month_from and self.last is None and self.month:
            return self
        return self


def _span(ref_start: int, ref_end: int, text: str, first: date, last: date, exact=(), **kw) -> PeriodRef:
    return PeriodRef("span", ref_start, ref_end, text, first, last, tuple(exact), **kw)


def _fy(y: int, academic: bool = False) -> tuple[date, date, str]:
    if academic:
        return date(y, 9, 1), date(y + 1, 8, 31), f"AY{y}-{(y + 1) % 100:02d}"
    return date(y, 4, 1), date(y + 1, 3, 31), f"{y}-{(y + 1) % 100:02d}"


_FY = r"(?:(?P<fy1>(?:19|20)\d{2})\s*[/–-]\s*(?P<fy2>\d{2})(?!\d)|(?<![\d/])(?P<sy1>\d{2})/(?P<sy2>\d{2})(?![\d/]))"


def _fy_year(m, prefix: str = "") -> int | None:
    g = m.groupdict()
    if g.get(prefix + "fy1"):
        y, nxt = int(g[prefix + "fy1"]), int(g[prefix + "fy2"])
    elif g.get(prefix + "sy1"):
        y, nxt = 2000 + int(g[prefix + "sy1"]), int(g[prefix + "sy2"])
    else:
        return None
    return y if nxt == (y + 1) % 100 else None


_ROLLING = re.compile(
    r"(?:the\s+)?(?P<n>\d{1,2}|twelve|six|three|nine|eighteen|twenty-four)[\s-]+months?\s+(?:period\s+)?"
    r"(?:to|ending(?:\s+in)?|up\s+to|until)\s+(?:the\s+end\s+of\s+)?(?P<mon>" + MONTH + r")\b"
    r"(?:[\s-]+(?P<yr>(?:19|20)\d{2}|\d{2})\b)?",
    re.I,
)
_SPAN = re.compile(
    r"(?:between\s+)?(?P<m1>" + MONTH + r")\b(?:\s+(?P<y1>(?:19|20)\d{2}))?\s*(?:to|-|–|and|until)\s*"
    r"(?P<m2>" + MONTH + r")\b(?:[\s-]+(?P<y2>(?:19|20)\d{2}|\d{2})\b)?",
    re.I,
)
_QUARTER = re.compile(
    r"(?:(?P<end>(?:the\s+)?end\s+of)\s+)?(?:the\s+)?(?:(?P<ord>first|second|third|fourth)\s+quarter|quarter\s+(?P<qn>[1-4]|one|two|three|four)|\bQ(?P<q>[1-4]))\b"
    r"(?:\s*(?:of\s+|,\s*)?"
    + _FY.replace("fy1", "qfy1").replace("fy2", "qfy2").replace("sy1", "qsy1").replace("sy2", "qsy2")
    + ")?",
    re.I,
)
_TERM = re.compile(
    r"(?P<term>autumn|spring|summer|first|second|third)\s+term\b"
    r"(?:\s*,?\s*(?:of\s+)?(?:the\s+)?(?:new\s+)?(?:academic\s+year\s+)?(?:of\s+)?"
    + _FY.replace("fy1", "tfy1").replace("fy2", "tfy2").replace("sy1", "tsy1").replace("sy2", "tsy2")
    + ")?",
    re.I,
)
_ACADEMIC = re.compile(
    r"(?:(?:full\s+)?academic\s+year\s+(?:of\s+)?"
    + _FY
    + r")|(?:"
    + _FY.replace("fy1", "afy1").replace("fy2", "afy2").replace("sy1", "asy1").replace("sy2", "asy2")
    + r"\s+academic\s+year)",
    re.I,
)
_FYRE = re.compile(_FY)
_DATE = re.compile(r"(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?P<mon>" + MONTH + r")\s+(?P<y>(?:19|20)\d{2})\b", re.I)
_MONTH_YEAR = re.compile(
    r"(?:(?P<end>(?:the\s+)?end\s+of|as\s+at|at)\s+)?(?P<mon>"
    + MONTH
    + r")\b[\s-]+(?P<y>(?:19|20)\d{2}|\d{2})\b(?![/\d])",
    re.I,
)
_MONTH_ALONE = re.compile(
    r"(?P<lead>(?:(?:at|by)\s+)?(?:the\s+)?end\s+of|in|as\s+at|since|from)\s+(?P<mon>"
    + MONTH.replace("|May", "")
    + r")\b(?![\s-]*\d)"
)
_YEAR_RANGE = re.compile(r"(?:19|20)\d{2}\s*[–-]\s*(?:(?:19|20)?\d{2})(?!\d)")
_CAL_YEAR = re.compile(
    r"(?P<lead>\b(?:in|during|since|until|of|from|to|for|by)\s+)?\b(?P<y>(?:19|20)\d{2})\b(?![/\d%]|[.,]\d)"
)
_RELATIVE = re.compile(
    r"(?P<ye>(?:the\s+)?(?:same|equivalent|corresponding)\s+(?:period|time|quarter|point|months?)\s+(?:of\s+|in\s+)?(?:last|the\s+previous|the\s+prior)\s+year"
    r"|(?:the\s+)?(?:last|previous|prior)\s+(?:financial\s+|academic\s+)?year(?:'s)?"
    r"|(?:the\s+)?year\s+before|a\s+year\s+(?:earlier|ago|before)"
    r"|(?:the\s+)?(?:same|equivalent|corresponding)\s+(?:period|time|quarter|point)(?:\s+a\s+year\s+(?:earlier|ago))?)"
    r"|(?P<pre>(?:the\s+)?(?:preceding|previous|prior|last)\s+(?:six|three|twelve|\d{1,2})[\s-]+months?(?:\s+period)?"
    r"|(?:the\s+)?(?:preceding|previous|prior)\s+(?:quarter|month|period|six-month\s+period|three-month\s+period|term))"
    r"|(?P<back>(?P<n>" + _NUMBER_WORD + r")\s+months\s+(?:earlier|before|ago))"
    r"|(?P<eq>the\s+equivalent\s+(?P<en>" + _NUMBER_WORD + r")\s+months\s+(?:of|in)\s+(?P<ey>(?:19|20)\d{2}))",
    re.I,
)
_CARRIED = re.compile(r"\b(?:during|over|in|across|for)\s+(?:the|this)\s+(?:same\s+)?(?:year|period)\b", re.I)


def period_mentions(masked: str, start: int, end: int) -> list[PeriodRef]:
    """Every period named in ``masked[start:end]``, longest wording first, none
    overlapping another."""
    found: list[PeriodRef] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    def add(ref: PeriodRef | None, a: int, b: int) -> None:
        if ref is not None and free(a, b):
            ref.start, ref.end = a, b
            ref.text = " ".join(masked[a:b].split())
            found.append(ref)
            taken.append((a, b))

    def scan(pattern, build):
        for m in pattern.finditer(masked, start, end):
            if free(m.start(), m.end()):
                add(build(m), m.start(), m.end())

    scan(_RELATIVE, _relative)
    scan(_ROLLING, _rolling)
    scan(_TERM, _term)
    scan(_ACADEMIC, _academic)
    scan(_QUARTER, _quarter)
    scan(_SPAN, _month_span)
    scan(_DATE, _date)
    scan(_MONTH_YEAR, _month_year)
    scan(_FYRE, _financial_year)
    scan(_MONTH_ALONE, _month_alone)
    scan(_YEAR_RANGE, lambda m: PeriodRef("ignored"))
    scan(_CAL_YEAR, _calendar_year)
    scan(_CARRIED, lambda m: PeriodRef("carried"))
    found.sort(key=lambda r: r.start)
    return found


def _relative(m) -> PeriodRef:
    if m.group("ye"):
        return PeriodRef("relative", which="year_earlier")
    if m.group("pre"):
        return PeriodRef("relative", which="preceding")
    if m.group("back"):
        return PeriodRef("relative", which="months_back", months_back=small_number(m.group("n")))
    n = small_number(m.group("en"))
    y = int(m.group("ey"))
    return PeriodRef("relative", which="equivalent", months_back=n, first=date(y, 1, 1), last=date(y, 12, 31))


def _rolling(m) -> PeriodRef:
    n_text = m.group("n").lower()
    n = {"twelve": 12, "six": 6, "three": 3, "nine": 9, "eighteen": 18, "twenty-four": 24}.get(n_text) or int(n_text)
    mon = month_number(m.group("mon"))
    if not m.group("yr"):
        return PeriodRef("span", needs_year=True, month=mon, months_back=n)
    y = _full_year(m.group("yr"))
    last = _month_end(y, mon)
    fy, fm = divmod(y * 12 + mon - 1 - (n - 1), 12)
    first = date(fy, fm + 1, 1)
    return _span(0, 0, "", first, last, (f"R{n}-{y}-{calendar.month_abbr[mon]}",))


def _term(m) -> PeriodRef | None:
    part = {"autumn": 1, "first": 1, "spring": 2, "second": 2, "summer": 3, "third": 3}[m.group("term").lower()]
    y = _fy_year(m, "t")
    if y is None:
        return PeriodRef("span", needs_year=True, academic=True, month_from=part)
    p = parse_period(f"AY{y}-{(y + 1) % 100:02d}-T{part}")
    return _span(0, 0, "", p.start, p.end, (p.text,), academic=True)


def _academic(m) -> PeriodRef | None:
    y = _fy_year(m) or _fy_year(m, "a")
    if y is None:
        return None
    first, last, text = _fy(y, academic=True)
    return _span(0, 0, "", first, last, (text,), academic=True)


def _quarter(m) -> PeriodRef | None:
    words = {"first": 1, "second": 2, "third": 3, "fourth": 4, "one": 1, "two": 2, "three": 3, "four": 4}
    q = int(words.get((m.group("qn") or "").lower()) or m.group("qn") or m.group("q") or words[m.group("ord").lower()])
    y = _fy_year(m, "q")
    snapshot = bool(m.group("end"))
    if y is None:
        return PeriodRef("span", needs_year=True, month_from=-q, snapshot_first=snapshot)
    return _quarter_ref(y, q, snapshot)


def _quarter_ref(y: int, q: int, snapshot: bool) -> PeriodRef:
    p = parse_period(f"{y}-{(y + 1) % 100:02d}-Q{q}")
    ytd = parse_period(f"{y}-{(y + 1) % 100:02d}-YTD-Q{q}")
    end = p.end
    exact = (end.isoformat(), p.text, ytd.text) if snapshot else (p.text, ytd.text, end.isoformat())
    return _span(0, 0, "", p.start, end, exact, snapshot_first=snapshot)


def _month_span(m) -> PeriodRef | None:
    m1, m2 = month_number(m.group("m1")), month_number(m.group("m2"))
    if m1 == m2:
        return None
    y2 = m.group("y2") or m.group("y1")
    if not y2:
        return PeriodRef("span", needs_year=True, month_from=m1, month=m2)
    return span_of_months(m1, m2, _full_year(y2))


def span_of_months(m1: int, m2: int, y2: int) -> PeriodRef:
    """``April to December 2025``: the months from m1 to m2, ending in year y2 - a year to
    date when it starts in April (or September, an academic year to date), else a window."""
    y1 = y2 if m1 <= m2 else y2 - 1
    first, last = date(y1, m1, 1), _month_end(y2, m2)
    n = (y2 * 12 + m2) - (y1 * 12 + m1) + 1
    exact = [f"R{n}-{y2}-{calendar.month_abbr[m2]}"]
    if m1 == 4:
        fy = y1
        exact.append(parse_period(f"{fy}-{(fy + 1) % 100:02d}-YTD-{calendar.month_abbr[m2]}").text)
    if m1 == 9:
        ay = y1
        exact.append(parse_period(f"AY{ay}-{(ay + 1) % 100:02d}-YTD-{calendar.month_abbr[m2]}").text)
    if n == 12 and m1 == 4:
        exact.append(f"{y1}-{(y1 + 1) % 100:02d}")
    return _span(0, 0, "", first, last, exact)


def _date(m) -> PeriodRef | None:
    try:
        d = date(int(m.group("y")), month_number(m.group("mon")), int(m.group("d")))
    except ValueError:
        return None
    return PeriodRef("point", first=d, last=d, exact=(d.isoformat(),), snapshot_first=True)


def _month_year(m) -> PeriodRef:
    mon = month_number(m.group("mon"))
    y = _full_year(m.group("y"))
    last = _month_end(y, mon)
    return PeriodRef(
        "point",
        first=date(y, mon, 1),
        last=last,
        exact=(last.isoformat(), f"{y}-{calendar.month_abbr[mon]}"),
        snapshot_first=True,
    )


def _financial_year(m) -> PeriodRef | None:
    y = _fy_year(m)
    if y is None:
        return PeriodRef("ignored")
    first, last, text = _fy(y)
    return _span(0, 0, "", first, last, (text, f"AY{text}"))  # "2024/25" may be an academic year


def _month_alone(m) -> PeriodRef:
    lead = m.group("lead").lower()
    return PeriodRef("point", needs_year=True, month=month_number(m.group("mon")), earlier=lead in ("since", "from"))


def _calendar_year(m) -> PeriodRef:
    y = int(m.group("y"))
    if not m.group("lead"):
        return PeriodRef("ignored")
    return PeriodRef("year", first=date(y, 1, 1), last=date(y, 12, 31), exact=(f"CY{y}",))


def resolve_year(ref: PeriodRef, year: int, before: date | None, latest: date | None = None) -> PeriodRef:
    """Give a period named without its year the sentence's year (:meth:`PeriodRef.with_year`),
    never after ``latest`` (the end of the report's period)."""
    if not ref.needs_year:
        return ref
    if ref.month and not ref.month_from and not ref.months_back:
        return ref.with_year(year, before, latest)
    if ref.months_back and ref.month:  # "the 12 months to September"
        y = year
        last = _month_end(y, ref.month)
        if before is not None and last > before:
            y -= 1
            last = _month_end(y, ref.month)
        fy, fm = divmod(y * 12 + ref.month - 1 - (ref.months_back - 1), 12)
        out = _span(
            ref.start,
            ref.end,
            ref.text,
            date(fy, fm + 1, 1),
            last,
            (f"R{ref.months_back}-{y}-{calendar.month_abbr[ref.month]}",),
        )
        return out
    if ref.month_from and ref.month and not ref.academic:  # "April to December"
        out = span_of_months(ref.month_from, ref.month, year)
        out.start, out.end, out.text = ref.start, ref.end, ref.text
        return out
    if ref.month_from < 0:  # a quarter of the year in hand
        fy = year
        out = _quarter_ref(fy, -ref.month_from, ref.snapshot_first)
        out.start, out.end, out.text = ref.start, ref.end, ref.text
        return out
    if ref.academic and ref.month_from:
        p = parse_period(f"AY{year}-{(year + 1) % 100:02d}-T{ref.month_from}")
        out = _span(ref.start, ref.end, ref.text, p.start, p.end, (p.text,), academic=True)
        return out
    return ref


def shifted(ref: PeriodRef, base: Period, which: str) -> list[str]:
    """The periods a relative wording means, from the period ``base`` the sentence is
    about: the like-for-like period a year earlier, or the one just before."""
    if which == "year_earlier":
        return [base.year_earlier().text]
    if which == "preceding":
        prev = base.preceding()
        return [prev.text] if prev else []
    return []


# ---------------------------------------------------------------------------------- ages
_AGE = re.compile(
    r"(?P<a>1[68]|65|75|85|(?<=aged\s)\d{1,2}|(?<=ages\s)\d{1,2})\s*(?:-|–|to)\s*(?P<b>\d{2})(?!\d)"
    r"|(?P<p>18|65|75|85|(?<=aged\s)\d{1,2})\s*\+|(?P<o>\d{2})\s+(?:or|and)\s+(?:over|older|above)"
    r"|(?:over|older\s+than)\s+(?P<ov>65|75|85)s?\b"
    r"|(?P<young>younger)\s+(?:of\s+the\s+two\s+)?(?:age\s+group|adults|people)"
    r"|(?P<old>older)\s+(?:of\s+the\s+two\s+)?(?:age\s+group|adults|people)",
    re.I,
)


@dataclass
class Age:
    start: int
    end: int
    group: str  # "18-64", "65+", ...; "younger" / "older" for "the younger of the two age groups"


def age_mentions(masked: str, start: int, end: int) -> list[Age]:
    out = []
    for m in _AGE.finditer(masked, start, end):
        if m.group("a"):
            group = f"{m.group('a')}-{m.group('b')}"
        elif m.group("p") or m.group("o") or m.group("ov"):
            group = f"{m.group('p') or m.group('o') or m.group('ov')}+"
        else:
            group = "younger" if m.group("young") else "older"
        out.append(Age(m.start(), m.end(), group))
    return out


def title_ages(title: str) -> set[str]:
    """The age groups a metric's title names ("aged 18-64" -> {"18-64"})."""
    return {a.group for a in age_mentions(title, 0, len(title)) if a.group not in ("younger", "older")}
