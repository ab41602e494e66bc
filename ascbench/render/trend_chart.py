"""The past trend of one metric: the council's whole-year values (solid line, its 95%
confidence interval as a shaded band where the data give one) and England's (dashed), with
a value axis, the years, a legend, and a gap wherever the metric's definition changed (its
catalogue ``breaks``: no line crosses one). Inline SVG, no JavaScript, the same bytes for
the same inputs; ``role="img"`` with a title and a description that lists every point at
the metric's precision.
"""

from __future__ import annotations

import math

import pandas as pd

from ascbench.render.markup import html_text
from ascbench.render.numbers import is_missing
from ascbench.render.spc_chart import nice_ticks
from ascbench.render.svg import document, scaled_unit, with_unit

WIDTH, HEIGHT = 300, 150
PAD_L, PAD_R, PAD_T, PAD_B = 46, 10, 22, 30
COUNCIL, ENGLAND, BAND = "#0b0c0c", "#1d70b8", "#d9dbdc"


def tick_label(value: float, decimals: int, unit: str) -> str:
    """An axis value: ``70.0%`` for a percentage, the number alone otherwise (the unit is
    written once above the axis)."""
    return with_unit(value, decimals, "%" if unit == "%" else "")


def _runs(points: list[tuple[int, float]], segments: list[int]) -> list[list[tuple[int, float]]]:
    """Consecutive points of one definition (segment): a line joins these only."""
    runs: list[list[tuple[int, float]]] = []
    for i, v in points:
        if not runs or segments[runs[-1][-1][0]] != segments[i]:
            runs.append([])
        runs[-1].append((i, v))
    return runs


def trend_svg(
    labels: list[str],
    council: list,
    england: list,
    name: str,
    area_name: str,
    chart_id: str,
    decimals: int = 1,
    unit: str = "",
    segments: list[int] | None = None,
    lower: list | None = None,
    upper: list | None = None,
    standalone: bool = False,
) -> str:
    """The chart of ``council`` (and ``england``) by year (``labels``); ``lower`` and
    ``upper`` the council's 95% limits where known; ``segments`` number the metric's
    definitions. Empty when the council has fewer than two values."""
    n = len(labels)
    segments = segments or [0] * n
    lower = lower or [None] * n
    upper = upper or [None] * n

    def ok(v) -> bool:
        return not is_missing(v) and math.isfinite(float(v))

    mine = [(i, float(v)) for i, v in enumerate(council) if ok(v)]
    theirs = [(i, float(v)) for i, v in enumerate(england) if ok(v)]
    if len(mine) < 2:
        return ""
    band = [(i, float(lower[i]), float(upper[i])) for i, _ in mine if ok(lower[i]) and ok(upper[i])]
    extent = [v for _, v in mine + theirs] + [b for _, lo, hi in band for b in (lo, hi)]
    lo, hi = min(extent), max(extent)
    pad = (hi - lo) * 0.08 or max(abs(hi) * 0.05, 1.0)
    ticks = nice_ticks(lo - pad, hi + pad, 4)
    lo, hi = min(ticks[0], lo - pad), max(ticks[-1], hi + pad)
    right, bottom = WIDTH - PAD_R, HEIGHT - PAD_B

    def X(i: float) -> float:
        return PAD_L + 8 + (right - PAD_L - 16) * (i / (n - 1) if n > 1 else 0.5)

    def Y(v: float) -> float:
        return bottom - (bottom - PAD_T) * (v - lo) / (hi - lo)

    parts = [f'<rect x="{PAD_L}" y="{PAD_T}" width="{right - PAD_L}" height="{bottom - PAD_T}" fill="#f8f8f8"/>']
    labels_svg = []
    for t in ticks:
        y = Y(t)
        parts.append(f'<line x1="{PAD_L}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e1e1e1" stroke-width="0.6"/>')
        labels_svg.append(
            f'<text x="{PAD_L - 3}" y="{y + 3:.1f}" text-anchor="end">{html_text(tick_label(t, decimals, unit))}</text>'
        )
    # the council's interval as a band, per definition
    for run in _runs([(i, 0.0) for i, _, _ in band], segments):
        idx = [i for i, _ in run]
        if len(idx) < 2:
            i = idx[0]
            b = next(x for x in band if x[0] == i)
            parts.append(
                f'<line x1="{X(i):.1f}" x2="{X(i):.1f}" y1="{Y(b[1]):.1f}" y2="{Y(b[2]):.1f}" stroke="{BAND}" '
                'stroke-width="4"/>'
            )
            continue
        by = {i: (a, b) for i, a, b in band}
        top = " ".join(f"{X(i):.1f},{Y(by[i][1]):.1f}" for i in idx)
        back = " ".join(f"{X(i):.1f},{Y(by[i][0]):.1f}" for i in reversed(idx))
        parts.append(f'<polygon points="{top} {back}" fill="{BAND}"/>')
    for points, colour, dash in ((theirs, ENGLAND, ' stroke-dasharray="4 3"'), (mine, COUNCIL, "")):
        for run in _runs(points, segments):
            if len(run) > 1:
                path = " ".join(f"{X(i):.1f},{Y(v):.1f}" for i, v in run)
                parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="1.6"{dash}/>')
        for i, v in points:
            if colour == COUNCIL:
                parts.append(f'<circle cx="{X(i):.1f}" cy="{Y(v):.1f}" r="2.4" fill="{colour}"/>')
            else:
                parts.append(
                    f'<rect x="{X(i) - 2:.1f}" y="{Y(v) - 2:.1f}" width="4" height="4" fill="#ffffff" '
                    f'stroke="{colour}" stroke-width="1"/>'
                )
    for k in range(1, n):  # a definition change: a vertical dotted rule between the years
        if segments[k] != segments[k - 1]:
            x = (X(k) + X(k - 1)) / 2
            parts.append(
                f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{PAD_T}" y2="{bottom}" stroke="#505a5f" stroke-dasharray="1 2"/>'
            )
            side = 'text-anchor="end" ' if x > (PAD_L + right) / 2 else ""
            labels_svg.append(f'<text x="{x + (-2 if side else 2):.1f}" y="{PAD_T + 8}" {side}>new definition</text>')
    shown = sorted({0, n - 1, *range(0, n, max(1, math.ceil(n / 4)))})
    for i in shown:
        anchor = "start" if i == 0 and n > 1 else "end" if i == n - 1 and n > 1 else "middle"
        labels_svg.append(
            f'<text x="{X(i):.1f}" y="{bottom + 11}" text-anchor="{anchor}">{html_text(labels[i])}</text>'
        )
    # legend, above the plot
    legend = [(area_name, COUNCIL, "")]
    if theirs:
        legend.append(("England", ENGLAND, ' stroke-dasharray="4 3"'))
    x0 = float(PAD_L) + (4.8 * len(unit) if unit and unit != "%" else 0)
    for words, colour, dash in legend:
        parts.append(
            f'<line x1="{x0:.1f}" x2="{x0 + 16:.1f}" y1="{PAD_T - 8}" y2="{PAD_T - 8}" stroke="{colour}" '
            f'stroke-width="1.6"{dash}/>'
        )
        labels_svg.append(f'<text x="{x0 + 19:.1f}" y="{PAD_T - 5}">{html_text(words[:28])}</text>')
        x0 += 26 + 4.8 * min(len(words), 28)
    if band:
        parts.append(f'<rect x="{x0:.1f}" y="{PAD_T - 12}" width="12" height="8" fill="{BAND}"/>')
        labels_svg.append(f'<text x="{x0 + 15:.1f}" y="{PAD_T - 5}">95% CI</text>')
    labels_svg.append(f'<text x="{(PAD_L + right) / 2:.1f}" y="{HEIGHT - 4}" text-anchor="middle">Year</text>')
    if unit and unit != "%":  # the axis's unit once, above its values
        labels_svg.append(f'<text x="2" y="{PAD_T - 5}">{html_text(unit)}</text>')

    def said(points: list[tuple[int, float]]) -> str:
        return "; ".join(f"{labels[i]}: {with_unit(v, decimals, unit)}" for i, v in points)

    text = f"{name} by year. {area_name}: {said(mine)}."
    if band:
        text += (
            " 95% confidence intervals: "
            + "; ".join(
                f"{labels[i]}: {with_unit(a, decimals, unit)} to {with_unit(b, decimals, unit)}" for i, a, b in band
            )
            + "."
        )
    if theirs:
        text += f" England: {said(theirs)}."
    if len(set(segments)) > 1:
        text += " The definition changed where the lines break."
    return document(WIDTH, HEIGHT, chart_id, f"{name}: trend by year", text, "".join(parts + labels_svg), standalone)


def dashboard_trends(report, history=None) -> dict[str, str]:
    """metric_id -> trend chart for the report's first area, with England (the dataset's
    national area) and the council's 95% intervals (:meth:`Report.history`)."""
    results = report.results
    if results.empty:
        return {}
    focus = report.areas[0]
    national = report.national
    h = history if history is not None else report.history([focus] + ([national] if national else []), intervals=True)
    if h.empty:
        return {}
    charts = {}
    for r in results[results["area_code"] == focus].itertuples():
        m = h[h["metric_id"] == r.metric_id]
        if m.empty:
            continue
        ordered = m.sort_values("end").drop_duplicates("short")
        labels = list(ordered["short"])
        segment = dict(zip(ordered["short"], ordered["segment"], strict=True))
        own = m[m["area_code"] == focus].set_index("short")
        eng = m[m["area_code"] == national].set_index("short") if national else own.iloc[0:0]

        own, eng = own[~own.index.duplicated(keep="last")], eng[~eng.index.duplicated(keep="last")]

        def col(frame, column, labels=labels):
            return [frame[column].get(lab) if column in frame and lab in frame.index else None for lab in labels]

        divisor, unit = scaled_unit(r.scale, r.unit or "")

        def shown(values, divisor=divisor):
            return [None if v is None or pd.isna(v) else float(v) / divisor for v in values]

        svg = trend_svg(
            labels,
            shown(col(own, "value")),
            shown(col(eng, "value")),
            f"{r.code} {r.title}",
            str(r.area_name or focus),
            "trend-" + "".join(c if c.isalnum() else "-" for c in r.metric_id),
            int(r.decimals),
            unit,
            [int(segment[lab]) for lab in labels],
            shown(col(own, "lower95")),
            shown(col(own, "upper95")),
        )
        if svg:
            charts[r.metric_id] = svg
    return charts
