"""Position: where each council stands within a comparison group, vectorised.

For every metric x period x group, over the group's councils that have a value (aggregate
areas - England, regions, group averages - are never ranked):

* ``value_rank``: 1 = highest value (LG Inform's convention); ``rank``: 1 = best by the
  metric's polarity (for ``range``: nearest the band); ties share the lowest rank
  ("1, 1, 3"); no performance rank without polarity; ``rank_of``: how many were ranked, and
  ``missing``: members without a value;
* ``value_quartile``, ``quintile``, ``decile`` of the value (1 = lowest values) from the
  type-7 percentile bounds (linear interpolation, as R's default and Excel's
  PERCENTILE.INC): a value on a bound belongs to the lower group; a group too small for the
  division (fewer than 4, 5, 10 values) gets none;
* ``quartile``: by performance where the metric has a polarity (``high`` or ``low``: 1 =
  best, as rank 1 is best, so quartile 1 of a high-is-good metric holds the highest values),
  else by value (``range``, ``none``: the value quartile); ``quartile_basis`` says which
  (``performance`` or ``value``); ``band``: A-D, the performance quartile as DfE's LAIT
  letters it (A = quartile 1, best), none without a polarity;
* ``p10``, ``p25``, ``median``, ``p75``, ``p90``, ``group_mean``, ``group_pooled``
  (Σ numerators / Σ denominators where every ranked member has counts);
* ``mad_from_median``: (value - median) / MAD, with MAD the median absolute deviation from
  the median (unscaled), and its wording as Oflog's automated text uses it: under 0.5
  "broadly similar to", under 1.5 "slightly above/below", under 3 "above/below", under 7.5
  "much above/below", beyond that "far above/below" the median.

Group membership is a frame ``group, area_code`` (every period alike) or ``group, area_code,
period`` (the members that existed in each period), built by :mod:`ascbench.engine.membership`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ascbench import stats
from ascbench.engine.groups import pool
from ascbench.errors import AscbenchError
from ascbench.keys import categorical, combine, key_codes, sorted_keys, stable_order
from ascbench.periods import parse_period, period_frame

POSITION_COLUMNS = [
    "metric_id",
    "period",
    "group",
    "area_code",
    "value",
    "value_rank",
    "rank",
    "rank_of",
    "missing",
    "group_size",
    "quartile",
    "value_quartile",
    "quartile_basis",
    "quintile",
    "decile",
    "band",
    "group_mean",
    "group_median",
    "group_pooled",
    "p10",
    "p25",
    "p75",
    "p90",
    "mad",
    "mad_from_median",
    "mad_wording",
]
FLOAT_COLUMNS = {
    "value",
    "value_rank",
    "rank",
    "quartile",
    "value_quartile",
    "quintile",
    "decile",
    "group_mean",
    "group_median",
    "group_pooled",
    "p10",
    "p25",
    "p75",
    "p90",
    "mad",
    "mad_from_median",
}


WORDINGS = np.array(
    [
        "broadly similar to the median",
        "slightly above the median",
        "slightly below the median",
        "above the median",
        "below the median",
        "much above the median",
        "much below the median",
        "far above the median",
        "far below the median",
        "",
    ],
    dtype=object,
)


def oflog_codes(distance):
    """Index into :data:`WORDINGS` for each distance from the median in MADs (NaN: "")."""
    d = np.asarray(distance, dtype="float64")
    with np.errstate(invalid="ignore"):
        a = np.abs(d)
        step = (a >= 0.5).astype(np.int64) + (a >= 1.5) + (a >= 3) + (a >= 7.5)
        codes = np.where(step == 0, 0, 2 * step - 1 + (d < 0))
    return np.where(np.isnan(d), len(WORDINGS) - 1, codes)


def oflog_wording(distance):
    """Oflog's wording of a distance from the median in MADs: under 0.5 "broadly similar to",
    under 1.5 "slightly above/below", under 3 "above/below", under 7.5 "much above/below",
    beyond "far above/below" the median; "" for no distance."""
    return WORDINGS[oflog_codes(distance)]


def _group_value_order(gid, value, area):
    """The order (group, value from the highest, area) of the rows. When the groups are of
    similar size (every council in every year: the usual case) each group is sorted in its
    own row of a padded table, which stays in cache: about four times faster than one sort
    of everything at ten million rows; otherwise one chain of stable sorts."""
    n = len(value)
    by_group = stable_order(area, gid)  # by group, then area: ties keep area order below
    g = gid[by_group]
    sizes = np.bincount(g)
    widest = int(sizes.max()) if len(sizes) else 0
    if n < 100_000 or len(sizes) * widest > 2 * n:
        return stable_order(area, -value, gid)
    starts = np.cumsum(sizes) - sizes
    slot = np.arange(n) - starts[g]
    table = np.full((len(sizes), widest), np.nan)  # NaN pads sort after every value
    table[g, slot] = -value[by_group]
    within = np.argsort(table, axis=1, kind="stable")
    del table
    within = within[np.arange(widest) < sizes[:, None]]  # each row's real entries, in order
    return by_group[np.repeat(starts, sizes) + within]


def _min_ranks(gid, key, starts_of_group):
    """Ascending ranks within groups, ties sharing the lowest ("1, 1, 3"); NaN keys get NaN.
    ``starts_of_group[g]``: the first position of group g in (gid, key) order."""
    n = len(key)
    order = np.lexsort((key, gid))
    k, g = key[order], gid[order]
    new_run = np.r_[True, (k[1:] != k[:-1]) | (g[1:] != g[:-1])]
    run_start = np.maximum.accumulate(np.where(new_run, np.arange(n), 0))
    ranks = np.empty(n)
    ranks[order] = run_start - starts_of_group[g] + 1
    return np.where(np.isnan(key), np.nan, ranks)


def _median_deviation(value, median, gid, starts, sizes):
    """Each group's median absolute deviation from its median (type-7), for rows sorted by
    group and then by value from the highest, without sorting again: the deviations of a
    group's values at or above its median, read backwards, and of those below, read forwards,
    are two ascending runs, and the k-th smallest of two sorted runs is found by a binary
    search on how many come from the first, for every group at once."""
    deviation = np.abs(value - median)
    above = np.bincount(gid, weights=value >= median, minlength=len(sizes)).astype(np.int64)
    below = sizes - above

    def a(i):  # i-th smallest deviation of the values at or above the median
        return deviation[starts + above - 1 - np.clip(i, 0, np.maximum(above - 1, 0))]

    def b(j):  # j-th smallest deviation of the values below it
        return deviation[np.minimum(starts + above + np.clip(j, 0, np.maximum(below - 1, 0)), len(deviation) - 1)]

    def kth(k):  # 0-based k-th smallest of the two runs, per group
        lo, hi = np.maximum(0, k + 1 - below), np.minimum(k + 1, above)
        for _ in range(int(np.ceil(np.log2(max(int(sizes.max()), 1) + 1))) + 1):
            mid = (lo + hi) // 2
            j = k + 1 - mid  # taken from the second run
            more = (lo < hi) & (j > 0) & (mid < above) & (b(j - 1) > a(mid))
            lo, hi = np.where(more, mid + 1, lo), np.where((lo < hi) & ~more, mid, hi)
        i, j = lo, k + 1 - lo
        return np.maximum(np.where(i > 0, a(i - 1), -np.inf), np.where(j > 0, b(j - 1), -np.inf))

    h = (sizes - 1) * 0.5
    k = np.floor(h).astype(np.int64)
    x_lo, x_hi = kth(k), kth(np.minimum(k + 1, sizes - 1))
    return x_lo + (h - k) * (x_hi - x_lo)


def _descending_quantiles(value, starts, sizes, probabilities):
    """Type-7 quantiles of each group, for rows sorted by group and then by value from the
    highest (``starts``, ``sizes``: each group's first position and size)."""
    out = {}
    for p in probabilities:
        h = (sizes - 1) * p
        lo = np.floor(h).astype(np.int64)
        hi = np.minimum(lo + 1, sizes - 1)
        x_lo, x_hi = value[starts + sizes - 1 - lo], value[starts + sizes - 1 - hi]
        out[p] = x_lo + (h - lo) * (x_hi - x_lo)
    return out


QUARTILE_BASES = ("performance", "value")

PROBABILITIES = (0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.9)


def _member_rows(values, members):
    """The rows of ``values`` inside each group that have a value: ``(group names, rows, each
    row's group number, each row's group size in members)``; a council in several groups
    gives one row per group. With a ``period`` column, ``members`` says who was a member in
    each period (:func:`ascbench.engine.membership.members_in_periods`), and a group's size
    is its members in that period."""
    group_names = list(pd.unique(members["group"]))
    empty = np.empty(0, dtype=np.int64)
    if not group_names:
        return group_names, empty, empty, empty
    number = pd.Index(group_names).get_indexer(members["group"])
    has_value = values["value"].notna().to_numpy()
    by_period = "period" in members.columns
    keys = ["area_code", "period"] if by_period else ["area_code"]
    left = pd.DataFrame({k: values[k].astype(str).to_numpy() for k in keys})
    left["row"] = np.arange(len(values))
    left = left[has_value]
    right = pd.DataFrame({k: members[k].astype(str).to_numpy() for k in keys})
    right["g"] = number
    size = right.groupby(["g", *keys[1:]]).size().rename("n").reset_index()
    joined = left.merge(right.drop_duplicates(), on=keys).merge(size, on=["g", *keys[1:]])
    joined = joined.sort_values(["g", "row"], kind="stable")
    return (
        group_names,
        joined["row"].to_numpy(dtype=np.int64),
        joined["g"].to_numpy(dtype=np.int64),
        joined["n"].to_numpy(dtype=np.int64),
    )


def _range_ranks(value, gid, m_codes, meta, m_ids):
    """Performance ranks of a range metric's rows (already in group order): by distance from
    the metric's band, nearest first, ties sharing the best rank."""
    low = meta["range_low"].reindex(m_ids).to_numpy(dtype="float64")[m_codes]
    high = meta["range_high"].reindex(m_ids).to_numpy(dtype="float64")[m_codes]
    distance = np.where(value < low, low - value, np.where(value > high, value - high, 0.0))
    sub_gid = pd.factorize(gid)[0]
    sub_sizes = np.bincount(sub_gid)
    return _min_ranks(sub_gid, distance, np.r_[0, np.cumsum(sub_sizes)[:-1]])


def positions(values, metrics, members):
    """Position columns (:data:`POSITION_COLUMNS`) for every member with a value.

    Vectorised over integer group ids (metric x period x group): one sort puts the rows in
    output order and gives both value ranks (so high and low polarity ranks) and every
    quantile; a second gives the MAD; range metrics sort their distances from the band."""
    meta = metrics.drop_duplicates("metric_id").set_index("metric_id")
    group_names, rows, group_no, n_members = _member_rows(values, members)
    if len(rows) == 0:
        return pd.DataFrame(columns=POSITION_COLUMNS)
    m_codes, m_cats = key_codes(values["metric_id"])
    p_codes, p_cats = key_codes(values["period"])
    a_codes, a_cats = key_codes(values["area_code"])
    # group ids numbered in output order (metric, period, group name), then one sort puts
    # every row in output order: group, value from the highest, area
    group_rank = np.argsort(np.argsort(np.asarray(group_names, dtype=object), kind="stable"))
    m_codes, p_codes, a_codes = m_codes[rows], p_codes[rows], a_codes[rows]
    gid = sorted_keys(*combine((m_codes, p_codes, group_rank[group_no]), (len(m_cats), len(p_cats), len(group_names))))[
        1
    ]
    value = values["value"].to_numpy(dtype="float64")[rows]
    order = _group_value_order(gid, value, a_codes)
    rows, group_no, n_members, gid = rows[order], group_no[order], n_members[order], gid[order]
    m_codes, p_codes, a_codes, value = m_codes[order], p_codes[order], a_codes[order], value[order]
    n = len(value)
    # the float columns are computed straight into one block (one allocation, no copies)
    float_names = [c for c in POSITION_COLUMNS if c in FLOAT_COLUMNS]
    block = np.empty((len(float_names), n))
    col = {name: block[i] for i, name in enumerate(float_names)}
    col["value"][:] = value
    value = col["value"]
    sizes = np.bincount(gid)
    group_start = np.cumsum(sizes) - sizes
    rank_of = sizes[gid]
    starts = group_start[gid]
    boundary = (value[1:] != value[:-1]) | (gid[1:] != gid[:-1])
    at = np.arange(n)
    first_of_run = np.maximum.accumulate(np.where(np.r_[True, boundary], at, 0))
    np.add(first_of_run - starts, 1, out=col["value_rank"])  # 1 = highest, ties share the lowest rank
    del first_of_run
    last_of_run = np.minimum.accumulate(np.where(np.r_[boundary, True], at, n)[::-1])[::-1]
    ascending_rank = starts + rank_of - last_of_run  # 1 = lowest
    del last_of_run, boundary, at, starts
    quantiles = _descending_quantiles(value, group_start, sizes, PROBABILITIES)  # per group
    for name, prob in (("p10", 0.1), ("p25", 0.25), ("group_median", 0.5), ("p75", 0.75), ("p90", 0.9)):
        np.take(quantiles[prob], gid, out=col[name])
    # performance ranks by polarity (1 = best); a range metric ranks by distance from its band
    m_ids = m_cats.to_numpy(dtype=object)
    pol = meta["polarity"].reindex(m_ids).to_numpy(dtype=object)
    polarity_code = np.select([pol == "high", pol == "low", pol == "range"], [0, 1, 2], 3).astype(np.int8)[m_codes]
    rank = col["rank"]
    np.copyto(
        rank, np.where(polarity_code == 0, col["value_rank"], np.where(polarity_code == 1, ascending_rank, np.nan))
    )
    del ascending_rank
    in_range = np.flatnonzero(polarity_code == 2)
    if len(in_range):
        rank[in_range] = _range_ranks(value[in_range], gid[in_range], m_codes[in_range], meta, m_ids)

    def bucket(name, bounds, minimum):
        count = np.ones(n, dtype=np.int8)
        for b in bounds:
            count += value > np.take(quantiles[b], gid)
        np.copyto(col[name], count)
        col[name][rank_of < minimum] = np.nan

    bucket("value_quartile", [0.25, 0.5, 0.75], 4)
    bucket("quintile", [0.2, 0.4, 0.6, 0.8], 5)
    bucket("decile", [i / 10 for i in range(1, 10)], 10)
    # the quartile by performance where the metric has a direction (1 = best, as rank 1 is
    # best: the highest values for high-is-good), else by value (1 = the lowest values)
    value_quartile = col["value_quartile"]
    np.copyto(col["quartile"], np.where(polarity_code == 0, 5 - value_quartile, value_quartile))
    by_performance = polarity_code <= 1
    band_code = np.where(np.isnan(value_quartile) | ~by_performance, -1, col["quartile"] - 1)
    band_code = np.nan_to_num(band_code, nan=-1).astype(np.int8)
    del polarity_code
    np.take(np.bincount(gid, weights=value) / sizes, gid, out=col["group_mean"])
    # pooled: only when every ranked member has counts (a group is one metric and period)
    group_metric = m_codes[group_start]
    pooled = pool(
        values,
        rows,
        gid,
        meta["statistic"].reindex(m_ids).to_numpy(dtype=object)[group_metric],
        meta["multiplier"].reindex(m_ids).to_numpy(dtype="float64")[group_metric],
    )
    np.take(pooled, gid, out=col["group_pooled"])
    median = col["group_median"]
    np.take(_median_deviation(value, median, gid, group_start, sizes), gid, out=col["mad"])
    from_median = col["mad_from_median"]
    np.subtract(value, median, out=from_median)
    with np.errstate(divide="ignore", invalid="ignore"):
        np.divide(from_median, np.where(col["mad"] > 0, col["mad"], np.nan), out=from_median)
    others = {
        "metric_id": categorical(m_codes, m_cats),
        "period": categorical(p_codes, p_cats),
        "group": categorical(group_no, group_names),
        "area_code": categorical(a_codes, a_cats),
        "rank_of": rank_of.astype(np.int64),
        "missing": (n_members - rank_of).astype(np.int64),
        "group_size": n_members.astype(np.int64),
        "band": pd.Categorical.from_codes(band_code, categories=["A", "B", "C", "D"]),
        "quartile_basis": pd.Categorical.from_codes(
            np.where(by_performance, 0, 1).astype(np.int8), categories=list(QUARTILE_BASES)
        ),
        "mad_wording": pd.Categorical.from_codes(oflog_codes(from_median), categories=list(WORDINGS[:-1]) + [""]),
    }
    frame = pd.DataFrame(block.T, columns=float_names, index=pd.RangeIndex(n), copy=False)
    for position, name in enumerate(POSITION_COLUMNS):
        if name in others:
            frame.insert(position, name, others[name])
    return frame


def benchmark_periods(values, members, focus=None, end=None):
    """For each metric, the period its ranks come from: the latest period (ending on or before
    ``end``, when given) in which at least half of the group's members of that period (and
    two or more) have a value. That is the current period when the group has data for it;
    else, typically, the last year with all-council data (the national ASCOF files appear a
    year after the year they cover).

    ``members``: ``group, area_code`` or, with lifetimes, ``group, area_code, period``.
    Without ``focus``: one group; returns ``metric_id, period``. With ``focus`` (a frame
    ``area_code, group``: each chosen area and its group): the period of each area and
    metric, in which that area has a value too; returns ``area_code, metric_id, period,
    group``."""
    by_period = "period" in members.columns
    keys = ["area_code", "period"] if by_period else ["area_code"]
    have = values.loc[values["value"].notna(), ["metric_id", "area_code", "period"]]
    have = have.astype({"metric_id": str, "area_code": str, "period": str})
    inside = have.merge(members[["group", *keys]].astype(str).drop_duplicates(), on=keys)
    counts = inside.groupby(["group", "metric_id", "period"]).size().rename("n").reset_index()
    if by_period:
        size = members.astype({"period": str}).groupby(["group", "period"]).size().rename("size").reset_index()
        counts = counts.merge(size, on=["group", "period"])
    else:
        counts = counts.merge(members.groupby("group").size().rename("size").reset_index(), on="group")
    counts = counts[counts["n"] >= np.maximum(2, counts["size"] / 2)]
    columns = ["metric_id", "period"] if focus is None else ["area_code", "metric_id", "period", "group"]
    if counts.empty:
        return pd.DataFrame(columns=columns)
    if focus is not None:
        counts = counts.merge(focus[["area_code", "group"]].astype(str), on="group")
        counts = counts.merge(have, on=["area_code", "metric_id", "period"])  # the area has a value then
        if counts.empty:
            return pd.DataFrame(columns=columns)
    ends = period_frame(counts["period"]).set_index("period")["end"]
    counts = counts.assign(end=counts["period"].map(ends).to_numpy(dtype="datetime64[us]"))
    if end is not None:
        counts = counts[counts["end"] <= end]
    latest = ["metric_id"] if focus is None else ["area_code", "metric_id"]
    counts = counts.sort_values([*latest, "end"], kind="stable").drop_duplicates(latest, keep="last")
    return counts[columns].reset_index(drop=True)


def league_table(values, metrics, members, period: str | None = None):
    """The league table of each metric of ``values`` within ``members`` (one group): the
    positions of every member with a value, in ``period``, or else in each metric's benchmark
    period (:func:`benchmark_periods`: the latest that at least half the group, and two or
    more, have values for). Raises when no member has a value."""
    if period:
        period = parse_period(period).text
        values = values[values["period"] == period]
    else:
        keys = ["area_code", "period"] if "period" in members.columns else ["area_code"]
        inside = (
            values[values["value"].notna()]
            .astype(dict.fromkeys(keys, str))
            .merge(members[keys].astype(str).drop_duplicates(), on=keys)
        )
        if inside.empty:
            raise AscbenchError(
                "no council of the group has a value", field="metric", expected="a metric with council values"
            )
        chosen = benchmark_periods(values, members)
        if chosen.empty:
            raise AscbenchError(
                "no period has values for half of the group's councils",
                field="period",
                expected="a period, or a group whose councils have values",
            )
        latest = chosen.set_index("metric_id")["period"]
        values = values[values["period"].astype(str) == values["metric_id"].astype(str).map(latest)]
    table = positions(values, metrics, members)
    if table.empty:
        raise AscbenchError(
            "no council of the group has a value" + (f" in {period}" if period else ""),
            field="period",
            expected="a period with values",
        )
    return attach_quantiles(table, metrics)


def attach_quantiles(table, metrics):
    """The group's minimum and maximum (``group_min``, ``group_max``) and, for metrics with
    ``quantiles: {groups: N, method, invert}``, each council's ``quantile`` (1 ... N; 1 holds
    the lowest values unless ``invert``) by that method (:func:`ascbench.stats.quantile_groups`)
    with the type-7 cut points of the group in ``quantile_cuts`` ("a | b | c")."""
    keys = ["metric_id", "period", "group"]
    grouped = table.groupby(keys, observed=True, sort=False)["value"]
    table = table.assign(
        group_min=grouped.transform("min"),
        group_max=grouped.transform("max"),
        quantile=np.nan,
        quantile_of=np.nan,
        quantile_method="",
        quantile_cuts="",
    )
    meta = metrics.set_index("metric_id")
    if "quantile_groups" not in meta.columns or not (meta["quantile_groups"] > 0).any():
        return table
    wanted = table["metric_id"].astype(str).map(meta["quantile_groups"]).fillna(0).astype(float) > 0
    for _, idx in table[wanted].groupby(keys, observed=True, sort=False).groups.items():  # one call per group
        rows = table.loc[idx]
        mid = rows["metric_id"].iloc[0]
        k, method, invert = (
            int(meta.at[mid, "quantile_groups"]),
            meta.at[mid, "quantile_method"],
            bool(meta.at[mid, "quantile_invert"]),
        )
        value = rows["value"].to_numpy(dtype="float64")
        table.loc[idx, "quantile"] = stats.quantile_groups(value, k, method=method, invert=invert)
        cuts = stats.groups.type7_cut_points(value, k)
        table.loc[idx, "quantile_cuts"] = " | ".join(f"{c:.6g}" for c in cuts)
        table.loc[idx, "quantile_of"] = k
        table.loc[idx, "quantile_method"] = method
    return table


def composite(position, catalogue, theme: str = "layer", coverage: float = 0.5):
    """Average performance rank per council by theme: ``layer``, ``outcome`` or ``tag``
    (a metric with several tags counts in each); ``overall`` averages across all metrics.
    This is the method of the 2016/17 ASCOF compendium's theme rankings: each council's
    polarity-aware ranks averaged by theme, then the averages ranked.

    * A theme's metrics are those ranked in a group of two or more councils (a metric only
      the focus has data for, or one without a polarity, does not count); a metric without
      the theme's attribute (no outcome, no tag) is in no theme of that kind.
    * Missing values: a council's mean is over the metrics it has a rank for (``metrics``, of
      the theme's ``theme_metrics``); one ranked on fewer than ``coverage`` of them (half,
      rounded up: 2 of 4, 2 of 3, 1 of 1) keeps its ``mean_rank`` but gets no ``position``
      and is not counted in others' positions, so one good rank cannot top a theme of four.
    * Ties: the ranks behind are shared (1, 1, 3); the mean is the exact sum over the count,
      so equal means are equal, and councils with equal means share the best ``position``
      (1, 1, 3), as the ranks do.

    Returns ``theme, area_code, mean_rank, metrics, theme_metrics, position, indicators``
    (1 = best average; ``indicators`` lists the metrics behind the theme), by theme and
    position, councils without a position last."""
    meta = catalogue.metrics_frame().set_index("metric_id")
    p = position.dropna(subset=["rank"])
    p = p[p["rank_of"] >= 2].copy()
    if theme == "tag":
        tags = meta["tags"].str.split(",").explode()
        p = p.merge(tags.rename("theme").reset_index(), on="metric_id")
        p = p[p["theme"].fillna("") != ""]
    elif theme == "overall":
        p["theme"] = "overall"
    else:
        p["theme"] = p["metric_id"].map(meta[theme])
    p = p.dropna(subset=["theme"])
    out = (
        p.groupby(["theme", "area_code"], sort=True, observed=True)
        .agg(rank_sum=("rank", "sum"), metrics=("rank", "size"))
        .reset_index()
    )
    out["mean_rank"] = out["rank_sum"] / out["metrics"]
    out["theme_metrics"] = out["theme"].map(p.groupby("theme")["metric_id"].nunique()).astype("int64")
    covered = out["metrics"] >= np.ceil(coverage * out["theme_metrics"] - 1e-9)
    out["position"] = out["mean_rank"].where(covered).groupby(out["theme"]).rank(method="min")
    behind = p.drop_duplicates(["theme", "metric_id"]).sort_values("metric_id").groupby("theme")["metric_id"]
    out["indicators"] = out["theme"].map(behind.agg(", ".join))
    out = out.sort_values(["theme", "position", "mean_rank", "area_code"], na_position="last")
    columns = ["theme", "area_code", "mean_rank", "metrics", "theme_metrics", "position", "indicators"]
    return out[columns].reset_index(drop=True)
