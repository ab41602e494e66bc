"""Compare: each current value's comparators, resolved to a value and a period.

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

Every comparator is resolved here and kept in the long ``comparisons`` frame for
``explain`` and the narrative; :mod:`ascbench.engine.rating` rates them, and the first that
has a value decides the row's rating.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ascbench.engine.milestones import measure_weights, share_of_year
from ascbench.engine.select import is_year_end, year_end_family
from ascbench.periods import attach_periods, like_for_like

KEYS = ["metric_id", "preference"]  # a comparator: its metric and its place in the order of preference
ROW = ["metric_id", "area_code"]  # one current row per metric and area: comparators join on these
BASIS_PREFERENCE = {"counts": 0, "published": 0, "pooled": 1, "mean": 2, "measure": 0}


def _candidates(comparators, values, observations, group_values):
    """Every (metric, comparator preference, area, period, value, basis) a comparator could use."""
    by_metric = comparators[comparators["type"].isin(["area", "baseline"])][[*KEYS, "basis"]]
    from_values = by_metric.merge(
        values[["metric_id", "area_code", "period", "value", "value_basis", "status"]], on="metric_id"
    )
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
            part = g[["metric_id", "preference", "basis", "area_code", "period", basis, "n_members"]].rename(
                columns={basis: "value"}
            )
            parts.append(part.assign(c_basis=basis, status=""))
    targets = comparators[comparators["type"] == "target"][[*KEYS, "basis", "measure"]]
    from_obs = targets.merge(observations[["area_code", "period", "measure", "value", "status"]], on="measure")
    parts.append(from_obs.drop(columns="measure").assign(c_basis="measure"))
    cands = pd.concat(parts, ignore_index=True)
    wanted = np.where(
        cands["basis"] == "auto",
        True,
        np.where(
            cands["basis"] == "data",
            cands["c_basis"].isin(["counts", "published", "measure"]),
            cands["c_basis"] == cands["basis"],
        ),
    )
    cands = cands[wanted & cands["value"].notna()].drop(columns="basis")
    if "n_members" not in cands.columns:
        cands["n_members"] = np.nan
    return attach_periods(cands)


AREA_ROLES = ("region", "council_type")  # roles that name each area's own aggregate (areas.csv)


def area_roles(areas) -> pd.DataFrame:
    """``area_code, region, council_type``: the codes of each area's own region (the region
    area whose name is the area's ``region``) and council type (its ``council_type``
    column), for comparators ``area: region`` and ``area: council_type`` that a dataset's
    ``roles`` do not fix to one area."""
    frame = pd.DataFrame({"area_code": areas["area_code"].astype(str).to_numpy()})
    regions = areas.loc[areas["area_type"] == "region"]
    by_name = dict(zip(regions["area_name"].astype(str).str.lower(), regions["area_code"], strict=False))
    names = areas["region"].astype(str).str.lower() if "region" in areas.columns else pd.Series("", index=areas.index)
    frame["region"] = names.map(by_name).to_numpy()
    frame["council_type"] = (
        areas["council_type"].replace("", np.nan).to_numpy() if "council_type" in areas.columns else np.nan
    )
    return frame


def resolve_comparators(
    current,
    comparators,
    values,
    observations,
    roles: dict,
    area_names: dict,
    group_values=None,
    own_roles=None,
    report_end=None,
    accumulating=frozenset(),
):
    """Long frame: one row per current row (its ``metric_id, area_code``) x comparator with a
    resolved value, in the order of ``current`` and then of preference. Joined on keys, never
    on row positions. ``report_end``: no area comparator ends after the reporting date (a
    year's forecast, rated as the current value, is compared with the data known then).
    ``accumulating``: the metrics whose figure grows with the months it covers (a count of
    events, a rate of events per a population: :func:`ascbench.catalogue.aggregation.accumulates`),
    whose area and baseline comparators must cover as many months (six months of admissions
    per 100,000 are never rated against a whole year's)."""
    columns = [
        "area_code",
        *KEYS,
        "comparator_type",
        "comparator_area",
        "comparator_period",
        "comparator_value",
        "annual_target",
        "benchmark_basis",
        "rating_method",
        "rating_within",
        "rating_relative",
        "rating_limits_equal",
        "comparator_area_name",
        "comparator",
    ]
    if current.empty or comparators.empty:
        return pd.DataFrame(columns=columns)
    left = current[
        ["metric_id", "area_code", "period", "start", "end", "months", "is_snapshot", "family", "kind"]
    ].copy()
    left = left.merge(comparators, on="metric_id", how="inner")
    left["lookup_area"] = np.where(
        left["type"] == "area",
        left["area"].map(lambda a: roles.get(a, a) if isinstance(a, str) else a),
        left["area_code"],
    )
    if own_roles is not None:  # area: region / council_type, where no role fixes them: each area's own
        for role in AREA_ROLES:
            mine = (left["type"] == "area") & (left["area"] == role) & (role not in roles)
            if mine.any():
                own = left.loc[mine, "area_code"].map(own_roles.set_index("area_code")[role])
                left.loc[mine, "lookup_area"] = own.fillna("")
    cands = _candidates(comparators, values, observations, group_values)
    cands = cands.rename(columns={c: f"c_{c}" for c in cands.columns if c not in KEYS and not c.startswith("c_")})
    m = left.merge(cands, left_on=[*KEYS, "lookup_area"], right_on=[*KEYS, "c_area_code"], how="inner")
    rule = m["period_rule"]
    year_end = is_year_end(m["c_is_whole_year"], m["c_is_snapshot"], m["c_end"])
    keep = (
        ((rule == "same") & (m["c_period"] == m["period"]))
        | ((rule == "latest") & (m["c_end"] <= m["end"]))
        | ((rule == "containing") & (m["c_start"] <= m["start"]) & (m["c_end"] >= m["end"]))
        | (
            (rule == "year_end")
            & year_end
            & (m["c_end"] < m["end"])
            & (year_end_family(m["c_family"]) == year_end_family(m["family"]))
        )
        | (
            (rule == "year")
            & m["c_is_whole_year"]
            & ~m["c_is_snapshot"]
            & (m["c_start"] <= m["start"])
            & (m["c_end"] >= m["end"])
        )
        | (~rule.isin(["same", "latest", "containing", "year_end", "year"]) & (m["c_period"] == rule))
    )
    if report_end is not None:  # as at the reporting date: an area's figures published by then
        keep &= (m["type"] != "area") | (m["c_end"] <= report_end)
    m = m[keep].copy()
    # preference among candidates: latest end; the same length as the current period; the
    # area's own value before one computed from members; for 'containing' the shortest
    m["_same_len"] = like_for_like(m["c_months"], m["c_is_snapshot"], m["months"], m["is_snapshot"])
    m["_unequal"] = m["type"].isin(["area", "baseline"]) & m["metric_id"].isin(list(accumulating)) & ~m["_same_len"]
    m["_length_pref"] = np.where(m["period_rule"] == "containing", -m["c_months"], m["c_months"])
    m["_basis_pref"] = m["c_basis"].map(BASIS_PREFERENCE).fillna(9)
    m = m.sort_values(
        [*ROW, "preference", "c_end", "_same_len", "_basis_pref", "_length_pref"],
        ascending=[True, True, True, False, False, True, False],
    )
    m = m.drop_duplicates([*ROW, "preference"], keep="first")
    m = _apply_profiles(m, observations)
    m.loc[m["_unequal"], "c_value"] = np.nan  # only a period of another length: no value to compare
    resolved = m[
        [
            "area_code",
            *KEYS,
            "type",
            "lookup_area",
            "c_period",
            "c_short",
            "c_value",
            "c_basis",
            "c_n_members",
            "label",
            "rating_method",
            "rating_within",
            "rating_relative",
            "rating_limits_equal",
            "annual_target",
            "share",
            "_unequal",
            "c_months",
            "months",
        ]
    ]
    # fixed values written in the catalogue
    fixed = left[(left["type"] == "value") & left["fixed_value"].notna()].copy()
    fixed = fixed.merge(
        current[["period", "short"]].drop_duplicates("period").rename(columns={"short": "c_short"}),
        on="period",
        how="left",
    )
    fixed = fixed.assign(
        c_period=fixed["period"],
        c_value=fixed["fixed_value"],
        lookup_area=fixed["area_code"],
        c_basis="fixed",
        c_n_members=np.nan,
        annual_target=np.nan,
        share=np.nan,
        _unequal=False,
        c_months=np.nan,
    )
    order = current[ROW].drop_duplicates().reset_index(drop=True).rename_axis("_order").reset_index()
    out = pd.concat([resolved, fixed[resolved.columns]], ignore_index=True).merge(order, on=ROW, how="left")
    out = out.sort_values(["_order", "preference"], kind="stable").drop(columns="_order")
    out = out.rename(
        columns={
            "lookup_area": "comparator_area",
            "c_period": "comparator_period",
            "c_value": "comparator_value",
            "type": "comparator_type",
        }
    )
    basis = out["c_basis"].replace(
        {"counts": "computed from counts", "published": "published", "measure": "data", "fixed": "catalogue"}
    )
    members = pd.Series(
        ["" if pd.isna(n) else f" of {int(n)} members" for n in out["c_n_members"]], index=out.index, dtype="object"
    )
    out["benchmark_basis"] = np.where(out["c_basis"].isin(["pooled", "mean"]), basis.astype("object") + members, basis)
    profiled = out["share"].notna()
    if profiled.any():
        out.loc[profiled, "benchmark_basis"] = [
            f"milestone: {share * 100:.1f}% of the {year} target of {target:,.10g}"
            for share, year, target in zip(
                out.loc[profiled, "share"],
                out.loc[profiled, "comparator_period"],
                out.loc[profiled, "annual_target"],
                strict=True,
            )
        ]
    unequal = out["_unequal"].eq(True)
    if unequal.any():
        out.loc[unequal, "benchmark_basis"] = [
            f"not compared: {p} covers {c:.0f} months and the value {n:.0f}; a count or a rate of events per a "
            "population grows with the months it covers, so only a period as long is compared"
            for p, c, n in zip(
                out.loc[unequal, "comparator_period"],
                out.loc[unequal, "c_months"],
                out.loc[unequal, "months"],
                strict=True,
            )
        ]
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
        shares[key] = (
            share_of_year(profile, period, year, weights)
            if (weights or not profile.startswith("measure:"))
            else float("nan")
        )
    keys = list(
        zip(
            m.loc[rows, "profile"],
            m.loc[rows, "period"],
            m.loc[rows, "c_period"],
            m.loc[rows, "lookup_area"],
            strict=True,
        )
    )
    share = np.array([shares[k] for k in keys], dtype="float64")
    m.loc[rows, "annual_target"] = m.loc[rows, "c_value"]
    m.loc[rows, "share"] = share
    m.loc[rows, "c_value"] = m.loc[rows, "c_value"].to_numpy() * share
    return m
