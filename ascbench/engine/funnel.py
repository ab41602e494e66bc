"""The comparison group's funnel (``rating: {method: funnel95 | funnel998}``): which members
and which pooled average a funnel rating uses. The rating itself is
:func:`ascbench.engine.rating.rate_by_funnel`.

Funnel: the council's value against PHE's funnel limits around the pooled average of the
group's councils (Σ numerators / Σ denominators over the members with both counts, in the
metric's benchmark period), at the council's own denominator
(:func:`ascbench.stats.funnel_significance`). ``funnel95``: outside the 95% limits is
better or worse by polarity; ``funnel998``: only outside the 99.8% limits. Proportions use
Wilson limits, rates exact Poisson limits (crude rates, with the population supplied).
"""

from __future__ import annotations

from typing import Any

from ascbench import stats
from ascbench.errors import AscbenchError

FUNNEL_METHODS = {
    "funnel95": ("High (0.025)", "High (0.001)", "Low (0.025)", "Low (0.001)"),
    "funnel998": ("High (0.001)", "Low (0.001)"),
}
FUNNEL_STATISTICS = ("proportion", "rate")  # the statistics a funnel rating can judge


def funnel_pool(values, metrics, context):
    """The members with counts of each funnel metric's group in each benchmark period of the
    comparison group (``context``, :class:`ascbench.engine.ranking.GroupContext`), with the
    pooled average (``average``, a proportion of 1 or a rate per head) of each group, metric
    and period: ``group, metric_id, period, area_code, numerator, denominator, average``."""
    ids = metrics.loc[metrics["rating_method"].isin(list(FUNNEL_METHODS)), "metric_id"]
    keys = ["group", "metric_id", "period"]
    wanted = context.periods[keys].drop_duplicates()
    wanted = wanted[wanted["metric_id"].isin(ids)]
    pool = values[values["metric_id"].isin(ids)][["metric_id", "area_code", "period", "numerator", "denominator"]]
    pool = pool.astype({"metric_id": str, "area_code": str, "period": str}).merge(wanted, on=["metric_id", "period"])
    pool = pool.merge(context.members[["group", "area_code", "period"]], on=["group", "area_code", "period"])
    pool = pool[pool["numerator"].notna() & (pool["denominator"] > 0)]
    sums = pool.groupby(keys)[["numerator", "denominator"]].sum()
    average = (sums["numerator"] / sums["denominator"]).rename("average").reset_index()
    return pool.merge(average, on=keys)


def funnel_points(table, statistic: str, multiplier: float):
    """The points (``area_code, area_name, numerator, denominator, value, significance``) of
    the members with counts, and the funnel lines (:func:`ascbench.stats.funnel_limits`), from a
    league table with counts; ``(None, None)`` for fewer than three members with counts or
    another statistic."""
    t = table[table["numerator"].notna() & (table["denominator"] > 0)].sort_values(["denominator", "area_code"])
    if len(t) < 3 or statistic not in ("proportion", "rate"):
        return None, None
    num, den = t["numerator"].to_numpy(dtype="float64"), t["denominator"].to_numpy(dtype="float64")
    kw: dict[str, Any] = {"statistic": statistic, "multiplier": multiplier}
    if statistic == "rate":
        kw.update(rate=num / den * multiplier, rate_type="crude")
    try:
        lines = stats.funnel_limits(num, den, **kw)
        points = t.assign(significance=stats.funnel_significance(num, den, **kw), value=num / den * multiplier)
    except stats.StatsError as exc:  # the data's counts are at fault (a numerator above its denominator)
        raise AscbenchError.from_stats(exc) from None
    if statistic == "rate":  # the x axis is the population, as the proportion's is
        av = lines["baseline"].iloc[0] / multiplier
        lines = lines.assign(Population=lines["Events"] / av)
    return points, lines
