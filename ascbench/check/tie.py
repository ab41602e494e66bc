"""Which metric, area and period a claim is about.

**Metric.** Each metric of the catalogue is scored against the words around the claim: its
code ("ASCOF 2A", "metric 4B"), its title and the ``synonyms`` the catalogue declares, in
windows of decreasing weight - the claim's clause (1), the rest of its sentence (0.8), the
sentences before it in the paragraph (0.5, then less), a table row's description cells (1)
and the heading above (0.3). A code counts 2, a title or synonym written out 1, and the
share of the title's words present (each word weighted by how rare it is among the
catalogue's titles) up to 1. An age group named next to the figure ("aged 18-64", "65 or
over") rules out metrics of another age group. Only metrics whose statistic fits the figure
are candidates (a percentage: a proportion; "per 100,000": a rate; a plain number: a count,
or the counts behind a proportion or rate). The candidates are those scoring at least
:data:`MIN_SCORE` and within :data:`MARGIN` of the best; :mod:`ascbench.check.verdicts`
prefers one the data agree with, else the best.

**Area.** The council the report is about, unless the words say otherwise: "nationally",
"England", "the national average" (the ``national`` role of dataset.yaml), "peer group"
(``peer``), an area's name from areas.csv.

**Period.** The period named nearest the claim in its clause, else in its sentence
(binding: no data for it means the claim cannot be checked), else the last one named earlier
in the paragraph or a table's column header (preferred, not binding), else the metric's
current period as at the reporting date.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from datetime import date

from ascbench.check.claims import Claim
from ascbench.check.document import Document, sentences
from ascbench.check.facts import Facts, MetricInfo
from ascbench.check.phrases import PeriodRef, age_mentions, period_mentions, resolve_year, title_ages
from ascbench.periods import parse_period

MIN_SCORE = 0.6
MARGIN = 0.25
STOP = {
    "a",
    "an",
    "the",
    "of",
    "to",
    "in",
    "on",
    "for",
    "with",
    "and",
    "or",
    "who",
    "whom",
    "which",
    "that",
    "by",
    "at",
    "as",
    "per",
    "pop",
    "from",
    "their",
    "they",
    "is",
    "was",
    "were",
    "are",
    "be",
    "been",
    "had",
    "has",
    "have",
    "say",
    "said",
    "aged",
    "age",
    "number",
    "proportion",
    "percentage",
    "rate",
    "total",
    "local",
    "than",
    "this",
    "these",
    "it",
    "its",
    "all",
    "any",
    "into",
    "after",
    "following",
    "over",
    "under",
    "more",
    "less",
    "would",
    "like",
    "much",
    "such",
    "other",
    "s",
    "period",
}


def stem(word: str) -> str:
    w = word.lower().strip("'’")
    if w.endswith(("'s", "’s")):
        w = w[:-2]
    if len(w) > 4 and w.endswith("ies"):
        w = w[:-3] + "y"
    elif len(w) > 3 and w.endswith("s") and not w.endswith("ss") and not w.endswith("us"):
        w = w[:-1]
    for suffix in ("ances", "ance", "ences", "ence", "ing", "ed", "ment", "ion", "al"):
        if len(w) > len(suffix) + 3 and w.endswith(suffix):
            w = w[: -len(suffix)]
            break
    return w


@functools.lru_cache(maxsize=4096)
def tokens(text: str) -> frozenset[str]:
    out = set()
    for word in re.findall(r"[a-z][a-z'’-]*", text.lower()):
        parts = [word, *word.split("-")] if "-" in word else [word]
        for p in parts:
            if p and p not in STOP and len(p) > 1:
                out.add(stem(p))
    return frozenset(out)


@dataclass
class MetricWords:
    info: MetricInfo
    codes: list[re.Pattern]
    phrases: list[str]
    token_sets: list[frozenset[str]]
    ages: set[str]


def _code_patterns(code: str, metric_id: str, shared: set[str]) -> list[re.Pattern]:
    out = []
    m = re.match(r"^\s*([A-Za-z]+)\s*([0-9][0-9A-Za-z]*)", code or "")
    if m:
        family, item = m.group(1), m.group(2)
        out.append(re.compile(rf"\b{re.escape(family)}\s*{re.escape(item)}\b", re.I))
        out.append(re.compile(rf"\b(?:metric|measure|indicator)\s+{re.escape(item)}\b", re.I))
    elif code and code.lower() not in shared and len(code) > 3:
        out.append(re.compile(rf"\b{re.escape(code)}\b", re.I))
    out.append(re.compile(rf"\b{re.escape(metric_id)}\b"))
    return out


_EXCLUDING = r"(?:excluding|except|other\s+than|apart\s+from|not\s+including|without|minus)\b"
_EXCLUDED = re.compile(r"\b" + _EXCLUDING + r"\s+(?:the\s+)?[\w-]+(?:\s+[\w-]+)?")
_CLEAN_TITLE = re.compile(r"^\s*%\s*of\s+|\(.*?\)|\bper\s+100,?000\b.*$|[.:;]+\s*$", re.I)


class Lexicon:
    """The words of each metric, and how rare each word is among the catalogue's titles."""

    def __init__(self, metrics: dict[str, MetricInfo]):
        codes = [m.code.lower() for m in metrics.values()]
        shared = {c for c in codes if codes.count(c) > 1}
        self.words: dict[str, MetricWords] = {}
        df: dict[str, int] = {}
        for m in metrics.values():
            title = _CLEAN_TITLE.sub(" ", m.title)
            sets = [tokens(title)] + [tokens(s) for s in m.synonyms]
            phrases = [" ".join(title.lower().split())] + [" ".join(s.lower().split()) for s in m.synonyms]
            self.words[m.id] = MetricWords(
                m,
                _code_patterns(m.code, m.id, shared),
                [p for p in phrases if len(p) > 3],
                [s for s in sets if s],
                title_ages(m.title + " " + " ".join(m.synonyms)),
            )
            for t in set().union(*sets) if sets else set():
                df[t] = df.get(t, 0) + 1
        n = max(len(metrics), 1)
        self.idf = {t: math.log(1 + n / d) for t, d in df.items()}

    def score(self, windows: list[tuple[str, float]], metric_id: str) -> float:
        mw = self.words[metric_id]
        for text, _weight in windows[:1]:  # "total loans excluding e-loans": another quantity
            t = text.lower()
            if any(re.search(re.escape(p) + r"\s+" + _EXCLUDING, t) for p in mw.phrases):
                return 0.0
        low = [(_EXCLUDED.sub(" ", w.lower()), weight) for w, weight in windows if w.strip()]
        code = max((weight for text, weight in low for p in mw.codes if p.search(text)), default=0.0)
        phrase = max((weight for text, weight in low for p in mw.phrases if p in text), default=0.0)
        window_tokens = [(tokens(text), weight) for text, weight in low]
        coverage = 0.0
        for ts in mw.token_sets:
            total = sum(self.idf.get(t, 1.0) for t in ts)
            got = sum(self.idf.get(t, 1.0) * max((w for wt, w in window_tokens if t in wt), default=0.0) for t in ts)
            coverage = max(coverage, got / total if total else 0.0)
        return 2.0 * code + phrase + coverage


# --------------------------------------------------------------------------------- contexts
@dataclass
class Context:
    """What the claim's surroundings say: text windows for the metric, the age group named
    nearest it, the period (and whether it was named in the claim's own sentence)."""

    windows: list[tuple[str, float]]
    age: str
    period: PeriodRef | None
    bound: bool
    year: int
    scope: str = ""  # where the period was named: clause, sentence, paragraph, column


def build_context(document: Document, claim: Claim, facts: Facts) -> Context:
    masked = document.masked
    block = document.blocks[claim.block]
    cs, ce = claim.clause
    ss, se = claim.sentence
    windows = [(masked[cs:ce], 1.0), (masked[ss:cs], 0.8), (masked[ce:se], 0.4)]  # a later clause is about its own
    earlier = [s for s in sentences(masked, block.start, block.end) if s[1] <= ss] if block.kind != "row" else []
    weight = 0.5
    for a, b in reversed(earlier):
        windows.append((masked[a:b], weight))
        weight = max(0.15, weight / 2)
    if block.kind == "row":
        for (a, b), head in zip(block.cells, block.header + [""] * len(block.cells), strict=False):
            if re.search(r"\b(?:code|description|title|indicator|measure|metric)\b", head, re.I):
                windows.append((masked[a:b], 1.0))
        if claim.cell:
            windows.append((claim.cell, 0.5))
    if block.heading:
        windows.append((block.heading, 0.3))
    age = _age_near(masked, claim, earlier)
    period, bound, scope = _period_near(document, claim, earlier, facts)
    year = _context_year(period, facts)
    if period is not None and period.needs_year:
        period = resolve_year(
            period, year, _before_date(period, claim, document, facts), parse_period(facts.report_period).end
        )
    return Context(windows, age, period, bound, year, scope)


def _age_near(masked: str, claim: Claim, earlier) -> str:
    cs, ce = claim.clause
    ages = age_mentions(masked, cs, ce)
    if ages:
        end = claim.end
        for a in ages:  # "41.6% of those aged 65+": the age group named just after the figure
            if a.start >= end and re.fullmatch(r"[\s%)]*(?:[a-z]+\s+){0,3}", masked[end : a.start].lower()):
                return a.group
        before = [a for a in ages if a.end <= claim.start]
        if before:
            return before[-1].group
        return ages[0].group
    ages = age_mentions(masked, *claim.sentence)
    groups = {a.group for a in ages}
    if len(groups) == 1:
        return groups.pop()
    if not ages and earlier:
        groups = {a.group for a in age_mentions(masked, *earlier[-1])}
        if len(groups) == 1:
            return groups.pop()
    return ""


def _usable(refs: list[PeriodRef]) -> list[PeriodRef]:
    return [r for r in refs if r.kind not in ("ignored",)]


def _period_near(document: Document, claim: Claim, earlier, facts: Facts) -> tuple[PeriodRef | None, bool, str]:
    masked = document.masked
    cs, ce = claim.clause
    clause_refs = [r for r in _usable(period_mentions(masked, cs, ce)) if r.kind != "carried"]
    at = claim.start if claim.figure is None else claim.figure.start
    if clause_refs:
        # a period written just after the figure ("72% in 2024", "61 (9%) in March 2025",
        # "59.1% (1,210 out of 2,049) for the 12 months to June 2025"), else the nearest before
        end = claim.end if claim.figure is None else claim.figure.end
        after = [r for r in clause_refs if r.start >= end and _attached(masked[end : r.start])]
        before = [
            r
            for r in clause_refs
            if r.end <= at
            and (r.kind != "relative" or re.fullmatch(r"[\s(:]*(?:of|at|was|were|is)?[\s(:]*", masked[r.end : at]))
        ]
        if after:
            return after[0], True, "attached"
        if before:
            close = _attached(masked[before[-1].end : at]) and len(masked[before[-1].end : at].split()) <= 2
            return before[-1], True, "attached" if close else "clause"
        if claim.figure is None:
            return clause_refs[0], True, "clause"
    ss, se = claim.sentence
    # a period named earlier in the sentence scopes what follows; one in a later clause does not
    sentence_refs = [r for r in _usable(period_mentions(masked, ss, cs)) if r.kind not in ("carried", "relative")]
    if sentence_refs:
        return min(sentence_refs, key=lambda r: abs(r.start - at)), True, "sentence"
    block = document.blocks[claim.block]
    for a, b in reversed(earlier):
        refs = [r for r in _usable(period_mentions(masked, a, b)) if r.kind in ("span", "point", "year")]
        if refs:
            return refs[-1], False, "paragraph"
    if block.kind == "row" and claim.cell:
        refs = [r for r in _usable(period_mentions(claim.cell, 0, len(claim.cell))) if r.kind in ("span", "point")]
        if refs:
            return refs[0], False, "column"
    return None, False, ""


def _attached(between: str) -> bool:
    """Whether the words between a figure and a period after it tie the two: a few words
    with no other figure ("in", "for the", "(1,210 out of 2,049) for the")."""
    text = re.sub(r"\([^()]*\)", " ", between)
    return not re.search(r"\d", text) and len(text.split()) <= 4 and not re.search(r"[,;:]", text)


def _context_year(period: PeriodRef | None, facts: Facts) -> int:
    """The year a month or span named without its year belongs to: the year of the end of
    the report's period (a month after that end falls in the year before: :func:`resolve_year`)."""
    return parse_period(facts.report_period).end.year


def _before_date(period: PeriodRef, claim: Claim, document: Document, facts: Facts) -> date | None:
    """For "nine months earlier in March": the date of the sentence's own period, before which
    the month falls."""
    masked = document.masked
    refs = [
        r
        for r in _usable(period_mentions(masked, *claim.sentence))
        if r.kind in ("span", "point") and r.last and not r.needs_year
    ]
    if refs:
        period.earlier = period.earlier or bool(
            re.search(
                r"\b(?:earlier|previous|from|down\s+from|up\s+from|since)\b",
                masked[period.start - 40 : period.start].lower(),
            )
        )
        return refs[0].last
    return parse_period(facts.report_period).end


# ------------------------------------------------------------------------------------ areas
def area_of(claim: Claim, facts: Facts) -> str:
    """The area code a figure is about (its comparator's area for a comparator)."""
    words = claim.target if claim.kind == "comparator" else claim.area_words
    if words in facts.roles:
        return facts.roles[words]
    if words in facts.area_names:
        return words
    return facts.focus


def candidates(lexicon: Lexicon, context: Context, allowed) -> list[tuple[str, float]]:
    """Metric ids with their scores, best first: those at least :data:`MIN_SCORE` and
    within :data:`MARGIN` of the best, among ``allowed`` (ids whose statistic fits)."""
    scored = []
    for mid in allowed:
        mw = lexicon.words[mid]
        if context.age and mw.ages:
            group = context.age
            if group == "younger":
                group = min(mw.ages | {"~"}) if any(a.startswith("18") for a in mw.ages) else "x"
                if group == "x":
                    continue
            elif group == "older":
                if not any(a.startswith(("65", "75")) for a in mw.ages):
                    continue
                group = next(iter(mw.ages))
            if group not in mw.ages:
                continue
        s = lexicon.score(context.windows, mid)
        if context.age and mw.ages:
            s += 0.2
        scored.append((mid, s))
    scored.sort(key=lambda x: -x[1])
    if not scored or scored[0][1] < MIN_SCORE:
        return []
    best = scored[0][1]
    return [(m, s) for m, s in scored if s >= MIN_SCORE and s >= best - MARGIN]
