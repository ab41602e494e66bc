"""The gap to a target, for the metrics and areas of a :class:`~ascbench.engine.report.Report`.

For each metric, area and target (``ascbench gap --to``): how many more people or events in
the numerator - fewer for a low-is-good metric - at the same denominator would reach the
target, found exactly in whole numbers (:func:`ascbench.stats.gap_to_target`); the rank and
quartile the value at the target would have among the comparison group's councils
(recomputed by :func:`ascbench.engine.position.positions`, with the area's value moved and
everyone else's as they are); and whether the value now, and at the target, differs
significantly from England's (Wilson or Poisson intervals, as the dashboard compares).

Targets (:func:`parse_target`):

* ``england``: the national area's value in the latest period up to the area's;
* ``comparator``: the dashboard's deciding comparator (a peer average, a milestone, ...);
* ``value:X``: a value, in the metric's units;
* ``group-median`` / ``neighbour-median``: the median of the comparison group (``--group``)
  or of the nearest neighbours, as the dashboard prints it;
* ``top-quartile``: the best quartile of the group (quartile 1: quartiles run by performance,
  as ranks do), with the area's own value moving the quartile bounds as it moves;
* ``rank:N``: rank N or better in the group.

The gap is taken from the area's value in the period the target belongs to: the dashboard's
current period for ``england``, ``comparator`` and ``value``; the group's benchmark period
(``rank_period``) for the league targets, so a council is placed among values of the same
year. A value published without counts (a survey estimate) has a gap in its own units only,
and the row says why no count can be given; counts published rounded to 5 give an
approximate number, and the row says so. Methods: docs/methods.md, "The gap to a target".
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ascbench import stats
from ascbench.engine.membership import is_neighbour_group
from ascbench.engine.position import positions
from ascbench.errors import AscbenchError
from ascbench.keys import decategorised
from ascbench.periods import parse_period, period_frame

TARGET_HELP = "england, comparator, group-median, neighbour-median, top-quartile, rank:N or value:X"
LEAGUE_KINDS = ("group-median", "neighbour-median", "top-quartile", "rank")
ALIASES = {
    "england": "england",
    "national": "england",
    "comparator": "comparator",
    "group-median": "group-median",
    "median": "group-median",
    "neighbour-median": "neighbour-median",
    "neighbor-median": "neighbour-median",
    "neighbours-median": "neighbour-median",
    "top-quartile": "top-quartile",
}
ROUNDING = 5  # counts published rounded to the nearest 5 (engine.values.ROUNDING)

GAP_COLUMNS = [
    "metric_id",
    "code",
    "title",
    "area_code",
    "area_name",
    "target",
    "target_label",
    "target_period",
    "target_value",
    "period",
    "period_label",
    "statistic",
    "polarity",
    "unit",
    "decimals",
    "scale",
    "numerator",
    "denominator",
    "value",
    "value_basis",
    "counts",
    "value_gap",
    "target_numerator",
    "change",
    "needed",
    "met",
    "reachable",
    "value_at_target",
    "group",
    "rank",
    "rank_of",
    "quartile",
    "rank_at_target",
    "quartile_at_target",
    "england_value",
    "significance_now",
    "significance_at_target",
    "note",
]


@dataclass(frozen=True)
class Target:
    """A target as asked for: ``kind`` (``england``, ``comparator``, ``value``,
    ``group-median``, ``neighbour-median``, ``top-quartile``, ``rank``), the rank or value
    of ``rank:N`` / ``value:X``, and the ``text`` given."""

    kind: str
    number: float | None = None
    text: str = ""

    @property
    def league(self) -> bool:
        """A target read from a comparison group's league table."""
        return self.kind in LEAGUE_KINDS


def parse_target(text: str) -> Target:
    """``england``, ``comparator``, ``group-median``, ``neighbour-median``, ``top-quartile``,
    ``rank:N`` (N a whole number from 1) or ``value:X`` (a number in the metric's units).

    >>> parse_target("rank:10")
    Target(kind='rank', number=10.0, text='rank:10')
    """
    given = str(text).strip()
    word = given.lower()
    if word in ALIASES:
        return Target(ALIASES[word], None, given)
    match = re.fullmatch(r"(rank|value):\s*([-+]?\d+(?:\.\d+)?)", word)
    if match:
        kind, number = match.group(1), float(match.group(2))
        if kind == "rank" and (number < 1 or number != int(number)):
            raise AscbenchError(f"rank {match.group(2)} is not a rank", field="to", expected="rank:N with N 1 or more")
        return Target(kind, number, given)
    raise AscbenchError(f"'{given}' is not a target", field="to", expected=TARGET_HELP)


def gaps(report, targets, metric_ids=None, areas=None, reach: str = "value") -> pd.DataFrame:
    """One row per metric, area and target (:data:`GAP_COLUMNS`), in the results' order then
    the targets' order. ``targets``: :class:`Target` objects or their texts; ``metric_ids``
    and ``areas`` narrow the report's rows; ``reach``: ``value`` (the value itself reaches
    the target) or ``displayed`` (the value as printed, rounded to the metric's decimals,
    does: :func:`ascbench.stats.gap_to_target`)."""
    targets = [t if isinstance(t, Target) else parse_target(t) for t in targets]
    results = decategorised(report.results)
    if metric_ids:
        results = results[results["metric_id"].isin(list(metric_ids))]
    if areas:
        results = results[results["area_code"].isin(list(areas))]
    if results.empty or not targets:
        return pd.DataFrame(columns=GAP_COLUMNS)
    results = results.reset_index(drop=True)
    frames = [_one_target(report, results, target, reach) for target in targets]
    out = pd.concat(frames, keys=range(len(frames)), names=["t", "i"]).reset_index()
    out = out.sort_values(["i", "t"], kind="stable").reset_index(drop=True)
    return out[GAP_COLUMNS]


# ------------------------------------------------------------------ one target for every row
def _context(report, target: Target):
    """The comparison group a league target reads: the run's group, or the nearest
    neighbours for ``neighbour-median`` (the run's group when that is ``neighbours``)."""
    if target.kind == "neighbour-median":
        if report.neighbours is not None:
            return report.neighbours
        if report.group is not None and report.group.name == "neighbours":
            return report.group
        return None
    return report.group


def _one_target(report, results, target: Target, reach: str) -> pd.DataFrame:
    rows = results[
        ["metric_id", "code", "title", "area_code", "area_name", "statistic", "polarity", "unit", "decimals", "scale"]
    ].copy()
    rows["target"] = target.text
    meta = report.metrics.drop_duplicates("metric_id").set_index("metric_id")
    rows["multiplier"] = rows["metric_id"].map(meta["multiplier"]).astype("float64")
    context = _context(report, target) if target.league else report.group
    notes = pd.Series("", index=rows.index, dtype=object)

    # the period the gap is taken in, and the area's group there
    where = _benchmark(context, rows)
    if target.league:
        rows["period"] = where["period"]
        rows["group"] = where["group"]
        missing = rows["period"].isna()
        notes[missing] = (
            "not ranked: no group of councils with values for this metric"
            if context is not None
            else ("no nearest neighbours in the data" if target.kind == "neighbour-median" else "no comparison group")
        )
    else:
        rows["period"] = results["period"]
        same = where["period"].notna() & (where["period"] == rows["period"])
        rows["group"] = where["group"].where(same)

    base = _base_values(report, rows)
    rows = pd.concat([rows, base], axis=1)
    rows["period_label"] = rows["period"].map(_label)
    rows["england_value"], _ = _national(report, rows)
    value, label, period = _target_values(report, results, rows, target, context)
    rows["target_value"], rows["target_label"], rows["target_period"] = value, label, period
    rows["value_gap"] = rows["target_value"] - rows["value"]

    no_value = rows["value"].isna() & (notes == "")
    notes[no_value] = "no value for " + rows["period_label"].fillna("this period").astype(str)
    no_target = rows["value"].notna() & rows["target_value"].isna() & (notes == "")
    notes[no_target] = _no_target_words(target)
    rows = _solve(rows, target, reach, notes, context)
    rows = _positions_at_target(report, rows, context if target.league else report.group)
    rows["note"] = notes
    return rows


def _label(period) -> str:
    return parse_period(str(period)).label if isinstance(period, str) and period else ""


def _benchmark(context, rows) -> pd.DataFrame:
    """Each row's benchmark period and group in ``context`` (NaN where none)."""
    if context is None or context.periods.empty:
        return pd.DataFrame({"period": np.nan, "group": np.nan}, index=rows.index, dtype=object)
    periods = decategorised(context.periods).astype({"metric_id": str, "area_code": str})
    found = rows[["metric_id", "area_code"]].merge(periods, on=["metric_id", "area_code"], how="left")
    found.index = rows.index
    return found[["period", "group"]].astype(object)


def _base_values(report, rows) -> pd.DataFrame:
    """The area's numerator, denominator, value, basis, status and interval in each row's
    period (from the report's values)."""
    columns = ["numerator", "denominator", "value", "value_basis", "status", "lower95", "upper95"]
    values = decategorised(report.values)
    values = values[values["metric_id"].isin(rows["metric_id"].unique())]
    found = rows[["metric_id", "area_code", "period"]].merge(
        values[["metric_id", "area_code", "period", *columns]], on=["metric_id", "area_code", "period"], how="left"
    )
    found.index = rows.index
    found["counts"] = _counts_kind(found, rows)
    return found[[*columns, "counts"]]


def _counts_kind(found, rows) -> pd.Series:
    """``exact``, ``rounded`` (published rounded to 5) or ``none`` (no counts to change)."""
    statistic = rows["statistic"]
    has = found["numerator"].notna() & (found["denominator"].gt(0) | statistic.eq("count"))
    has &= statistic.isin(["proportion", "rate", "count"])
    rounded = found["status"].fillna("").eq("rounded")
    return pd.Series(np.where(has, np.where(rounded, "rounded", "exact"), "none"), index=rows.index)


def _national(report, rows):
    """England's value for each row's metric: in the latest period, up to the row's, that
    has one; and that period."""
    empty = pd.Series(np.nan, index=rows.index)
    if not report.national:
        return empty, pd.Series(None, index=rows.index, dtype=object)
    values = decategorised(report.values)
    nat = values[(values["area_code"] == report.national) & values["value"].notna()][["metric_id", "period", "value"]]
    nat = nat[nat["metric_id"].isin(rows["metric_id"].unique())]
    if nat.empty:
        return empty, pd.Series(None, index=rows.index, dtype=object)
    ends = period_frame(pd.concat([nat["period"], rows["period"].dropna()])).set_index("period")["end"]
    pairs = rows[["metric_id", "period"]].reset_index().merge(nat, on="metric_id", suffixes=("", "_nat"))
    pairs = pairs[pairs["period"].notna()]
    pairs = pairs[pairs["period_nat"].map(ends).to_numpy() <= pairs["period"].map(ends).to_numpy()]
    pairs = (
        pairs.assign(end=pairs["period_nat"].map(ends))
        .sort_values(["index", "end"])
        .drop_duplicates("index", keep="last")
    )
    pairs = pairs.set_index("index")
    return pairs["value"].reindex(rows.index), pairs["period_nat"].reindex(rows.index)


def _league_rows(context, rows) -> pd.DataFrame:
    """The league of each row's metric, period and group, one line per (row, member)."""
    league = decategorised(context.league).astype({"metric_id": str, "area_code": str, "period": str, "group": str})
    keyed = rows[["metric_id", "period", "group", "area_code"]].dropna().reset_index()
    return keyed.merge(
        league[["metric_id", "period", "group", "area_code", "value", "group_median", "rank", "rank_of", "quartile"]],
        on=["metric_id", "period", "group"],
        suffixes=("", "_member"),
    )


def _target_values(report, results, rows, target: Target, context):
    """(value, label, period) of the target for each row."""
    nan = pd.Series(np.nan, index=rows.index)
    none = pd.Series(None, index=rows.index, dtype=object)
    number = float(target.number) if target.number is not None else math.nan
    if target.kind == "value":
        return pd.Series(number, index=rows.index), pd.Series("the target value", index=rows.index), none
    if target.kind == "england":
        value, period = _national(report, rows)
        name = report.area_names.get(report.national, report.national or "England")
        label = period.map(lambda p: f"{name} {_short(p)}" if isinstance(p, str) else "")
        return value, label, period
    if target.kind == "comparator":
        value = results["comparator_value"].astype("float64")
        label = results["comparator"].fillna("").astype(str)
        return value.where(results["comparator_type"] != "band"), label, results["comparator_period"].astype(object)
    if context is None:
        return nan, pd.Series("", index=rows.index), none
    members = _league_rows(context, rows)
    described = rows["group"].map(lambda g: _group_words(g)) if "group" in rows else none
    when = rows["period"].map(lambda p: _short(p) if isinstance(p, str) else "")
    if target.kind in ("group-median", "neighbour-median"):
        own = members[members["area_code"] == members["area_code_member"]].set_index("index")
        value = own["group_median"].reindex(rows.index)
        label = "the median of " + described.astype(str) + " " + when
        return value, label, rows["period"].astype(object)
    # rank:N and top-quartile: a threshold among the other members' values
    others = members[members["area_code"] != members["area_code_member"]].sort_values(["index", "value"])
    others = others.assign(at=others.groupby("index").cumcount())
    m = others.groupby("index").size().reindex(rows.index).fillna(0).astype(int)
    high = rows["polarity"] == "high"
    n = int(number) if target.kind == "rank" else 0
    if target.kind == "rank":
        # rank <= N: at least the N-th best of the others (ties share the best rank)
        where = np.where(high, m - n, n - 1)
        label = f"rank {n} among " + described.astype(str) + " " + when
    else:
        lo = np.floor(m * 0.75).astype(int)  # type-7 upper quartile of the others and the area
        where = np.where(high, lo, m - 1 - lo)
        label = "the top quartile of " + described.astype(str) + " " + when
    position = pd.Series(where, index=rows.index)
    valid = (position >= 0) & (position < m)
    pick = others.merge(position.rename("at").reset_index(), on=["index", "at"]).set_index("index")["value"]
    value = pick.reindex(rows.index).where(valid)
    if target.kind == "rank":
        value = value.where(m >= n, rows["value"])  # N beyond the group: any value ranks
    if target.kind == "top-quartile":
        value = value.where(m + 1 >= 4)  # quartiles need four councils
    return value, label, rows["period"].astype(object)


def _short(period) -> str:
    return parse_period(str(period)).short if isinstance(period, str) and period else ""


def _group_words(group) -> str:
    if not isinstance(group, str) or not group:
        return "the group"
    if group == "all":
        return "all councils"
    if is_neighbour_group(group):
        return "the nearest neighbours"
    if ":" in group:
        kind, name = group.split(":", 1)
        return f"the councils of {kind} {name}"
    return f"group {group}"


def _no_target_words(target: Target) -> str:
    return {
        "england": "no England value for this metric up to this period",
        "comparator": "no comparator value (a band, or none resolved)",
        "group-median": "no group median",
        "neighbour-median": "no median of nearest neighbours",
        "top-quartile": "fewer than four councils ranked: no quartiles",
        "rank": "no league table",
    }.get(target.kind, "no target value")


# ------------------------------------------------------------------ the whole numbers
def _solve(rows, target: Target, reach: str, notes, context) -> pd.DataFrame:
    """The target numerator, change and needed of each row that has counts and a target."""
    for column in ("target_numerator", "change", "needed"):
        rows[column] = pd.array([pd.NA] * len(rows), dtype="Int64")
    rows["met"] = pd.array([pd.NA] * len(rows), dtype="boolean")
    rows["reachable"] = pd.array([pd.NA] * len(rows), dtype="boolean")
    rows["value_at_target"] = np.nan
    rows["significance_now"] = ""
    rows["significance_at_target"] = ""
    directed = rows["polarity"].isin(["high", "low"])
    pending = (notes == "") & rows["value"].notna() & rows["target_value"].notna()
    undirected = pending & ~directed
    notes[undirected] = "the metric has no better direction (polarity " + rows["polarity"].astype(str) + "): no gap"
    pending &= directed
    # met already, in the value's own terms
    better = np.where(
        rows["polarity"] == "high", rows["value"] >= rows["target_value"], rows["value"] <= rows["target_value"]
    )
    if target.kind == "top-quartile":
        better = np.where(
            rows["polarity"] == "high", rows["value"] > rows["target_value"], rows["value"] <= rows["target_value"]
        )
    rows.loc[pending, "met"] = better[pending.to_numpy()]
    rows.loc[pending, "significance_now"] = stats.compare(
        rows.loc[pending, "value"],
        rows.loc[pending, "lower95"],
        rows.loc[pending, "upper95"],
        rows.loc[pending, "england_value"],
        rows.loc[pending, "polarity"].to_numpy(dtype=object),
    )
    counted = pending & (rows["counts"] != "none")
    no_counts = pending & (rows["counts"] == "none")
    notes[no_counts] = (
        "the value is published without its counts (a survey estimate or a published figure): "
        "the gap is in its own units only"
    )
    over = counted & (rows["statistic"] == "proportion") & (rows["numerator"] > rows["denominator"])
    notes[over] = "the numerator is above the denominator as published: no gap in whole numbers"
    fractional = counted & (rows["numerator"] != np.round(rows["numerator"]))
    notes[fractional & ~over] = "the count is not a whole number: the gap is in its own units only"
    counted &= ~over & ~fractional
    for (statistic, multiplier), part in rows[counted].groupby(["statistic", "multiplier"], sort=False):
        solved = _solve_part(part, statistic, float(multiplier), target, reach)
        for column in solved.columns:
            rows.loc[part.index, column] = solved[column].to_numpy()
    unreachable = counted & rows["reachable"].eq(False).fillna(False)
    notes[unreachable] = "no whole number within the denominator reaches it"
    approximate = counted & (rows["counts"] == "rounded") & (notes == "")
    notes[approximate] = (
        f"the counts are rounded to the nearest {ROUNDING} (as published, or for publication): the numbers are approximate"
    )
    return rows


def _solve_part(part, statistic: str, multiplier: float, target: Target, reach: str) -> pd.DataFrame:
    """Rows of one statistic and multiplier: :func:`ascbench.stats.gap_to_target` exactly,
    then for a league target the boundary as the engine's ranks see it (in floating point,
    as values are compared there)."""
    x = part["numerator"].to_numpy(dtype="float64")
    n = part["denominator"].to_numpy(dtype="float64")
    t = part["target_value"].to_numpy(dtype="float64")
    polarity = part["polarity"].to_numpy(dtype=object)
    decimals = int(part["decimals"].iloc[0]) if part["decimals"].nunique() == 1 else 1
    scaled = t / multiplier if statistic == "count" and multiplier != 1 else t
    gap = stats.gap_to_target(
        x,
        None if statistic == "count" else n,
        scaled,
        statistic=statistic,
        multiplier=multiplier,
        polarity=polarity,
        reach=reach,
        decimals=min(max(decimals, 0), 9),
    )
    k = gap["target_numerator"].to_numpy(dtype="float64", na_value=np.nan)
    reachable = gap["reachable"].to_numpy(dtype=bool)
    top = n if statistic == "proportion" else np.full(len(x), np.inf)
    high = polarity == "high"
    if target.league:
        strict = high & (target.kind == "top-quartile")
        k, reachable = _settle(k, reachable, x, n, t, multiplier, statistic, high, strict, top)
    value_at = _value_of(k, n, multiplier, statistic)
    change = k - x
    needed = np.where(reachable, np.where(high, np.maximum(change, 0), np.maximum(-change, 0)), np.nan)
    met = reachable & np.where(high, x >= k, x <= k)
    england = part["england_value"].to_numpy(dtype="float64")
    at = _significance(k, n, multiplier, statistic, polarity, england)
    return pd.DataFrame(
        {
            "target_numerator": pd.array(np.where(reachable, k, np.nan), dtype="Int64"),
            "change": pd.array(np.where(reachable, change, np.nan), dtype="Int64"),
            "needed": pd.array(needed, dtype="Int64"),
            "met": pd.array(met, dtype="boolean"),
            "reachable": pd.array(reachable, dtype="boolean"),
            "value_at_target": np.where(reachable, value_at, np.nan),
            "significance_at_target": np.where(reachable, at, ""),
        }
    )


def _value_of(k, n, multiplier: float, statistic: str):
    """The value of ``k`` as the engine computes one (engine.values): k / n × multiplier."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return k * multiplier if statistic == "count" else k / n * multiplier


def _settle(k, reachable, x, n, t, multiplier, statistic, high, strict, top):
    """The boundary numerator for a threshold that is another council's value: the fewest
    (high-is-good) or most (low-is-good) whole numbers whose value, computed as the engine
    computes values, is at or beyond ``t`` (beyond it where ``strict``), looking one either
    side of the exact answer (a threshold that is itself a ratio of counts can sit a
    rounding error from the exact decimal)."""
    base = np.where(np.isnan(k), np.where(high, top, 0.0), k)
    best = np.full(len(k), np.nan)
    for delta in (-2, -1, 0, 1, 2):
        cand = base + delta
        inside = (cand >= 0) & (cand <= top)
        v = _value_of(cand, n, multiplier, statistic)
        ok = inside & np.where(high, np.where(strict, v > t, v >= t), v <= t)
        take = ok & np.where(high, np.isnan(best) | (cand < best), np.isnan(best) | (cand > best))
        best = np.where(take, cand, best)
    return best, ~np.isnan(best) & ~np.isnan(t)


def _significance(k, n, multiplier, statistic, polarity, england):
    """The value at ``k`` against England's value, with its 95% interval (Wilson for a
    proportion, Poisson for a rate or count), in words; "" where no comparison is possible."""
    ok = ~np.isnan(k) & ~np.isnan(england)
    out = np.full(len(k), "", dtype=object)
    if not ok.any():
        return out
    kk = k[ok]
    if statistic == "proportion":
        lo, up = stats.wilson_limits(kk, n[ok], 0.95)
        lo, up = lo * multiplier, up * multiplier
    else:
        lo, up = stats.poisson_limits(kk, 0.95)
        per = multiplier if statistic == "count" else multiplier / n[ok]
        lo, up = lo * per, up * per
    value = _value_of(kk, n[ok], multiplier, statistic)
    out[ok] = stats.compare(value, lo, up, england[ok], polarity[ok])
    return out


# ------------------------------------------------------------------ rank and quartile at the target
def _positions_at_target(report, rows, context) -> pd.DataFrame:
    """The area's rank and quartile now and with its value at the target, in its group and
    benchmark period (each row placed in a league of its own, everyone else's value as it
    is: :func:`ascbench.engine.position.positions`)."""
    for column in ("rank", "rank_of", "quartile", "rank_at_target", "quartile_at_target"):
        rows[column] = np.nan
    if context is None:
        return rows
    ranked = rows["group"].notna() & rows["period"].notna()
    if not ranked.any():
        return rows
    members = _league_rows(context, rows[ranked])
    own = members[members["area_code"] == members["area_code_member"]].set_index("index")
    for column in ("rank", "rank_of", "quartile"):
        rows.loc[own.index, column] = own[column]
    moving = rows["value_at_target"].notna() & ranked
    if not moving.any():
        return rows
    members = members[members["index"].isin(rows.index[moving])]
    values = decategorised(report.values)
    basis = values[["metric_id", "area_code", "period", "numerator", "denominator", "value_basis"]]
    scenario = members.merge(
        basis.rename(columns={"area_code": "area_code_member"}),
        on=["metric_id", "period", "area_code_member"],
        how="left",
    )
    at_target = scenario["index"].map(rows["value_at_target"])
    mine = scenario["area_code"] == scenario["area_code_member"]
    scenario["value"] = np.where(mine, at_target, scenario["value"])
    scenario["period"] = "gap" + scenario["index"].astype(str)  # one league per row
    frame = scenario[["metric_id", "area_code_member", "period", "value", "numerator", "denominator", "value_basis"]]
    frame = frame.rename(columns={"area_code_member": "area_code"})
    group_members = decategorised(context.members).astype({"group": str, "area_code": str, "period": str})
    keyed = rows.loc[moving, ["period", "group"]].reset_index()
    who = keyed.merge(group_members, on=["group", "period"], suffixes=("_row", ""))
    who = who.assign(period="gap" + who["index"].astype(str))[["group", "area_code", "period"]]
    placed = positions(frame, report.metrics, who)
    placed = decategorised(placed)
    placed = placed.assign(index=placed["period"].str[3:].astype(int))
    mine = placed.merge(rows.loc[moving, ["area_code"]].reset_index(), on=["index", "area_code"])
    mine = mine.set_index("index")
    rows.loc[mine.index, "rank_at_target"] = mine["rank"]
    rows.loc[mine.index, "quartile_at_target"] = mine["quartile"]
    return rows
