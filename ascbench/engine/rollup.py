"""Roll-ups from monthly data: quarters, years to date, whole years and rolling windows.

Given monthly observations (periods such as ``2025-Sep``), each measure is rolled up by its
rule (:mod:`ascbench.catalogue.aggregation`: declared by the catalogue, else inferred) into

* financial quarters (``2025-26-Q2``) and years to date at each month (``2025-26-YTD-Sep``,
  written ``2025-26-YTD-Q2`` at a quarter's end) and whole financial years;
* academic terms, academic years to date and academic years;
* rolling 12-month windows (``R12-2025-Sep``).

A flow (``sum``) is summed only when every month of the derived period is present (a gap
gives no roll-up, never a partial sum); a stock (``last``: a caseload, a population) takes
the value of the derived period's last month; a published rate, percentage, score or
forecast (``none``) is never rolled up. Proportions and rates then come out right by
construction: their numerators and denominators are rolled up separately, each by its own
rule, and divided afterwards by the engine. Snapshots (a position on a date, written
``2025-12-31``) are never rolled up. A derived period that the data already hold is left as
given (the data win).

Where the catalogue declares nothing, the data add two inferences to the catalogue's
(:func:`rules_for`): a denominator carried forward month to month (the same value in most
months: a population repeated each month) is a stock, and a proportion's numerator, summed
only by default, whose denominator is a stock is a stock too.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ascbench.catalogue.aggregation import BY_DEFAULT, Aggregation, aggregations
from ascbench.periods import MONTHS, canonical, parse_period

DERIVED = ("fq", "fytd", "fy", "term", "aytd", "ay", "rolling12")


def _month_index(periods: pd.Series) -> pd.Series:
    """Months since year 0 for month periods (else NaN), parsed once per distinct string."""
    index = {}
    for text in periods.unique():
        p = parse_period(text)
        index[text] = p.year * 12 + (p.part - 1) if p.kind == "month" else np.nan
    return periods.map(index)


def _text(kind: str, year: int, month: int) -> str | None:
    """The period string of a derived period ending in ``month`` of calendar ``year``."""
    fy = year if month >= 4 else year - 1
    fyt = f"{fy}-{(fy + 1) % 100:02d}"
    ay = year if month >= 9 else year - 1
    ayt = f"{ay}-{(ay + 1) % 100:02d}"
    quarter_end = month in (6, 9, 12, 3)
    term_end = {12: 1, 3: 2, 8: 3}.get(month)
    if kind == "fq" and quarter_end:
        return f"{fyt}-Q{((month - 4) % 12) // 3 + 1}"
    if kind == "fytd":
        return f"{fyt}-YTD-{MONTHS[month - 1]}"
    if kind == "fy" and month == 3:
        return fyt
    if kind == "term" and term_end:
        return f"AY{ayt}-T{term_end}"
    if kind == "aytd" and term_end:
        return f"AY{ayt}-YTD-T{term_end}"
    if kind == "ay" and month == 8:
        return f"AY{ayt}"
    if kind == "rolling12":
        return f"R12-{year}-{MONTHS[month - 1]}"
    return None


def _length(kind: str, month: int) -> int:
    """Months a derived period ending in ``month`` covers."""
    return {
        "fq": 3,
        "fytd": (month - 4) % 12 + 1,
        "fy": 12,
        "ay": 12,
        "rolling12": 12,
        "term": {12: 4, 3: 3, 8: 5}.get(month, 0),
        "aytd": (month - 9) % 12 + 1,
    }[kind]


def _monthly(observations):
    """The rows of month periods with a value, with ``_m`` (months since year 0), or None."""
    periods = pd.unique(observations["period"])
    months = [p for p in periods if isinstance(p, str) and re.match(r"^\d{4}-[A-Za-z]{3}$", p)]
    if not months:
        return None
    monthly = observations[observations["period"].isin(months) & observations["value"].notna()]
    if monthly.empty:
        return None
    return monthly.assign(_m=_month_index(monthly["period"]).astype(int))


def _month_pairs(monthly, measures):
    """Per measure of ``measures``: ``(share, change, pairs, level)``: the share of
    consecutive months of one area with the same value, the median relative change from one
    month to the next, the number of such pairs and the median monthly value."""
    rows = monthly[monthly["measure"].astype(str).isin(measures)][["measure", "area_code", "_m", "value"]]
    rows = rows.assign(measure=rows["measure"].astype(str), area_code=rows["area_code"].astype(str))
    rows = rows.sort_values(["measure", "area_code", "_m"])
    same_series = (rows["measure"] == rows["measure"].shift()) & (rows["area_code"] == rows["area_code"].shift())
    next_month = rows["_m"] == rows["_m"].shift() + 1
    previous = rows["value"].shift()
    pairs = rows.assign(
        equal=rows["value"] == previous, change=(rows["value"] - previous).abs() / previous.abs().where(previous != 0)
    )[same_series & next_month]
    by = pairs.groupby("measure")
    return pd.DataFrame(
        {
            "share": by["equal"].mean(),
            "change": by["change"].median(),
            "pairs": by.size(),
            "level": rows.groupby("measure")["value"].median(),
        }
    ).dropna(subset=["pairs"])


STEADY_SHARE, STEADY_LEVEL = 0.75, 50  # a flow of 50 or more events rarely repeats exactly


def _carried_forward(monthly, catalogue, rules: dict[str, Aggregation]) -> dict[str, Aggregation]:
    """A denominator summed by default whose monthly values mostly repeat (a population or a
    caseload carried forward each month: the same figure all year, a new one each April) is
    taken at the period's end: summing it would divide the numerators by 12 populations."""
    denominators = {m.denominator for m in getattr(catalogue, "metrics", []) if m.denominator}
    candidates = [m for m, a in rules.items() if a.rule == "sum" and not a.declared and m in denominators]
    if not candidates:
        return {}
    found = _month_pairs(monthly, candidates)
    steady = found[(found["share"] >= STEADY_SHARE) & (found["pairs"] >= 2) & (found["level"] >= STEADY_LEVEL)]
    return {
        m: Aggregation(
            "last",
            f"a denominator whose value repeats from one month to the next in {steady.loc[m, 'share']:.0%} of its "
            "months (a population or a stock carried forward)",
        )
        for m in steady.index
    }


def rules_for(observations, catalogue=None) -> dict[str, Aggregation]:
    """The roll-up rule of each measure that has monthly values (:func:`aggregations`; a
    denominator carried forward month to month is a stock, :func:`_carried_forward`)."""
    monthly = _monthly(observations)
    if monthly is None:
        return {}
    rules = aggregations(catalogue, sorted(str(m) for m in pd.unique(monthly["measure"])))
    rules = {**rules, **_carried_forward(monthly, catalogue, rules)}
    return {**rules, **_shares_of_stocks(catalogue, rules)}


def _shares_of_stocks(catalogue, rules: dict[str, Aggregation]) -> dict[str, Aggregation]:
    """A proportion's numerator is part of its denominator: where the denominator is a stock
    (taken at the period's end) and nothing but the default says the numerator is a flow, it
    is a stock too (people with a direct payment among those supported at the month's end),
    never months of it summed over one month's denominator."""
    out = {}
    for m in getattr(catalogue, "metrics", []):
        if m.statistic != "proportion" or not (m.numerator and m.denominator):
            continue
        num, den = rules.get(m.numerator), rules.get(m.denominator)
        if num and den and den.rule == "last" and num.rule == "sum" and num.why == BY_DEFAULT:
            out[m.numerator] = Aggregation(
                "last", f"the numerator of {m.id}, part of its denominator '{m.denominator}' (a position at a date)"
            )
    return out


SOURCE = {"sum": "the sum of its months", "last": "its last month's value (a stock)"}  # derived rows' source


def rollup_months(observations, rules: dict[str, Aggregation] | None = None):
    """Derived observations (same columns) from complete runs of monthly rows, each measure
    by its rule in ``rules`` (default: inferred from its name alone)."""

    monthly = _monthly(observations)
    if monthly is None:
        return observations.iloc[0:0]
    wide = monthly.pivot_table(index=["area_code", "measure"], columns="_m", values="value", aggfunc="first")
    names = wide.index.get_level_values(1).astype(str)
    measures = sorted(set(names))
    rules = {**aggregations(None, [m for m in measures if m not in (rules or {})]), **(rules or {})}
    rule = names.map({m: a.rule for m, a in rules.items()}).to_numpy()
    summed, last = rule == "sum", rule == "last"
    lo, hi = int(wide.columns.min()), int(wide.columns.max())
    wide = wide.reindex(columns=range(lo, hi + 1))
    values = wide.to_numpy(dtype="float64")
    present = ~np.isnan(values)
    csum = np.concatenate([np.zeros((len(wide), 1)), np.cumsum(np.nan_to_num(values), axis=1)], axis=1)
    ccount = np.concatenate([np.zeros((len(wide), 1)), np.cumsum(present, axis=1)], axis=1)
    parts = []
    for j, m_index in enumerate(range(lo, hi + 1)):
        year, month = divmod(m_index, 12)
        month += 1
        for kind in DERIVED:
            text = _text(kind, year, month)
            n = _length(kind, month)
            if text is None or n == 0 or j + 1 - n < 0:
                continue
            count = ccount[:, j + 1] - ccount[:, j + 1 - n]
            ok = (summed & (count == n)) | (last & present[:, j])
            if not ok.any():
                continue
            total = np.where(summed, csum[:, j + 1] - csum[:, j + 1 - n], values[:, j])
            parts.append(
                pd.DataFrame(
                    {
                        "area_code": wide.index.get_level_values(0)[ok],
                        "measure": wide.index.get_level_values(1)[ok],
                        "period": canonical(text),
                        "value": total[ok],
                        "source": np.where(summed[ok], SOURCE["sum"], SOURCE["last"]),
                    }
                )
            )
    if not parts:
        return observations.iloc[0:0]
    derived = pd.concat(parts, ignore_index=True).drop_duplicates(["area_code", "period", "measure"])
    derived = derived.assign(status="", note="", file="", line=0)
    key = ["area_code", "period", "measure"]
    given = observations[key].drop_duplicates()
    derived = derived.merge(given, on=key, how="left", indicator=True)
    derived = derived[derived["_merge"] == "left_only"].drop(columns="_merge")
    return derived[observations.columns.intersection(derived.columns)]


def with_rollups(observations, rules: dict[str, Aggregation] | None = None):
    """``observations`` plus every roll-up its monthly rows allow, by ``rules``."""
    derived = rollup_months(observations, rules)
    if derived.empty:
        return observations
    return pd.concat([observations, derived], ignore_index=True)


RULE_WORDS = {
    "sum": "summed over the months of each quarter and year",
    "last": "taken at the last month of each quarter and year",
    "none": "not rolled up: each month stands alone",
}


def describe(observations, catalogue=None) -> tuple[list[str], list[str]]:
    """``(notes, warnings)`` about the roll-ups of the given (not derived) monthly rows: a note
    per measure naming its rule and why, and a warning for a measure summed by default whose
    monthly values mostly repeat from one month to the next, or move by less than 1% a month
    (a stock or a population carried forward each month, which summing would multiply)."""
    given = observations[observations["file"].astype(str) != ""] if "file" in observations.columns else observations
    monthly = _monthly(given)
    if monthly is None:
        return [], []
    rules = rules_for(given, catalogue)
    notes = [f"measure '{m}': {RULE_WORDS[a.rule]} ({a.why})" for m, a in rules.items()]
    warnings = []
    default_sum = [m for m, a in rules.items() if a.rule == "sum" and not a.declared]
    if default_sum:
        found = _month_pairs(monthly, default_sum)
        found = found[(found["pairs"] >= 2) & (found["level"] >= STEADY_LEVEL)]
        for measure, r in found.iterrows():
            if r["share"] >= STEADY_SHARE:
                seen = f"has the same value from one month to the next in {r['share']:.0%} of its months"
            elif r["pairs"] >= 3 and r["change"] < 0.01:
                seen = f"moves by {r['change']:.1%} a month (the median change)"
            else:
                continue
            warnings.append(
                f"measure '{measure}' {seen}: a stock or a population repeated each month? It is summed over "
                f"months (a count of events); declare 'measures: {{{measure}: {{aggregation: last}}}}' in the "
                "catalogue if it is a position at a date"
            )
    return notes, warnings
