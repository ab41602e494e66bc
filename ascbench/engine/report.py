"""The Report: everything one run computed, built once by
:func:`ascbench.engine.pipeline.build_report` and only read afterwards, by the renderers and
the commands.

* ``results``: one row per metric and area (:data:`ascbench.engine.pipeline.RESULT_COLUMNS`,
  documented in docs/results.md);
* ``values``: every metric's value for every area and period (trends, ranks, checks);
* ``comparisons``: every resolved and rated comparator, long (``explain``, the narrative);
* ``as_at``: the reporting period and why (``period``, ``label``, ``sentence``, ``say``);
* ``group`` and ``neighbours``: the comparison groups
  (:class:`ascbench.engine.ranking.GroupContext`): members by period, benchmark periods and
  the league table of every member there;
* ``metrics``: the catalogue's metrics frame of the run; ``national``: the national area's
  code (the dataset's ``national`` role), if any; ``area_names``: code -> name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ascbench.engine.funnel import funnel_points
from ascbench.engine.headline import Headline, headline
from ascbench.engine.ranking import GroupContext
from ascbench.engine.trend import history
from ascbench.engine.values import national_value
from ascbench.periods import parse_period, period_frame

SPC_MIN_POINTS = 15  # Making Data Count: an SPC chart from 15 points (NHSRplotthedots warns below 12)
SPC_KINDS = (("month",), ("fq", "cq"), ("snapshot",))  # a series of one kind: months, else quarters, else snapshots


@dataclass(frozen=True)
class Report:
    results: pd.DataFrame
    values: pd.DataFrame
    comparisons: pd.DataFrame
    as_at: dict
    metrics: pd.DataFrame
    group: GroupContext | None = None
    neighbours: GroupContext | None = None
    national: str | None = None
    area_names: dict = field(default_factory=dict)

    @property
    def areas(self) -> list[str]:
        """The chosen areas, in the order of the results."""
        return list(pd.unique(self.results["area_code"].astype(str)))

    def history(self, areas: list[str] | None = None, intervals: bool = False) -> pd.DataFrame:
        """Whole-year values of each result's metric for ``areas`` (default: the chosen areas
        and the national area), oldest first (:func:`ascbench.engine.trend.history`); with
        ``intervals``, each point's ``lower95`` and ``upper95`` where known."""
        if areas is None:
            areas = self.areas + ([self.national] if self.national and self.national not in self.areas else [])
        values = self.values
        if self.as_at.get("period"):  # nothing published after the reporting date (a rated forecast's year)
            end = parse_period(str(self.as_at["period"])).end
            ends = period_frame(values["period"]).set_index("period")["end"]
            values = values[(values["period"].astype(str).map(ends) <= pd.Timestamp(end)).to_numpy()]
        points = history(values, self.results, areas, self.metrics)
        if not intervals:
            return points
        limits = values[["metric_id", "area_code", "period", "lower95", "upper95"]]
        return points.merge(limits, on=["metric_id", "area_code", "period"], how="left", validate="many_to_one")

    def neighbour_codes(self, area: str | None = None) -> list[str]:
        """The area's nearest neighbours (its ``NN-<area>`` group of groups.csv) as they
        existed in the benchmark periods, in the order of their codes; empty without such a
        group. The run's neighbour group: its own group when it ranks among its neighbours
        (``--group neighbours``). The same rule as
        :func:`ascbench.engine.membership.neighbours_of` (``rank``'s and ``quadrant``'s),
        read from the group the run already resolved."""
        context = self.neighbours
        if context is None and self.group is not None and self.group.name == "neighbours":
            context = self.group
        if context is None:
            return []
        area = area or self.areas[0]
        groups = context.focus.loc[context.focus["area_code"] == area, "group"]
        if groups.empty:
            return []
        members = context.members
        codes = members.loc[members["group"] == groups.iloc[0], "area_code"].astype(str)
        return sorted(set(codes) - {area})

    def spine(self, metric_id: str, area: str | None = None) -> dict | None:
        """What a spine chart of ``metric_id`` needs (Fingertips' area profile): the group's
        lowest, 25th percentile, median, 75th percentile and highest values in the area's
        benchmark period (type-7 quantiles, as the ranks use), the area's value and rank,
        England's value, the neighbours' values (code -> value) and the polarity; ``None``
        where the area was not ranked."""
        table = self.league(metric_id, area)
        area = area or self.areas[0]
        mine = table[table["area_code"] == area]
        if table.empty or mine.empty:
            return None
        first = table.iloc[0]
        meta = self.metrics.set_index("metric_id")
        near = set(self.neighbour_codes(area))
        others = table[table["area_code"].isin(near)]
        row = mine.iloc[0]
        return {
            "period": str(first["period"]),
            "lowest": float(table["value"].min()),
            "p25": float(first["p25"]),
            "median": float(first["group_median"]),
            "p75": float(first["p75"]),
            "highest": float(table["value"].max()),
            "councils": int(table["value"].notna().sum()),
            "value": float(row["value"]),
            "rank": None if pd.isna(row["rank"]) else int(row["rank"]),
            "rank_of": int(row["rank_of"]),
            "national": self.national_value(metric_id, str(first["period"])),
            "neighbours": dict(zip(others["area_code"].astype(str), others["value"].astype(float), strict=True)),
            "polarity": str(meta.at[metric_id, "polarity"]),
        }

    def spc(self, metric_id: str, area: str | None = None):
        """An XmR chart (Making Data Count, :func:`ascbench.stats.xmr`) of the area's series of
        ``metric_id`` where it has :data:`SPC_MIN_POINTS` or more points of one kind (months,
        else quarters, else snapshots) ending by the metric's current period: ``(points,
        summary)``, else ``(None, None)``. Limits are recalculated only at the catalogue's
        ``spc_rebase`` points; the polarity is the metric's (``range`` and ``none`` neutral)."""
        from ascbench.stats import xmr

        area = area or self.areas[0]
        current = self.results[(self.results["metric_id"] == metric_id) & (self.results["area_code"] == area)]
        v = self.values
        v = v[(v["metric_id"] == metric_id) & (v["area_code"] == area) & v["value"].notna()]
        if current.empty or len(v) < SPC_MIN_POINTS or pd.isna(current["period"].iloc[0]):
            return None, None
        cut = period_frame([str(current["period"].iloc[0])])["end"].iloc[0]
        kinds = period_frame(v["period"].astype(str)).set_index("period")
        text = v["period"].astype(str)
        v = v.assign(kind=text.map(kinds["kind"]), end=text.map(kinds["end"]), canonical=text.map(kinds["canonical"]))
        v = v[v["end"] <= cut]
        for kind in SPC_KINDS:
            series = v[v["kind"].isin(kind)].sort_values("end")
            if len(series) >= SPC_MIN_POINTS:
                break
        else:
            return None, None
        meta = self.metrics.set_index("metric_id")
        polarity = str(meta.at[metric_id, "polarity"])
        rebase = [p for p in str(meta.at[metric_id, "spc_rebase"] or "").split(",") if p]
        ends = dict(zip(series["canonical"], series["end"], strict=True))
        result = xmr(
            series["value"].to_numpy(dtype="float64"),
            list(series["end"]),
            polarity=polarity if polarity in ("high", "low") else "none",
            rebase=[ends[p] for p in rebase if p in ends] or None,
        )
        return result.points, result.summary

    def headline(self, area: str | None = None) -> Headline:
        """The first glance for ``area`` (default: the first chosen area): counts of
        better/similar/worse, RAG and direction overall and by layer, the metrics red and
        getting worse, then the other red ones (:func:`ascbench.engine.headline.headline`)."""
        return headline(self.results, area)

    def league(self, metric_id: str, area: str | None = None) -> pd.DataFrame:
        """The league table an area's rank of ``metric_id`` came from: every member of its group
        with a value in its benchmark period, best first (empty when it was not ranked)."""
        if self.group is None:
            return pd.DataFrame()
        area = area or self.areas[0]
        where = self.group.periods[
            (self.group.periods["metric_id"] == metric_id) & (self.group.periods["area_code"] == area)
        ]
        if where.empty:
            return pd.DataFrame()
        period, group = where["period"].iloc[0], where["group"].iloc[0]
        league = self.group.league
        table = league[(league["metric_id"] == metric_id) & (league["period"] == period) & (league["group"] == group)]
        table = table.assign(area_name=table["area_code"].map(self.area_names))
        return table.sort_values(["value_rank", "area_code"]).reset_index(drop=True)

    def national_value(self, metric_id: str, period: str) -> float | None:
        """The national area's value of a metric in a period, if the data have it
        (:func:`ascbench.engine.values.national_value`)."""
        return national_value(self.values, self.national, metric_id, period)

    def funnel(self, metric_id: str, area: str | None = None):
        """The funnel plot of an area's league table of ``metric_id`` (points and limit
        lines, :func:`ascbench.engine.funnel.funnel_points`), or ``(None, None)`` where a
        member with a value has no counts (a funnel of some members would mislead)."""
        table = self.league(metric_id, area)
        if table.empty or table["numerator"].isna().any() or not (table["denominator"] > 0).all():
            return None, None
        meta = self.metrics.set_index("metric_id")
        row = meta.loc[metric_id]
        return funnel_points(table, str(row["statistic"]), float(str(row["multiplier"])))
