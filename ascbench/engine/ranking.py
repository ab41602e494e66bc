"""The comparison group of a run, found once: who each chosen area is ranked among, in which
period, and the league table of every member there.

:func:`comparison_group` resolves ``--group`` for every chosen area
(:mod:`ascbench.engine.membership`: each area's own region, type or neighbours where the
group says so; members as they existed in each period), finds each area's benchmark period
for each metric (:func:`ascbench.engine.position.benchmark_periods`) and computes the
positions of every member in those periods (:func:`ascbench.engine.position.positions`),
vectorised over all areas at once. The ranks of the results, the quintile and funnel
ratings, the league and funnel charts and ``ascbench rank`` read this one
:class:`GroupContext`, so several areas at once get exactly what each gets alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ascbench.engine.membership import (
    declared_members,
    group_name,
    members_in_periods,
    replacement_notes,
    resolve_groups,
)
from ascbench.engine.position import attach_quantiles, benchmark_periods, league_table, positions
from ascbench.keys import decategorised
from ascbench.periods import period_frame


@dataclass(frozen=True)
class GroupContext:
    """One comparison group of a run.

    * ``name``: the group as asked for (``all``, ``neighbours``, ...);
    * ``focus``: ``area_code, group``, each chosen area and the group it is ranked in;
    * ``members``: ``group, area_code, period, replaces``, the members in each period used
      (``replaces``: the abolished or not-yet-created member a council stands in for);
    * ``periods``: ``area_code, metric_id, period, group``, each area's benchmark period;
    * ``league``: the positions (:data:`ascbench.engine.position.POSITION_COLUMNS`, with
      ``group_min``, ``group_max``, quantile groups, ``numerator`` and ``denominator``) of
      every member with a value in each group's benchmark periods;
    * ``notes``: one sentence per replaced member.
    """

    name: str
    focus: pd.DataFrame
    members: pd.DataFrame
    periods: pd.DataFrame
    league: pd.DataFrame
    notes: tuple[str, ...]

    def positions_of(self, columns) -> pd.DataFrame:
        """The chosen areas' own rows of the league table, in their benchmark periods, with
        the period as ``rank_period``."""
        mine = self.periods.merge(self.league, on=["area_code", "metric_id", "period", "group"])
        return mine[["metric_id", "area_code", "period", *columns]].rename(columns={"period": "rank_period"})


def comparison_group(values, metrics, areas, groups, group: str | None, focuses, end=None) -> GroupContext | None:
    """The :class:`GroupContext` of ``group`` for the ``focuses`` (area codes) as at ``end``
    (a timestamp: no benchmark period ends after it), over the metrics of ``metrics``.
    ``None`` without a group or when no chosen area is a council. Areas with no such group
    (``neighbours`` for a council without a list) are left out; a group that exists for none
    of them is an error (raised by :func:`ascbench.engine.membership.declared_members`)."""
    councils = set(areas.loc[~areas["is_aggregate"], "area_code"])
    focuses = [f for f in dict.fromkeys(focuses) if f in councils]
    if not group or not focuses:
        return None
    focus = resolve_groups(areas, groups, group, focuses)
    if group == "neighbours":
        listed = set(groups["group_code"]) if groups is not None else set()
        if focus["group"].isin(listed).any():
            focus = focus[focus["group"].isin(listed)].reset_index(drop=True)
    declared = declared_members(areas, groups, focus["group"])
    values = values[values["metric_id"].isin(metrics["metric_id"])]
    candidates = pd.unique(values.loc[values["value"].notna(), "period"].astype(str))
    if end is not None and len(candidates):
        ends = period_frame(pd.Series(candidates)).set_index("period")["end"]
        candidates = [p for p in candidates if ends[p] <= end]
    members = members_in_periods(declared, areas, candidates)
    periods = benchmark_periods(values, members, focus, end)
    used = members.merge(periods[["group", "period"]].drop_duplicates(), on=["group", "period"])
    pool = decategorised(values).merge(periods[["metric_id", "period"]].drop_duplicates(), on=["metric_id", "period"])
    league = decategorised(attach_quantiles(positions(pool, metrics, used), metrics))
    counts = pool[["metric_id", "area_code", "period", "numerator", "denominator"]]
    league = league.merge(counts, on=["metric_id", "area_code", "period"], how="left", validate="many_to_one")
    return GroupContext(
        name=group,
        focus=focus,
        members=used,
        periods=periods,
        league=league,
        notes=tuple(replacement_notes(used, areas)),
    )


POSITION_RESULT_COLUMNS = [
    "group",
    "rank",
    "rank_of",
    "group_size",
    "quartile",
    "value_quartile",
    "quartile_basis",
    "quintile",
    "band",
    "group_median",
    "quantile",
    "quantile_of",
]


def attach_positions(current, context: GroupContext | None, neighbours: GroupContext | None = None):
    """Rank, quartile, band and median of each current row within its area's group, from its
    benchmark period (``rank_period``), and the rank among the area's nearest neighbours in
    the same period (``neighbour_rank``, ``neighbour_rank_of``)."""
    if context is None or current.empty:
        return current
    mine = context.positions_of(POSITION_RESULT_COLUMNS)
    out = current.merge(mine, on=["metric_id", "area_code"], how="left", validate="many_to_one")
    if neighbours is not None and neighbours is not context:
        nn = neighbours.positions_of(["rank", "rank_of"]).rename(
            columns={"rank": "neighbour_rank", "rank_of": "neighbour_rank_of"}
        )
        out = out.merge(nn, on=["metric_id", "area_code", "rank_period"], how="left", validate="many_to_one")
    return out


def neighbour_context(values, metrics, areas, groups, group: str | None, focuses, end=None) -> GroupContext | None:
    """The nearest-neighbour group (``NN-<area>`` of groups.csv) of the chosen areas that
    have one, when the run's group is another."""
    if group == "neighbours" or groups is None:
        return None
    listed = set(groups["group_code"])
    having = [f for f in focuses if group_name(areas, "neighbours", f) in listed]
    if not having:
        return None
    return comparison_group(values, metrics, areas, groups, "neighbours", having, end)


def empty_positions(current):
    """The position columns, empty, for a run with no group."""
    for column in (*POSITION_RESULT_COLUMNS, "rank_period", "neighbour_rank", "neighbour_rank_of"):
        if column not in current.columns:
            current[column] = np.nan
    return current


def league_of_group(values, metrics, areas, groups, group: str, focus: str | None, period: str | None = None):
    """``(table, notes)``: the league table of each metric of ``values`` within ``group``
    (resolved for ``focus`` where it is ``region``, ``type`` or ``neighbours``), in ``period``
    or each metric's benchmark period (:func:`ascbench.engine.position.league_table`), its
    members as they existed then, with each member's ``numerator`` and ``denominator``; and a
    sentence per member replaced by its successor or predecessor."""
    name = group_name(areas, group, focus)
    declared = declared_members(areas, groups, [name])
    members = members_in_periods(declared, areas, values["period"].astype(str).unique())
    table = decategorised(league_table(values, metrics, members, period))
    counts = decategorised(values)[["metric_id", "area_code", "period", "numerator", "denominator"]]
    table = table.merge(counts, on=["metric_id", "area_code", "period"], how="left", validate="many_to_one")
    used = members.merge(table[["group", "period"]].drop_duplicates(), on=["group", "period"])
    return table, replacement_notes(used, areas)
