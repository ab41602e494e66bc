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

import numpy as np
import pandas as pd

from ascbench.keys import categorical, combine, expand, key_codes, sorted_keys, split

GROUP_VALUE_COLUMNS = ["metric_id", "area_code", "period", "pooled", "mean", "n_members"]


def pool(values, rows, slot, statistic, multiplier):
    """Each slot's own value from the ``rows`` of ``values`` it holds: Σ numerators /
    Σ denominators × multiplier for a proportion or rate, Σ numerators × multiplier for a
    count, and NaN unless every row has counts (``statistic``, ``multiplier``: per slot)."""
    n = len(statistic)
    counted = (values["value_basis"] == "counts").to_numpy()[rows]
    numerator = np.where(counted, np.nan_to_num(values["numerator"].to_numpy(dtype="float64")[rows]), 0.0)
    denominator = np.where(counted, np.nan_to_num(values["denominator"].to_numpy(dtype="float64")[rows]), 0.0)
    num = np.bincount(slot, weights=numerator, minlength=n)
    den = np.bincount(slot, weights=denominator, minlength=n)
    complete = np.bincount(slot, weights=counted, minlength=n) == np.bincount(slot, minlength=n)
    ratio = np.isin(statistic, ["proportion", "rate"])
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = np.where(ratio, num / np.where(den > 0, den, np.nan), num) * multiplier
    return np.where(complete & np.isin(statistic, ["proportion", "rate", "count"]), pooled, np.nan)


def group_values(values, metrics, groups):
    """One row per group, metric and period with members' values: ``metric_id, area_code``
    (the group code), ``period, pooled, mean, n_members``.

    Vectorised over codes: each value row is repeated once for every group its area belongs
    to, and the sums are counted per (group, metric, period) key."""

    if groups is None or len(groups) == 0 or values.empty:
        return pd.DataFrame(columns=GROUP_VALUE_COLUMNS)
    group_codes = pd.unique(groups["group_code"])
    a_codes, a_cats = key_codes(values["area_code"])
    # area -> the groups it belongs to
    links = pd.DataFrame(
        {"a": a_cats.get_indexer(groups["member_code"]), "g": pd.Index(group_codes).get_indexer(groups["group_code"])}
    )
    links = links[links["a"] >= 0].drop_duplicates().sort_values(["a", "g"])
    has = values["value"].notna().to_numpy()
    rows, link = expand(np.where(has, a_codes, -1), links["a"].to_numpy())
    if not len(rows):
        return pd.DataFrame(columns=GROUP_VALUE_COLUMNS)
    g = links["g"].to_numpy()[link]
    m_codes, m_cats = key_codes(values["metric_id"])
    p_codes, p_cats = key_codes(values["period"])
    n_m, n_p = len(m_cats), len(p_cats)
    sizes = (n_m, len(group_codes), n_p)
    keys, slot = sorted_keys(*combine((m_codes[rows], g, p_codes[rows]), sizes))
    metric, group, period = split(keys, sizes)
    n_members = np.bincount(slot, minlength=len(keys))
    mean = np.bincount(slot, weights=values["value"].to_numpy(dtype="float64")[rows], minlength=len(keys)) / n_members
    meta = metrics.drop_duplicates("metric_id").set_index("metric_id")
    pooled = pool(
        values,
        rows,
        slot,
        meta["statistic"].reindex(m_cats).to_numpy(dtype=object)[metric],
        meta["multiplier"].reindex(m_cats).to_numpy(dtype="float64")[metric],
    )
    return pd.DataFrame(
        {
            "metric_id": categorical(metric, m_cats),
            "area_code": categorical(group, [str(c) for c in group_codes]),
            "period": categorical(period, p_cats),
            "pooled": pooled,
            "mean": mean,
            "n_members": n_members.astype(np.int64),
        }
    )
