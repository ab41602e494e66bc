"""Compare: each current value against its comparators, and the rating that follows.

A metric lists comparators in order of preference (``docs/catalogue.md``):

* ``area``: the same metric for another area, named by a role of the dataset (``national``,
  ``peer``) or by its code; by default its latest period ending on or before the current
  period ends (a 2024/25 national average for a 2025/26 year-to-date figure);
* ``target``: a measure of the same area, such as a milestone or a target; by default for
  exactly the same period (``period: containing`` accepts an annual target for a part year);
* ``baseline``: the same metric and area at an earlier period (``year_end`` by default: the
  "position as at March");
* ``value``: a fixed number written in the catalogue.

The first comparator that has a value decides the rating; every comparator is resolved and
kept in the long ``comparisons`` frame for ``explain`` and the narrative.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ascbench.engine.rules import RAG, RATING_WORDS, judge, words

KEYS = ["metric_id", "rank"]


def _candidates(comparators, values, observations):
    """Every (metric, comparator rank, area, period, value) a comparator could use."""
    from ascbench.io.dataset import attach_periods

    by_metric = comparators[comparators["type"].isin(["area", "baseline"])][KEYS]
    from_values = by_metric.merge(values[["metric_id", "area_code", "period", "value", "status"]], on="metric_id")
    targets = comparators[comparators["type"] == "target"][[*KEYS, "measure"]]
    from_obs = targets.merge(observations[["area_code", "period", "measure", "value", "status"]], on="measure")
    cands = pd.concat([from_values, from_obs.drop(columns="measure")], ignore_index=True)
    cands = cands.dropna(subset=["value"])
    return attach_periods(cands)


def resolve_comparators(current, comparators, values, observations, roles: dict, area_names: dict):
    """Long frame: one row per current row (``_row``) x comparator with a resolved value."""
    if current.empty or comparators.empty:
        return pd.DataFrame(columns=["_row", *KEYS])
    left = current[["metric_id", "area_code", "period", "start", "end", "months", "family", "kind"]].copy()
    left["_row"] = np.arange(len(left))
    left = left.merge(comparators, on="metric_id", how="inner")
    left["lookup_area"] = np.where(
        left["type"] == "area", left["area"].map(lambda a: roles.get(a, a) if isinstance(a, str) else a),
        left["area_code"],
    )
    cands = _candidates(comparators, values, observations)
    cands = cands.rename(columns={c: f"c_{c}" for c in cands.columns if c not in KEYS})
    m = left.merge(cands, left_on=[*KEYS, "lookup_area"], right_on=[*KEYS, "c_area_code"], how="inner")
    rule = m["period_rule"]
    serves_left = m["family"].where(m["family"].isin(["academic", "snapshot"]), "financial")
    cand_serves = np.where(m["c_is_snapshot"], "snapshot",
                           np.where(m["c_family"] == "academic", "academic", "financial"))
    is_year_end = (m["c_is_whole_year"] & ~m["c_is_snapshot"]) | (
        m["c_is_snapshot"] & (m["c_end"].dt.month == 3) & (m["c_end"].dt.day == 31))
    keep = (
        ((rule == "same") & (m["c_period"] == m["period"]))
        | ((rule == "latest") & (m["c_end"] <= m["end"]))
        | ((rule == "containing") & (m["c_start"] <= m["start"]) & (m["c_end"] >= m["end"]))
        | ((rule == "year_end") & is_year_end & (m["c_end"] < m["end"]) & (cand_serves == serves_left))
        | (~rule.isin(["same", "latest", "containing", "year_end"]) & (m["c_period"] == rule))
    )
    m = m[keep].copy()
    # preference among candidates: latest end; then the same length as the current period;
    # for 'containing' the shortest period that contains it
    m["_same_len"] = m["c_months"] == m["months"]
    m["_neg_len"] = np.where(m["period_rule"] == "containing", -m["c_months"], m["c_months"])
    m = m.sort_values(["_row", "rank", "c_end", "_same_len", "_neg_len"], ascending=[True, True, False, False, False])
    m = m.drop_duplicates(["_row", "rank"], keep="first")
    resolved = m[["_row", *KEYS, "type", "lookup_area", "c_period", "c_short", "c_label", "c_value", "label",
                  "rating_method", "rating_within", "rating_relative"]]
    # fixed values written in the catalogue
    fixed = left[(left["type"] == "value") & left["fixed_value"].notna()].copy()
    fixed["c_period"] = fixed["period"]
    fixed = fixed.merge(current[["period", "short", "label"]].drop_duplicates("period").rename(
        columns={"short": "c_short", "label": "c_label"}), on="period", how="left")
    fixed["c_value"] = fixed["fixed_value"]
    fixed["lookup_area"] = fixed["area_code"]
    fixed = fixed[resolved.columns]
    out = pd.concat([resolved, fixed], ignore_index=True).sort_values(["_row", "rank"])
    out = out.rename(columns={"lookup_area": "comparator_area", "c_period": "comparator_period",
                              "c_value": "comparator_value", "type": "comparator_type"})
    names = out["comparator_area"].map(area_names).fillna(out["comparator_area"])
    out["comparator_area_name"] = names
    template = out["label"].fillna("").astype(str)
    template = template.where(template != "", "{area} {period}")
    out["comparator"] = [
        t.replace("{period}", str(s)).replace("{area}", str(a))
        for t, s, a in zip(template, out["c_short"], names, strict=True)
    ]
    return out.drop(columns=["label", "c_short", "c_label"]).reset_index(drop=True)


def judge_comparisons(current, comparisons, metrics):
    """Rate the current value against every resolved comparator (the long frame gains
    ``value``, ``rating``, ``rag``, ``diff``, ``diff_pct`` and ``rating_rule``)."""
    comp = comparisons.merge(current[["value"]].reset_index(drop=True).rename_axis("_row").reset_index(),
                             on="_row", how="left")
    meta = metrics.set_index("metric_id")
    method = comp["rating_method"].fillna("tolerance")
    relative = comp["rating_relative"].astype("boolean").fillna(False).astype(bool)
    within = comp["rating_within"].astype("float64").fillna(0.0)
    codes = judge(comp["value"], comp["comparator_value"], comp["metric_id"].map(meta["polarity"]), method,
                  within, relative, comp["metric_id"].map(meta["range_low"]), comp["metric_id"].map(meta["range_high"]))
    comp["rating"] = words(codes, RATING_WORDS, "not compared")
    comp["rag"] = words(codes, RAG, "grey")
    comp.loc[method == "none", ["rating", "rag"]] = ["not rated", "none"]
    comp["diff"] = comp["value"] - comp["comparator_value"]
    with np.errstate(divide="ignore", invalid="ignore"):
        comp["diff_pct"] = comp["diff"] / comp["comparator_value"].abs() * 100
    unit = np.where(relative, "%", "")
    within_text = within.map("{:g}".format)
    polarity = comp["metric_id"].map(meta["polarity"])
    band = ("range: inside " + comp["metric_id"].map(meta["range_low"]).map("{:g}".format) + "-"
            + comp["metric_id"].map(meta["range_high"]).map("{:g}".format) + " is better, outside by at most "
            + within_text + unit + " is similar")
    comp["rating_rule"] = np.select(
        [method == "none", polarity == "range", method == "target", method == "tolerance"],
        ["", band, "target: met is better, short by at most " + within_text + unit + " is similar",
         "tolerance: similar within " + within_text + unit + " of the comparator"], "")
    return comp


def rate_against_comparators(current, comparisons, metrics):
    """Add the deciding comparator (the most preferred one with a value) and its rating to
    ``current``; return ``(current, comparisons)`` with every comparator rated.

    Metrics with no comparators at all are "for information"; a comparator whose rule says
    ``method: none`` gives "not rated"; a missing value or comparator gives "not compared".
    """
    cur = current.reset_index(drop=True).copy()
    comparisons = judge_comparisons(cur, comparisons, metrics)
    chosen = comparisons.drop_duplicates("_row", keep="first").drop(columns=["metric_id", "rank", "value"])
    cur["_row"] = np.arange(len(cur))
    cur = cur.merge(chosen, on="_row", how="left").drop(columns=["_row"])
    meta = metrics.set_index("metric_id")
    cur["rating"] = cur["rating"].fillna("not compared")
    cur["rag"] = cur["rag"].fillna("grey")
    cur["rating_rule"] = cur["rating_rule"].fillna("")
    info = cur["metric_id"].map(meta["n_comparators"]) == 0
    cur.loc[info, ["rating", "rag", "rating_rule"]] = ["for information", "none", ""]
    return cur, comparisons
