"""Position: where each council stands within a comparison group, vectorised.

For every metric x period x group, over the group's councils that have a value (aggregate
areas - England, regions, group averages - are never ranked):

* ``value_rank``: 1 = highest value (LG Inform's convention); ``rank``: 1 = best by the
  metric's polarity (for ``range``: nearest the band); ties share the lowest rank
  ("1, 1, 3"); no performance rank without polarity; ``rank_of``: how many were ranked, and
  ``missing``: members without a value;
* ``quartile``, ``quintile``, ``decile`` of the value (1 = lowest values) from the type-7
  percentile bounds (linear interpolation, as R's default and Excel's PERCENTILE.INC): a
  value on a bound belongs to the lower group; a group too small for the division (fewer
  than 4, 5, 10 values) gets none; ``band``: A-D from the quartile by polarity, A best, as
  DfE's LAIT;
* ``p10``, ``p25``, ``median``, ``p75``, ``p90``, ``group_mean``, ``group_pooled``
  (Σ numerators / Σ denominators where every ranked member has counts);
* ``mad_from_median``: (value - median) / MAD, with MAD the median absolute deviation from
  the median (unscaled), and its wording as Oflog's automated text uses it: under 0.5
  "broadly similar to", under 1.5 "slightly above/below", under 3 "above/below", under 7.5
  "much above/below", beyond that "far above/below" the median.

Group membership is a frame ``group, area_code`` built by :func:`group_members`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

POSITION_COLUMNS = [
    "metric_id", "period", "group", "area_code", "value", "value_rank", "rank", "rank_of", "missing",
    "quartile", "quintile", "decile", "band", "group_mean", "group_median", "group_pooled", "p10", "p25",
    "p75", "p90", "mad", "mad_from_median", "mad_wording",
]
BANDS_HIGH = {4: "A", 3: "B", 2: "C", 1: "D"}
BANDS_LOW = {1: "A", 2: "B", 3: "C", 4: "D"}


def group_members(areas, groups, group: str, focus: str | None = None):
    """Members of a named group: ``all`` (every council), ``region`` / ``type`` (the focus
    council's region or type), ``region:NAME``, ``type:TYPE``, ``neighbours`` (the group
    ``NN-<focus>`` of groups.csv), or any group_code of groups.csv."""
    from ascbench.errors import AscbenchError

    councils = areas[~areas["is_aggregate"]]
    region = councils["region"] if "region" in councils.columns else pd.Series("", index=councils.index)
    name = group
    if group in ("region", "type", "neighbours") and focus is None:
        raise AscbenchError(f"group '{group}' needs an area", field="--group", expected="--area CODE")
    if group == "region":
        match = region[councils["area_code"] == focus]
        group = "region:" + (match.iloc[0] if len(match) else "")
    elif group == "type":
        match = councils.loc[councils["area_code"] == focus, "area_type"]
        group = "type:" + (match.iloc[0] if len(match) else "")
    elif group == "neighbours":
        group = f"NN-{focus}"
    if group == "all":
        codes = councils["area_code"]
    elif group.startswith("region:"):
        codes = councils.loc[region == group.split(":", 1)[1], "area_code"]
    elif group.startswith("type:"):
        codes = councils.loc[councils["area_type"] == group.split(":", 1)[1], "area_code"]
    elif groups is not None and group in set(groups["group_code"]):
        codes = groups.loc[groups["group_code"] == group, "member_code"]
        codes = codes[codes.isin(councils["area_code"])]
    else:
        known = sorted(set(groups["group_code"])) if groups is not None else []
        raise AscbenchError(f"no group '{name}'", field="--group",
                            expected="all, region, type, neighbours, region:NAME, type:TYPE"
                            + (" or one of " + ", ".join(known[:10]) + (" ..." if len(known) > 10 else "") if known else ""))
    if len(codes) == 0:
        raise AscbenchError(f"group '{name}' has no councils", field="--group", expected="a group with members")
    return pd.DataFrame({"group": group, "area_code": codes.to_numpy()})


def oflog_wording(distance):
    d = np.asarray(distance, dtype="float64")
    a = np.abs(d)
    above = d > 0
    choices = [
        np.full(len(d), "broadly similar to the median", dtype=object),
        np.where(above, "slightly above the median", "slightly below the median").astype(object),
        np.where(above, "above the median", "below the median").astype(object),
        np.where(above, "much above the median", "much below the median").astype(object),
    ]
    far = np.where(above, "far above the median", "far below the median").astype(object)
    with np.errstate(invalid="ignore"):
        words = np.select([a < 0.5, a < 1.5, a < 3, a < 7.5], choices, far)
    return np.where(np.isnan(a), "", words)


def group_quantiles(group_codes, values, probabilities):
    """Type-7 quantiles of ``values`` within groups, vectorised: one sort, then
    q = x[floor(h)] + (h - floor(h)) (x[floor(h) + 1] - x[floor(h)]) with h = (n - 1) p.
    Returns {p: array aligned to the input rows}."""
    codes = np.asarray(group_codes)
    v = np.asarray(values, dtype="float64")
    order = np.lexsort((v, codes))
    sorted_codes, sorted_values = codes[order], v[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_codes)) + 1]
    sizes = np.diff(np.r_[starts, len(v)])
    group_of = np.repeat(np.arange(len(starts)), sizes)
    where = np.empty(len(v), dtype=int)
    where[order] = group_of
    out = {}
    for p in probabilities:
        h = (sizes - 1) * p
        lo = np.floor(h).astype(int)
        hi = np.minimum(lo + 1, sizes - 1)
        q = sorted_values[starts + lo] + (h - lo) * (sorted_values[starts + hi] - sorted_values[starts + lo])
        out[p] = q[where]
    return out


def positions(values, metrics, members):
    """Position columns (:data:`POSITION_COLUMNS`) for every member with a value."""
    meta = metrics.set_index("metric_id")
    v = values.merge(members, on="area_code", how="inner")
    have = v[v["value"].notna()].copy()
    keys = ["metric_id", "period", "group"]
    # members of the group that have no value for a metric-period that others have
    n_members = members.groupby("group").size().rename("n_members")
    if have.empty:
        return pd.DataFrame(columns=POSITION_COLUMNS)
    have["_g"] = have.groupby(keys, sort=False).ngroup().to_numpy()  # integer group keys: one factorisation
    g = have.groupby("_g", sort=False)["value"]
    have["rank_of"] = g.transform("size")
    have = have.join(n_members, on="group")
    have["missing"] = have["n_members"] - have["rank_of"]
    polarity = have["metric_id"].map(meta["polarity"])
    have["value_rank"] = g.rank(method="min", ascending=False)
    low = have["metric_id"].map(meta["range_low"])
    high = have["metric_id"].map(meta["range_high"])
    distance = np.where(have["value"] < low, low - have["value"], np.where(have["value"] > high, have["value"] - high, 0.0))
    perf_key = np.select([polarity == "high", polarity == "low", polarity == "range"],
                         [-have["value"], have["value"], distance], np.nan)
    have["_perf"] = perf_key
    have["rank"] = have.groupby("_g", sort=False)["_perf"].rank(method="min", ascending=True)
    codes = have["_g"].to_numpy()
    probs = sorted({0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.9} | {i / 10 for i in range(1, 10)})
    q = group_quantiles(codes, have["value"].to_numpy(), probs)
    for name, prob in (("p10", 0.1), ("p20", 0.2), ("p25", 0.25), ("p40", 0.4), ("median", 0.5), ("p60", 0.6),
                       ("p75", 0.75), ("p80", 0.8), ("p90", 0.9)):
        have[name] = q[prob]
    value = have["value"]

    def bucket(bounds, minimum):
        count = sum((value > have[b]).astype(int) for b in bounds) + 1
        return count.where(have["rank_of"] >= minimum)

    have["quartile"] = bucket(["p25", "median", "p75"], 4)
    have["quintile"] = bucket(["p20", "p40", "p60", "p80"], 5)
    deciles = sum((value.to_numpy() > q[i / 10]).astype(int) for i in range(1, 10)) + 1
    have["decile"] = pd.Series(deciles, index=have.index).where(have["rank_of"] >= 10)
    have["band"] = np.where(polarity == "high", have["quartile"].map(BANDS_HIGH),
                            np.where(polarity == "low", have["quartile"].map(BANDS_LOW), None))
    have.loc[have["quartile"].isna(), "band"] = None
    have.loc[polarity.isin(["none", "range"]).to_numpy(), "band"] = None
    have["group_mean"] = g.transform("mean")
    have["group_median"] = have["median"]
    # pooled: only when every ranked member has counts
    counted = have["value_basis"].eq("counts")
    sums = have.assign(_n=have["numerator"].where(counted), _d=have["denominator"].where(counted),
                       _c=counted.astype(int)).groupby("_g", sort=False)[["_n", "_d", "_c"]].transform("sum")
    statistic = have["metric_id"].map(meta["statistic"])
    multiplier = have["metric_id"].map(meta["multiplier"]).astype("float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = np.where(statistic.isin(["proportion", "rate"]), sums["_n"] / sums["_d"].where(sums["_d"] > 0),
                          sums["_n"]) * multiplier
    have["group_pooled"] = pd.Series(pooled, index=have.index).where(
        (sums["_c"] == have["rank_of"]) & statistic.isin(["proportion", "rate", "count"]))
    have["mad"] = group_quantiles(codes, (value - have["median"]).abs().to_numpy(), [0.5])[0.5]
    with np.errstate(divide="ignore", invalid="ignore"):
        have["mad_from_median"] = ((value - have["median"]) / have["mad"].where(have["mad"] > 0)).astype("float64")
    have["mad_wording"] = oflog_wording(have["mad_from_median"])
    have.loc[polarity.eq("none").to_numpy(), "rank"] = np.nan
    return have[POSITION_COLUMNS].sort_values(["metric_id", "period", "group", "value_rank", "area_code"])


def composite(position, catalogue, theme: str = "layer"):
    """Average performance rank per council by theme: ``layer``, ``outcome`` or ``tag``
    (a metric with several tags counts in each); ``overall`` averages across all metrics.
    Returns ``area_code, theme, mean_rank, metrics, position`` (1 = best average)."""
    meta = catalogue.metrics_frame().set_index("metric_id")
    p = position.dropna(subset=["rank"]).copy()
    if theme == "tag":
        tags = meta["tags"].str.split(",").explode()
        p = p.merge(tags.rename("theme").reset_index(), on="metric_id")
        p = p[p["theme"].fillna("") != ""]
    elif theme == "overall":
        p["theme"] = "overall"
    else:
        p["theme"] = p["metric_id"].map(meta[theme])
    p = p.dropna(subset=["theme"])
    out = p.groupby(["theme", "area_code"], sort=True).agg(mean_rank=("rank", "mean"),
                                                            metrics=("rank", "size")).reset_index()
    out["position"] = out.groupby("theme")["mean_rank"].rank(method="min")
    return out.sort_values(["theme", "position", "area_code"]).reset_index(drop=True)


def spend_quadrants(performance, spend):
    """Place each council in a quadrant of performance rank x spend rank (1 = best, 1 =
    highest spend), split at each ranking's middle, as the 2016/17 benchmarking compendium
    did. ``performance``: area_code, position; ``spend``: area_code, value."""
    df = performance[["area_code", "position"]].merge(spend[["area_code", "value"]], on="area_code")
    df["spend_rank"] = df["value"].rank(method="min", ascending=False)
    n = len(df)
    high_perf = df["position"] <= (n + 1) / 2
    high_spend = df["spend_rank"] <= (n + 1) / 2
    df["quadrant"] = np.select(
        [high_perf & ~high_spend, high_perf & high_spend, ~high_perf & ~high_spend],
        ["high performance, low spend", "high performance, high spend", "low performance, low spend"],
        "low performance, high spend")
    return df.sort_values("position").reset_index(drop=True)
