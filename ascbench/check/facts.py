"""What the data say, for the checker: every access to the engine's results and values
frames is in :func:`gather` (so that it can move to a ``Report`` object without touching
the rest of ``ascbench.check``); the rest reads plain records from :class:`Facts`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from ascbench.errors import AscbenchError
from ascbench.periods import parse_period


@dataclass
class MetricInfo:
    id: str
    code: str
    title: str
    statistic: str
    unit: str
    decimals: int
    scale: str
    polarity: str
    rating_within: float
    rating_relative: bool
    dot_within: float
    dot_relative: bool
    dot_polarity: str
    synonyms: tuple[str, ...] = ()


@dataclass
class Facts:
    """The data a report is checked against: observations by metric, area and period, and
    the engine's rows (value, previous period, direction, comparators, rank) as at any
    period, fetched once per period and kept."""

    focus: str  # the area the report is about
    report_period: str  # the reporting period (canonical)
    roles: dict[str, str]  # national, peer, ... -> area code
    area_names: dict[str, str]
    metrics: dict[str, MetricInfo]
    observations: dict[tuple[str, str, str], dict[str, Any]]  # (metric, area, period) -> value, numerator, ...
    periods: dict[tuple[str, str], list[str]]  # (metric, area) -> periods with a value, earliest first
    _rows: dict[tuple[str, str, bool], dict[str, dict[str, Any]]] = field(default_factory=dict)
    _loader: Any = None

    def observation(self, metric: str, area: str, period: str) -> dict[str, Any] | None:
        return self.observations.get((metric, area, period))

    def row(self, metric: str, area: str, period: str | None = None, ranks: bool = False) -> dict[str, Any] | None:
        """The engine's row for ``metric`` and ``area`` as at ``period`` (default: the
        report's), with its ``comparators`` (each resolved comparator, most preferred first)
        and, with ``ranks``, its position among all councils; None when the data have no
        value for that period."""
        key = (area, period or self.report_period, ranks)
        if key not in self._rows:
            self._rows[key] = self._loader(area, period or self.report_period, ranks) if self._loader else {}
        row = self._rows[key].get(metric)
        if row is None or (period is not None and row.get("period") != period):
            return None
        return row


def _clean(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        return _clean(value.item())
    return value


def gather(catalogue, dataset, area: str | None = None, period: str | None = None) -> Facts:
    """The facts a report is checked against, for ``area`` (default: the dataset's) as at
    ``period`` (default: the dataset's reporting period). The one place that reads the
    engine's frames (``build_results``: results, values and comparisons)."""
    from ascbench.engine import build_results
    from ascbench.engine.pipeline import check_areas, default_area

    focus = check_areas(dataset, [area])[0] if area else default_area(dataset)
    results, values, _ = build_results(catalogue, dataset, [focus], period, group=None)
    report_period = str(results.attrs["as_at"]["period"])
    frame = catalogue.metrics_frame().set_index("metric_id")
    metrics = {}
    for m in catalogue.metrics:
        r = frame.loc[m.id]
        metrics[m.id] = MetricInfo(
            m.id,
            m.code or m.id,
            m.title,
            m.statistic,
            m.unit or "",
            int(m.decimals),
            m.scale or "none",
            m.polarity,
            float(r["rating_within"] or 0.0),
            bool(r["rating_relative"]),
            float(r["dot_within"] or 0.0),
            bool(r["dot_relative"]),
            str(r["dot_polarity"] or "none"),
            tuple(getattr(m, "synonyms", ()) or ()),
        )
    from ascbench.engine.values import rounded_range

    observed = values[values["value"].notna()].copy()
    # counts published rounded (to 5): the values they allow, for the check of a printed share
    observed["rounded_low"], observed["rounded_high"] = rounded_range(observed, catalogue.metrics_frame())
    cols = [
        "metric_id",
        "area_code",
        "period",
        "value",
        "numerator",
        "denominator",
        "published_value",
        "value_basis",
        "rounded_low",
        "rounded_high",
    ]
    observations: dict[tuple[str, str, str], dict[str, Any]] = {}
    periods: dict[tuple[str, str], list[str]] = {}
    for rec in observed[cols].astype(object).itertuples(index=False, name=None):
        metric, code, p = str(rec[0]), str(rec[1]), str(rec[2])
        observations[(metric, code, p)] = {k: _clean(v) for k, v in zip(cols[3:], rec[3:], strict=True)}
        periods.setdefault((metric, code), []).append(p)
    for _key, texts in periods.items():
        texts.sort(key=lambda t: (parse_period(t).end, parse_period(t).months))
    area_names = dict(zip(dataset.areas["area_code"].astype(str), dataset.areas["area_name"].astype(str), strict=False))

    def load(area_code: str, as_at: str, ranks: bool) -> dict[str, dict[str, Any]]:
        try:
            res, _, comparisons = build_results(catalogue, dataset, [area_code], as_at, group="all" if ranks else None)
        except AscbenchError:
            return {}
        comps: dict[str, list[dict[str, Any]]] = {}
        for rec in comparisons.sort_values("preference").to_dict("records"):
            comps.setdefault(str(rec["metric_id"]), []).append({k: _clean(v) for k, v in rec.items()})
        rows = {}
        for rec in res.to_dict("records"):
            if _clean(rec.get("value")) is None:
                continue
            row = {k: _clean(v) for k, v in rec.items()}
            row["comparators"] = comps.get(str(rec["metric_id"]), [])
            rows[str(rec["metric_id"])] = row
        return rows

    facts = Facts(focus, report_period, dict(dataset.roles), area_names, metrics, observations, periods)
    facts._loader = load
    facts._rows[(focus, report_period, False)] = load(focus, report_period, False)
    return facts
