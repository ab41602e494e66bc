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

FUNNEL_METHODS = {
    "funnel95": ("High (0.025)", "High (0.001)", "Low (0.025)", "Low (0.001)"),
    "funnel998": ("High (0.001)", "Low (0.001)"),
}
FUNNEL_STATISTICS = ("proportion", "rate")  # the statistics a funnel rating can judge


def funnel_pool(values, metrics, periods, members):
    """The group's members with counts in each funnel metric's benchmark period, with the
    pooled average (``average``, a proportion of 1 or a rate per head) of each metric."""
    ids = metrics.loc[metrics["rating_method"].isin(list(FUNNEL_METHODS)), "metric_id"]
    pool = values[values["metric_id"].isin(ids) & values["area_code"].isin(members["area_code"])]
    pool = pool.merge(periods, on=["metric_id", "period"])
    pool = pool[pool["numerator"].notna() & (pool["denominator"] > 0)]
    sums = pool.groupby("metric_id", observed=True)[["numerator", "denominator"]].sum()
    average = (sums["numerator"] / sums["denominator"]).rename("average")
    return pool.merge(average, left_on="metric_id", right_index=True)
