"""The numeric claims of a report: each figure and each comparing or moving word, with what
the words around it say it is.

A **figure** is a number as printed: ``95.3%``, ``11.3 per 100,000``, ``16,420``,
``119.2k``, ``eight``, ``two-thirds``, ``four in every 10``, ``28th``. Numbers that are not
statistics are left alone: years and financial years, periods ("12 months", "six months"),
ages ("aged 18-64", "65+"), codes ("ASCOF 2A", "section 42"), footnote marks, paragraph
numbers.

Each figure gets a **role** from the words next to it:

===============  =============================================================
``value``        the metric's value ("was 87.3%", "stood at 59.1%")
``numerator``,   the counts behind a percentage or rate ("650 out of 680",
``denominator``  "Two-thirds (10,600)", "526.9 (based on 829 admissions)")
``comparator``   a benchmark's value ("the national average of 77.1%", "the
                 December milestone of 7,000", "45.4% nationally")
``previous``     the value in an earlier period ("from 17,270", "on 59.3% the
                 previous year", "the 672 recorded ... in March")
``change``       a change on an earlier period ("an increase of 21,086",
                 "a 4.9% reduction", "256 fewer than")
``gap``          the distance from a benchmark ("8,183 (1.4%) above the
                 December milestone", "1.9% short of the milestone")
``rank``         a position among councils ("28th of 152")
===============  =============================================================

Words make claims of their own: a **comparison** ("higher than the national figure",
"slightly below", "close to", "considerably lower", "in line with"), a **direction**
("fell", "rose", "improved", "little change", "remained unchanged"), a **quartile** ("top
quartile"), and "X out of Y" beside a percentage an **arithmetic** claim checked against
itself. Which metric, area and period each claim is about is decided by
:mod:`ascbench.check.tie`; whether it holds by :mod:`ascbench.check.verdicts`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ascbench.check.document import Block, Document, clauses, sentences
from ascbench.check.phrases import (
    WORD_NUMBERS,
    Age,
    PeriodRef,
    age_mentions,
    period_mentions,
)


@dataclass
class Figure:
    start: int
    end: int
    text: str
    value: float  # in the units printed: 95.3 for 95.3%, 119200 for 119.2k
    decimals: int  # printed precision: 1 for 95.3; -2 for 4,100 (to the hundred); 0 for 8
    unit: str = ""  # "%", "per", "" (a count or a number), "£"
    scale: float = 1.0  # 1000 for "119.2k"
    fraction: bool = False  # words: "two-thirds", "four in every 10"
    ordinal: bool = False  # "28th"
    word: bool = False  # a number written as a word ("eight")
    qualifier: str = ""  # over | under | about | nearly | at least
    of: float | None = None  # "28th of 152", "X out of Y": the second number


@dataclass
class Claim:
    kind: (
        str  # value numerator denominator comparator previous change gap rank quartile comparison direction arithmetic
    )
    start: int
    end: int
    text: str
    block: int
    sentence: tuple[int, int]
    clause: tuple[int, int]
    figure: Figure | None = None
    relative: bool = False  # a change or gap in per cent of the reference
    sign: int = 0  # +1 more/above/up, -1 fewer/below/down (changes, gaps, words)
    grade: str = ""  # slight | large | similar | same | ""
    words: str = ""  # the comparing or moving words, as printed
    target: str = ""  # comparisons and gaps: national | peer | target | area code | ""; "period" for directions
    area_words: str = ""  # the area the figure is said to be of (a role or area code) or ""
    period: PeriodRef | None = None  # the period the claim is about
    period_bound: bool = False  # named in the claim's own sentence (else carried from the paragraph)
    ref_period: PeriodRef | None = None  # changes, directions, previous values: the earlier period
    age: str = ""
    link: int | None = None  # counts and shares: the index of the value claim they belong to
    parts: tuple[int, ...] = ()  # arithmetic: the claims it checks (share, numerator, denominator)
    cell: str = ""  # a table cell's column header
    context: dict = field(default_factory=dict)  # windows of text for tying (tie.py)
    plural: bool = False  # "these rates", "both": a word claim about several metrics


# ------------------------------------------------------------------------------ figures
_NUM = re.compile(
    r"(?P<lead>£)?(?<![\w.,£-])(?<![^\d\s]/)(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?P<ord>st|nd|rd|th)?(?P<suffix>\s?%|k\b|m\b|\s?(?:per\s*cent|percent)\b)?"
    r"(?![\w]|/[^\d\s]|\.\d|[-–]\d)"
)
_FRACTIONS = {
    "half": 0.5,
    "a half": 0.5,
    "a third": 1 / 3,
    "one third": 1 / 3,
    "one-third": 1 / 3,
    "two-thirds": 2 / 3,
    "two thirds": 2 / 3,
    "a quarter": 0.25,
    "one quarter": 0.25,
    "one-quarter": 0.25,
    "three-quarters": 0.75,
    "three quarters": 0.75,
    "a fifth": 0.2,
    "one fifth": 0.2,
    "one-fifth": 0.2,
}
_FRACTION = re.compile(
    r"\b(?P<q>(?:almost|nearly|around|about|over|more\s+than|just\s+over|just\s+under|under|less\s+than)\s+)?"
    r"(?:(?P<n>"
    + "|".join(WORD_NUMBERS)
    + r"|\d{1,2})\s+(?:in|out\s+of)\s+(?:every\s+)?(?P<d>10|ten|five|5|four|4|three|3|100)\b"
    r"|(?P<f>" + "|".join(sorted((re.escape(k) for k in _FRACTIONS), key=len, reverse=True)) + r")\b)",
    re.I,
)
_WORDNUM = re.compile(
    r"\b(?P<w>"
    + "|".join(w for w in WORD_NUMBERS if w != "one")
    + r")\s+(?=(?:more\s+|fewer\s+|additional\s+|new\s+|extra\s+|other\s+)?[a-z]{3,})",
    re.I,
)
_DURATION = re.compile(
    r"^\s*(?:-|–)?\s*(?:calendar\s+|financial\s+|working\s+|academic\s+)?(?:days?|weeks?|months?|years?|quarters?|terms?|hours?\s+a\s+day|minutes?)\b",
    re.I,
)
_PER = re.compile(r"^\s*(?:[a-z]+\s+){0,2}?per\s+(?P<base>100,?000|100k|1,?000|10,?000|100|head|capita)\b", re.I)
_POINTS = re.compile(r"^\s*(?:percentage[\s-]+points?|points?|pp|ppts?|pts?)\b", re.I)
_QUALIFIER = re.compile(
    r"(?P<q>more\s+than|over|in\s+excess\s+of|at\s+least|almost|nearly|around|about|approximately|roughly|some|just\s+over|just\s+under|under|less\s+than|fewer\s+than|up\s+to|circa|c\.)\s*$",
    re.I,
)
_REFERENCE = re.compile(
    r"\b(?:section|s\.|paragraph|para|paras|appendix|table|figure|chart|footnote|note|ascof|metric|measure|indicator|act|page|version|phase|level|tier|band|wave|stage|priority|outcome|objective|round|year|quarter|q|week|month|day|cohort|cycle|group|ward|grade|step|option|item|line|no\.?|number|ref|code|point)\s*$",
    re.I,
)


def _decimals(num: str, count_like: bool) -> int:
    if "." in num:
        return len(num.split(".")[1])
    digits = num.replace(",", "")
    if count_like and len(digits) >= 3:
        zeros = len(digits) - len(digits.rstrip("0"))
        return -min(zeros, len(digits) - 1)
    return 0


def find_figures(masked: str, start: int, end: int, protected: list[tuple[int, int]]) -> list[Figure]:
    """The figures of ``masked[start:end]`` outside the ``protected`` spans (periods, ages,
    codes)."""

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in protected)

    out: list[Figure] = []
    taken: list[tuple[int, int]] = []
    for m in _FRACTION.finditer(masked, start, end):
        if not free(m.start(), m.end()):
            continue
        if m.group("f"):
            value = _FRACTIONS[m.group("f").lower()] * 100
        else:
            d = m.group("d").lower()
            den = {"ten": 10, "five": 5, "four": 4, "three": 3}.get(d) or int(d)
            n = m.group("n").lower()
            count = WORD_NUMBERS.get(n) or int(n)
            if count > den:
                continue
            value = count / den * 100
        q = (m.group("q") or "").strip().lower()
        a = m.start() + (len(m.group("q")) if m.group("q") else 0)
        out.append(
            Figure(
                a, m.end(), " ".join(masked[a : m.end()].split()), value, 0, "%", fraction=True, qualifier=_norm_q(q)
            )
        )
        taken.append((m.start(), m.end()))
    for m in _NUM.finditer(masked, start, end):
        a, b = m.start("num"), m.end()
        if not free(a, b) or any(not (b <= s or a >= e) for s, e in taken):
            continue
        num = m.group("num")
        left = masked[max(start, a - 40) : a]
        right = masked[b:end]
        suffix = (m.group("suffix") or "").strip().lower()
        if not suffix and _REFERENCE.search(left) and "," not in num:
            continue  # "section 42", "paragraph 8", "Q3"
        if not suffix and not m.group("ord") and _DURATION.match(right):
            continue  # "12 weeks", "six months"
        value = float(num.replace(",", ""))
        unit, scale = "", 1.0
        if suffix in ("%", "per cent", "percent", "percent"):
            unit = "%"
        elif suffix == "k":
            scale = 1000.0
        elif suffix == "m":
            scale = 1_000_000.0
        per = _PER.match(right)
        points = _POINTS.match(right)
        if per and not unit:
            unit = "per"
            b2 = b + per.end()
        elif points and unit in ("", "%") and scale == 1.0:
            unit = "pp"  # "2.3 percentage points": a difference of two percentages
            b2 = b + points.end()
        else:
            b2 = b
        if m.group("lead"):
            unit = "£"
        q = _QUALIFIER.search(left)
        fig = Figure(
            a - (1 if m.group("lead") else 0),
            b2,
            " ".join(masked[a - (1 if m.group("lead") else 0) : b2].split()),
            value * scale,
            _decimals(num, count_like=(unit == "" and scale == 1.0 and not m.group("ord"))),
            unit,
            scale,
            ordinal=bool(m.group("ord")),
            qualifier=_norm_q(q.group("q")) if q else "",
        )
        out.append(fig)
    for m in _WORDNUM.finditer(masked, start, end):
        a, b = m.start("w"), m.end("w")
        if not free(a, b) or any(not (b <= s or a >= e) for s, e in taken):
            continue
        if _DURATION.match(masked[b:end]):
            continue
        q = _QUALIFIER.search(masked[max(start, a - 30) : a])
        out.append(
            Figure(
                a,
                b,
                masked[a:b],
                float(WORD_NUMBERS[m.group("w").lower()]),
                0,
                word=True,
                qualifier=_norm_q(q.group("q")) if q else "",
            )
        )
    out.sort(key=lambda f: f.start)
    # "28th of 152 councils": the 152 belongs to the rank
    return [
        f
        for i, f in enumerate(out)
        if not (
            i
            and out[i - 1].ordinal
            and re.fullmatch(r"\s*(?:out\s+)?of\s+(?:the\s+)?", masked[out[i - 1].end : f.start])
        )
    ]


def _norm_q(q: str) -> str:
    q = " ".join(q.lower().split())
    if q in ("more than", "over", "in excess of", "just over"):
        return "over"
    if q in ("under", "less than", "fewer than", "just under"):
        return "under"
    if q in ("almost", "nearly"):
        return "nearly"
    if q == "at least":
        return "at least"
    if q == "up to":
        return "up to"
    if q:
        return "about"
    return ""


# ---------------------------------------------------------------------- words around figures
_AREA_WORDS = [
    (re.compile(r"\b(?:nationally|national|england|english|nat\.?\s*ave|across\s+the\s+country)\b", re.I), "national"),
    (
        re.compile(
            r"\b(?:peer\s+group|peers|peer|comparator\s+(?:group|councils|authorities)|similar\s+(?:councils|authorities)|statistical\s+neighbours|nearest\s+neighbours|other\s+local\s+authorities)\b",
            re.I,
        ),
        "peer",
    ),
    (re.compile(r"\b(?:regional(?:ly)?|region)\b", re.I), "region"),
    (re.compile(r"\b(?:milestone|target|trajectory|ambition|expected)s?\b", re.I), "target"),
]
_COMPARATOR_LEFT = re.compile(
    r"(?:(?:the|a|an|its|their|our)\s+)?(?:(?:latest|recent|overall|equivalent|local|expected|december|[a-z]+\s+quarter|q[1-4]|year-end|annual)\s+)*"
    r"\b(?P<what>(?:national|england|english|peer\s+group|peer|regional|region|county|shire|comparator|nearest\s+neighbours?|statistical\s+neighbours?|benchmark)(?:\s+(?:average|figure|rate|position|proportion|level|median|mean|value|conversion\s+rate|percentage))?"
    r"|milestone|target|trajectory|ambition|goal|threshold|average|median)\s*(?:of|was|is|at|stood\s+at|:|=)?\s*(?:\(\s*)?$",
    re.I,
)
_COMPARED = re.compile(r"\bcompared\s+(?:to|with)\s*$|\bversus\s*$|\bvs\.?\s*$|\bagainst\s*$", re.I)
_RIGHT_COMPARATOR = re.compile(
    r"^\s*(?P<what>nationally|in\s+england|across\s+england|national\s+average|target|milestone)\b", re.I
)
_FROM = re.compile(
    r"(?:\b(?:up|down)\s+)?(?<!based )\b(?:from|on)\s+(?:the\s+)?(?:figure\s+of\s+|level\s+of\s+)?$", re.I
)
_THAN_THE = re.compile(r"\bthan\s+(?:the\s+)?$", re.I)
_PREVIOUS_RIGHT = re.compile(
    r"^\s*(?:\)\s*)?(?:the\s+|in\s+the\s+)?(?:previous|last|prior|preceding)\s+(?:year|period|quarter)|^\s*(?:\S+\s+){0,3}?(?:a\s+year|\w+\s+months)\s+(?:earlier|before|ago)",
    re.I,
)
_UP = r"more|higher|greater|above|up|increase[ds]?|increasing|rise|rises|rose|risen|rising|growth|grew|grown|ahead|over|exceed(?:ed|ing|s)?|additional|extra|better|improve(?:d|ment|s)?"
_DOWN = r"fewer|less|lower|below|down|decrease[ds]?|decreasing|reduction|reduced|fall|falls|fell|fallen|falling|drop|dropped|decline[ds]?|declining|short|behind|under|worse|cut"
_CHANGE_LEFT = re.compile(
    r"\b(?P<w>increase|rise|growth|reduction|decrease|fall|drop|decline|improvement|deterioration|change|difference|gap|shortfall|surplus|cut|jump|increased|rose|risen|grew|fell|fallen|decreased|dropped|declined|reduced|improved|changed)\s+(?:of|by)\s*(?:around\s+|about\s+|almost\s+|nearly\s+|over\s+|some\s+)?$",
    re.I,
)
_CHANGE_VERB = re.compile(
    r"\b(?P<w>up|down|rose|risen|fell|fallen|grew|grown|dropped|climbed|declined|increased|decreased|reduced|improved)\s+(?:by\s+)?(?:around\s+|about\s+|almost\s+|nearly\s+|over\s+|some\s+)?$",
    re.I,
)
_CHANGE_RIGHT = re.compile(
    r"^\s*(?:\([^)]*\)\s*)?(?:or\s+[\d.,]+\s*%?\s*)?(?:\([^)]*\)\s*)?(?:[a-z-]+\s+){0,2}?(?P<w>"
    + _UP
    + "|"
    + _DOWN
    + r")\b",
    re.I,
)
_TARGETISH = re.compile(
    r"\b(?:milestone|target|trajectory|ambition|expected|expectation|goal|national|england|peer|average|benchmark|threshold|nationally|regional)\b",
    re.I,
)

# the comparing words: [qualifier] higher|lower|... than / [qualifier] above|below ...
_GRADE_SLIGHT = r"slightly|marginally|a\s+little|a\s+bit|just|somewhat|fractionally|a\s+slight"
_GRADE_LARGE = r"considerably|significantly|substantially|markedly|notably|much|far|well|greatly|a\s+lot|noticeably|a\s+considerable|a\s+significant|a\s+substantial|a\s+marked|dramatically|sharply|strongly|a\s+sharp|a\s+large|a\s+big"
_COMPARE = re.compile(
    r"(?P<grade>(?:" + _GRADE_SLIGHT + "|" + _GRADE_LARGE + r")\s+)?"
    r"(?:(?:a|the)\s+)?\b(?P<dir>higher|lower|greater|smaller|better|worse|above|below|more|less|fewer|short\s+of|ahead\s+of|behind|under|over|in\s+excess\s+of|exceed(?:ed|ing|s)?|under\s*-?\s*performing|out\s*-?\s*performing)"
    r"(?:\s+(?:proportion|rate|percentage|number|level|figure|share|score))?(?:\s+than)?\b",
    re.I,
)
_SIMILAR = re.compile(
    r"(?P<grade>(?:broadly|largely|very|roughly|relatively|generally)\s+)?(?P<dir>similar\s+to|close\s+to|in\s+line\s+with|on\s+a\s+par\s+with|comparable\s+(?:to|with)|consistent\s+with|level\s+with|the\s+same\s+as|on\s+track\s+(?:with|against|for)|in\s+keeping\s+with)\b",
    re.I,
)
_MOVE = re.compile(
    r"(?P<grade>(?:"
    + _GRADE_SLIGHT
    + "|"
    + _GRADE_LARGE
    + r"|a\s+small|a\s+further|further|continued\s+to|continue\s+to|continues\s+to|has\s+continued\s+to)\s+)?"
    r"\b(?P<dir>increased|increase[sd]?|increasing|rose|risen|rise|rising|grew|grown|growth|went\s+up|gone\s+up|climbed|"
    r"decreased|decrease|decreasing|fell|fallen|fall|falling|dropped|drop|declined|decline|declining|reduced|reduction|went\s+down|gone\s+down|"
    r"(?:up|down)\s+(?:on|from)|"
    r"improved|improvement|improving|improve|improves|better\s+than|"
    r"worsened|deteriorated|deterioration|worse\s+than|not\s+as\s+good\s+as|"
    r"little\s+change|little\s+changed|no\s+change|not\s+changed|unchanged|remained\s+the\s+same|stayed\s+the\s+same|"
    r"the\s+same\s+(?:number|level|rate|proportion|figure|amount)?\s*as|similar\s+to|broadly\s+the\s+same|stable|steady|remained\s+stable|remained\s+steady|broadly\s+unchanged|largely\s+unchanged|"
    r"minimal\s+change|marginal\s+change|remained\s+similar|held\s+steady|level|flat|trended\s+(?:up|down)wards?|trending\s+(?:up|down)wards?)\b",
    re.I,
)
_MOVE_WORDS = {
    "up": (
        "up on",
        "up from",
        "increase",
        "rose",
        "risen",
        "rise",
        "rising",
        "grew",
        "grown",
        "growth",
        "went up",
        "gone up",
        "climbed",
        "trended up",
        "trending up",
    ),
    "down": (
        "down on",
        "down from",
        "decrease",
        "fell",
        "fallen",
        "fall",
        "falling",
        "dropped",
        "drop",
        "declin",
        "reduc",
        "went down",
        "gone down",
        "trended down",
        "trending down",
    ),
    "better": ("improv", "better than"),
    "worse": ("worsened", "deteriorat", "worse than", "not as good as"),
    "same": ("no change", "not changed", "unchanged", "remained the same", "stayed the same", "the same"),
    "similar": (
        "little change",
        "little changed",
        "similar to",
        "broadly the same",
        "stable",
        "steady",
        "broadly unchanged",
        "largely unchanged",
        "minimal change",
        "marginal change",
        "remained similar",
        "held steady",
        "level",
        "flat",
    ),
}
_QUARTILE = re.compile(
    r"\b(?P<which>top|bottom|first|second|third|fourth|upper|lower|highest|lowest|best|worst|middle|1st|2nd|3rd|4th)\s+(?:performing\s+)?(?P<what>quartile|quintile|decile)\b"
    r"|\b(?P<end>(?:higher|lower|upper|bottom|top)\s+end)\s+of\s+the\s+(?:scale|range|table|distribution)\b"
    r"|\bamong(?:st)?\s+the\s+(?P<among>highest|lowest|best|worst)\b",
    re.I,
)
_RANK_CONTEXT = re.compile(
    r"\b(?:rank(?:ed|s|ing)?|position(?:ed)?|placed|place|out\s+of|of\s+the|league|councils|authorities|comparators|neighbours)\b",
    re.I,
)
_PLURAL = re.compile(
    r"\b(?:these|both|all|each\s+of|the\s+two)\b(?:\s+[\w/]+){0,3}?\s+(?:rates|figures|metrics|measures|proportions|indicators|results|positions)\b|\bboth\b",
    re.I,
)
_PER_UNIT = re.compile(r"\bper\s+(?:100,?000|100k|1,?000|10,?000|100)\b", re.I)
_CODE_LIKE = re.compile(r"\b(?:ASCOF|metric|measure|indicator|PI|KPI)\s+\d[\w()]*", re.I)
_FOOTNOTE_CELL = re.compile(r"^\s*\d+\s*$")


def _protected(masked: str, start: int, end: int, periods: list[PeriodRef], ages: list[Age]) -> list[tuple[int, int]]:
    spans = [(p.start, p.end) for p in periods] + [(a.start, a.end) for a in ages]
    spans += [(m.start(), m.end()) for m in _CODE_LIKE.finditer(masked, start, end)]
    spans += [(m.start(), m.end()) for m in _PER_UNIT.finditer(masked, start, end)]
    spans += [(m.start(), m.end()) for m in re.finditer(r"\bU\+[0-9A-F]{4}\b", masked[start:end])]
    return spans


def _area_in(text: str) -> str:
    for pattern, role in _AREA_WORDS:
        if pattern.search(text):
            return role
    return ""


def _sign(word: str) -> int:
    w = word.lower()
    if re.fullmatch(_UP, w):
        return 1
    if re.fullmatch(_DOWN, w):
        return -1
    return 0


def extract(document: Document, area_names: dict[str, str] | None = None) -> list[Claim]:
    """Every claim of the document, in reading order."""
    area_names = area_names or {}
    claims: list[Claim] = []
    masked = document.masked
    for index, block in enumerate(document.blocks):
        if block.kind == "heading":
            continue
        if block.kind == "row":
            _append(claims, _row_claims(document, index, block, area_names))
            continue
        for sentence in sentences(masked, block.start, block.end):
            for clause in clauses(masked, *sentence):
                _append(claims, _clause_claims(masked, index, sentence, clause, area_names))
    return claims


def _append(claims: list[Claim], new: list[Claim]) -> None:
    """Add a clause's claims, their links (indexes within the clause) made global."""
    base = len(claims)
    for c in new:
        if c.link is not None:
            c.link += base
        c.parts = tuple(p + base for p in c.parts)
    claims.extend(new)


def _row_claims(document: Document, index: int, block: Block, area_names) -> list[Claim]:
    out: list[Claim] = []
    masked = document.masked
    for i, (a, b) in enumerate(block.cells):
        header = block.header[i] if i < len(block.header) else ""
        if not masked[a:b].strip() or _FOOTNOTE_CELL.match(masked[a:b]):
            continue
        if re.search(
            r"\b(?:code|description|title|indicator|measure|metric|aim|polarity|trend|notes?|source)\b", header, re.I
        ):
            continue
        found = _clause_claims(masked, index, (a, b), (a, b), area_names)
        benchmark = re.search(r"\b(?:rating|comparator|benchmark|target|milestone|average|compared)\b", header, re.I)
        for claim in found:
            claim.cell = header
            if benchmark and claim.kind == "value" and not re.search(r"\bposition\s+as\s+at\b", masked[a:b], re.I):
                claim.kind = "comparator"  # a figure in a table's comparator column
                claim.target = _area_in(masked[a:b]) or ""
                claim.area_words = ""
        _append(out, found)
    return out


def _clause_claims(
    masked: str, block: int, sentence: tuple[int, int], clause: tuple[int, int], area_names
) -> list[Claim]:
    cs, ce = clause
    periods = period_mentions(masked, cs, ce)
    ages = age_mentions(masked, cs, ce)
    figures = find_figures(masked, cs, ce, _protected(masked, cs, ce, periods, ages))
    low = masked.lower()
    out: list[Claim] = []

    def new(kind: str, a: int, b: int, **kw) -> Claim:
        return Claim(kind, a, b, " ".join(masked[a:b].split()), block, sentence, clause, **kw)

    equations = _equations(masked, low, cs, ce, figures)
    in_equation = {i for eq in equations for i in eq[1]}
    pairs: dict[int, int] = {}  # figure index -> its denominator's index ("X out of Y")
    for i, f in enumerate(figures[:-1]):
        between = low[f.end : figures[i + 1].start]
        counts = all(not g.unit and g.scale == 1.0 and g.decimals <= 0 and not g.fraction for g in (f, figures[i + 1]))
        if i in in_equation or i + 1 in in_equation:
            continue
        if re.fullmatch(r"\s*(?:out\s+of|of(?:\s+the)?|/)\s*", between) and counts:
            if re.fullmatch(r"\s*(?:out\s+of|/)\s*", between) or masked[max(cs, f.start - 1)] == "(":
                pairs[i] = i + 1
    dens = set(pairs.values())
    value_of: dict[int, int] = {}  # figure index -> claim index
    for i, f in enumerate(figures):
        if i in in_equation:
            continue
        left = low[cs : f.start]
        right = low[f.end : ce]
        kind, sign, relative, target, area_words = "value", 0, False, "", ""
        link_to = None
        if f.ordinal:
            kind = "rank" if _RANK_CONTEXT.search(low[max(cs, f.start - 60) : min(ce, f.end + 60)]) else ""
            if not kind:
                continue
            of = re.match(r"^\s*(?:out\s+)?of\s+(?:the\s+)?(\d[\d,]*)", right)
            if of:
                f.of = float(of.group(1).replace(",", ""))
        elif i in pairs:
            kind = "numerator"
        elif i in dens:
            kind = "denominator"
        else:
            ch_left = _CHANGE_LEFT.search(left) or (
                _CHANGE_VERB.search(left) if f.unit in ("%", "pp") or not f.unit else None
            )
            ch_right = _CHANGE_RIGHT.match(right)
            comp_left = _COMPARATOR_LEFT.search(left)
            if ch_left:
                kind, sign = "change", _sign_of_change(ch_left.group("w"))
                tail = right[:80]
                if _benchmark_first(tail):
                    kind, target = "gap", _area_in(tail) or "target"
            elif ch_right and not comp_left and not _COMPARED.search(left):
                word = ch_right.group("w")
                tail = right[ch_right.end() : ch_right.end() + 80]
                sign = _sign(word)
                if sign:
                    if _benchmark_first(tail):
                        kind, target = "gap", _area_in(tail) or "target"
                    else:
                        kind = "change"
            if kind == "value" and re.match(r"\s*compared\s+(?:to|with)\s+[\d£]", right):
                pass  # "(1,573 compared to 1,615)": this one is the value
            elif kind == "value" and comp_left:
                what = comp_left.group("what")
                kind, target = "comparator", _area_in(what) or _area_in(left[-80:]) or ""
                if not target and "average" in what.lower():
                    target = ""
            elif kind == "value" and (named := _RIGHT_COMPARATOR.match(right)):
                kind, target = "comparator", _area_in(named.group("what"))
            elif kind == "value" and _COMPARED.search(left) and _PREVIOUS_RIGHT.match(right):
                kind = "previous"  # "compared with 72% last year"
            elif kind == "value" and _COMPARED.search(left):
                kind = "comparator"
                target = _area_in(right[:30]) or ""
                if not target and i > 0 and value_of.get(i - 1) is not None:  # "peer average (1,573 compared to 1,615)"
                    target = _area_in(low[max(cs, figures[i - 1].start - 60) : figures[i - 1].start])
            elif kind == "value" and (_FROM.search(left) or _PREVIOUS_RIGHT.match(right)):
                kind = "previous"
            elif kind == "value" and _THAN_THE.search(left) and not f.qualifier:
                kind = "previous"
            if kind in ("change", "gap") and f.unit == "%":
                relative = True
            if kind == "value":
                area_words = _subject_area(low, cs, f.start, area_names)
            elif kind == "comparator" and not target:
                area_words = _subject_area(low, cs, f.start, area_names)
        # a percentage in brackets after a count shares the count's role: "8,183 (1.4%) above"
        if (
            i > 0
            and f.unit == "%"
            and re.fullmatch(r"\s*(?:[a-z]+\s+){0,2}\(\s*", low[figures[i - 1].end : f.start])
            and not figures[i - 1].unit
        ):
            prev = value_of.get(i - 1)
            if prev is not None and out[prev].kind in ("change", "gap", "previous", "value"):
                base = out[prev]
                kind, sign, target = base.kind, base.sign, base.target
                relative = kind in ("change", "gap")
                area_words = base.area_words
                link_to = prev if kind in ("change", "gap") else None
        claim = new(
            kind,
            f.start,
            f.end,
            figure=f,
            relative=relative,
            sign=sign,
            target=target,
            area_words=area_words,
            link=link_to,
        )
        value_of[i] = len(out)
        out.append(claim)
    # "X or p%": both changes ("200 or 4.5% fewer")
    for i, f in enumerate(figures[:-1]):
        if re.fullmatch(r"\s*or\s*", low[f.end : figures[i + 1].start]) and i in value_of and i + 1 in value_of:
            a, b = out[value_of[i]], out[value_of[i + 1]]
            if b.kind in ("change", "gap") and a.kind in ("value", "previous"):
                a.kind, a.sign, a.target = b.kind, b.sign, b.target
            elif a.kind in ("change", "gap") and b.kind in ("value", "previous"):
                b.kind, b.sign, b.target, b.relative = (
                    a.kind,
                    a.sign,
                    a.target,
                    b.figure is not None and b.figure.unit == "%",
                )
            if a.kind == b.kind and a.kind in ("change", "gap") and b.figure is not None and b.figure.unit == "%":
                b.link = value_of[i]
    # counts belong to the nearest percentage, rate or fraction before them (or just after)
    for i, j in pairs.items():
        share = _nearest_share(figures, i, low)
        num, den = out[value_of[i]], out[value_of[j]]
        if share is not None and share in value_of:
            sc = out[value_of[share]]
            if share > j:
                sc.context["computed"] = True  # a share worked out from the counts: the arithmetic claim checks it
            num.link = den.link = value_of[share]
            num.period = den.period = None
            num.kind, den.kind = "numerator", "denominator"
            if sc.kind == "previous":
                num.context["previous"] = den.context["previous"] = True
            if figures[share].unit == "%" and not figures[share].fraction:
                out.append(
                    new(
                        "arithmetic",
                        min(figures[share].start, figures[i].start),
                        _closing(masked, max(figures[share].end, figures[j].end), ce),
                        parts=(value_of[share], value_of[i], value_of[j]),
                    )
                )
    # a bare count in brackets right after a share or rate: "Two-thirds (10,600)", "526.9 (based on 829 admissions)"
    for i, f in enumerate(figures):
        if i == 0 or f.unit or i in pairs or i in dens or i not in value_of:
            continue
        before = figures[i - 1]
        gap = low[before.end : f.start]
        if re.fullmatch(r"\s*\(\s*(?:based\s+on\s+|from\s+|or\s+|of\s+)?", gap) and (
            before.unit in ("%", "per") or before.fraction or before.decimals > 0
        ):
            c = out[value_of[i]]
            if c.kind == "value":
                c.kind = "numerator"
                c.link = value_of.get(i - 1)
                if c.link is not None and out[c.link].kind == "previous":
                    c.context["previous"] = True
    for (a, b), members, op in equations:
        out.append(new("arithmetic", a, b, words=op, context={"equation": [figures[k] for k in members]}))
    # the comparing and moving words
    out.extend(_word_claims(masked, low, block, sentence, clause, figures, periods))
    for c in out:
        c.context["periods"] = periods
        c.context["ages"] = ages
    return out


_STRONG_PERIOD = re.compile(
    r"\b(?:last|previous|preceding|prior|earlier|ago|before|same\s+period|equivalent\s+period|corresponding\s+period|year\s+earlier)\b"
)


def _benchmark_first(tail: str) -> bool:
    """Whether the words after a change word name a benchmark ("above the December
    milestone", "short of the target") before any earlier period ("than last year")."""
    head = tail[:70]
    bench = _TARGETISH.search(head)
    if not bench:
        return False
    period = _STRONG_PERIOD.search(head)
    return period is None or bench.start() < period.start()


_OPERATOR = re.compile(r"\s*([/+×x*−–-])\s*")


def _equations(masked: str, low: str, cs: int, ce: int, figures: list[Figure]):
    """Sums and ratios written out with their result: "176/486 = 36.21%", "5 + 7 + 9 = 21",
    "3,110 + 7,870 = 10,980": ((start, end), figure indexes, operator) each."""
    out = []
    i = 0
    while i < len(figures) - 2:
        j, op = i, ""
        while j + 1 < len(figures):
            m = _OPERATOR.fullmatch(masked[figures[j].end : figures[j + 1].start])
            if not m or (op and m.group(1) != op):
                break
            op = m.group(1)
            j += 1
        if (
            j > i
            and j + 1 < len(figures)
            and re.fullmatch(r"\s*(?:=|is|gives|makes)\s*", low[figures[j].end : figures[j + 1].start])
        ):
            members = list(range(i, j + 2))
            out.append(((figures[i].start, figures[j + 1].end), members, op))
            i = j + 2
            continue
        i += 1
    return out


def _closing(masked: str, end: int, limit: int) -> int:
    """The end of a span, past a closing bracket that follows it: "95.3% (650 out of 680)"."""
    return end + 1 if end < limit and masked[end] == ")" else end


def _sign_of_change(word: str) -> int:
    w = word.lower()
    if w.startswith(
        ("increase", "rise", "rose", "risen", "grew", "growth", "improve", "surplus", "jump", "up", "climb")
    ):
        return 1
    if w.startswith(("reduc", "decrease", "fall", "fell", "drop", "declin", "deterior", "shortfall", "cut", "down")):
        return -1
    return 0


def _nearest_share(figures: list[Figure], i: int, low: str) -> int | None:
    """The percentage or rate that counts at ``i`` belong to: the nearest one before them
    in the clause, or just after ("1,052 out of 2,909" after "36%", "36% (1,052 out of ...)")."""
    j = i + 1  # "650 out of 680 is 95.6%": the share the counts make, written after them
    if (
        j + 1 < len(figures)
        and figures[j + 1].unit == "%"
        and re.fullmatch(r"\s*\)?\s*(?:is|=|gives|makes|equals|or)\s*", low[figures[j].end : figures[j + 1].start])
    ):
        return j + 1
    for k in range(i - 1, -1, -1):
        f = figures[k]
        if f.unit in ("%", "per") or f.fraction or (f.decimals > 0 and not f.unit):
            if figures[i].start - f.end <= 60:
                return k
            break
    return None


def _subject_area(low: str, cs: int, at: int, area_names) -> str:
    """The area a value is said to be of: the last area word before it in its clause
    ("Nationally, ... 24.5%", "Across ... the peer group ..., 14.5%"), else ''."""
    text = low[cs:at]
    best, where = "", -1
    for pattern, role in _AREA_WORDS[:3]:
        for m in pattern.finditer(text):
            if m.start() > where:
                best, where = role, m.start()
    for code, name in area_names.items():
        for m in re.finditer(r"\b" + re.escape(name.lower()) + r"\b(?!'s\s+peer)", text):
            if m.start() > where:
                best, where = code, m.start()
    if best in ("national", "peer", "region"):
        lead = text[max(0, where - 30) : where]
        if re.search(r"\b(?:than|to|with|of|compared)\s+(?:the\s+)?$", lead) and re.search(
            r"\b(?:average|figure|rate|position|proportion|level)\b", text[where : where + 40]
        ):
            return ""  # "higher than the national figure" belongs to the comparator
    return best


def _has_period(periods: list[PeriodRef]) -> bool:
    return any(p.kind not in ("ignored",) for p in periods)


def _word_claims(
    masked: str, low: str, block: int, sentence, clause, figures: list[Figure], clause_periods
) -> list[Claim]:
    cs, ce = clause
    out: list[Claim] = []
    spans = [(f.start, f.end) for f in figures]

    def overlaps(a: int, b: int) -> bool:
        return any(not (b <= s or a >= e) for s, e in spans)

    used: list[tuple[int, int]] = []
    for m in _QUARTILE.finditer(low, cs, ce):
        text = " ".join(masked[m.start() : m.end()].split())
        out.append(Claim("quartile", m.start(), m.end(), text, block, sentence, clause, words=text.lower()))
        used.append((m.start(), m.end()))
    for m in _SIMILAR.finditer(low, cs, ce):
        tail = low[m.end() : min(ce, m.end() + 90)]
        text = " ".join(masked[m.start() : m.end()].split())
        if _is_period_reference(tail) and not _TARGETISH.search(tail[:40]):
            out.append(
                Claim(
                    "direction",
                    m.start(),
                    m.end(),
                    text,
                    block,
                    sentence,
                    clause,
                    words=text.lower(),
                    grade="similar",
                    target="period",
                )
            )
        else:
            grade = "same" if "same as" in text.lower() else "similar"
            out.append(
                Claim(
                    "comparison",
                    m.start(),
                    m.end(),
                    text,
                    block,
                    sentence,
                    clause,
                    words=text.lower(),
                    grade=grade,
                    target=_area_in(tail[:60]),
                )
            )
        used.append((m.start(), m.end()))
    for m in _COMPARE.finditer(low, cs, ce):
        if any(not (m.end() <= s or m.start() >= e) for s, e in used):
            continue
        word = m.group("dir").lower()
        left = low[max(cs, m.start() - 40) : m.start()]
        tail = low[m.end() : min(ce, m.end() + 90)]
        if re.search(
            r"[\d%]\s*(?:\)\s*)?(?:(?!(?:and|or|but|while|is|was)\s)[a-z-]+\s+)?$",
            low[max(cs, m.start() - 12) : m.start()],
        ) and not m.group("grade"):
            continue  # "256 fewer than", "3% higher than": a change or gap figure carries it
        if re.match(r"\s*(?:than|the)?\s*(?:\d|one|two|three|four|five|half)", tail) and word in (
            "over",
            "under",
            "more",
            "less",
            "fewer",
            "above",
            "below",
        ):
            continue  # "over 10,980", "more than one million": a qualifier of the figure
        if word in ("over", "under") or (
            word in ("more", "less", "fewer") and "than" not in low[m.start() : m.end() + 6]
        ):
            continue
        is_period = _is_period_reference(tail) and not _TARGETISH.search(tail[:45])
        if (
            not is_period
            and not _TARGETISH.search(tail[:70])
            and not re.search(r"\bthan\b", low[m.start() : m.end() + 5])
        ):
            # "considerably lower at 10.3%": a comparison whose benchmark an earlier clause named
            if not m.group("grade") and not re.search(
                r"\b(?:in\s+comparison|compared|by\s+contrast|comparison)\b", low[max(0, cs - 200) : m.start()]
            ):
                if not re.search(r"\(\s*[\d,.]+%?\s+compared\s+(?:to|with)", tail):
                    continue
        text = " ".join(masked[m.start() : m.end()].split())
        grade = _grade(m.group("grade") or "")
        sign = (
            1
            if word in ("higher", "greater", "better", "above", "more", "ahead of", "in excess of", "over")
            or word.startswith(("exceed", "out"))
            else -1
        )
        if word in ("better", "worse"):
            grade = grade or ""
        kind = "direction" if is_period else "comparison"
        claim = Claim(
            kind, m.start(), m.end(), text, block, sentence, clause, words=text.lower(), grade=grade, sign=sign
        )
        claim.target = "period" if is_period else _area_in(tail[:70])
        if word in ("better", "worse"):
            claim.context["performance"] = True
        if left.rstrip().endswith(("not", "no")):
            continue
        out.append(claim)
        used.append((m.start(), m.end()))
    for m in _MOVE.finditer(low, cs, ce):
        if any(not (m.end() <= s or m.start() >= e) for s, e in used) or overlaps(m.start(), m.end()):
            continue
        word = m.group("dir").lower()
        tail = low[m.end() : min(ce, m.end() + 60)]
        left = low[max(cs, m.start() - 30) : m.start()]
        if (
            word in ("similar to", "better than", "worse than") or word.startswith("the same")
        ) and not _is_period_reference(tail):
            continue
        if word in ("level", "flat") and not re.search(r"\b(?:remain(?:ed|s)?|stay(?:ed|s)?|is|was|been)\s+$", left):
            continue
        if re.search(r"\b(?:to|will|may|could|would|should|aim\s+to|help|helps|plan\s+to)\s+$", left) and not m.group(
            "grade"
        ):
            continue  # an intention, not a claim ("work ... to improve how ...")
        if re.match(r"\s*(?:of|by)\s+(?:[\w-]+\s+)?[\d£]", tail):
            continue  # "an increase of 21,086": the figure carries it
        if re.search(r"[\d%]\s*$", low[max(cs, m.start() - 4) : m.start()]):
            continue  # "a 4.9% reduction": the figure carries it
        if (
            masked[m.start()].isupper()
            and m.start() > sentence[0]
            and re.match(r"\s+[A-Z]", masked[m.end() : m.end() + 2])
        ):
            continue  # a name ("Improved Opportunities")
        if (
            not figures
            and not _has_period(clause_periods)
            and not _is_period_reference(tail)
            and not re.search(
                r"\b(?:this|it|these|they|which|rate|proportion|number|figure|performance|position|level|percentage|figures)\b[\w\s,]{0,25}$",
                left,
            )
        ):
            continue  # "deterioration in their health": not a claim about a figure
        direction = next(k for k, words in _MOVE_WORDS.items() if any(word.startswith(w) or w in word for w in words))
        if word.startswith("trend"):
            direction = "up" if "up" in word else "down"
        grade = _grade(m.group("grade") or "")
        text = " ".join(masked[m.start() : m.end()].split())
        claim = Claim(
            "direction",
            m.start(),
            m.end(),
            text,
            block,
            sentence,
            clause,
            words=text.lower(),
            grade=grade,
            target="period",
        )
        claim.context["direction"] = direction
        if direction in ("same", "similar"):
            claim.grade = direction
        out.append(claim)
        used.append((m.start(), m.end()))
    plural = bool(_PLURAL.search(low[sentence[0] : sentence[1]]))
    for c in out:
        c.plural = plural
        if c.kind == "direction" and "direction" not in c.context:
            c.context["direction"] = (
                ("better" if c.sign > 0 else "worse")
                if c.context.get("performance")
                else ("up" if c.sign > 0 else "down")
            )
            if c.grade == "similar":
                c.context["direction"] = "similar"
    return out


def _grade(text: str) -> str:
    t = " ".join(text.lower().split())
    if not t:
        return ""
    if re.fullmatch(_GRADE_SLIGHT + "|a small", t):
        return "slight"
    if re.fullmatch(_GRADE_LARGE, t):
        return "large"
    return ""


def _is_period_reference(tail: str) -> bool:
    """Whether the words after a comparing word name an earlier period ("than last year",
    "the preceding six months", "from these 2024/25 rates") rather than a benchmark."""
    head = tail[:60]
    return bool(
        re.match(
            r"\s*(?:than\s+|to\s+|from\s+|on\s+|with\s+|as\s+)?(?:the\s+|a\s+|that\s+of\s+the\s+|these\s+|those\s+|its\s+)?(?:same\s+|equivalent\s+|corresponding\s+)?"
            r"(?:previous|last|prior|preceding|earlier|year|period|quarter|month|(?:19|20)\d{2}|\d{2}/\d{2}|january|february|march|april|may|june|july|august|september|october|november|december)",
            head,
        )
    )
