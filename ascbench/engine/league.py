"""One league table, built once for ``ascbench rank``: every council of a group on one
metric (or the composite of several by theme), with what its renderers need beside it.

:func:`build_league` computes the metric values, the league table of the group
(:func:`ascbench.engine.ranking.league_of_group`: members as they existed in the period,
ranks, quartiles, bands), the council's nearest neighbours
(:func:`ascbench.engine.membership.neighbours_of`), England's value in the table's period
(:func:`ascbench.engine.values.national_value`), the funnel plot's points and limits
(:func:`ascbench.engine.funnel.funnel_points`) when asked for, and the composite theme ranks
(:func:`ascbench.engine.position.composite`) when a theme is given. The :class:`League` it
returns is only read afterwards: the terminal table (``render/league_table.py``), the stream
formats and the charts (``render/league_chart.py``, ``render/funnel_chart.py``). Like
:class:`ascbench.engine.quadrant.Quadrant`, the renderers read it without importing it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from ascbench.engine.funnel import funnel_points
from ascbench.engine.membership import neighbours_of
from ascbench.engine.position import composite
from ascbench.engine.ranking import league_of_group
from ascbench.engine.values import metric_values, national_value
from ascbench.errors import AscbenchError

COUNTS = ["numerator", "denominator"]


@dataclass(frozen=True)
class League:
    """One league table and what its outputs need.

    * ``table``: the positions of every member with a value
      (:data:`ascbench.engine.position.POSITION_COLUMNS` and the rest of
      :func:`~ascbench.engine.ranking.league_of_group`'s columns), with ``area_name`` after
      ``area_code`` and without the counts;
    * ``notes``: one sentence per member replaced by its successor or predecessor;
    * ``focus``: the council highlighted (``None`` without one);
    * ``metric``: the catalogue's metric of a one-metric table (``None`` for a composite);
    * ``period``: the table's period (one metric);
    * ``national``: England's value in that period, if the data have it;
    * ``neighbours``: the focus's nearest neighbours in that period (area codes);
    * ``funnel``: ``(points, lines)`` of the funnel plot, when asked for;
    * ``theme`` and ``composite``: the theme and the composite table
      (``theme, area_code, area_name, mean_rank, metrics, theme_metrics, position,
      indicators``) of a composite league.
    """

    table: pd.DataFrame
    notes: tuple[str, ...]
    focus: str | None
    metric: Any = None
    period: str | None = None
    national: float | None = None
    neighbours: tuple[str, ...] = ()
    funnel: tuple[pd.DataFrame, pd.DataFrame] | None = None
    theme: str | None = None
    composite: pd.DataFrame | None = None


def build_league(
    catalogue,
    dataset,
    metric_ids: list[str],
    group: str,
    focus: str | None,
    period: str | None = None,
    theme: str | None = None,
    funnel: bool = False,
) -> League:
    """The :class:`League` of ``metric_ids`` within ``group`` (resolved for ``focus`` where it
    is ``region``, ``type`` or ``neighbours``), in ``period`` or each metric's benchmark
    period. With ``theme`` (``layer``, ``outcome``, ``tag``, ``overall``) the composite of the
    metrics' performance ranks by theme; else the table of the one metric, with ``funnel``
    its funnel plot (an error naming ``funnel`` where the metric has none: a proportion or
    rate with counts for three or more councils)."""
    metrics = catalogue.metrics_frame()
    metrics = metrics[metrics["metric_id"].isin(metric_ids)]
    values = metric_values(metrics, dataset.observations)
    table, notes = league_of_group(values, metrics, dataset.areas, dataset.groups, group, focus, period)
    names = dict(zip(dataset.areas["area_code"], dataset.areas["area_name"], strict=False))
    if theme:
        ranks = composite(table.drop(columns=COUNTS), catalogue, theme)
        ranks.insert(2, "area_name", ranks["area_code"].map(names))
        return League(table=table, notes=tuple(notes), focus=focus, theme=theme, composite=ranks)
    table.insert(4, "area_name", table["area_code"].map(names))
    metric = catalogue.get(str(table["metric_id"].iloc[0]))
    shown = str(table["period"].iloc[0])
    return League(
        table=table.drop(columns=COUNTS),
        notes=tuple(notes),
        focus=focus,
        metric=metric,
        period=shown,
        national=national_value(values, dataset.roles.get("national"), metric.id, shown),
        neighbours=neighbours_of(dataset.areas, dataset.groups, focus, [shown]),
        funnel=_funnel(table, metric, shown) if funnel else None,
    )


def _funnel(table: pd.DataFrame, metric, period: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    points, lines = funnel_points(table, metric.statistic, metric.multiplier)
    if points is None:
        raise AscbenchError(
            f"no funnel plot for {metric.id} in {period}: it needs a proportion or rate with counts for "
            "three or more councils",
            field="funnel",
            expected="a metric computed from numerators and denominators",
        )
    return points, lines
