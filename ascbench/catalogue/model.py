"""The metric definition model: what one validated catalogue entry holds.

The loader (:mod:`ascbench.catalogue.loader`) builds these from ``metrics.yaml``; the engine
only ever sees them as DataFrames (:meth:`Catalogue.metrics_frame`,
:meth:`Catalogue.comparators_frame`), one row per metric and one row per metric x comparator.
Every field is documented in ``docs/catalogue.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ascbench.stats.comparison import RANGE_EDGES  # noqa: F401  range_target's edge conventions

STATISTICS = ("proportion", "rate", "count", "score", "published")
POLARITIES = ("high", "low", "range", "none")
COMPARATOR_TYPES = ("area", "target", "baseline", "value")
RATING_METHODS = (
    "tolerance",
    "target",
    "ci_overlap",
    "ci_overlap95",
    "ci_overlap998",
    "ci_overlap_both",
    "spc95",
    "spc998",
    "quintile",
    "funnel95",
    "funnel998",
    "range_target",
    "none",
)
QUANTILE_METHODS = ("type7", "phe_rank")
# methods that rate a metric without a comparator (from its group or its own target range)
SELF_RATING_METHODS = ("quintile", "funnel95", "funnel998", "range_target")
LIMITS_EQUAL = ("similar", "significant")
METHOD_ALIASES = {"ci_overlap": "ci_overlap95"}
DIRECTION_METHODS = ("tolerance", "ci_overlap", "ci_overlap95", "ci_overlap998", "none")
BENCHMARK_BASES = ("auto", "data", "pooled", "mean")
PREVIOUS_RULES = ("year_earlier", "preceding", "year_end")
PERIOD_BASES = (
    "financial-year",
    "year-to-date",
    "quarter",
    "month",
    "rolling",
    "snapshot",
    "academic-year",
    "academic-term",
    "survey-year",
    "calendar-year",
    "mixed",
)
SCALES = {"none": 1, "thousands": 1_000, "millions": 1_000_000}
SCALE_SUFFIX = {"none": "", "thousands": "k", "millions": "m"}

# Statistic defaults: multiplier, display decimals, and the unit printed after a value.
STATISTIC_DEFAULTS = {
    "proportion": {"multiplier": 100, "decimals": 1},
    "rate": {"multiplier": 100_000, "decimals": 1},
    "count": {"multiplier": 1, "decimals": 0},
    "score": {"multiplier": 1, "decimals": 1},
    "published": {"multiplier": 1, "decimals": 1},
}


@dataclass(frozen=True)
class Tolerance:
    """'Similar' when |value - reference| <= within (absolute, in display units) or
    <= within% of the reference (relative)."""

    within: float = 0.0
    relative: bool = False


@dataclass(frozen=True)
class RatingRule:
    method: str | None = None  # None: by comparator type (area -> tolerance, else target)
    tolerance: Tolerance = Tolerance()
    limits_equal_target: str = "similar"  # a confidence limit equal to a target: similar or significant
    range_edges: str = "fingertips"  # range_target's edges: Fingertips' [low, high), or mirrored for low-is-good


@dataclass(frozen=True)
class QuantileRule:
    """``quantiles: {groups: N, method: type7|phe_rank, invert: false}`` for rank's output."""

    groups: int = 4
    method: str = "type7"
    invert: bool = False


@dataclass(frozen=True)
class DirectionRule:
    method: str = "tolerance"
    tolerance: Tolerance = Tolerance()
    previous: tuple[str, ...] = ("year_earlier", "year_end")
    compare_unequal_periods: bool = False
    polarity: str | None = None  # the direction's own polarity (else the metric's)


@dataclass(frozen=True)
class Comparator:
    type: str
    area: str | None = None  # a role (national, peer, region, ...) or an area code
    measure: str | None = None
    value: float | None = None
    period: str = "latest"  # latest | same | containing | year_end | a period
    label: str = ""
    basis: str = "auto"  # for area comparators: data, pooled or mean of a group's members
    profile: str | None = None  # target: flat | months:<12 shares> | measure:<name> (annual target -> milestone)
    rating: RatingRule | None = None
    line: int = 0


# The fields a narrative template may name, as ``{name}`` only (no format spec, no
# conversion, no attribute or index): render/narrative.py fills exactly these.
NARRATIVE_FIELDS = (
    "area",
    "title",
    "title_lc",
    "code",
    "value",
    "numerator",
    "denominator",
    "counts",
    "period",
    "in_period",
    "comparison",
    "comparator_phrase",
    "comparator_value",
    "previous_value",
    "previous_period",
)


@dataclass(frozen=True)
class Metric:
    id: str
    title: str
    statistic: str
    code: str = ""
    layer: str | None = None
    outcome: str | None = None
    aim: str | None = None
    description: str | None = None
    numerator: str | None = None
    denominator: str | None = None
    value: str | None = None  # measure of a published value
    multiplier: float = 1.0
    decimals: int = 1
    scale: str = "none"
    unit: str = ""
    polarity: str = "none"
    range: tuple[float, float] | None = None
    range_target: tuple[float, float] | None = None  # Fingertips' directional range goal
    quantiles: QuantileRule | None = None
    comparators: tuple[Comparator, ...] = ()
    rating: RatingRule = RatingRule()
    direction: DirectionRule = DirectionRule()
    period_basis: str | None = None
    source: str | None = None
    footnotes: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    trend_note: str | None = None
    narrative: str | None = None
    breaks: tuple[str, ...] = ()  # periods from which the definition changed
    spc_rebase: tuple[str, ...] = ()  # points from which an SPC chart recalculates its limits
    forecast: str | None = None  # measure of year-end forecasts, each dated by the period it was made in
    forecast_of: str = "value"  # what the forecasts are of: the metric's value, or its numerator (a count)
    rate_forecast: bool = False  # rate: forecast - the latest held forecast is the row's current value
    interval: bool = True  # a confidence interval is computed and shown (a sample estimate, a rate of events)
    aggregation: tuple[tuple[str, str], ...] = ()  # (measure, sum|last|none) declared by the metric
    aggregation_line: int = 0
    synonyms: tuple[str, ...] = ()  # other names a report uses for the metric ("new contacts"): ascbench check
    line: int = 0
    order: int = 0


@dataclass
class Catalogue:
    """A validated catalogue: its metrics in file order, and its layers in display order."""

    path: str
    metrics: list[Metric]
    layers: dict[str, str] = field(default_factory=dict)  # id -> heading
    title: str = ""
    # measure -> (rule, where declared): the roll-up rules the catalogue declares
    # (``measures:`` and metrics' ``aggregation:``); catalogue.aggregation infers the rest
    aggregations: dict[str, tuple[str, str]] = field(default_factory=dict)
    glossary: dict[str, str] = field(default_factory=dict)  # abbreviation -> words, for sentences

    def __len__(self) -> int:
        return len(self.metrics)

    def ids(self) -> list[str]:
        return [m.id for m in self.metrics]

    def get(self, metric_id: str) -> Metric:
        for m in self.metrics:
            if m.id == metric_id:
                return m
        raise KeyError(metric_id)

    def measures(self) -> set[str]:
        """Every measure name the catalogue reads from the data."""
        names: set[str] = set()
        for m in self.metrics:
            names.update(x for x in (m.numerator, m.denominator, m.value) if x)
            names.update(c.measure for c in m.comparators if c.measure)
            if m.forecast:
                names.add(m.forecast)
        return names

    def metrics_frame(self):
        """One row per metric: the columns the engine joins on."""
        layer_order = {k: i for i, k in enumerate(self.layers)}
        rows = []
        for m in self.metrics:
            rows.append(
                {
                    "metric_id": m.id,
                    "code": m.code,
                    "title": m.title,
                    "layer": m.layer,
                    "layer_order": layer_order.get(m.layer, len(layer_order)),
                    "outcome": m.outcome,
                    "aim": m.aim,
                    "statistic": m.statistic,
                    "numerator_measure": m.numerator,
                    "denominator_measure": m.denominator,
                    "value_measure": m.value,
                    "multiplier": float(m.multiplier),
                    "decimals": int(m.decimals),
                    "scale": m.scale,
                    "unit": m.unit,
                    "polarity": m.polarity,
                    "range_low": m.range[0] if m.range else float("nan"),
                    "range_high": m.range[1] if m.range else float("nan"),
                    "rating_method": m.rating.method,
                    "range_target_low": m.range_target[0] if m.range_target else float("nan"),
                    "range_target_high": m.range_target[1] if m.range_target else float("nan"),
                    "range_target_edges": m.rating.range_edges,
                    "quantile_groups": m.quantiles.groups if m.quantiles else 0,
                    "quantile_method": m.quantiles.method if m.quantiles else "",
                    "quantile_invert": bool(m.quantiles.invert) if m.quantiles else False,
                    "rating_within": m.rating.tolerance.within,
                    "rating_relative": m.rating.tolerance.relative,
                    "dot_method": m.direction.method,
                    "dot_within": m.direction.tolerance.within,
                    "dot_relative": m.direction.tolerance.relative,
                    "dot_previous": ",".join(m.direction.previous),
                    "dot_unequal_ok": m.direction.compare_unequal_periods,
                    "dot_polarity": m.direction.polarity or m.polarity,
                    "period_basis": m.period_basis,
                    "source": m.source,
                    "footnote": " | ".join(m.footnotes),
                    "trend_note": m.trend_note,
                    "narrative": m.narrative,
                    "breaks": ",".join(m.breaks),
                    "spc_rebase": ",".join(m.spc_rebase),
                    "forecast_measure": m.forecast,
                    "forecast_of": m.forecast_of,
                    "rate_forecast": bool(m.rate_forecast),
                    "interval": bool(m.interval),
                    "tags": ",".join(m.tags),
                    "n_comparators": len(m.comparators),
                    "order": m.order,
                }
            )
        return pd.DataFrame(rows)

    def comparators_frame(self):
        """One row per metric x comparator, ``preference`` 1 = most preferred."""
        rows = []
        for m in self.metrics:
            for preference, c in enumerate(m.comparators, start=1):
                rule = c.rating or m.rating
                method = rule.method or m.rating.method  # None: the engine's default for the type
                tol = rule.tolerance if c.rating else m.rating.tolerance
                rows.append(
                    {
                        "metric_id": m.id,
                        "preference": preference,
                        "type": c.type,
                        "area": c.area,
                        "measure": c.measure,
                        "fixed_value": c.value,
                        "period_rule": c.period,
                        "label": c.label,
                        "basis": c.basis,
                        "profile": c.profile,
                        "rating_method": method,
                        "rating_within": tol.within,
                        "rating_relative": tol.relative,
                        "rating_limits_equal": rule.limits_equal_target,
                    }
                )
        columns = [
            "metric_id",
            "preference",
            "type",
            "area",
            "measure",
            "fixed_value",
            "period_rule",
            "label",
            "basis",
            "profile",
            "rating_method",
            "rating_within",
            "rating_relative",
            "rating_limits_equal",
        ]
        return pd.DataFrame(rows, columns=columns)
