"""Compare: each current value against its comparators, and the rating that follows.

A metric lists comparators in order of preference (``docs/catalogue.md``):

* ``area``: the same metric for another area, named by a role of the dataset (``national``,
  ``peer``) or by its code; by default its latest period ending on or before the current
  period ends (a 2024/25 national average for a 2025/26 year-to-date figure). For a group
  with members in ``groups.csv`` the value may be computed from them (``basis``);
* ``target``: a measure of the same area, such as a milestone or a target; by default for
  exactly the same period (``period: containing`` accepts an annual target for a part year);
* ``baseline``: the same metric and area at an earlier period (``year_end`` by default: the
  "position as at March");
* ``value``: a fixed number written in the catalogue.

The first comparator that has a value decides the rating; every comparator is resolved,
rated and kept in the long ``comparisons`` frame for ``explain`` and the narrative.

Rating methods: ``tolerance`` and ``target`` (:func:`ascbench.engine.rules.judge`);
Fingertips' ``ci_overlap95``, ``ci_overlap998`` and ``ci_overlap_both`` (the value's
confidence interval against the benchmark); ``spc95`` and ``spc998`` (the value against
control limits around the benchmark for an area of its size).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ascbench.catalogue.model import SELF_RATING_METHODS
from ascbench.engine.select import is_year_end, serves
from ascbench.periods import attach_periods, like_for_like
from ascbench.engine.rules import (
    RAG, RATING_WORDS, judge, judge_control_limits, judge_interval, judge_two_levels, words,
)

KEYS = ["metric_id", "rank"]
BASIS_PREFERENCE = {"counts": 0, "published": 0, "pooled": 1, "mean": 2, "measure": 0}


def _candidates(comparators, values, observations, group_values):
    """Every (metric, comparator rank, area, period, value, basis) a comparator could use."""

    by_metric = comparators[comparators["type"].isin(["area", "baseline"])][[*KEYS, "basis"]]
    from_values = by_metric.merge(
        values[["metric_id", "area_code", "period", "value", "value_basis", "status"]], on="metric_id")
    from_values = from_values.rename(columns={"value_basis": "c_basis"})
    parts = [from_values]
    if group_values is not None and len(group_values):
        areas = by_metric[by_metric["basis"].isin(["auto", "pooled", "mean"])]
        g = areas.merge(group_values, on="metric_id")
        # 'auto' never puts a figure computed from members in place of the group's own value
        # that was withheld (suppressed, not available): that would publish what was withheld
        withheld = from_values[from_values["value"].isna() & (from_values["status"].astype(str) != "")]
        if len(withheld):
            own = withheld[["metric_id", "area_code", "period"]].drop_duplicates().assign(_withheld=True)
            g = g.merge(own, on=["metric_id", "area_code", "period"], how="left")
            g = g[~((g["basis"] == "auto") & g["_withheld"].eq(True))].drop(columns="_withheld")
        for basis in ("pooled", "mean"):
            part = g[["metric_id", "rank", "basis", "area_code", "period", basis, "n_members"]].rename(
                columns={basis: "value"})
            parts.append(part.assign(c_basis=basis, status=""))
    targets = comparators[comparators["type"] == "target"][[*KEYS, "basis", "measure"]]
    from_obs = targets.merge(observations[["area_code", "period", "measure", "value", "status"]], on="measure")
    parts.append(from_obs.drop(columns="measure").assign(c_basis="measure"))
    cands = pd.concat(parts, ignore_index=True)
    wanted = np.where(cands["basis"] == "auto", True,
                      np.where(cands["basis"] == "data", cands["c_basis"].isin(["counts", "published", "measure"]),
                               cands["c_basis"] == cands["basis"]))
    cands = cands[wanted & cands["value"].notna()].drop(columns="basis")
    if "n_members" not in cands.columns:
        cands["n_members"] = np.nan
    return attach_periods(cands)


def resolve_comparators(current, comparators, values, observations, roles: dict, area_names: dict,
                        group_values=None):
    """Long frame: one row per current row (``_row``) x comparator with a resolved value."""
    columns = ["_row", *KEYS, "comparator_type", "comparator_area", "comparator_period", "comparator_value",
               "annual_target", "benchmark_basis", "rating_method", "rating_within", "rating_relative", "rating_limits_equal",
               "comparator_area_name", "comparator"]
    if current.empty or comparators.empty:
        return pd.DataFrame(columns=columns)
    left = current[["metric_id", "area_code", "period", "start", "end", "months", "is_snapshot", "family",
                    "kind"]].copy()
    left["_row"] = np.arange(len(left))
    left = left.merge(comparators, on="metric_id", how="inner")
    left["lookup_area"] = np.where(
        left["type"] == "area", left["area"].map(lambda a: roles.get(a, a) if isinstance(a, str) else a),
        left["area_code"],
    )
    cands = _candidates(comparators, values, observations, group_values)
    cands = cands.rename(columns={c: f"c_{c}" for c in cands.columns if c not in KEYS and not c.startswith("c_")})
    m = left.merge(cands, left_on=[*KEYS, "lookup_area"], right_on=[*KEYS, "c_area_code"], how="inner")
    rule = m["period_rule"]
    year_end = is_year_end(m["c_is_whole_year"], m["c_is_snapshot"], m["c_end"])
    keep = (
        ((rule == "same") & (m["c_period"] == m["period"]))
        | ((rule == "latest") & (m["c_end"] <= m["end"]))
        | ((rule == "containing") & (m["c_start"] <= m["start"]) & (m["c_end"] >= m["end"]))
        | ((rule == "year_end") & year_end & (m["c_end"] < m["end"]) & (serves(m["c_family"]) == serves(m["family"])))
        | ((rule == "year") & m["c_is_whole_year"] & ~m["c_is_snapshot"] & (m["c_start"] <= m["start"])
           & (m["c_end"] >= m["end"]))
        | (~rule.isin(["same", "latest", "containing", "year_end", "year"]) & (m["c_period"] == rule))
    )
    m = m[keep].copy()
    # preference among candidates: latest end; the same length as the current period; the
    # area's own value before one computed from members; for 'containing' the shortest
    m["_same_len"] = like_for_like(m["c_months"], m["c_is_snapshot"], m["months"], m["is_snapshot"])
    m["_neg_len"] = np.where(m["period_rule"] == "containing", -m["c_months"], m["c_months"])
    m["_basis_pref"] = m["c_basis"].map(BASIS_PREFERENCE).fillna(9)
    m = m.sort_values(["_row", "rank", "c_end", "_same_len", "_basis_pref", "_neg_len"],
                      ascending=[True, True, False, False, True, False])
    m = m.drop_duplicates(["_row", "rank"], keep="first")
    m = _apply_profiles(m, observations)
    resolved = m[["_row", *KEYS, "type", "lookup_area", "c_period", "c_short", "c_value", "c_basis",
                  "c_n_members", "label", "rating_method", "rating_within", "rating_relative", "rating_limits_equal",
                  "annual_target", "share"]]
    # fixed values written in the catalogue
    fixed = left[(left["type"] == "value") & left["fixed_value"].notna()].copy()
    fixed = fixed.merge(current[["period", "short"]].drop_duplicates("period").rename(columns={"short": "c_short"}),
                        on="period", how="left")
    fixed = fixed.assign(c_period=fixed["period"], c_value=fixed["fixed_value"], lookup_area=fixed["area_code"],
                         c_basis="fixed", c_n_members=np.nan, annual_target=np.nan, share=np.nan)
    out = pd.concat([resolved, fixed[resolved.columns]], ignore_index=True).sort_values(["_row", "rank"])
    out = out.rename(columns={"lookup_area": "comparator_area", "c_period": "comparator_period",
                              "c_value": "comparator_value", "type": "comparator_type"})
    basis = out["c_basis"].replace({"counts": "computed from counts", "published": "published",
                                    "measure": "data", "fixed": "catalogue"})
    members = pd.Series(["" if pd.isna(n) else f" of {int(n)} members" for n in out["c_n_members"]],
                        index=out.index, dtype="object")
    out["benchmark_basis"] = np.where(out["c_basis"].isin(["pooled", "mean"]), basis.astype("object") + members,
                                      basis)
    profiled = out["share"].notna()
    if profiled.any():
        out.loc[profiled, "benchmark_basis"] = [
            f"milestone: {share * 100:.1f}% of the {year} target of {target:,.10g}"
            for share, year, target in zip(out.loc[profiled, "share"], out.loc[profiled, "comparator_period"],
                                           out.loc[profiled, "annual_target"], strict=True)]
    names = out["comparator_area"].map(area_names).fillna(out["comparator_area"])
    out["comparator_area_name"] = names
    template = out["label"].fillna("").astype(str)
    template = template.where(template != "", "{area} {period}")
    out["comparator"] = [
        t.replace("{period}", str(s)).replace("{area}", str(a))
        for t, s, a in zip(template, out["c_short"], names, strict=True)
    ]
    return out[columns].reset_index(drop=True)


def _apply_profiles(m, observations):
    """Turn an annual target into the milestone due by the end of the current period."""
    from ascbench.engine.milestones import measure_weights, share_of_year

    m = m.copy()
    m["annual_target"] = np.nan
    m["share"] = np.nan
    if "profile" not in m.columns:
        return m
    rows = m["profile"].notna() & (m["type"] == "target")
    if not rows.any():
        return m
    shares = {}
    for key in m.loc[rows, ["profile", "period", "c_period", "lookup_area"]].drop_duplicates().itertuples(index=False):
        profile, period, year, area = key
        weights = None
        if profile.startswith("measure:"):
            weights = measure_weights(observations, profile.split(":", 1)[1], area, year)
        shares[key] = share_of_year(profile, period, year, weights) if (weights or not profile.startswith("measure:")) \
            else float("nan")
    keys = list(zip(m.loc[rows, "profile"], m.loc[rows, "period"], m.loc[rows, "c_period"], m.loc[rows, "lookup_area"],
                    strict=True))
    share = np.array([shares[k] for k in keys], dtype="float64")
    m.loc[rows, "annual_target"] = m.loc[rows, "c_value"]
    m.loc[rows, "share"] = share
    m.loc[rows, "c_value"] = m.loc[rows, "c_value"].to_numpy() * share
    return m


CONFIDENCE = {"ci_overlap95": 0.95, "ci_overlap998": 0.998, "ci_overlap_both": 0.998, "spc95": 0.95,
              "spc998": 0.998}


def judge_comparisons(current, comparisons, metrics):
    """Rate the current value against every resolved comparator (the long frame gains
    ``value``, ``rating``, ``rag``, ``diff``, ``diff_pct``, ``rating_rule``, ``method``,
    ``confidence``)."""
    from ascbench import stats

    cur = current.reset_index(drop=True)
    cur_cols = ["value", "denominator", "lower95", "upper95", "lower998", "upper998"]
    comp = comparisons.merge(cur[cur_cols].rename_axis("_row").reset_index(), on="_row", how="left")
    meta = metrics.set_index("metric_id")
    polarity = comp["metric_id"].map(meta["polarity"])
    low, high = comp["metric_id"].map(meta["range_low"]), comp["metric_id"].map(meta["range_high"])
    method = comp["rating_method"].fillna("tolerance")
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
                    lo[mask], up[mask] = stats.control_limits(bench[mask], comp["denominator"][mask], stat, level,
                                                              multiplier[mask].to_numpy())
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
    band = ("range: inside " + low.map("{:g}".format) + "-" + high.map("{:g}".format)
            + " is better, outside by at most " + within_text + unit + " is similar")
    ci = {
        "ci_overlap95": "95% confidence interval overlapping the benchmark is similar (Fingertips)",
        "ci_overlap998": "99.8% confidence interval overlapping the benchmark is similar (Fingertips)",
        "ci_overlap_both": "confidence intervals at 95% and 99.8% against the benchmark (Fingertips)",
        "spc95": "outside 95% control limits around the benchmark is significant",
        "spc998": "outside 99.8% control limits around the benchmark is significant",
    }
    text = np.select(
        [method == "none", method.isin(list(ci)), polarity == "range", method == "target", method == "tolerance"],
        [np.full(len(comp), ""), method.map(ci).fillna(""), band,
         "target: met is better, short by at most " + within_text + unit + " is similar",
         "tolerance: similar within " + within_text + unit + " of the comparator"], "")
    return text


def rate_against_comparators(current, comparisons, metrics):
    """Add the deciding comparator (the most preferred one with a value) and its rating to
    ``current``; return ``(current, comparisons)`` with every comparator rated.

    Metrics with no comparators at all are "for information"; a comparator whose rule says
    ``method: none`` gives "not rated"; a missing value or comparator gives "not compared".
    """
    cur = current.reset_index(drop=True).copy()
    comparisons = judge_comparisons(cur, comparisons, metrics)
    keep = ["_row", "comparator", "comparator_type", "comparator_area", "comparator_area_name", "comparator_period",
            "comparator_value", "benchmark_basis", "rating", "rag", "diff", "diff_pct", "rating_rule", "method",
            "confidence", "rating_within", "rating_relative", "annual_target"]
    chosen = comparisons.drop_duplicates("_row", keep="first")[keep]
    cur["_row"] = np.arange(len(cur))
    cur = cur.merge(chosen, on="_row", how="left").drop(columns=["_row"])
    meta = metrics.set_index("metric_id")
    cur["rating"] = cur["rating"].fillna("not compared")
    cur["rag"] = cur["rag"].fillna("grey")
    cur["rating_rule"] = cur["rating_rule"].fillna("")
    cur["method"] = cur["method"].fillna("")
    info = (cur["metric_id"].map(meta["n_comparators"]) == 0) & ~cur["metric_id"].map(meta["rating_method"]).isin(SELF_RATING_METHODS)
    cur.loc[info, ["rating", "rag", "rating_rule"]] = ["for information", "none", ""]
    return rate_against_band(cur, metrics), comparisons


def rate_against_band(current, metrics):
    """A ``polarity: range`` metric that no comparator rates is rated against its own band:
    inside is better, outside by at most the rating tolerance similar, further worse, with
    ``diff`` the distance from the band (above positive, below negative, 0 inside) and
    ``diff_pct`` that distance as a percentage of the nearer bound."""
    from ascbench.engine.rules import judge

    meta = metrics.set_index("metric_id")
    polarity = current["metric_id"].map(meta["polarity"])
    rows = (polarity == "range") & current["comparator_value"].isna() & current["value"].notna()
    if not rows.any():
        return current
    cur = current.copy()
    sub = cur[rows]
    low = sub["metric_id"].map(meta["range_low"]).astype("float64")
    high = sub["metric_id"].map(meta["range_high"]).astype("float64")
    within = sub["metric_id"].map(meta["rating_within"]).astype("float64").fillna(0.0)
    relative = sub["metric_id"].map(meta["rating_relative"]).astype("boolean").fillna(False).astype(bool)
    value = sub["value"].astype("float64")
    codes = judge(value, np.full(len(sub), np.nan), np.full(len(sub), "range", dtype=object), "tolerance", within,
                  relative, low, high)
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
    cur.loc[rows, "rating_rule"] = ("band: inside " + low.map("{:g}".format) + "-" + high.map("{:g}".format)
                                    + " is better, outside by at most " + within.map("{:g}".format) + unit
                                    + " is similar, further is worse")
    return cur
