"""A statistical process control (XmR) chart, as NHS England's "Making Data Count" draws it:
the values joined in time order, the mean and the process limits of each section, the
target, each point coloured by its type, and the variation and assurance icons
(:func:`ascbench.stats.xmr`). Inline SVG, no JavaScript, the same bytes for the same inputs.

Accessible: ``role="img"`` with a ``<title>`` and a ``<desc>`` (named by
``aria-labelledby``) that say in words what the chart shows (:func:`summary` gives the same
sentence for a visible caption); the point types differ by shape as well as colour (circle,
square, diamond, triangle) and a legend names them; the mean, limit and target
lines differ by dash pattern; the icons are drawn as labelled shapes with their meaning in
words beside them. Colours are NHSRplotthedots' (``ptd_spc_colours``): grey common cause,
blue improvement, orange concern, purple neither.

Use::

    points, summary = stats.xmr(values, periods, polarity="high", target=77.1)
    svg = spc_svg(points, summary, "2A Short-term service: no further request", "spc-2a",
                  decimals=1, unit="%")
"""

from __future__ import annotations

import math
from html import escape

import numpy as np
import pandas as pd

from ascbench.render.numbers import is_missing
from ascbench.render.svg import document, scaled_unit, with_unit
from ascbench.stats.spc import ICON_COLOURS, LINE_COLOURS, POINT_COLOURS

WIDTH, HEIGHT = 520, 300
PAD_L, PAD_R, PAD_T, PLOT_B = 58, 70, 40, 222  # plot box: x from PAD_L to WIDTH - PAD_R, y from PAD_T to PLOT_B
BACKGROUND = "#f8f8f8"

SHAPES = {  # point type -> (shape, legend words)
    "common_cause": ("circle", "Common cause"),
    "special_cause_improvement": ("square", "Special cause: improvement"),
    "special_cause_concern": ("diamond", "Special cause: concern"),
    "special_cause_neutral_high": ("triangle", "Special cause: neither (higher)"),
    "special_cause_neutral_low": ("triangle", "Special cause: neither (lower)"),
}
VARIATION_SHORT = {
    "common_cause": ("~", "common cause"),
    "improvement_high": ("H", "improvement, high"),
    "improvement_low": ("L", "improvement, low"),
    "concern_high": ("H", "concern, high"),
    "concern_low": ("L", "concern, low"),
    "neutral_high": ("H", "higher, neither good nor bad"),
    "neutral_low": ("L", "lower, neither good nor bad"),
}
ASSURANCE_SHORT = {
    "consistent_pass": ("P", "consistently passes the target"),
    "consistent_fail": ("F", "consistently fails the target"),
    "inconsistent": ("?", "hit or miss"),
}


def x_label(value) -> str:
    """A time as the axis prints it: a date as ``Apr 2016``, anything else as written."""
    if isinstance(value, (pd.Timestamp, np.datetime64)):
        return pd.Timestamp(value).strftime("%b %Y")
    if hasattr(value, "strftime"):
        return value.strftime("%b %Y")
    return str(value)


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """About ``count`` round values (1, 2 or 5 × 10^k apart) covering [low, high]."""
    span = high - low
    if not math.isfinite(span) or span <= 0:
        return [low]
    raw = span / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.ceil(low / step - 1e-9) * step
    ticks = []
    k = 0
    while first + k * step <= high + 1e-9 * step:
        ticks.append(round(first + k * step, 12))
        k += 1
    return ticks


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    """A point's marker: the type is told by shape as well as colour (shapes that say
    nothing of direction, since an improvement may be a fall)."""
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.8" fill="{colour}"/>'
    if shape == "square":
        return f'<rect x="{x - 3.2:.1f}" y="{y - 3.2:.1f}" width="6.4" height="6.4" fill="{colour}"/>'
    if shape == "diamond":
        return f'<path d="M{x:.1f},{y - 4.3:.1f}L{x + 4.3:.1f},{y:.1f}L{x:.1f},{y + 4.3:.1f}L{x - 4.3:.1f},{y:.1f}Z" fill="{colour}"/>'
    return (
        f'<path d="M{x:.1f},{y - 4.2:.1f}L{x + 3.9:.1f},{y + 2.7:.1f}L{x - 3.9:.1f},{y + 2.7:.1f}Z" fill="{colour}"/>'
    )


def _icon(x: float, letter: str, colour: str, words: str) -> str:
    """An icon: a ringed disc with its letter, its meaning in words beside it."""
    return (
        f'<g role="img" aria-label="{escape(words)}">'
        f'<circle cx="{x:.1f}" cy="18" r="11" fill="#ffffff" stroke="{colour}" stroke-width="2.5"/>'
        f'<text x="{x:.1f}" y="21.5" text-anchor="middle" font-size="11" font-weight="bold" fill="{colour}">'
        f"{escape(letter)}</text>"
        f'<text x="{x + 15:.1f}" y="21.5">{escape(words)}</text></g>'
    )


def summary(points, result, name: str, decimals: int = 1, unit: str = "") -> str:
    """The chart in words: the points, the latest section's mean and limits, the special
    causes, the last point, and the two icons."""
    row = result.iloc[0]
    first, last = x_label(points["x"].iloc[0]), x_label(points["x"].iloc[-1])
    n = len(points)
    special = points[points["special_cause_flag"]]
    counts = special["point_type"].value_counts()
    kinds = [
        (int(counts.get("special_cause_improvement", 0)), "improvement"),
        (int(counts.get("special_cause_concern", 0)), "concern"),
        (
            int(counts.get("special_cause_neutral_high", 0) + counts.get("special_cause_neutral_low", 0)),
            "neither improvement nor concern",
        ),
    ]
    detail = ", ".join(f"{k} {w}" for k, w in kinds if k)
    sections = int(points["rebase_group"].nunique())
    text = (
        f"{name}: {n} points from {first} to {last}"
        + (f", in {sections} sections (limits recalculated at each rebase)" if sections > 1 else "")
        + f". Mean {with_unit(row['mean'], decimals, unit)}, process limits "
        f"{with_unit(row['lpl'], decimals, unit)} to {with_unit(row['upl'], decimals, unit)}"
        + (" (latest section)" if sections > 1 else "")
        + f"; {len(special)} special cause point{'s' if len(special) != 1 else ''}"
        + (f" ({detail})" if detail else "")
        + f". Latest {last}: {with_unit(points['y'].iloc[-1], decimals, unit)}, "
        + SHAPES[points["point_type"].iloc[-1]][1].lower()
        + f". Variation: {VARIATION_SHORT[row['variation_icon']][1]}."
    )
    if row["assurance_icon"] in ASSURANCE_SHORT:
        text += (
            f" Assurance against the target of {with_unit(row['target'], decimals, unit)}: "
            f"{ASSURANCE_SHORT[row['assurance_icon']][1]}."
        )
    return text


def spc_svg(
    points,
    result,
    name: str,
    chart_id: str,
    decimals: int = 1,
    unit: str = "",
    y_label: str | None = None,
    x_title: str = "Period",
    standalone: bool = False,
) -> str:
    """The chart of one series from :func:`ascbench.stats.xmr`'s ``points`` and ``summary``
    (``result``). ``name`` titles it; ``chart_id`` makes its element ids unique in a page;
    ``decimals`` and ``unit`` print values as the metric does; ``y_label`` names the y axis
    (default: the unit, or "Value"); ``standalone`` adds the namespace a file of its own
    needs."""
    if "series" in points.columns and points["series"].nunique() > 1:
        raise ValueError("spc_svg draws one series: pass the points of one series")
    if len(result) != 1:
        raise ValueError("spc_svg draws one series: pass its one summary row")
    row = result.iloc[0]
    y = points["y"].to_numpy(dtype="float64")
    n = len(y)
    lines = np.concatenate([points["lpl"].to_numpy(dtype="float64"), points["upl"].to_numpy(dtype="float64")])
    target = row["target"]
    has_target = not is_missing(target) and math.isfinite(float(target))
    extent = np.concatenate([y, lines[np.isfinite(lines)], [float(target)] if has_target else []])
    lo, hi = float(extent.min()), float(extent.max())
    pad = (hi - lo) * 0.05 or max(abs(hi) * 0.05, 1.0)
    lo, hi = lo - pad, hi + pad
    right = WIDTH - PAD_R

    def X(i):
        return PAD_L + 6 + (right - PAD_L - 12) * (np.asarray(i, dtype="float64") / max(n - 1, 1))

    def Y(v):
        return PLOT_B - (PLOT_B - PAD_T) * (np.asarray(v, dtype="float64") - lo) / (hi - lo)

    parts = [f'<rect x="{PAD_L}" y="{PAD_T}" width="{right - PAD_L}" height="{PLOT_B - PAD_T}" fill="{BACKGROUND}"/>']
    labels = []
    # y axis: round ticks at the metric's precision
    for tick in nice_ticks(lo, hi, 6):
        yy = float(Y(tick))
        parts.append(
            f'<line x1="{PAD_L}" x2="{right}" y1="{yy:.1f}" y2="{yy:.1f}" stroke="#e1e1e1" stroke-width="0.6"/>'
        )
        labels.append(
            f'<text x="{PAD_L - 4}" y="{yy + 3:.1f}" text-anchor="end">{escape(with_unit(tick, decimals, unit))}</text>'
        )
    axis_name = y_label if y_label is not None else "Value" + (f" ({unit})" if unit else "")
    labels.append(
        f'<text x="12" y="{(PAD_T + PLOT_B) / 2:.1f}" text-anchor="middle" '
        f'transform="rotate(-90 12 {(PAD_T + PLOT_B) / 2:.1f})">{escape(axis_name)}</text>'
    )
    # x axis: about six period labels, always the first and the last
    xs = X(np.arange(n))
    shown = sorted(set(np.linspace(0, n - 1, min(n, 6)).round().astype(int).tolist()))
    for i in shown:
        anchor = "start" if i == 0 else "end" if i == n - 1 else "middle"
        labels.append(
            f'<text x="{xs[i]:.1f}" y="{PLOT_B + 12}" text-anchor="{anchor}">{escape(x_label(points["x"].iloc[i]))}</text>'
        )
    labels.append(
        f'<text x="{(PAD_L + right) / 2:.1f}" y="{PLOT_B + 26}" text-anchor="middle">{escape(x_title)}</text>'
    )
    # mean and limits, broken at each rebase (NHSRplotthedots' default, break_lines = "both")
    groups = points["rebase_group"].to_numpy()
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    ends = np.r_[starts[1:] - 1, n - 1]
    for a, b in zip(starts, ends, strict=True):
        x1, x2 = float(xs[a]) - 3, float(xs[b]) + 3
        for column, colour, dash, width in (
            ("lpl", LINE_COLOURS["limits"], ' stroke-dasharray="5 3"', 1.2),
            ("upl", LINE_COLOURS["limits"], ' stroke-dasharray="5 3"', 1.2),
            ("mean", LINE_COLOURS["mean"], "", 1.0),
        ):
            value = float(points[column].iloc[a])
            if math.isfinite(value):
                yy = float(Y(value))
                parts.append(
                    f'<line x1="{x1:.1f}" x2="{x2:.1f}" y1="{yy:.1f}" y2="{yy:.1f}" stroke="{colour}" '
                    f'stroke-width="{width}"{dash}/>'
                )
    # the latest section's values on the right, as the package's label_limits
    for column in ("upl", "mean", "lpl"):
        value = float(row[column])
        if math.isfinite(value):
            labels.append(
                f'<text x="{right + 4}" y="{float(Y(value)) + 3:.1f}">{escape(with_unit(value, decimals, unit))}</text>'
            )
    if has_target:
        yy = float(Y(float(target)))
        parts.append(
            f'<line x1="{PAD_L}" x2="{right}" y1="{yy:.1f}" y2="{yy:.1f}" stroke="{LINE_COLOURS["target"]}" '
            f'stroke-width="1.2" stroke-dasharray="8 3 2 3"/>'
        )
    # the values, joined in time order, then the points by type
    path = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(xs, Y(y), strict=True))
    parts.append(f'<polyline points="{path}" fill="none" stroke="{LINE_COLOURS["value"]}" stroke-width="1.4"/>')
    for i, kind in enumerate(points["point_type"]):
        parts.append(_marker(SHAPES[kind][0], float(xs[i]), float(Y(y[i])), POINT_COLOURS[kind]))
    # the icons, above the plot
    letter, words = VARIATION_SHORT[row["variation_icon"]]
    parts.append(_icon(PAD_L + 11, letter, ICON_COLOURS[row["variation_icon"]], f"Variation: {words}"))
    if row["assurance_icon"] in ASSURANCE_SHORT:
        letter, words = ASSURANCE_SHORT[row["assurance_icon"]]
        parts.append(_icon(WIDTH / 2 + 20, letter, ICON_COLOURS[row["assurance_icon"]], f"Assurance: {words}"))
    # the legend: the point types this polarity can give, and the lines
    polarity_none = points["point_type"].str.startswith("special_cause_neutral").any()
    kinds = (
        ["common_cause", "special_cause_neutral_high"]
        if polarity_none
        else ["common_cause", "special_cause_improvement", "special_cause_concern"]
    )
    x0 = float(PAD_L)
    for kind in kinds:
        shape, words = SHAPES[kind]
        words = "Special cause: neither" if kind.startswith("special_cause_neutral") else words
        parts.append(_marker(shape, x0 + 4, HEIGHT - 36, POINT_COLOURS[kind]))
        labels.append(f'<text x="{x0 + 11:.1f}" y="{HEIGHT - 33}">{escape(words)}</text>')
        x0 += 26 + 5.2 * len(words)
    keys = [("mean", LINE_COLOURS["mean"], ""), ("process limits", LINE_COLOURS["limits"], ' stroke-dasharray="5 3"')]
    if has_target:
        keys.append(("target", LINE_COLOURS["target"], ' stroke-dasharray="8 3 2 3"'))
    x0 = float(PAD_L)
    for words, colour, dash in keys:
        parts.append(
            f'<line x1="{x0:.1f}" x2="{x0 + 18:.1f}" y1="{HEIGHT - 15}" y2="{HEIGHT - 15}" stroke="{colour}" '
            f'stroke-width="1.4"{dash}/>'
        )
        labels.append(f'<text x="{x0 + 22:.1f}" y="{HEIGHT - 12}">{escape(words)}</text>')
        x0 += 38 + 5.2 * len(words)
    title = f"{name}: SPC chart, {x_label(points['x'].iloc[0])} to {x_label(points['x'].iloc[-1])}"
    return document(
        WIDTH,
        HEIGHT,
        chart_id,
        title,
        summary(points, result, name, decimals, unit),
        "".join(parts + labels),
        standalone,
    )


def dashboard_spc(report) -> dict[str, str]:
    """metric_id -> SPC chart, for every metric of the report's first area that has a series
    of 15 or more months (else quarters, else snapshots) up to its current period
    (:meth:`ascbench.engine.report.Report.spc`); limits recalculated only at the
    catalogue's ``spc_rebase`` points."""
    results = report.results
    if results.empty:
        return {}
    focus = report.areas[0]
    charts = {}
    for r in results[results["area_code"] == focus].itertuples():
        points, result = report.spc(r.metric_id, focus)
        if points is None:
            continue
        divisor, unit = scaled_unit(r.scale, r.unit or "")
        if divisor != 1:  # a metric shown in thousands: its chart in thousands too
            points = points.assign(**{c: points[c] / divisor for c in ("y", "mean", "lpl", "upl", "target")})
            result = result.assign(**{c: result[c] / divisor for c in ("mean", "lpl", "upl", "target")})
        charts[r.metric_id] = spc_svg(
            points,
            result,
            f"{r.code} {r.title}",
            "spc-" + "".join(c if c.isalnum() else "-" for c in r.metric_id),
            int(r.decimals),
            unit,
        )
    return charts
