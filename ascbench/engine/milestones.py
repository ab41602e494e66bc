"""Milestones from annual targets: the share of a year's target due by the end of a period.

A target comparator with a ``profile`` reads the annual target (a measure for the whole
financial or academic year containing the current period) and scales it by the share of the
year the current period covers:

* ``flat``: pro rata by month (April-December is 9/12 of a financial year);
* 12 monthly shares from the year's first month (April, or September for an academic year);
* quarter shares ``{Q1, Q2, Q3, Q4}`` or term shares ``{T1, T2, T3}``, each spread evenly over
  its months;
* ``measure: NAME``: monthly shares held in the data (rows of NAME for each month of the
  year, for the area).

Shares need not add up to 1: they are normalised over the year.
"""

from __future__ import annotations

import math

import numpy as np

from ascbench.periods import MONTHS, parse_period

TERM_MONTHS = (4, 3, 5)  # Sep-Dec, Jan-Mar, Apr-Aug


def _months(period):
    """Month indices (year * 12 + month - 1) covered by a period."""
    s, e = period.start, period.end
    return list(range(s.year * 12 + s.month - 1, e.year * 12 + e.month))


def monthly_shares(profile: str, year_kind: str) -> list[float] | None:
    """The 12 monthly weights of a profile (None for a measure profile)."""
    kind, _, rest = profile.partition(":")
    if kind == "flat":
        return [1.0] * 12
    if kind == "months":
        return [float(x) for x in rest.split(",")]
    if kind == "quarters":
        q = [float(x) for x in rest.split(",")]
        if year_kind == "ay":
            return None
        return [q[i // 3] / 3 for i in range(12)]
    if kind == "terms":
        t = [float(x) for x in rest.split(",")]
        if year_kind != "ay":
            return None
        out = []
        for share, n in zip(t, TERM_MONTHS, strict=True):
            out += [share / n] * n
        return out
    return None


def share_of_year(profile: str, period_text: str, year_text: str, weights: list[float] | None = None) -> float:
    """Share of the year's target due by the end of ``period_text`` (NaN when it cannot be said)."""
    period, year = parse_period(period_text), parse_period(year_text)
    if not year.contains(period):
        return float("nan")
    weights = weights if weights is not None else monthly_shares(profile, year.kind)
    if weights is None or len(weights) != 12 or any(w is None or math.isnan(w) for w in weights) or sum(weights) <= 0:
        return float("nan")
    first = _months(year)[0]
    covered = [m - first for m in _months(period) if 0 <= m - first < 12]
    # a year to date counts from the year's start; any other period, only its own months
    if period.kind in ("fytd", "aytd"):
        covered = list(range(max(covered) + 1))
    return float(np.sum([weights[i] for i in covered]) / np.sum(weights))


def measure_weights(observations, measure: str, area: str, year_text: str) -> list[float] | None:
    """Monthly weights held in the data for a measure profile."""
    year = parse_period(year_text)
    wanted = []
    for m in _months(year):
        y, mo = divmod(m, 12)
        wanted.append(f"{y}-{MONTHS[mo]}")
    rows = observations[(observations["measure"] == measure) & (observations["area_code"] == area)]
    lookup = dict(zip(rows["period"], rows["value"], strict=False))
    weights = [lookup.get(w) for w in wanted]
    found = [float(w) for w in weights if w is not None and not math.isnan(w)]
    return found if len(found) == len(weights) else None
