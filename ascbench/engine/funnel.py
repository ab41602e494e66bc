"""Ratings that need no comparator row: the funnel plot of the comparison group
(``rating: {method: funnel95 | funnel998}``) and the directional range target
(``rating: {method: range_target}`` with ``range_target: [low, high]``).

Funnel: the council's value against PHE's funnel limits around the pooled average of the
group's councils (Σ numerators / Σ denominators over the members with both counts, in the
metric's benchmark period), at the council's own denominator
(:func:`ascbench.stats.funnel_significance`). ``funnel95``: outside the 95% limits is
better or worse by polarity; ``funnel998``: only outside the 99.8% limits. Proportions use
Wilson limits, rates exact Poisson limits (crude rates, with the population supplied).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ascbench import stats
from ascbench.engine.rules import RAG, RATING_WORDS, direction_code, words

FUNNEL_METHODS = {"funnel95": ("High (0.025)", "High (0.001)", "Low (0.025)", "Low (0.001)"),
                  "funnel998": ("High (0.001)", "Low (0.001)")}
FUNNEL_STATISTICS = {"proportion": "proportion", "rate": "rate"}


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


def rate_by_funnel(current, values, metrics, periods, members):
    """Rate the current rows of funnel-rated metrics on the group's funnel (module docstring).
    ``periods``: each metric's benchmark period (``metric_id, period``); ``members``: the
    group. Adds ``funnel`` (PHE's label), ``funnel_average`` and ``funnel_of``."""
    if current.empty or not metrics["rating_method"].isin(list(FUNNEL_METHODS)).any():
        return current
    pool = funnel_pool(values, metrics, periods, members)
    if pool.empty:
        return current
    meta = metrics.set_index("metric_id")
    focus = current["area_code"].iloc[0]
    mine = pool[pool["area_code"] == focus]
    mine = mine.assign(statistic=mine["metric_id"].map(meta["statistic"]))
    mine = mine[mine["statistic"].isin(list(FUNNEL_STATISTICS))]
    if mine.empty:
        return current
    label = pd.Series("", index=mine.index, dtype=object)
    for statistic in mine["statistic"].unique():  # one call per kind of statistic, not per row
        rows = mine["statistic"] == statistic
        sub = mine[rows]
        multiplier = sub["metric_id"].map(meta["multiplier"]).to_numpy(dtype="float64")
        kw = {"statistic": FUNNEL_STATISTICS[statistic], "average": sub["average"].to_numpy()}
        if statistic == "rate":
            kw.update(rate=sub["numerator"].to_numpy() / sub["denominator"].to_numpy() * multiplier,
                      rate_type="crude", multiplier=multiplier)
        label[rows] = stats.funnel_significance(sub["numerator"], sub["denominator"], **kw)
    members_with_counts = pool.groupby("metric_id", observed=True).size()
    found = pd.DataFrame({"metric_id": mine["metric_id"].astype(str), "funnel": label.to_numpy(),
                          "funnel_average": mine["average"].to_numpy(), "funnel_period": mine["period"].astype(str),
                          "funnel_of": mine["metric_id"].map(members_with_counts).to_numpy()})
    out = current.merge(found, on="metric_id", how="left")
    method = out["metric_id"].map(meta["rating_method"])
    rows = method.isin(list(FUNNEL_METHODS)) & out["funnel"].notna()
    if not rows.any():
        return out
    sub = out[rows]
    significant = np.where(method[rows] == "funnel998", sub["funnel"].isin(FUNNEL_METHODS["funnel998"]),
                           sub["funnel"].isin(FUNNEL_METHODS["funnel95"]))
    side = np.where(significant, np.where(sub["funnel"].str.startswith("High"), 1.0, -1.0), 0.0)
    codes = direction_code(side, sub["metric_id"].map(meta["polarity"]).to_numpy(dtype=object))
    out.loc[rows, "rating"] = words(codes, RATING_WORDS, "not compared")
    out.loc[rows, "rag"] = words(codes, RAG, "grey")
    out.loc[rows & (out["metric_id"].map(meta["polarity"]) == "none"), "rag"] = "blue"
    out.loc[rows, "method"] = method[rows]
    out.loc[rows, "confidence"] = np.where(method[rows] == "funnel95", 0.95, 0.998)
    scale = sub["metric_id"].map(meta["multiplier"]).astype("float64")
    unit = sub["metric_id"].map(meta["unit"]).fillna("")
    out.loc[rows, "comparator"] = ("funnel of " + sub["funnel_of"].astype(int).astype(str) + " councils, average "
                                   + (sub["funnel_average"] * scale).map("{:.1f}".format)
                                   + unit.where(unit == "%", " " + unit))
    out.loc[rows, "comparator_type"] = "funnel"
    out.loc[rows, "rating_rule"] = np.where(
        method[rows] == "funnel95",
        "funnel plot (PHE): outside the 95% limits around the group's pooled average is better or worse",
        "funnel plot (PHE): outside the 99.8% limits around the group's pooled average is better or worse")
    return out


def rate_against_range_target(current, metrics):
    """Metrics rated ``method: range_target``: Fingertips' directional range goal
    (:func:`ascbench.stats.judge_range_target`): for high-is-good, at or above the upper
    bound is better, below the lower worse, between similar; mirrored for low-is-good."""
    meta = metrics.set_index("metric_id")
    method = current["metric_id"].map(meta["rating_method"])
    rows = (method == "range_target") & current["value"].notna()
    if not rows.any():
        return current
    cur = current.copy()
    sub = cur[rows]
    low = sub["metric_id"].map(meta["range_target_low"]).astype("float64")
    high = sub["metric_id"].map(meta["range_target_high"]).astype("float64")
    polarity = sub["metric_id"].map(meta["polarity"]).to_numpy(dtype=object)
    codes = stats.judge_range_target(sub["value"].astype("float64"), low, high, polarity)
    cur.loc[rows, "rating"] = words(codes, RATING_WORDS, "not compared")
    cur.loc[rows, "rag"] = words(codes, RAG, "grey")
    cur.loc[rows & (cur["metric_id"].map(meta["polarity"]) == "none"), "rag"] = "blue"
    span = low.map("{:g}".format) + "-" + high.map("{:g}".format)
    cur.loc[rows, "comparator"] = "target range " + span
    cur.loc[rows, "comparator_type"] = "range target"
    cur.loc[rows, "method"] = "range_target"
    good_high = pd.Series(polarity, index=sub.index) != "low"
    cur.loc[rows, "rating_rule"] = np.where(
        good_high, "target range " + span + ": at or above " + high.map("{:g}".format) + " is better, below "
        + low.map("{:g}".format) + " is worse",
        "target range " + span + ": at or below " + low.map("{:g}".format) + " is better, above "
        + high.map("{:g}".format) + " is worse")
    return cur
