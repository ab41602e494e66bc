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
from ascbench.engine.ranking import GroupContext
from ascbench.engine.trend import history
from ascbench.periods import parse_period, period_frame


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

    def history(self, areas: list[str] | None = None) -> pd.DataFrame:
        """Whole-year values of each result's metric for ``areas`` (default: the chosen areas
        and the national area), oldest first (:func:`ascbench.engine.trend.history`)."""
        if areas is None:
            areas = self.areas + ([self.national] if self.national and self.national not in self.areas else [])
        values = self.values
        if self.as_at.get("period"):  # nothing published after the reporting date (a rated forecast's year)
            end = parse_period(str(self.as_at["period"])).end
            ends = period_frame(values["period"]).set_index("period")["end"]
            values = values[(values["period"].astype(str).map(ends) <= pd.Timestamp(end)).to_numpy()]
        return history(values, self.results, areas, self.metrics)

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
        """The national area's value of a metric in a period, if the data have it."""
        if not self.national:
            return None
        v = self.values
        hit = v[(v["metric_id"] == metric_id) & (v["area_code"] == self.national) & (v["period"] == period)]
        return float(hit["value"].iloc[0]) if len(hit) and pd.notna(hit["value"].iloc[0]) else None

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
