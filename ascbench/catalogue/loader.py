"""Load and validate ``metrics.yaml``.

Every problem names the file, the line, the metric id and the field, and says what was
expected; unknown keys get a "did you mean" suggestion. :func:`load_catalogue` raises the
first problem; pass a :class:`~ascbench.errors.Problems` to collect them all (``validate``).
"""

from __future__ import annotations

import math
import re
import string
from pathlib import Path

from ascbench.catalogue.aggregation import AGGREGATIONS, refused_declarations
from ascbench.catalogue.model import (
    BENCHMARK_BASES,
    COMPARATOR_TYPES,
    DIRECTION_METHODS,
    LIMITS_EQUAL,
    METHOD_ALIASES,
    NARRATIVE_FIELDS,
    PERIOD_BASES,
    POLARITIES,
    PREVIOUS_RULES,
    QUANTILE_METHODS,
    RANGE_EDGES,
    RATING_METHODS,
    SCALES,
    STATISTIC_DEFAULTS,
    STATISTICS,
    Catalogue,
    Comparator,
    DirectionRule,
    Metric,
    QuantileRule,
    RatingRule,
    Tolerance,
)
from ascbench.errors import AscbenchError, Problems, did_you_mean
from ascbench.identifiers import measure_name
from ascbench.periods import parse_period
from ascbench.yaml_strict import LineDict, load_yaml

TOP_KEYS = {"catalogue", "layers", "defaults", "measures", "metrics", "glossary"}
CATALOGUE_KEYS = {"title", "description"}
MEASURE_KEYS = {"aggregation", "description"}
AGGREGATION_ROLES = ("numerator", "denominator", "value")
METRIC_KEYS = {
    "aggregation",
    "id",
    "code",
    "title",
    "layer",
    "outcome",
    "aim",
    "description",
    "statistic",
    "numerator",
    "denominator",
    "value",
    "multiplier",
    "decimals",
    "scale",
    "unit",
    "polarity",
    "range",
    "comparators",
    "rating",
    "direction",
    "period_basis",
    "source",
    "footnote",
    "footnotes",
    "tags",
    "trend_note",
    "narrative",
    "breaks",
    "spc_rebase",
    "forecast",
    "forecast_of",
    "rate",
    "interval",
    "range_target",
    "quantiles",
    "synonyms",
}
DEFAULTABLE_KEYS = {"multiplier", "decimals", "scale", "unit", "polarity", "rating", "direction", "source"}
COMPARATOR_KEYS = {"type", "area", "measure", "value", "period", "label", "rating", "basis", "profile"}
RATING_KEYS = {"method", "similar_within", "limits_equal_target", "range_edges"}
QUANTILE_KEYS = {"groups", "method", "invert"}
DIRECTION_KEYS = {"method", "similar_within", "previous", "compare_unequal_periods", "polarity"}
ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-]*$")
MEASURE_RE = re.compile(r"^[A-Za-z0-9_.+\-]+$")
COMPARATOR_PERIOD_RULES = ("latest", "same", "containing", "year_end", "year")


class _LoadContext:
    """Where we are, for messages."""

    def __init__(self, file: str, problems: Problems):
        self.file = file
        self.problems = problems

    def error(self, message, *, line=None, item=None, field=None, expected=None):
        self.problems.add(AscbenchError(message, file=self.file, line=line, item=item, field=field, expected=expected))


def _line(mapping, key=None) -> int | None:
    if isinstance(mapping, LineDict):
        return mapping.line_of(key) if key is not None else mapping.line
    return None


def _key_text(mapping, key) -> str:
    """A key as written in the file (``010:`` is ``'010'``, not 8)."""
    return mapping.key_text(key) if isinstance(mapping, LineDict) else str(key)


def _suggest(key: str, allowed) -> str:
    return did_you_mean(key, allowed)


def _check_keys(ctx: _LoadContext, mapping, allowed, item, where: str) -> None:
    for key in mapping:
        if key not in allowed:
            ctx.error(
                f"unknown key '{key}' in {where}{_suggest(key, allowed)}",
                line=_line(mapping, key),
                item=item,
                field=str(key),
                expected="one of " + ", ".join(sorted(allowed)),
            )


def _str(ctx, mapping, key, item, *, required=False, pattern=None, choices=None, default=None):
    if key not in mapping or mapping[key] is None:
        if required:
            ctx.error(f"'{key}' is missing", line=_line(mapping), item=item, field=key, expected="a value for " + key)
        return default
    value = mapping[key]
    if isinstance(mapping, LineDict) and mapping.text_of(key) is not None:  # 2.10, 010, no: as written
        value = mapping.text_of(key)
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        ctx.error(
            f"'{key}' should be text, not {type(value).__name__}",
            line=_line(mapping, key),
            item=item,
            field=key,
            expected="text",
        )
        return default
    value = str(value).strip()
    if choices is not None and value not in choices:
        ctx.error(
            f"'{value}' is not a valid {key}{_suggest(value, choices)}",
            line=_line(mapping, key),
            item=item,
            field=key,
            expected="one of " + ", ".join(choices),
        )
        return default
    if pattern is not None and not pattern.match(value):
        ctx.error(
            f"'{value}' is not a valid {key}",
            line=_line(mapping, key),
            item=item,
            field=key,
            expected="letters, digits and _ . + - only",
        )
        return default
    return value


def _number(ctx, mapping, key, item, *, default=None, integer=False, low=None, high=None):
    if key not in mapping or mapping[key] is None:
        return default
    value = mapping[key]
    kind = "a whole number" if integer else "a number"
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (integer and not isinstance(value, int)):
        ctx.error(
            f"'{key}' should be {kind}, not {value!r}", line=_line(mapping, key), item=item, field=key, expected=kind
        )
        return default
    if not math.isfinite(value) or (low is not None and value < low) or (high is not None and value > high):
        bounds = f" from {low} to {high}" if high is not None else (f" of at least {low}" if low is not None else "")
        ctx.error(f"'{key}' is {value!r}", line=_line(mapping, key), item=item, field=key, expected=f"{kind}{bounds}")
        return default
    return value


def _tolerance(ctx, mapping, key, item) -> Tolerance | None:
    if key not in mapping:
        return None
    raw = mapping[key]
    expected = "a number (absolute, in the metric's units) or a percentage such as '2%' (relative)"
    if isinstance(raw, bool):
        raw = None
    if isinstance(raw, (int, float)) and math.isfinite(raw) and raw >= 0:
        return Tolerance(float(raw), False)
    if isinstance(raw, str):
        m = re.match(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$", raw)
        if m:
            return Tolerance(float(m.group(1)), True)
        try:
            number = float(raw)
        except ValueError:
            number = -1
        if number >= 0:
            return Tolerance(number, False)
    ctx.error(f"'{key}' is {raw!r}", line=_line(mapping, key), item=item, field=key, expected=expected)
    return None


def _mapping(ctx, parent, key, item) -> LineDict | dict | None:
    value = parent.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        ctx.error(
            f"'{key}' should be a mapping of settings",
            line=_line(parent, key),
            item=item,
            field=key,
            expected="key: value pairs",
        )
        return None
    return value


def _rating(ctx, raw, item, where="rating") -> RatingRule | None:
    if raw is None:
        return None
    _check_keys(ctx, raw, RATING_KEYS, item, where)
    method = _str(ctx, raw, "method", item, choices=RATING_METHODS)
    method = METHOD_ALIASES.get(method, method)
    tol = _tolerance(ctx, raw, "similar_within", item)
    limits_equal = _str(ctx, raw, "limits_equal_target", item, choices=LIMITS_EQUAL, default="similar")
    edges = _str(ctx, raw, "range_edges", item, choices=RANGE_EDGES, default="fingertips")
    return RatingRule(
        method=method,
        tolerance=tol or Tolerance(),
        limits_equal_target=limits_equal or "similar",
        range_edges=edges or "fingertips",
    )


def _pair(ctx, raw, key, item, expected: str, what: str | None = None) -> tuple[float, float] | None:
    """``key: [low, high]``: two numbers, low first (``what`` words the problem)."""
    r = raw.get(key)
    if (
        not isinstance(r, list)
        or len(r) != 2
        or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in r)
        or r[0] > r[1]
    ):
        ctx.error(
            f"{what or repr(key) + ' should be [low, high]'}, got {r!r}",
            line=_line(raw, key),
            item=item,
            field=key,
            expected=expected,
        )
        return None
    return float(r[0]), float(r[1])


def _quantiles(ctx, raw, item) -> QuantileRule | None:
    """``quantiles: {groups: N, method: type7|phe_rank, invert: bool}``."""
    q = _mapping(ctx, raw, "quantiles", item)
    if q is None:
        return None
    _check_keys(ctx, q, QUANTILE_KEYS, item, "quantiles")
    groups = _number(ctx, q, "groups", item, default=4, integer=True, low=2, high=100)
    method = _str(ctx, q, "method", item, choices=QUANTILE_METHODS, default="type7")
    invert = q.get("invert", False)
    if not isinstance(invert, bool):
        ctx.error(
            f"'invert' is {invert!r}",
            line=_line(q, "invert"),
            item=item,
            field="quantiles.invert",
            expected="true or false",
        )
        invert = False
    return QuantileRule(groups=int(groups or 4), method=method or "type7", invert=invert)


def _previous(ctx, raw, item) -> tuple[str, ...] | None:
    if "previous" not in raw:
        return None
    value = raw["previous"]
    values = value if isinstance(value, list) else [value]
    out = []
    for v in values:
        if not isinstance(v, str):
            v = str(v)
        if v in PREVIOUS_RULES:
            out.append(v)
            continue
        try:
            out.append(parse_period(v).text)
        except AscbenchError:
            ctx.error(
                f"'{v}' is not a previous-period rule{_suggest(v, PREVIOUS_RULES)}",
                line=_line(raw, "previous"),
                item=item,
                field="direction.previous",
                expected="year_earlier, preceding, year_end or a period such as 2024-25",
            )
    return tuple(out)


def _direction(ctx, raw, item, base: DirectionRule) -> DirectionRule:
    if raw is None:
        return base
    _check_keys(ctx, raw, DIRECTION_KEYS, item, "direction")
    method = _str(ctx, raw, "method", item, choices=DIRECTION_METHODS, default=base.method)
    method = METHOD_ALIASES.get(method, method)
    tol = _tolerance(ctx, raw, "similar_within", item) or base.tolerance
    previous = _previous(ctx, raw, item) or base.previous
    unequal = raw.get("compare_unequal_periods", base.compare_unequal_periods)
    if not isinstance(unequal, bool):
        ctx.error(
            "'compare_unequal_periods' should be true or false",
            line=_line(raw, "compare_unequal_periods"),
            item=item,
            field="compare_unequal_periods",
            expected="true or false",
        )
        unequal = base.compare_unequal_periods
    polarity = _str(ctx, raw, "polarity", item, choices=("high", "low", "none", "range"), default=base.polarity)
    return DirectionRule(
        method=method, tolerance=tol, previous=previous, compare_unequal_periods=unequal, polarity=polarity
    )


def _comparator(ctx, raw, item) -> Comparator | None:
    if not isinstance(raw, dict):
        ctx.error(
            "a comparator should be a mapping",
            item=item,
            field="comparators",
            expected="a mapping such as {area: national, label: '{period} Nat. Ave'}",
        )
        return None
    _check_keys(ctx, raw, COMPARATOR_KEYS, item, "comparator")
    line = _line(raw)
    ctype = _str(ctx, raw, "type", item, choices=COMPARATOR_TYPES)
    if ctype is None:  # infer from what is given
        if "area" in raw:
            ctype = "area"
        elif "measure" in raw:
            ctype = "target"
        elif "value" in raw:
            ctype = "value"
        elif "period" in raw:
            ctype = "baseline"
        else:
            ctx.error(
                "a comparator needs an area, a measure, a value or a period",
                line=line,
                item=item,
                field="comparators",
                expected="area:, measure:, value: or period:",
            )
            return None
    area = _str(ctx, raw, "area", item, pattern=MEASURE_RE)
    measure = measure_name(_str(ctx, raw, "measure", item, pattern=MEASURE_RE))
    fixed = _number(ctx, raw, "value", item)
    default_period = {"area": "latest", "target": "same", "baseline": "year_end", "value": "same"}[ctype]
    period = _str(ctx, raw, "period", item, default=default_period)
    if period not in COMPARATOR_PERIOD_RULES:
        try:
            period = parse_period(period).text
        except AscbenchError:
            ctx.error(
                f"'{period}' is not a comparator period",
                line=_line(raw, "period"),
                item=item,
                field="period",
                expected="latest, same, containing, year_end or a period such as 2024-25",
            )
    required = {"area": ("area", area), "target": ("measure", measure), "value": ("value", fixed)}
    if ctype in required and required[ctype][1] is None:
        key = required[ctype][0]
        ctx.error(
            f"a comparator of type {ctype} needs '{key}'", line=line, item=item, field=key, expected=f"{key}: ..."
        )
    label = _str(ctx, raw, "label", item, default="")
    basis = _str(ctx, raw, "basis", item, choices=BENCHMARK_BASES, default="auto")
    profile = _profile(ctx, raw, item) if "profile" in raw else None
    if profile is not None and ctype != "target":
        ctx.error(
            "'profile' belongs to a target comparator (an annual target spread over the year)",
            line=_line(raw, "profile"),
            item=item,
            field="profile",
            expected="type: target with measure:",
        )
    rating = _rating(ctx, _mapping(ctx, raw, "rating", item), item, "comparator rating")
    if profile is not None and "period" not in raw:
        period = "year"
    return Comparator(
        type=ctype,
        area=area,
        measure=measure,
        value=fixed,
        period=period,
        label=label,
        basis=basis,
        profile=profile,
        rating=rating,
        line=line or 0,
    )


PROFILE_EXPECTED = (
    "flat, a list of 12 monthly shares from the year's first month, quarter shares "
    "{Q1: .., Q2: .., Q3: .., Q4: ..}, term shares {T1: .., T2: .., T3: ..}, or measure: NAME"
)


def _profile(ctx, raw, item) -> str | None:
    """A milestone profile, as one string: flat | months:s1,...,s12 | quarters:.. | terms:.. | measure:NAME."""
    value = raw.get("profile")
    line = _line(raw, "profile")

    def bad(why):
        ctx.error(f"'profile' {why}", line=line, item=item, field="profile", expected=PROFILE_EXPECTED)

    def numbers(items):
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0 for v in items):
            bad("shares must be numbers of 0 or more")
            return None
        if sum(items) <= 0:
            bad("shares must not all be 0")
            return None
        return ",".join(f"{float(v)!r}" for v in items)

    if value == "flat":
        return "flat"
    if isinstance(value, list):
        if len(value) != 12:
            bad(f"has {len(value)} monthly shares, not 12")
            return None
        joined = numbers(value)
        return f"months:{joined}" if joined else None
    if isinstance(value, dict):
        keys = set(value)
        if keys == {"Q1", "Q2", "Q3", "Q4"}:
            joined = numbers([value[k] for k in ("Q1", "Q2", "Q3", "Q4")])
            return f"quarters:{joined}" if joined else None
        if keys == {"T1", "T2", "T3"}:
            joined = numbers([value[k] for k in ("T1", "T2", "T3")])
            return f"terms:{joined}" if joined else None
        if keys == {"measure"} and isinstance(value["measure"], str) and MEASURE_RE.match(value["measure"]):
            return f"measure:{value['measure']}"
        bad(f"has the keys {', '.join(map(str, value))}")
        return None
    bad(f"is {value!r}")
    return None


def _merged(defaults: dict, statistic: str | None, raw: dict) -> dict:
    """Defaults for all metrics, then for the statistic, then the metric itself; nested
    settings (rating, direction) are merged key by key."""
    merged: dict = {}
    texts: dict = {}  # the text as written of values read as numbers, from the layer that set each
    for layer in (defaults.get("all") or {}, defaults.get(statistic) or {} if statistic else {}, raw):
        for key, value in layer.items():
            if isinstance(value, dict) and isinstance(merged.get(key), dict):
                combined = LineDict(merged[key])
                combined.line = getattr(value, "line", 0)
                combined.key_lines = {**getattr(merged[key], "key_lines", {}), **getattr(value, "key_lines", {})}
                combined.texts = {**getattr(merged[key], "texts", {}), **getattr(value, "texts", {})}
                combined.update(value)
                merged[key] = combined
            else:
                merged[key] = value
            texts.pop(key, None)
            if isinstance(layer, LineDict) and layer.text_of(key) is not None:
                texts[key] = layer.text_of(key)
    if isinstance(raw, LineDict):
        out = LineDict(merged)
        out.line = raw.line
        out.key_lines = dict(raw.key_lines)
        out.texts = texts
        return out
    return merged


def _measures(ctx, raw, item, statistic, line):
    """``numerator``, ``denominator``, ``value``: the measures the statistic needs."""
    numerator = measure_name(_str(ctx, raw, "numerator", item, pattern=MEASURE_RE))
    denominator = measure_name(_str(ctx, raw, "denominator", item, pattern=MEASURE_RE))
    value = measure_name(_str(ctx, raw, "value", item, pattern=MEASURE_RE))
    if statistic in ("proportion", "rate"):
        if (numerator is None) != (denominator is None):
            missing = "denominator" if denominator is None else "numerator"
            ctx.error(
                f"a {statistic} needs both a numerator and a denominator",
                line=line,
                item=item,
                field=missing,
                expected="numerator: and denominator: measure names",
            )
        elif numerator is None and value is None:
            ctx.error(
                f"a {statistic} needs a numerator and denominator, or a published value",
                line=line,
                item=item,
                field="numerator",
                expected="numerator: and denominator:, or value:",
            )
    elif statistic == "count":
        if denominator is not None:
            ctx.error(
                "a count has no denominator",
                line=_line(raw, "denominator"),
                item=item,
                field="denominator",
                expected="statistic: proportion or rate for a ratio",
            )
        if numerator is None and value is None:
            ctx.error(
                "a count needs a numerator (the measure counted) or a value",
                line=line,
                item=item,
                field="numerator",
                expected="numerator: a measure name",
            )
    elif statistic in ("score", "published"):
        if value is None and numerator is None:
            ctx.error(
                f"a {statistic} needs a value measure",
                line=line,
                item=item,
                field="value",
                expected="value: a measure name",
            )
    return numerator, denominator, value


def _display(ctx, raw, item, statistic):
    """``multiplier``, ``decimals``, ``scale``, ``unit``, with the statistic's defaults."""
    stat_defaults = STATISTIC_DEFAULTS.get(statistic or "published")
    multiplier = _number(ctx, raw, "multiplier", item, default=stat_defaults["multiplier"], low=1e-12)
    decimals = _number(ctx, raw, "decimals", item, default=stat_defaults["decimals"], integer=True, low=0, high=6)
    scale = _str(ctx, raw, "scale", item, choices=tuple(SCALES), default="none")
    unit = _str(ctx, raw, "unit", item, default=None)
    if unit is None:
        if statistic == "proportion" and multiplier == 100:
            unit = "%"
        elif statistic == "rate":
            unit = f"per {multiplier:,.0f}"
        else:
            unit = ""
    return multiplier, decimals, scale, unit


def _band(ctx, raw, item, polarity):
    """``range: [low, high]``, required by and only used with polarity ``range``."""
    if polarity == "range":
        return _pair(
            ctx,
            raw,
            "range",
            item,
            "two numbers, low first, such as [55, 60]",
            what="polarity 'range' needs range: [low, high]",
        )
    if "range" in raw:
        ctx.error(
            "'range' is only used with polarity: range",
            line=_line(raw, "range"),
            item=item,
            field="range",
            expected="polarity: range",
        )
    return None


def _comparators(ctx, raw, item):
    """The metric's comparators, most preferred first."""
    raw_comparators = raw.get("comparators") or []
    if not isinstance(raw_comparators, list):
        ctx.error(
            "'comparators' should be a list",
            line=_line(raw, "comparators"),
            item=item,
            field="comparators",
            expected="a list of comparators, most preferred first",
        )
        raw_comparators = []
    found = (_comparator(ctx, rc, item) for rc in raw_comparators)
    return [c for c in found if c is not None]


def _footnotes(ctx, raw, item) -> tuple[str, ...]:
    """``footnote`` or ``footnotes``: a text or a list of texts."""
    footnotes = raw.get("footnotes", raw.get("footnote"))
    if footnotes is None:
        return ()
    if isinstance(footnotes, str):
        return (footnotes.strip(),)
    if isinstance(footnotes, list) and all(isinstance(f, str) for f in footnotes):
        return tuple(f.strip() for f in footnotes)
    ctx.error(
        "'footnote' should be text or a list of texts",
        line=_line(raw, "footnote"),
        item=item,
        field="footnote",
        expected="text",
    )
    return ()


def _tags(ctx, raw, item) -> list[str]:
    """``tags``: a list of words."""
    tags = raw.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        ctx.error(
            "'tags' should be a list of words",
            line=_line(raw, "tags"),
            item=item,
            field="tags",
            expected="a list such as [appendix-a, bcf]",
        )
        return []
    return tags


def _synonyms(ctx, raw, item) -> tuple[str, ...]:
    """``synonyms``: other names a report uses for the metric ("new contacts", "direct
    payment"), read by ``ascbench check``: a list of distinct texts, each with a letter."""
    synonyms = raw.get("synonyms")
    if synonyms is None:
        return ()
    expected = 'a list of names such as ["new contacts", "contacts received"]'
    if not isinstance(synonyms, list) or not all(isinstance(s, str) for s in synonyms):
        ctx.error(
            "'synonyms' should be a list of texts",
            line=_line(raw, "synonyms"),
            item=item,
            field="synonyms",
            expected=expected,
        )
        return ()
    out: list[str] = []
    for text in synonyms:
        name = " ".join(text.split())
        if not any(c.isalpha() for c in name):
            ctx.error(
                f"the synonym '{text}' has no letters",
                line=_line(raw, "synonyms"),
                item=item,
                field="synonyms",
                expected=expected,
            )
        elif name.lower() in (o.lower() for o in out):
            ctx.error(
                f"the synonym '{name}' is listed twice",
                line=_line(raw, "synonyms"),
                item=item,
                field="synonyms",
                expected="each name once",
            )
        else:
            out.append(name)
    return tuple(out)


def _metric(ctx, raw, defaults, order: int, layers: dict) -> Metric | None:
    line = _line(raw)
    item = raw.get("id") if isinstance(raw.get("id"), str) else f"metric #{order + 1}"
    _check_keys(ctx, raw, METRIC_KEYS, item, "metric")
    mid = _str(ctx, raw, "id", item, required=True, pattern=ID_RE)
    statistic = _str(ctx, raw, "statistic", item, required=True, choices=STATISTICS)
    raw = _merged(defaults, statistic, raw)
    title = _str(ctx, raw, "title", item, required=True)
    numerator, denominator, value = _measures(ctx, raw, item, statistic, line)
    multiplier, decimals, scale, unit = _display(ctx, raw, item, statistic)
    polarity = _str(ctx, raw, "polarity", item, choices=POLARITIES, default="none")
    band = _band(ctx, raw, item, polarity)
    range_target = None
    if "range_target" in raw:
        range_target = _pair(ctx, raw, "range_target", item, "two numbers, low first, such as [80, 90]")
    layer = _str(ctx, raw, "layer", item)
    if layer is not None and layers and layer not in layers:
        ctx.error(
            f"'{layer}' is not a layer of this catalogue{_suggest(layer, layers)}",
            line=_line(raw, "layer"),
            item=item,
            field="layer",
            expected="one of " + ", ".join(layers),
        )
    comparators = _comparators(ctx, raw, item)
    rating = _rating(ctx, _mapping(ctx, raw, "rating", item), item) or RatingRule()
    if rating.method == "range_target" and range_target is None and "range_target" not in raw:
        ctx.error(
            "rating method 'range_target' needs range_target: [low, high]",
            line=_line(raw, "rating"),
            item=item,
            field="range_target",
            expected="two numbers, low first, such as [80, 90]",
        )
    quantiles = _quantiles(ctx, raw, item)
    direction = _direction(ctx, _mapping(ctx, raw, "direction", item), item, DirectionRule())
    basis = _str(ctx, raw, "period_basis", item, choices=PERIOD_BASES)
    footnotes, tags = _footnotes(ctx, raw, item), _tags(ctx, raw, item)
    breaks = _breaks(ctx, raw, item)
    spc_rebase = _breaks(ctx, raw, item, "spc_rebase")
    interval = _interval(ctx, raw, item, statistic, rating, direction, comparators)
    aggregation = _metric_aggregation(
        ctx, raw, item, {"numerator": numerator, "denominator": denominator, "value": value}
    )
    rated = _str(ctx, raw, "rate", item, choices=("actual", "forecast"), default="actual")
    forecast_of = _str(ctx, raw, "forecast_of", item, choices=("value", "numerator"), default="value")
    if (rated == "forecast" or "forecast_of" in raw) and not raw.get("forecast"):
        ctx.error(
            "'rate: forecast' and 'forecast_of' need the metric's forecast measure",
            line=_line(raw, "rate" if "rate" in raw else "forecast_of"),
            item=item,
            field="forecast",
            expected="forecast: a measure of year-end forecasts held as data",
        )
    if forecast_of == "numerator" and not numerator:
        ctx.error(
            "'forecast_of: numerator' needs a numerator (the count the forecast is of)",
            line=_line(raw, "forecast_of"),
            item=item,
            field="forecast_of",
            expected="a metric with numerator: (and a denominator for a proportion or rate), or forecast_of: value",
        )
    if mid is None or statistic is None or title is None:
        return None
    return Metric(
        id=mid,
        title=title,
        statistic=statistic,
        code=_str(ctx, raw, "code", item, default=mid),
        layer=layer,
        outcome=_str(ctx, raw, "outcome", item),
        aim=_str(ctx, raw, "aim", item),
        description=_str(ctx, raw, "description", item),
        numerator=numerator,
        denominator=denominator,
        value=value,
        multiplier=float(multiplier),
        decimals=int(decimals),
        scale=scale,
        unit=unit,
        polarity=polarity,
        range=band,
        range_target=range_target,
        quantiles=quantiles,
        comparators=tuple(comparators),
        rating=rating,
        direction=direction,
        period_basis=basis,
        source=_str(ctx, raw, "source", item),
        footnotes=tuple(footnotes),
        tags=tuple(tags),
        trend_note=_str(ctx, raw, "trend_note", item),
        narrative=_narrative(ctx, raw, item),
        breaks=breaks,
        spc_rebase=spc_rebase,
        interval=interval,
        aggregation=aggregation,
        aggregation_line=_line(raw, "aggregation") or 0,
        forecast=measure_name(_str(ctx, raw, "forecast", item, pattern=MEASURE_RE)),
        forecast_of=forecast_of,
        rate_forecast=rated == "forecast",
        synonyms=_synonyms(ctx, raw, item),
        line=line or 0,
        order=order,
    )


AGGREGATION_EXPECTED = (
    "sum (a count of events), last (a stock: the value at the period's end) or none (never rolled up)"
)


def _aggregation_rule(ctx, value, line, item, field) -> str | None:
    """One roll-up rule: sum, last or none (with a suggestion for a near miss)."""
    if isinstance(value, str) and value.strip() in AGGREGATIONS:
        return value.strip()
    shown = value if isinstance(value, str) else repr(value)
    ctx.error(
        f"'{shown}' is not an aggregation{_suggest(str(value), AGGREGATIONS)}",
        line=line,
        item=item,
        field=field,
        expected=AGGREGATION_EXPECTED,
    )
    return None


def _metric_aggregation(ctx, raw, item, measures: dict) -> tuple[tuple[str, str], ...]:
    """``aggregation: sum|last|none`` for every measure of the metric, or
    ``aggregation: {numerator: sum, denominator: last}`` measure by measure: how each is
    rolled up from months (:mod:`ascbench.catalogue.aggregation`)."""
    if raw.get("aggregation") is None:
        return ()
    given = raw["aggregation"]
    line = _line(raw, "aggregation")
    if isinstance(given, dict):
        _check_keys(ctx, given, AGGREGATION_ROLES, item, "aggregation")
        out = []
        for role, value in given.items():
            if role not in AGGREGATION_ROLES:
                continue
            rule = _aggregation_rule(ctx, value, _line(given, role), item, f"aggregation.{role}")
            if rule and not measures.get(role):
                ctx.error(
                    f"aggregation names the {role}, but the metric has none",
                    line=_line(given, role),
                    item=item,
                    field=f"aggregation.{role}",
                    expected="the metric's own numerator, denominator or value",
                )
            elif rule:
                out.append((measures[role], rule))
        return tuple(out)
    rule = _aggregation_rule(ctx, given, line, item, "aggregation")
    if rule is None:
        return ()
    return tuple((name, rule) for name in dict.fromkeys(m for m in measures.values() if m))


def _measures_section(ctx, doc) -> dict[str, tuple[str, int]]:
    """``measures:``: ``name: {aggregation: sum|last|none, description: ...}`` (or
    ``name: last``): how each measure is rolled up from months, declared once for every
    metric that uses it."""
    section = doc.get("measures")
    if section is None:
        return {}
    if not isinstance(section, dict):
        ctx.error(
            "'measures' should map measure names to their settings",
            line=_line(doc, "measures"),
            field="measures",
            expected="a mapping such as {caseload: {aggregation: last}}",
        )
        return {}
    out: dict[str, tuple[str, int]] = {}
    for name, settings in section.items():
        line = _line(section, name)
        measure = measure_name(_key_text(section, name))
        if not measure or not MEASURE_RE.match(measure):
            ctx.error(
                f"'{name}' is not a measure name",
                line=line,
                field="measures",
                expected="letters, digits and _ . + - only",
            )
            continue
        if isinstance(settings, str):
            settings = {"aggregation": settings}
        if not isinstance(settings, dict):
            ctx.error(
                f"the settings of measure '{measure}' should be a mapping",
                line=line,
                item=measure,
                field="measures",
                expected="{aggregation: sum|last|none, description: ...}",
            )
            continue
        _check_keys(ctx, settings, MEASURE_KEYS, measure, "measures")
        if "aggregation" in settings:
            rule = _aggregation_rule(
                ctx, settings["aggregation"], _line(settings, "aggregation") or line, measure, "aggregation"
            )
            if rule:
                if measure in out:
                    ctx.error(
                        f"measure '{measure}' is listed twice (first on line {out[measure][1]})",
                        line=line,
                        item=measure,
                        field="measures",
                        expected="each measure once",
                    )
                    continue
                out[measure] = (rule, line or 0)
    return out


def _declared_aggregations(ctx, doc, metrics: list[Metric]) -> dict[str, tuple[str, str]]:
    """Every declared roll-up rule, ``measure -> (rule, 'file:line')``: the ``measures:``
    section and the metrics' ``aggregation``. Two declarations of one measure must agree, and
    a published value of a proportion, rate, score or published figure is never summed."""
    declared = {m: (rule, line) for m, (rule, line) in _measures_section(ctx, doc).items()}
    for metric in metrics:
        for measure, rule in metric.aggregation:
            line = metric.aggregation_line or metric.line
            if measure in declared and declared[measure][0] != rule:
                first_rule, first_line = declared[measure]
                ctx.error(
                    f"measure '{measure}' is rolled up by {rule} here but by {first_rule} on line {first_line}",
                    line=line,
                    item=metric.id,
                    field="aggregation",
                    expected="one aggregation per measure",
                )
                continue
            declared.setdefault(measure, (rule, line))
    out = {m: (rule, f"{ctx.file}:{line}") for m, (rule, line) in declared.items()}
    probe = Catalogue(path=ctx.file, metrics=metrics, aggregations=out)
    for measure, where, why in refused_declarations(probe):
        ctx.error(
            f"measure '{measure}' is {why}: it cannot be summed over months",
            line=int(where.rsplit(":", 1)[1]) or None,
            field="aggregation",
            expected="aggregation: last (the period's last month) or none; or give the counts as numerator and "
            "denominator",
        )
        out[measure] = ("none", where)
    return out


def _check_ids(ctx, metrics: list[Metric]) -> list[Metric]:
    """Metric ids that differ only by case or separators (``ASCOF_2A``, ``ascof-2a``) are one
    id written twice: ``--metric`` could not tell them apart. The later one is an error."""
    seen: dict[str, Metric] = {}
    kept = []
    for m in metrics:
        folded = re.sub(r"[\s_.\-]+", "", m.id.lower())
        if folded in seen:
            first = seen[folded]
            ctx.error(
                f"metric id '{m.id}' differs from '{first.id}' (line {first.line}) only by case or separators",
                line=m.line,
                item=m.id,
                field="id",
                expected="ids that differ by more than case, spaces, _ . or -",
            )
            continue
        seen[folded] = m
        kept.append(m)
    return kept


STATISTICAL_METHODS = ("ci_overlap95", "ci_overlap998", "ci_overlap_both", "spc95", "spc998")


def _interval(ctx: _LoadContext, raw, item, statistic, rating, direction, comparators) -> bool:
    """``interval: true|false``: whether the value is a sample estimate or a rate of events,
    for which a confidence interval means something. Default: on for proportions and rates,
    and wherever a statistical rating or direction method needs it; off for counts, scores
    and published values (an administrative total has no sampling error). Limits the data
    publish are shown either way."""
    methods = {rating.method, direction.method, *(c.rating.method for c in comparators if c.rating)}
    default = statistic in ("proportion", "rate") or bool(methods & set(STATISTICAL_METHODS))
    value = raw.get("interval", default)
    if not isinstance(value, bool):
        ctx.error(
            "'interval' should be true or false",
            line=_line(raw, "interval"),
            item=item,
            field="interval",
            expected="true or false",
        )
        return default
    return value


def _narrative(ctx: _LoadContext, raw, item) -> str | None:
    """A narrative template: text with ``{field}`` placeholders of :data:`NARRATIVE_FIELDS`
    only - no positional fields, attributes, indexes, conversions or format specs (a
    ``{value:>2000000000}`` would ask for a 2 GB string)."""

    text = _str(ctx, raw, "narrative", item)
    if text is None:
        return None
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError as exc:
        ctx.error(
            f"the narrative template cannot be read: {exc}",
            line=_line(raw, "narrative"),
            item=item,
            field="narrative",
            expected="text with {field} placeholders; write {{ and }} for braces",
        )
        return None
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in NARRATIVE_FIELDS or spec or conversion:
            shown = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            ctx.error(
                f"the narrative template asks for {shown}",
                line=_line(raw, "narrative"),
                item=item,
                field="narrative",
                expected="placeholders {name} with a name among " + ", ".join(NARRATIVE_FIELDS) + " and no format",
            )
            return None
    return text


def _breaks(ctx: _LoadContext, raw, item, key: str = "breaks") -> tuple[str, ...]:
    """``breaks: [2024-25]``: the periods from which the metric's definition (or data source)
    changed; nothing before a break is compared with anything from it on. ``spc_rebase:
    [2024-Apr]`` (``key``): the points from which an SPC chart recalculates its limits."""
    value = raw.get(key)
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    out = []
    for text in items:
        try:
            out.append(parse_period(str(text)).text)
        except AscbenchError as exc:
            ctx.error(
                f"'{text}' in {key} is not a period ({exc.message})",
                line=_line(raw, key),
                item=item,
                field=key,
                expected="a list of periods such as [2024-25]"
                if key == "breaks"
                else "a list of periods such as [2024-Apr]",
            )
    return tuple(sorted(set(out)))


def parse_catalogue(text: str, filename: str, problems: Problems | None = None) -> Catalogue:
    """Validate catalogue text. With ``problems`` given, collect every problem and return what
    could be read; without, raise the first problem."""
    collect = problems is not None
    problems = Problems() if problems is None else problems
    ctx = _LoadContext(filename, problems)
    try:
        doc = load_yaml(text, filename)
    except AscbenchError as exc:
        problems.add(exc)
        if not collect:
            raise
        return Catalogue(path=filename, metrics=[])
    if not isinstance(doc, dict):
        ctx.error("the catalogue should be a mapping with a 'metrics' list", line=1, expected="metrics: [...]")
        doc = {}
    _check_keys(ctx, doc, TOP_KEYS, None, "the catalogue")
    header = doc.get("catalogue")
    if header is not None and not isinstance(header, dict):
        ctx.error(
            "'catalogue' should be a mapping",
            line=_line(doc, "catalogue"),
            field="catalogue",
            expected="title: and description:",
        )
    elif header is not None:
        _check_keys(ctx, header, CATALOGUE_KEYS, None, "catalogue")
    layers: dict[str, str] = {}
    raw_layers = doc.get("layers") or {}
    if isinstance(raw_layers, dict):  # a layer id YAML reads as a number (01:) is taken as written
        layers = {_key_text(raw_layers, k): str(v) for k, v in raw_layers.items()}
    elif isinstance(raw_layers, list):
        layers = {str(k): str(k) for k in raw_layers}
    else:
        ctx.error(
            "'layers' should map layer ids to headings",
            line=_line(doc, "layers"),
            field="layers",
            expected="a mapping such as {prevent: Prevent need}",
        )
    defaults = doc.get("defaults") or {}
    if not isinstance(defaults, dict):
        ctx.error(
            "'defaults' should be a mapping",
            line=_line(doc, "defaults"),
            field="defaults",
            expected="statistic names mapping to settings",
        )
        defaults = {}
    for stat, block in defaults.items():
        if stat != "all" and stat not in STATISTICS:
            ctx.error(
                f"'{stat}' is not a statistic{_suggest(stat, STATISTICS)}",
                line=_line(defaults, stat),
                field="defaults",
                expected="all or one of " + ", ".join(STATISTICS),
            )
        elif not isinstance(block, dict):
            ctx.error(f"defaults for '{stat}' should be a mapping", line=_line(defaults, stat), field="defaults")
        else:
            _check_keys(ctx, block, DEFAULTABLE_KEYS, f"defaults.{stat}", "defaults")
    defaults = {k: v for k, v in defaults.items() if isinstance(v, dict)}
    raw_metrics = doc.get("metrics")
    if not isinstance(raw_metrics, list) or not raw_metrics:
        ctx.error(
            "the catalogue has no metrics",
            line=_line(doc, "metrics") if "metrics" in doc else 1,
            field="metrics",
            expected="a non-empty list under 'metrics:'",
        )
        raw_metrics = []
    metrics: list[Metric] = []
    seen: dict[str, int] = {}
    for order, raw in enumerate(raw_metrics):
        if not isinstance(raw, dict):
            ctx.error(
                f"metric #{order + 1} should be a mapping",
                line=_line(doc, "metrics"),
                field="metrics",
                expected="id:, title:, statistic: ...",
            )
            continue
        metric = _metric(ctx, raw, defaults, order, layers)
        if metric is None:
            continue
        if metric.id in seen:
            ctx.error(
                f"duplicate metric id '{metric.id}' (first on line {seen[metric.id]})",
                line=metric.line,
                item=metric.id,
                field="id",
                expected="each id once",
            )
            continue
        seen[metric.id] = metric.line
        metrics.append(metric)
    metrics = _check_ids(ctx, metrics)
    if not layers:
        for m in metrics:
            if m.layer and m.layer not in layers:
                layers[m.layer] = m.layer
    title = _str(ctx, header, "title", None, default="") if isinstance(header, dict) else ""
    catalogue = Catalogue(
        path=filename,
        metrics=metrics,
        layers=layers,
        title=title or "",
        aggregations=_declared_aggregations(ctx, doc, metrics),
        glossary=_glossary(ctx, doc),
    )
    if not collect:
        problems.raise_first()
    return catalogue


def _glossary(ctx, doc) -> dict[str, str]:
    """``glossary: {SUs: service users, pop.: population}``: abbreviations the titles use,
    spelled out in sentences (``ascbench narrate``)."""
    given = doc.get("glossary")
    if given is None:
        return {}
    if not isinstance(given, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and k.strip() and v.strip() for k, v in given.items()
    ):
        ctx.error(
            "'glossary' should map each abbreviation to its words",
            line=_line(doc, "glossary"),
            field="glossary",
            expected="a mapping such as {SUs: service users, pop.: population}",
        )
        return {}
    return {k.strip(): v.strip() for k, v in given.items()}


def load_catalogue(path: str | Path, problems: Problems | None = None) -> Catalogue:
    """Read and validate a catalogue file (see :func:`parse_catalogue`)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        error = AscbenchError(f"cannot read the catalogue: {exc.strerror}", file=str(path))
        if problems is None:
            raise error from None
        problems.add(error)
        return Catalogue(path=str(path), metrics=[])
    try:
        text = raw.decode("utf-16") if raw.startswith((b"\xff\xfe", b"\xfe\xff")) else raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        error = AscbenchError(
            "the catalogue is not UTF-8 text", file=str(path), line=line, expected="a UTF-8 encoded YAML file"
        )
        if problems is None:
            raise error from None
        problems.add(error)
        return Catalogue(path=str(path), metrics=[])
    return parse_catalogue(text, str(path), problems)
