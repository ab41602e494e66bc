"""How each measure is rolled up over months: the one rule, declared or inferred.

A monthly tracker holds measures of different kinds, and only some of them add up:

==========  =========================================================  ======================
rule        what the measure is                                         a quarter or year is
==========  =========================================================  ======================
``sum``     a flow: a count of events (admissions, assessments)         the months summed
``last``    a stock: a position at the month's end (a caseload, a       the value at the
            population)                                                 period's last month
``none``    a published rate, percentage, score or forecast             not made: never summed
==========  =========================================================  ======================

A proportion or rate is never rolled up itself: it is recomputed from its numerator and
denominator, each rolled up by its own rule (admissions summed over the year, per the
population at its end).

The catalogue declares a rule in its ``measures:`` section or a metric's ``aggregation:``
(:mod:`ascbench.catalogue.loader` reads and checks them); where it says nothing the rule is
inferred, first from how the catalogue uses the measure, then from its name, and is
otherwise ``sum``. When uses disagree the safer rule wins (``none`` over ``last`` over
``sum``). ``ascbench validate`` names the rule applied to each measure it rolls up and why
(``docs/time.md``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

AGGREGATIONS = ("sum", "last", "none")
_SAFETY = {"sum": 0, "last": 1, "none": 2}
NON_ADDITIVE_STATISTICS = ("proportion", "rate", "score", "published")

# words of a measure's name (split at . _ - + and spaces) that say what it is
# pop, popn, pop65, pop65plus, population, populations18plus, resident(s), mye2024 - not residential
_POPULATION = re.compile(r"^(pop|pops|popn|populations?|residents?)(\d+(plus)?)?$|^mye\d*$")
_STOCK_WORDS = {
    "caseload",
    "caseloads",
    "stock",
    "snapshot",
    "backlog",
    "waiting",
    "waitlist",
    "receipt",
    "headcount",
    "balance",
    "occupancy",
    "occupied",
    "open",
    "receiving",
    "awaiting",
    "pending",
    "outstanding",
    "unallocated",
    "active",
    "live",
    "queue",
    "eom",
}
_STOCK_PAIRS = {("month", "end"), ("as", "at"), ("end", "of"), ("point", "in")}
_PUBLISHED_WORDS = {
    "published",
    "pub",
    "pct",
    "percent",
    "percentage",
    "rate",
    "ratio",
    "score",
    "mean",
    "average",
    "avg",
    "median",
    "index",
    "proportion",
    "share",
    "forecast",
}


BY_DEFAULT = "a count of events, by default"


@dataclass(frozen=True)
class Aggregation:
    """The rule for one measure and why it applies."""

    rule: str  # sum | last | none
    why: str
    declared: bool = False


def _words(measure: str) -> list[str]:
    return [w for w in re.split(r"[._\-+\s]+", measure.lower()) if w]


def by_name(measure: str, counted: bool = False) -> Aggregation:
    """The rule a measure's name suggests: a population or a stock (caseload, waiting list,
    month-end count) is taken at the period's end; a published figure (``.published``,
    ``pct``, ``rate``, ``score``, ``forecast``) is never summed; anything else is a count of
    events, summed. ``counted``: the catalogue counts it (a numerator or denominator), so it
    is a count whatever its name says (``reablement_rate_num``)."""
    words = _words(measure)
    if any(_POPULATION.match(w) for w in words):
        return Aggregation("last", "named like a population")
    if not counted and any(w in _PUBLISHED_WORDS for w in words):
        return Aggregation("none", "named like a published figure")
    if any(w in _STOCK_WORDS for w in words) or any(p in _STOCK_PAIRS for p in zip(words, words[1:], strict=False)):
        return Aggregation("last", "named like a stock (a position at a date)")
    return Aggregation("sum", BY_DEFAULT)


def stock_words(text: str) -> bool:
    """Whether ``text`` (a measure's name or a count's title) reads like a stock or a
    population: a position at a date, never summed over months."""
    words = _words(text)
    return (
        any(_POPULATION.match(w) for w in words)
        or any(w in _STOCK_WORDS for w in words)
        or any(p in _STOCK_PAIRS for p in zip(words, words[1:], strict=False))
    )


def uses(catalogue) -> dict[str, list[Aggregation]]:
    """The rules implied by how the catalogue uses each measure (not its name): a published
    value or forecast is never rolled up; a rate's population, the counts of a metric whose
    ``period_basis`` is ``snapshot`` and the count of a metric whose title reads like a stock
    ("people in long-term support at month end") are positions at a date."""
    found: dict[str, list[Aggregation]] = {}

    def add(measure, rule, why):
        if measure:
            found.setdefault(measure, []).append(Aggregation(rule, why))

    for m in catalogue.metrics:
        if m.value and m.statistic in NON_ADDITIVE_STATISTICS:
            add(m.value, "none", f"the published value of {m.id} (a {m.statistic})")
        if m.forecast:
            add(m.forecast, "none", f"the forecasts of {m.id}, dated by when each was made")
        if m.statistic == "rate" and m.denominator and any(_POPULATION.match(w) for w in _words(m.denominator)):
            add(m.denominator, "last", f"the population {m.id} is a rate per")
        for counted in (m.numerator, m.denominator, m.value if m.statistic == "count" else None):
            if counted:
                found.setdefault(counted, []).append(by_name(counted, counted=True))
        if getattr(m, "period_basis", None) == "snapshot":
            for counted in (m.numerator, m.denominator, m.value if m.statistic == "count" else None):
                add(counted, "last", f"a count of {m.id}, whose period_basis is snapshot (a position at a date)")
        if m.statistic == "count" and stock_words(re.sub(r"\(.*?\)", " ", m.title or "")):
            add(m.numerator or m.value, "last", f"the count of {m.id}, titled like a stock (a position at a date)")
        for c in m.comparators:
            if c.type == "target" and c.measure and m.statistic != "count" and not c.profile:
                add(c.measure, "none", f"a target of {m.id} (a {m.statistic})")
    return found


def aggregations(catalogue, measures) -> dict[str, Aggregation]:
    """The rule for each of ``measures``: declared by the catalogue, else the safest rule its
    uses imply, else its name's (:func:`by_name`). ``catalogue`` may be None (names only)."""
    declared = getattr(catalogue, "aggregations", None) or {}
    implied = uses(catalogue) if catalogue is not None else {}
    out = {}
    for measure in measures:
        if measure in declared:
            rule, where = declared[measure]
            out[measure] = Aggregation(rule, f"declared ({where})", declared=True)
        elif measure in implied:
            out[measure] = max(implied[measure], key=lambda a: _SAFETY[a.rule])
        else:
            out[measure] = by_name(measure)
    return out


def refused_declarations(catalogue) -> list[tuple[str, str, str]]:
    """``(measure, where, why)`` for each declared ``sum`` of a measure that can never be
    summed: the published value of a proportion, rate, score or published figure (12 monthly
    percentages do not add up to a year's)."""
    declared = getattr(catalogue, "aggregations", None) or {}
    out = []
    for measure, found in uses(catalogue).items():
        if measure in declared and declared[measure][0] == "sum":
            published = [a for a in found if a.rule == "none"]
            if published:
                out.append((measure, declared[measure][1], published[0].why))
    return out


def accumulates(statistic: str, numerator, denominator, value, rules: dict[str, str]) -> bool:
    """Whether a metric's figure grows with the months of its year: a count of events (not a
    stock) or a rate of events per a population or other position at a date."""
    if statistic == "count":
        measure = numerator if isinstance(numerator, str) and numerator else value
        return rules.get(measure, "sum") == "sum"
    if statistic == "rate" and isinstance(numerator, str) and isinstance(denominator, str):
        return rules.get(numerator, "sum") == "sum" and rules.get(denominator, "sum") == "last"
    return False
