"""Quadrants: every council of a group placed by two measures at once - spend per head
against performance, as the 2016/17 benchmarking compendium did, or any two metrics - split
at the group's average of each.

The rule, in one place (:func:`quadrants`):

* **Who**: the councils of the group with a value on both axes (each axis from its metric's
  league table in the group: :func:`ascbench.engine.ranking.league_of_group`, or a
  composite theme rank: :func:`ascbench.engine.position.composite`).
* **Split**: at the mean of those councils' values on each axis (the compendium's
  "average"), or at their median (type 7, ``split="median"``). A council exactly on a line
  is below it, as a value on a quartile bound is in the lower quartile.
* **Polarity**: an axis whose metric has a polarity (``high`` or ``low``; a composite rank
  is ``low``, 1 = best) has a better and a worse side, and its sides are named ``better`` /
  ``worse``; an axis without one is named ``higher`` / ``lower``. When exactly one axis has
  a polarity, the other is read as a cost (spend): its lower side is the better value. The
  **good value** quadrant is the one on the better side of both axes ("better performance,
  lower spend"); two axes without a polarity (or a ``range`` polarity, whose best is a band
  rather than a side) have none.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ascbench.engine.membership import neighbours_of
from ascbench.engine.position import composite
from ascbench.engine.ranking import league_of_group
from ascbench.errors import AscbenchError

SPLITS = ("mean", "median")
THEMES = ("overall", "layer", "outcome", "tag")
COMPOSITE = "composite"

QUADRANT_COLUMNS = [
    "area_code",
    "area_name",
    "x_metric",
    "x_period",
    "x_value",
    "y_metric",
    "y_period",
    "y_value",
    "split",
    "x_split",
    "y_split",
    "x_side",
    "y_side",
    "quadrant",
    "good_value",
    "highlight",
]


@dataclass(frozen=True)
class Axis:
    """One axis: each council's value (``values``: ``area_code, value, period``) and what
    it means. ``key``: the metric id, or ``composite:<theme>``; ``label``: a short name for
    quadrant names and the chart ("ASCOF 2A"); ``title``: the long one."""

    key: str
    label: str
    title: str
    values: pd.DataFrame
    polarity: str = "none"
    decimals: int = 1
    unit: str = ""

    @property
    def period(self) -> str:
        """The period(s) of the values, "2023-24" or "2023-24, 2024-25" (a composite)."""
        return ", ".join(sorted(pd.unique(self.values["period"].astype(str))))


@dataclass(frozen=True)
class Quadrant:
    """A quadrant of a group: ``table`` (:data:`QUADRANT_COLUMNS`, good value first), its
    axes, how it was split (``split``, ``x_split``, ``y_split``), the sides of each axis
    that are better value (``x_better``, ``y_better``: ``above``, ``below`` or ``None``),
    the focus council and its neighbours (labelled on the chart), the group, and a sentence
    per member replaced by its successor (``notes``)."""

    table: pd.DataFrame
    x: Axis
    y: Axis
    split: str
    x_split: float
    y_split: float
    x_better: str | None
    y_better: str | None
    group: str
    focus: str | None = None
    neighbours: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    def counts(self) -> pd.Series:
        """How many councils are in each quadrant, good value first."""
        return self.table.groupby("quadrant", sort=False).size()

    def name(self, x_side: str, y_side: str) -> str:
        """The quadrant's name for the sides ``above`` / ``below`` of each axis."""
        return quadrant_name(self.x, self.y, x_side, y_side, self.x_better, self.y_better)


def better_sides(x_polarity: str, y_polarity: str) -> tuple[str | None, str | None]:
    """The better-value side of each axis (``above``, ``below`` or ``None``): ``high`` is
    above, ``low`` below; an axis without a polarity opposite one with a polarity is a cost
    (below); otherwise none."""
    polar = {"high": "above", "low": "below"}
    x, y = polar.get(x_polarity), polar.get(y_polarity)
    if x is None and y is not None and x_polarity == "none":
        x = "below"
    if y is None and x_polarity in polar and y_polarity == "none":
        y = "below"
    return x, y


def side_word(side: str, better: str | None, polarity: str) -> str:
    """``better`` / ``worse`` on an axis with a polarity, else ``higher`` / ``lower``."""
    if polarity in ("high", "low"):
        return "better" if side == better else "worse"
    return "higher" if side == "above" else "lower"


def quadrant_name(x: Axis, y: Axis, x_side: str, y_side: str, x_better: str | None, y_better: str | None) -> str:
    """ "better ASCOF 2A, lower ASCFR GCE": the y axis's side first, as the compendium says
    "high performance, low spend"."""
    return f"{side_word(y_side, y_better, y.polarity)} {y.label}, {side_word(x_side, x_better, x.polarity)} {x.label}"


def quadrants(
    x: Axis,
    y: Axis,
    split: str = "mean",
    names: dict | None = None,
    highlight: tuple[str, ...] = (),
) -> tuple[pd.DataFrame, float, float, str | None, str | None]:
    """The quadrant of each council with a value on both axes (module docstring):
    ``(table, x_split, y_split, x_better, y_better)``; ``table`` has
    :data:`QUADRANT_COLUMNS` (``highlight``: the council is one of ``highlight``), by
    quadrant (better on both axes - good value - first, then better on y, then better on x,
    then neither) and within one by the y value from its better end. Fewer than two councils
    is an error."""
    if split not in SPLITS:
        raise AscbenchError(f"no split '{split}'", field="split", expected="mean or median")
    xs = x.values[["area_code", "value", "period"]].dropna(subset=["value"])
    ys = y.values[["area_code", "value", "period"]].dropna(subset=["value"])
    for axis, have, name in ((x, xs, "x"), (y, ys, "y")):
        if len(have) < 2:
            raise AscbenchError(
                f"{axis.key} has a value for {len(have)} council(s) of the group",
                field=name,
                expected="a metric with values for two or more of the group's councils (a national series)",
            )
    both = xs.merge(ys, on="area_code", suffixes=("_x", "_y"), validate="one_to_one")
    if len(both) < 2:
        raise AscbenchError(
            f"{len(both)} council(s) of the group have values for both {x.key} and {y.key}",
            field="y",
            expected="two metrics with values for two or more of the group's councils in the same years",
        )
    xv, yv = both["value_x"].to_numpy(dtype="float64"), both["value_y"].to_numpy(dtype="float64")
    centre = np.mean if split == "mean" else np.median
    x_split, y_split = float(centre(xv)), float(centre(yv))
    x_side = np.where(xv > x_split, "above", "below")
    y_side = np.where(yv > y_split, "above", "below")
    x_better, y_better = better_sides(x.polarity, y.polarity)
    words = {
        (a, b): quadrant_name(x, y, a, b, x_better, y_better) for a in ("above", "below") for b in ("above", "below")
    }
    good = (x_side == x_better) & (y_side == y_better) if x_better and y_better else np.zeros(len(both), dtype=bool)
    table = pd.DataFrame(
        {
            "area_code": both["area_code"].astype(str).to_numpy(),
            "area_name": both["area_code"].astype(str).map(names or {}).astype(object).fillna("").to_numpy(),
            "x_metric": x.key,
            "x_period": both["period_x"].astype(str).to_numpy(),
            "x_value": xv,
            "y_metric": y.key,
            "y_period": both["period_y"].astype(str).to_numpy(),
            "y_value": yv,
            "split": split,
            "x_split": x_split,
            "y_split": y_split,
            "x_side": x_side,
            "y_side": y_side,
            "quadrant": np.where(
                x_side == "above",
                np.where(y_side == "above", words[("above", "above")], words[("above", "below")]),
                np.where(y_side == "above", words[("below", "above")], words[("below", "below")]),
            ),
            "good_value": good,
            "highlight": both["area_code"].astype(str).isin(highlight).to_numpy(),
        }
    )
    better_x = x_side == (x_better or "above")
    better_y = y_side == (y_better or "above")
    y_key = -yv if (y_better or "above") == "above" else yv
    order = np.lexsort((table["area_code"].to_numpy(), y_key, ~better_x, ~better_y))
    table = table.iloc[order].reset_index(drop=True)
    return table[QUADRANT_COLUMNS], x_split, y_split, x_better, y_better


def metric_axis(league: pd.DataFrame, meta: pd.Series) -> Axis:
    """The axis of one metric from its league table (rows ``area_code, value, period``) and
    its row of the catalogue's metrics frame."""
    values = league.loc[league["metric_id"] == meta.name, ["area_code", "value", "period"]]
    return Axis(
        key=str(meta.name),
        label=str(meta["code"] or meta.name),
        title=f"{meta['code']} {meta['title']}".strip(),
        values=values.reset_index(drop=True),
        polarity=str(meta["polarity"]),
        decimals=int(meta["decimals"]),
        unit=str(meta["unit"] or ""),
    )


def parse_theme(theme: str) -> tuple[str, str | None]:
    """``overall``, ``layer``, ``layer:delay``, ``tag:cld``, ... -> (kind, name or None)."""
    kind, _, name = theme.partition(":")
    if kind not in THEMES:
        raise AscbenchError(
            f"no theme '{theme}'", field="theme", expected="overall, layer, outcome or tag, optionally :NAME"
        )
    return kind, (name or None)


def composite_axis(league: pd.DataFrame, catalogue, theme: str = "overall") -> Axis:
    """The axis of a composite theme rank (``position``, 1 = best: polarity ``low``) from
    the league tables of the composite's metrics. ``theme``: ``overall``, or ``layer``,
    ``outcome``, ``tag`` with ``:NAME`` (``layer:delay``); without a name the kind must have
    one theme only. Councils without a position (too few of the theme's metrics) are not on
    the axis."""
    kind, name = parse_theme(theme)
    table = composite(league, catalogue, kind)
    themes = list(pd.unique(table["theme"].astype(str)))
    if name is None and kind != "overall":
        if len(themes) != 1:
            raise AscbenchError(
                f"--theme {kind} has {len(themes)} themes here ({', '.join(themes)})",
                field="theme",
                expected=f"one of them: {kind}:{themes[0] if themes else 'NAME'}",
            )
        name = themes[0]
    name = name or "overall"
    if name not in themes:
        raise AscbenchError(
            f"no ranked metric in the {kind} theme '{name}'",
            field="theme",
            expected=f"{kind}:NAME with NAME one of " + (", ".join(themes) or "(none: no metric is ranked)"),
        )
    mine = table[(table["theme"] == name) & table["position"].notna()]
    indicators = mine["indicators"].iloc[0] if len(mine) else ""
    periods = league.loc[league["metric_id"].isin(indicators.split(", ")), ["area_code", "period"]]
    period = ", ".join(sorted(pd.unique(periods["period"].astype(str))))
    label = "composite rank" if kind == "overall" else f"{name} rank"
    return Axis(
        key=f"{COMPOSITE}:{name}" if kind != "overall" else f"{COMPOSITE}:overall",
        label=label,
        title=f"composite rank ({'all metrics' if kind == 'overall' else f'{kind} {name}'}): "
        f"mean of the ranks of {indicators}",
        values=pd.DataFrame(
            {
                "area_code": mine["area_code"].astype(str).to_numpy(),
                "value": mine["position"].to_numpy(),
                "period": period,
            }
        ),
        polarity="low",
        decimals=0,
        unit="",
    )


def quadrant_of_group(
    catalogue,
    dataset,
    values: pd.DataFrame,
    x: str,
    y: str,
    group: str = "all",
    focus: str | None = None,
    period: str | None = None,
    split: str = "mean",
    theme: str = "overall",
    composite_ids: list[str] | None = None,
) -> Quadrant:
    """The :class:`Quadrant` of metric ``x`` against metric ``y`` (or ``composite``: the
    composite rank of ``theme`` over ``composite_ids``) among the councils of ``group``
    (resolved for ``focus``), in ``period`` or each metric's benchmark period. ``values``:
    the metric values (:func:`ascbench.engine.values.metric_values`) of those metrics."""
    metrics = catalogue.metrics_frame()
    wanted = [x] + ([y] if y != COMPOSITE else list(composite_ids or []))
    metrics = metrics[metrics["metric_id"].isin(wanted)]
    table, notes = league_of_group(values, metrics, dataset.areas, dataset.groups, group, focus, period)
    meta = metrics.set_index("metric_id")
    x_axis = metric_axis(table, meta.loc[x])
    if y == COMPOSITE:
        y_axis = composite_axis(table[table["metric_id"].isin(composite_ids or [])], catalogue, theme)
    else:
        y_axis = metric_axis(table, meta.loc[y])
    periods = sorted(set(x_axis.values["period"].astype(str)) | set(table["period"].astype(str)))
    neighbours = neighbours_of(dataset.areas, dataset.groups, focus, periods)
    names = dict(zip(dataset.areas["area_code"], dataset.areas["area_name"], strict=False))
    highlight = ((focus,) if focus else ()) + neighbours
    frame, x_split, y_split, x_better, y_better = quadrants(x_axis, y_axis, split, names, highlight)
    return Quadrant(
        table=frame,
        x=x_axis,
        y=y_axis,
        split=split,
        x_split=x_split,
        y_split=y_split,
        x_better=x_better,
        y_better=y_better,
        group=str(table["group"].iloc[0]) if len(table) else group,
        focus=focus,
        neighbours=neighbours,
        notes=tuple(notes),
    )
