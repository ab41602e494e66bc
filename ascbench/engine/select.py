"""Which period a dashboard shows, and which earlier period it is compared with.

* **Current**: for each metric and area, the latest period in the data that ends on or
  before the reporting period's end ("as at" the reporting date). On a tie of end dates the
  period of the same kind as the reporting period wins, then the longest. So a dashboard
  "as at December 2025" shows April-December for a local count, the 12 months to September
  for a CLD measure published a quarter behind, and the last survey year for a survey.
* **Previous**: by the metric's ``direction.previous`` rules, tried in order:

  - ``year_earlier``: the like-for-like period a year earlier (Apr-Dec 2024 for Apr-Dec
    2025; autumn term 2024/25 for autumn term 2025/26; 31 Dec 2024 for 31 Dec 2025);
  - ``preceding``: the period of the same kind immediately before (the previous six months);
  - ``year_end``: the latest whole year before (a financial year, or an academic year for
    academic periods), or for a snapshot the latest financial year-end (31 March) snapshot;
  - a period written out, such as ``2024-25``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ascbench.io.cells import DUE_STATUS
from ascbench.periods import attach_periods

CARRIED = ("lower95", "upper95", "lower998", "upper998")


def _with_periods(frame):
    return attach_periods(frame)


def select_current(values, areas: list[str], report_end, report_kind: str | None = None):
    """The current row per metric x area, as at ``report_end`` (a Timestamp)."""
    v = values[values["area_code"].isin(areas) & is_observed(values)]
    v = _with_periods(v)
    # as at the date: periods over by then; and a figure due for a period under way (a survey
    # of the year, "due May 2023"), which says so in place of last year's
    due = v["status"].astype(str).str.fullmatch(DUE_STATUS.pattern).to_numpy(dtype=bool)
    v = v[(v["end"] <= report_end).to_numpy() | (due & (v["start"] <= report_end).to_numpy())].copy()
    v["_same_kind"] = (v["kind"] == report_kind) if report_kind else False
    v = v.sort_values(
        ["metric_id", "area_code", "end", "_same_kind", "months"], ascending=[True, True, False, False, False]
    )
    current = v.drop_duplicates(["metric_id", "area_code"], keep="first").drop(columns="_same_kind")
    return current.reset_index(drop=True)


OBSERVED_STATUSES = ("suppressed", "not available", "not applicable", "zero denominator", "numerator above denominator")


def is_observed(values):
    """Rows that are an observation of the metric: a value, a value withheld on purpose, or
    one not yet published with the month it is due (``due 2023-05``). (A period with only a
    population and no count is not an observation of a rate.)"""
    status = values["status"].astype(str)
    return values["value"].notna() | status.isin(OBSERVED_STATUSES) | status.str.fullmatch(DUE_STATUS.pattern)


def year_end_family(family):
    """The kind of 'year end' a period of this family is compared with: an academic year, a
    31 March snapshot, or a financial year (financial and calendar periods)."""
    return family.where(family.isin(["academic", "snapshot"]), "financial")


def is_year_end(whole_year, snapshot, end):
    """A whole year, or a snapshot taken on 31 March (a financial year end)."""
    return (whole_year & ~snapshot) | (snapshot & (end.dt.month == 3) & (end.dt.day == 31))


def _year_end_candidates(values):
    """Rows that can serve as a 'year end' reference, with the family they serve."""
    v = _with_periods(values)
    v = v[is_year_end(v["is_whole_year"], v["is_snapshot"], v["end"])].copy()
    v["_serves"] = year_end_family(v["family"])
    return v


def year_end_lookup(left, candidates, key_area: str = "area_code", end_col: str = "end"):
    """For each row of ``left`` the latest candidate strictly before ``left[end_col]`` that
    serves the row's family; returns candidate columns aligned to ``left``'s index."""
    left = left.copy()
    left["_serves"] = year_end_family(left["family"])
    left["_row"] = range(len(left))
    cands = candidates.rename(columns={"area_code": key_area})
    cands = cands.dropna(subset=["value"])
    merged = left[["_row", "metric_id", key_area, "_serves", end_col]].merge(
        cands[["metric_id", key_area, "_serves", "period", "end", "value", "status"]].rename(
            columns={"end": "_cand_end", "period": "_cand_period", "value": "_cand_value", "status": "_cand_status"}
        ),
        on=["metric_id", key_area, "_serves"],
        how="inner",
    )
    merged = merged[merged["_cand_end"] < merged[end_col]]
    merged = merged.sort_values(["_row", "_cand_end"]).drop_duplicates("_row", keep="last")
    return merged.set_index("_row")[["_cand_period", "_cand_value", "_cand_status"]].reindex(range(len(left)))


def attach_previous(current, values, metrics):
    """Add ``previous_period``, ``previous_value``, ``previous_status`` and ``previous_rule``
    to ``current`` by each metric's ordered ``direction.previous`` rules."""
    cur = current.merge(metrics[["metric_id", "dot_previous"]], on="metric_id", how="left")
    cur = cur.reset_index(drop=True)
    n = len(cur)
    out_period = pd.Series([None] * n, dtype="object")
    out_value = pd.Series([float("nan")] * n, dtype="float64")
    out_status = pd.Series([None] * n, dtype="object")
    out_rule = pd.Series([None] * n, dtype="object")
    carried = [c for c in CARRIED if c in values.columns]
    out_extra = pd.DataFrame(np.nan, index=range(n), columns=carried)
    keyed = values.set_index(["metric_id", "area_code", "period"])[["value", "status", *carried]]
    rules = cur["dot_previous"].fillna("year_earlier,year_end").str.split(",")
    max_rules = int(rules.str.len().max()) if n else 0
    year_end = None
    for i in range(max_rules):
        rule = rules.str[i]
        todo = out_period.isna() & rule.notna()
        if not todo.any():
            continue
        target = pd.Series([None] * n, dtype="object")
        target[todo & (rule == "year_earlier")] = cur.loc[todo & (rule == "year_earlier"), "year_earlier"]
        target[todo & (rule == "preceding")] = cur.loc[todo & (rule == "preceding"), "preceding"]
        explicit = todo & ~rule.isin(["year_earlier", "preceding", "year_end"])
        target[explicit] = rule[explicit]
        lookup = pd.MultiIndex.from_arrays([cur["metric_id"], cur["area_code"], target])
        found = keyed.reindex(lookup)
        hit = todo & target.notna() & (found["value"].notna().to_numpy() | found["status"].notna().to_numpy())
        out_period[hit] = target[hit]
        out_value[hit] = found["value"].to_numpy()[hit.to_numpy()]
        out_status[hit] = found["status"].to_numpy()[hit.to_numpy()]
        out_rule[hit] = rule[hit]
        for c in carried:
            out_extra.loc[hit, c] = found[c].to_numpy()[hit.to_numpy()]
        ye = todo & (rule == "year_end") & out_period.isna()
        if ye.any():
            if year_end is None:
                year_end = _year_end_candidates(values)
            found_ye = year_end_lookup(cur, year_end)
            hit = ye & found_ye["_cand_period"].notna()
            out_period[hit] = found_ye.loc[hit, "_cand_period"]
            out_value[hit] = found_ye.loc[hit, "_cand_value"]
            out_status[hit] = found_ye.loc[hit, "_cand_status"]
            out_rule[hit] = "year_end"
            if carried:
                again = keyed.reindex(pd.MultiIndex.from_arrays([cur["metric_id"], cur["area_code"], out_period]))
                for c in carried:
                    out_extra.loc[hit, c] = again[c].to_numpy()[hit.to_numpy()]
    cur["previous_period"] = out_period
    cur["previous_value"] = out_value
    cur["previous_status"] = out_status
    cur["previous_rule"] = out_rule
    for c in carried:
        cur[f"previous_{c}"] = out_extra[c].to_numpy(dtype="float64")
    return cur.drop(columns=["dot_previous"])
