"""Benchmarks computed from a group's members (``groups.csv``).

For every group, metric and period, from the members that have a value:

* ``pooled``: Σ numerators / Σ denominators × multiplier for a proportion or rate (members
  with both counts), Σ numerators × multiplier for a count - the group's own value, as
  DHSC computes England from councils;
* ``mean``: the unweighted mean of the members' values (an "average of councils");
* ``n_members``: how many members contributed.

A comparator chooses with ``basis: pooled | mean | data | auto`` (auto: the group's own value
in the data when there is one, else pooled).
"""

from __future__ import annotations

GROUP_VALUE_COLUMNS = ["metric_id", "area_code", "period", "pooled", "mean", "n_members"]


def group_values(values, metrics, groups):
    import numpy as np
    import pandas as pd

    if groups is None or len(groups) == 0 or values.empty:
        return pd.DataFrame(columns=GROUP_VALUE_COLUMNS)
    members = values.merge(groups[["group_code", "member_code"]], left_on="area_code", right_on="member_code")
    members = members[members["value"].notna()]
    if members.empty:
        return pd.DataFrame(columns=GROUP_VALUE_COLUMNS)
    counted = members["value_basis"].eq("counts")
    members = members.assign(
        _num=members["numerator"].where(counted), _den=members["denominator"].where(counted),
    )
    agg = members.groupby(["metric_id", "group_code", "period"], sort=False, observed=True).agg(
        _num=("_num", "sum"), _den=("_den", "sum"), _n_counts=("_num", "count"), mean=("value", "mean"),
        n_members=("value", "size"),
    ).reset_index()
    meta = metrics.set_index("metric_id")
    statistic = agg["metric_id"].map(meta["statistic"])
    multiplier = agg["metric_id"].map(meta["multiplier"]).astype("float64")
    ratio = statistic.isin(["proportion", "rate"])
    # pool only when every contributing member has counts
    complete = agg["_n_counts"] == agg["n_members"]
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = np.where(ratio, agg["_num"] / agg["_den"].where(agg["_den"] > 0), agg["_num"]) * multiplier
    agg["pooled"] = pd.Series(pooled, index=agg.index).where(complete & statistic.isin(["proportion", "rate", "count"]))
    agg = agg.rename(columns={"group_code": "area_code"})
    return agg[GROUP_VALUE_COLUMNS]
