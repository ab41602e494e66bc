"""The rating decision, in one place: every method, the defaults, and the words for missing
data. :func:`rate` is called once by the pipeline, after the comparators are resolved
(:mod:`ascbench.engine.compare`) and the positions found (:mod:`ascbench.engine.position`).

In order:

1. every resolved comparator is rated by its method (:func:`judge_comparisons`):
   ``tolerance`` and ``target`` (:func:`ascbench.engine.rules.judge`); Fingertips'
   ``ci_overlap95``, ``ci_overlap998`` and ``ci_overlap_both`` (the value's confidence
   interval against the benchmark, :mod:`ascbench.stats.comparison`, with the target
   convention ``limits_equal_target``); ``spc95`` and ``spc998`` (control limits around the
   benchmark for an area of its size); ``none`` (not rated). A comparator with no method of
   its own takes the metric's, else the default of its type (:data:`DEFAULT_METHOD`);
2. the row takes the rating of its most preferred comparator with a value
   (:func:`rate_against_comparators`); a metric with no comparators and no self-rating method
   is "for information";
3. a band (polarity ``range``) with no comparator rates itself (:func:`rate_against_band`);
   a ``range_target`` metric against its target range (:func:`rate_against_range_target`);
4. the group-based methods, which need the comparison group: ``quintile``
   (:func:`rate_by_quintile`) and ``funnel95`` / ``funnel998`` (:func:`rate_by_funnel`);
5. metrics with no data for an area: "not compared" (:func:`rate_missing`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ascbench import stats
from ascbench.catalogue.model import SELF_RATING_METHODS
from ascbench.engine.compare import ROW
from ascbench.engine.funnel import FUNNEL_METHODS, FUNNEL_STATISTICS, funnel_pool
from ascbench.engine.rules import (
    RAG,
    RATING_WORDS,
    direction_code,
    judge,
    judge_control_limits,
    judge_interval,
    judge_two_levels,
    words,
)
from ascbench.errors import AscbenchError

DEFAULT_METHOD = {"area": "tolerance", "target": "target", "baseline": "target", "value": "target"}
NO_DATA = {"status": "no data", "rating": "not compared", "rag": "grey", "dot": "no data"}
FOR_INFORMATION = {"rating": "for information", "rag": "none"}


def rate(current, comparisons, metrics, values=None, context=None):
    """Every rating of the current rows (module docstring, steps 1-4). ``context`` (the
    comparison group, :class:`ascbench.engine.ranking.GroupContext`) is needed only by the
    funnel methods. Returns ``(current, comparisons)``."""
    current, comparisons = rate_against_comparators(current, comparisons, metrics)
    current = rate_against_band(current, metrics)
    current = rate_against_range_target(current, metrics)
    current = rate_by_quintile(current, metrics)
    if values is not None and context is not None:
        current = rate_by_funnel(current, values, metrics, context)
    return current, comparisons


def rate_missing(results, metrics):
    """Rows of metrics with no data for an area (``period`` missing): "no data", "not
    compared"; "for information" where the metric has no comparator and no self-rating
    method."""
    nodata = results["period"].isna()
    results.loc[nodata, list(NO_DATA)] = list(NO_DATA.values())
    info = (
        nodata
        & (results["n_comparators"] == 0)
        & ~results["metric_id"].isin(metrics.loc[metrics["rating_method"].isin(SELF_RATING_METHODS), "metric_id"])
    )
    results.loc[info, list(FOR_INFORMATION)] = list(FOR_INFORMATION.values())
    return results


CONFIDENCE = {"ci_overlap95": 0.95, "ci_overlap998": 0.998, "ci_overlap_both": 0.998, "spc95": 0.95, "spc998": 0.998}


def judge_comparisons(current, comparisons, metrics):
    """Rate the current value against every resolved comparator (the long frame gains
    ``value``, ``rating``, ``rag``, ``diff``, ``diff_pct``, ``rating_rule``, ``method``,
    ``confidence``)."""
    cur_cols = ["value", "denominator", "lower95", "upper95", "lower998", "upper998"]
    comp = comparisons.merge(current[[*ROW, *cur_cols]], on=ROW, how="left", validate="many_to_one")
    meta = metrics.set_index("metric_id")
    polarity = comp["metric_id"].map(meta["polarity"])
    low, high = comp["metric_id"].map(meta["range_low"]), comp["metric_id"].map(meta["range_high"])
    method = comp["rating_method"].fillna(comp["comparator_type"].map(DEFAULT_METHOD)).fillna("tolerance")
    relative = comp["rating_relative"].astype("boolean").fillna(False).astype(bool)
    within = comp["rating_within"].astype("float64").fillna(0.0)
    bench = comp["comparator_value"].astype("float64")
    codes = judge(comp["value"], bench, polarity, method, within, relative, low, high)
    # a limit equal to a target counts as significant where the rule says so (Fingertips' targets)
    equal = comp["rating_limits_equal"] if "rating_limits_equal" in comp.columns else pd.Series("similar", comp.index)
    significant = ((equal == "significant") & (comp["comparator_type"] != "area")).to_numpy()
    for level in ("95", "998"):
        mask = (method == f"ci_overlap{level}").to_numpy()
        if mask.any():
            args = (comp[f"lower{level}"], comp[f"upper{level}"], bench, polarity, low, high)
            judged = np.where(significant, judge_interval(*args, limits_equal="significant"), judge_interval(*args))
            codes = np.where(mask, judged, codes)
    both = (method == "ci_overlap_both").to_numpy()
    if both.any():
        args = (comp["lower95"], comp["upper95"], comp["lower998"], comp["upper998"], bench, polarity)
        judged = np.where(significant, judge_two_levels(*args, limits_equal="significant"), judge_two_levels(*args))
        codes = np.where(both, judged, codes)
    spc = method.isin(["spc95", "spc998"]).to_numpy()
    if spc.any():
        statistic = comp["metric_id"].map(meta["statistic"])
        multiplier = comp["metric_id"].map(meta["multiplier"]).astype("float64")
        lo = np.full(len(comp), np.nan)
        up = np.full(len(comp), np.nan)
        for stat in ("proportion", "rate"):
            for name, level in (("spc95", 0.95), ("spc998", 0.998)):
                mask = spc & (statistic == stat).to_numpy() & (method == name).to_numpy()
                if mask.any():
                    lo[mask], up[mask] = stats.control_limits(
                        bench[mask], comp["denominator"][mask], stat, level, multiplier[mask].to_numpy()
                    )
        comp["control_lower"], comp["control_upper"] = lo, up
        codes = np.where(spc, judge_control_limits(comp["value"], lo, up, polarity), codes)
    comp["rating"] = words(codes, RATING_WORDS, "not compared")
    comp["rag"] = words(codes, RAG, "grey")
    # no polarity, no judgement: higher, similar and lower are all blue, never amber/red/green
    judged = ~np.isnan(np.asarray(codes, dtype="float64"))
    comp.loc[(polarity == "none").to_numpy() & judged, "rag"] = "blue"
    comp.loc[method == "none", ["rating", "rag"]] = ["not rated", "none"]
    comp["diff"] = comp["value"] - bench
    with np.errstate(divide="ignore", invalid="ignore"):
        comp["diff_pct"] = comp["diff"] / bench.abs() * 100
    comp["method"] = np.where(method == "none", "", method)
    comp["confidence"] = method.map(CONFIDENCE)
    comp["rating_rule"] = _rule_text(comp, method, within, relative, polarity, low, high)
    return comp


def _rule_text(comp, method, within, relative, polarity, low, high):
    if comp.empty:
        return pd.Series([], dtype="object")
    unit = np.where(relative, "%", "")
    within_text = within.map("{:g}".format)
    band = (
        "range: inside "
        + low.map("{:g}".format)
        + "-"
        + high.map("{:g}".format)
        + " is better, outside by at most "
        + within_text
        + unit
        + " is similar"
    )
    ci = {
        "ci_overlap95": "95% confidence interval overlapping the benchmark is similar (Fingertips)",
        "ci_overlap998": "99.8% confidence interval overlapping the benchmark is similar (Fingertips)",
        "ci_overlap_both": "confidence intervals at 95% and 99.8% against the benchmark (Fingertips)",
        "spc95": "outside 95% control limits around the benchmark is significant",
        "spc998": "outside 99.8% control limits around the benchmark is significant",
    }
    text = np.select(
        [method == "none", method.isin(list(ci)), polarity == "range", method == "target", method == "tolerance"],
        [
            np.full(len(comp), ""),
            method.map(ci).fillna(""),
            band,
            "target: met is better, short by at most " + within_text + unit + " is similar",
            "tolerance: similar within " + within_text + unit + " of the comparator",
        ],
        "",
    )
    return text


def rate_against_comparators(current, comparisons, metrics):
    """Add the deciding comparator (the most preferred one with a value) and its rating to
    ``current``; return ``(current, comparisons)`` with every comparator rated.

    Metrics with no comparators at all are "for information"; a comparator whose rule says
    ``method: none`` gives "not rated"; a missing value or comparator gives "not compared".
    """
    cur = current.reset_index(drop=True).copy()
    comparisons = judge_comparisons(cur, comparisons, metrics)
    keep = [
        *ROW,
        "comparator",
        "comparator_type",
        "comparator_area",
        "comparator_area_name",
        "comparator_period",
        "comparator_value",
        "benchmark_basis",
        "rating",
        "rag",
        "diff",
        "diff_pct",
        "rating_rule",
        "method",
        "confidence",
        "rating_within",
        "rating_relative",
        "annual_target",
    ]
    chosen = comparisons.drop_duplicates(ROW, keep="first")[keep]
    cur = cur.merge(chosen, on=ROW, how="left", validate="one_to_one")
    meta = metrics.set_index("metric_id")
    cur["rating"] = cur["rating"].fillna("not compared")
    cur["rag"] = cur["rag"].fillna("grey")
    cur["rating_rule"] = cur["rating_rule"].fillna("")
    cur["method"] = cur["method"].fillna("")
    info = (cur["metric_id"].map(meta["n_comparators"]) == 0) & ~cur["metric_id"].map(meta["rating_method"]).isin(
        SELF_RATING_METHODS
    )
    cur.loc[info, ["rating", "rag", "rating_rule"]] = [FOR_INFORMATION["rating"], FOR_INFORMATION["rag"], ""]
    return cur, comparisons


def _bounded_rows(current, rows, meta, low_column: str, high_column: str):
    """A copy of ``current`` to rate, its ``rows``, and their metrics' two bounds."""
    cur = current.copy()
    sub = cur[rows]
    low = sub["metric_id"].map(meta[low_column]).astype("float64")
    high = sub["metric_id"].map(meta[high_column]).astype("float64")
    return cur, sub, low, high


def rate_against_band(current, metrics):
    """A ``polarity: range`` metric that no comparator rates is rated against its own band:
    inside is better, outside by at most the rating tolerance similar, further worse, with
    ``diff`` the distance from the band (above positive, below negative, 0 inside) and
    ``diff_pct`` that distance as a percentage of the nearer bound."""
    meta = metrics.set_index("metric_id")
    polarity = current["metric_id"].map(meta["polarity"])
    rows = (polarity == "range") & current["comparator_value"].isna() & current["value"].notna()
    if not rows.any():
        return current
    cur, sub, low, high = _bounded_rows(current, rows, meta, "range_low", "range_high")
    within = sub["metric_id"].map(meta["rating_within"]).astype("float64").fillna(0.0)
    relative = sub["metric_id"].map(meta["rating_relative"]).astype("boolean").fillna(False).astype(bool)
    value = sub["value"].astype("float64")
    codes = judge(
        value,
        np.full(len(sub), np.nan),
        np.full(len(sub), "range", dtype=object),
        "tolerance",
        within,
        relative,
        low,
        high,
    )
    nearest = value.clip(lower=low, upper=high)
    cur.loc[rows, "rating"] = words(codes, RATING_WORDS, "not compared")
    cur.loc[rows, "rag"] = words(codes, RAG, "grey")
    cur.loc[rows, "diff"] = value - nearest
    with np.errstate(divide="ignore", invalid="ignore"):
        cur.loc[rows, "diff_pct"] = (value - nearest) / nearest.abs() * 100
    unit = np.where(relative, "%", "")
    shown = sub["metric_id"].map(meta["unit"]).fillna("")
    shown = shown.where(shown.isin(["%", ""]), " " + shown)
    cur.loc[rows, "comparator"] = "band " + low.map("{:g}".format) + "-" + high.map("{:g}".format) + shown
    cur.loc[rows, "comparator_type"] = "band"
    cur.loc[rows, "method"] = "band"
    cur.loc[rows, "rating_within"] = within
    cur.loc[rows, "rating_relative"] = relative
    cur.loc[rows, "rating_rule"] = (
        "band: inside "
        + low.map("{:g}".format)
        + "-"
        + high.map("{:g}".format)
        + " is better, outside by at most "
        + within.map("{:g}".format)
        + unit
        + " is similar, further is worse"
    )
    return cur


QUINTILE_WORDS = {
    "high": {5: "best", 4: "better", 3: "middle", 2: "worse", 1: "worst"},
    "low": {1: "best", 2: "better", 3: "middle", 4: "worse", 5: "worst"},
    "none": {5: "highest", 4: "high", 3: "middle", 2: "low", 1: "lowest"},
}
QUINTILE_RAG = {
    "best": "green",
    "better": "green",
    "middle": "amber",
    "worse": "red",
    "worst": "red",
    "highest": "blue",
    "high": "blue",
    "low": "blue",
    "lowest": "blue",
}


def rate_by_quintile(current, metrics):
    """Metrics rated ``method: quintile``: Fingertips' quintiles of the comparison group (best
    to worst by polarity; highest to lowest without one), from the area's quintile."""
    wanted = set(metrics.loc[metrics["rating_method"] == "quintile", "metric_id"])
    if not wanted or "quintile" not in current.columns:
        return current
    current = current.copy()
    rows = current["metric_id"].isin(wanted)
    polarity = current.loc[rows, "metric_id"].map(metrics.set_index("metric_id")["polarity"])
    quintile = current.loc[rows, "quintile"].astype("float64")
    # a metric with quantiles: {groups: 5, method: phe_rank} is rated by PHE's rank quintiles
    if "quantile" in current.columns:
        meta = metrics.set_index("metric_id")
        phe = (current.loc[rows, "metric_id"].map(meta["quantile_groups"]) == 5) & (
            current.loc[rows, "metric_id"].map(meta["quantile_method"]) == "phe_rank"
        )
        own = current.loc[rows, "quantile"].astype("float64")
        inverted = current.loc[rows, "metric_id"].map(meta["quantile_invert"]).astype(bool)
        quintile = quintile.where(~phe, own.where(~inverted, 6 - own))  # 1 the lowest values, as type 7
    else:
        phe = pd.Series(False, index=quintile.index)
    said = pd.Series("not compared", index=quintile.index, dtype=object)
    for pol, table in QUINTILE_WORDS.items():
        mine = (polarity.where(polarity.isin(["high", "low"]), "none") == pol) & quintile.notna()
        said[mine] = quintile[mine].map({float(k): v for k, v in table.items()}).fillna("not compared")
    current.loc[rows, "rating"] = said
    current.loc[rows, "rag"] = said.map(QUINTILE_RAG).fillna("grey")
    current.loc[rows, "method"] = "quintile"
    # the deciding comparator is the group, not an area's value: say so, and drop that value
    group = current.loc[rows, "group"] if "group" in current.columns else pd.Series("", index=quintile.index)
    current.loc[rows, "comparator"] = np.where(
        quintile.notna(),
        "quintile "
        + quintile.astype(object).map(lambda q: f"{q:.0f}" if q == q else "")
        + " of 5 by value (1 = lowest) among the councils of group "
        + group.fillna("").astype(str),
        "quintile: not ranked in the group",
    )
    current.loc[rows, "comparator_type"] = "quintile"
    current = _not_an_area(current, rows)
    current.loc[rows, "rating_rule"] = np.where(
        phe, "quintile of the comparison group (PHE's rank method)", "quintile of the comparison group (type-7 bounds)"
    )
    return current


ATTRIBUTES_OF_A_VALUE = (
    "comparator_value",
    "comparator_area",
    "comparator_area_name",
    "comparator_period",
    "benchmark_basis",
    "diff",
    "diff_pct",
    "rating_within",
    "rating_relative",
)


def _not_an_area(current, rows):
    """Rows decided by a rule of their own (a quintile, a funnel, a target range): the value,
    area, period and tolerance of a comparator that did not decide are not theirs."""
    for column in ATTRIBUTES_OF_A_VALUE:
        if column in current.columns:
            current.loc[rows, column] = np.nan
    return current


def rate_by_funnel(current, values, metrics, context):
    """Rate the current rows of funnel-rated metrics on their area's group's funnel (module
    docstring), in the area's benchmark period. ``context``: the comparison group
    (:class:`ascbench.engine.ranking.GroupContext`). Adds ``funnel`` (PHE's label),
    ``funnel_average`` and ``funnel_of``."""
    if current.empty or not metrics["rating_method"].isin(list(FUNNEL_METHODS)).any():
        return current
    pool = funnel_pool(values, metrics, context)
    if pool.empty:
        return current
    meta = metrics.set_index("metric_id")
    keys = ["group", "metric_id", "period"]
    mine = context.periods.merge(pool, on=[*keys, "area_code"])
    mine = mine.assign(statistic=mine["metric_id"].map(meta["statistic"]))
    mine = mine[mine["statistic"].isin(FUNNEL_STATISTICS)].reset_index(drop=True)
    if mine.empty:
        return current
    label = pd.Series("", index=mine.index, dtype=object)
    for statistic in mine["statistic"].unique():  # one call per kind of statistic, not per row
        rows = mine["statistic"] == statistic
        sub = mine[rows]
        multiplier = sub["metric_id"].map(meta["multiplier"]).to_numpy(dtype="float64")
        kw = {"statistic": statistic, "average": sub["average"].to_numpy()}
        if statistic == "rate":
            kw.update(
                rate=sub["numerator"].to_numpy() / sub["denominator"].to_numpy() * multiplier,
                rate_type="crude",
                multiplier=multiplier,
            )
        try:
            label[rows] = stats.funnel_significance(sub["numerator"], sub["denominator"], **kw)
        except stats.StatsError as exc:  # the data's counts are at fault (a numerator above its denominator)
            raise AscbenchError.from_stats(exc, item=", ".join(sorted(set(sub["metric_id"].astype(str))))) from None
    with_counts = pool.groupby(keys, observed=True).size().rename("funnel_of").reset_index()
    mine = mine.merge(with_counts, on=keys, how="left")
    found = pd.DataFrame(
        {
            "metric_id": mine["metric_id"].astype(str),
            "area_code": mine["area_code"].astype(str),
            "funnel": label.to_numpy(),
            "funnel_average": mine["average"].to_numpy(),
            "funnel_period": mine["period"].astype(str),
            "funnel_of": mine["funnel_of"].to_numpy(),
        }
    )
    out = current.merge(found, on=["metric_id", "area_code"], how="left", validate="many_to_one")
    method = out["metric_id"].map(meta["rating_method"])
    rows = method.isin(list(FUNNEL_METHODS)) & out["funnel"].notna()
    if not rows.any():
        return out
    sub = out[rows]
    significant = np.where(
        method[rows] == "funnel998",
        sub["funnel"].isin(FUNNEL_METHODS["funnel998"]),
        sub["funnel"].isin(FUNNEL_METHODS["funnel95"]),
    )
    side = np.where(significant, np.where(sub["funnel"].str.startswith("High"), 1.0, -1.0), 0.0)
    codes = direction_code(side, sub["metric_id"].map(meta["polarity"]).to_numpy(dtype=object))
    out.loc[rows, "rating"] = words(codes, RATING_WORDS, "not compared")
    out.loc[rows, "rag"] = words(codes, RAG, "grey")
    out.loc[rows & (out["metric_id"].map(meta["polarity"]) == "none"), "rag"] = "blue"
    out.loc[rows, "method"] = method[rows]
    out.loc[rows, "confidence"] = np.where(method[rows] == "funnel95", 0.95, 0.998)
    scale = sub["metric_id"].map(meta["multiplier"]).astype("float64")
    unit = sub["metric_id"].map(meta["unit"]).fillna("")
    out.loc[rows, "comparator"] = (
        "funnel of "
        + sub["funnel_of"].astype(int).astype(str)
        + " councils, average "
        + (sub["funnel_average"] * scale).map("{:.1f}".format)
        + unit.where(unit == "%", " " + unit)
    )
    out.loc[rows, "comparator_type"] = "funnel"
    out = _not_an_area(out, rows)
    out.loc[rows, "rating_rule"] = np.where(
        method[rows] == "funnel95",
        "funnel plot (PHE): outside the 95% limits around the group's pooled average is better or worse",
        "funnel plot (PHE): outside the 99.8% limits around the group's pooled average is better or worse",
    )
    return out


def rate_against_range_target(current, metrics):
    """Metrics rated ``method: range_target``: Fingertips' directional range goal
    (:func:`ascbench.stats.judge_range_target`). The band is ``[low, high)``: for
    high-is-good at or above the upper bound is better, below the lower worse; for
    low-is-good below the lower bound is better, at or above the upper worse; between is
    similar. ``rating: {range_edges: mirrored}`` mirrors the high-is-good edges for
    low-is-good instead (at or below the lower bound better, above the upper worse)."""
    meta = metrics.set_index("metric_id")
    method = current["metric_id"].map(meta["rating_method"])
    rows = (method == "range_target") & current["value"].notna()
    if not rows.any():
        return current
    cur, sub, low, high = _bounded_rows(current, rows, meta, "range_target_low", "range_target_high")
    polarity = sub["metric_id"].map(meta["polarity"]).to_numpy(dtype=object)
    edges = sub["metric_id"].map(meta["range_target_edges"]).fillna("fingertips").to_numpy(dtype=object)
    value = sub["value"].astype("float64")
    codes = np.full(len(sub), np.nan)
    for convention in np.unique(edges):  # at most two conventions: one call each
        mask = edges == convention
        codes[mask] = stats.judge_range_target(
            value[mask], low[mask], high[mask], polarity[mask], edges=str(convention)
        )
    cur.loc[rows, "rating"] = words(codes, RATING_WORDS, "not compared")
    cur.loc[rows, "rag"] = words(codes, RAG, "grey")
    cur.loc[rows & (cur["metric_id"].map(meta["polarity"]) == "none"), "rag"] = "blue"
    lo_text, hi_text = low.map("{:g}".format), high.map("{:g}".format)
    span = lo_text + "-" + hi_text
    cur.loc[rows, "comparator"] = "target range " + span
    cur.loc[rows, "comparator_type"] = "range target"
    cur = _not_an_area(cur, rows)
    cur.loc[rows, "method"] = "range_target"
    good_low = pd.Series(polarity, index=sub.index) == "low"
    mirrored = pd.Series(edges, index=sub.index) == "mirrored"
    cur.loc[rows, "rating_rule"] = np.where(
        ~good_low,
        "target range " + span + ": at or above " + hi_text + " is better, below " + lo_text + " is worse",
        np.where(
            mirrored,
            "target range " + span + ": at or below " + lo_text + " is better, above " + hi_text + " is worse",
            "target range " + span + ": below " + lo_text + " is better, at or above " + hi_text + " is worse",
        ),
    )
    return cur
