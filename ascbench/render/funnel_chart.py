"""A funnel plot: every council's value against its denominator, with PHE's 95% and 99.8%
limits around the group's pooled average (:func:`ascbench.stats.funnel_limits`). Inline SVG,
no JavaScript, the same bytes for the same inputs.

Accessible: ``role="img"`` with a ``<title>`` and a ``<desc>`` that say in words what the
picture shows (how many councils lie outside each pair of limits, and where the council is);
the limit lines are told apart by dash pattern as well as colour.
"""

from __future__ import annotations

import numpy as np

from ascbench.periods import parse_period
from ascbench.render.markup import html_text
from ascbench.render.svg import document, with_unit

WIDTH, HEIGHT, PAD_L, PAD_R, PAD_T, PAD_B = 360, 220, 48, 10, 18, 30
FOCUS, OTHER, AVERAGE, L95, L998 = "#0b0c0c", "#9aa0a6", "#1d70b8", "#f47738", "#d4351c"


def funnel_svg(
    points,
    lines,
    focus: str | None,
    name: str,
    period_label: str,
    chart_id: str,
    decimals: int = 1,
    unit: str = "",
    standalone: bool = False,
) -> str:
    """The funnel plot of ``points`` and ``lines`` (:func:`ascbench.engine.funnel.funnel_points`)."""
    x_max = float(max(points["denominator"].max(), lines["Population"].max()))
    cols = ["lower_2s_limit", "upper_2s_limit", "lower_3s_limit", "upper_3s_limit"]
    y_lo = float(min(points["value"].min(), lines[cols].min().min()))
    y_hi = float(max(points["value"].max(), lines[cols].max().max()))
    window = points["value"].max() - points["value"].min()
    y_lo = max(y_lo, float(points["value"].min()) - window)
    y_hi = min(y_hi, float(points["value"].max()) + window)
    span = (y_hi - y_lo) or 1.0

    def X(v):
        return PAD_L + (WIDTH - PAD_L - PAD_R) * np.asarray(v, dtype="float64") / x_max

    def Y(v):
        return (
            HEIGHT
            - PAD_B
            - (HEIGHT - PAD_T - PAD_B) * (np.clip(np.asarray(v, dtype="float64"), y_lo, y_hi) - y_lo) / span
        )

    parts = [
        f'<rect x="{PAD_L}" y="{PAD_T}" width="{WIDTH - PAD_L - PAD_R}" height="{HEIGHT - PAD_T - PAD_B}" '
        'fill="#f8f8f8"/>'
    ]
    xs = X(lines["Population"])
    for col, colour, dash in (
        ("lower_3s_limit", L998, "2 2"),
        ("upper_3s_limit", L998, "2 2"),
        ("lower_2s_limit", L95, "5 2"),
        ("upper_2s_limit", L95, "5 2"),
    ):
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, Y(lines[col]), strict=True))
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="1" stroke-dasharray="{dash}"/>'
        )
    baseline = float(lines["baseline"].iloc[0])
    yb = float(Y(baseline))
    parts.append(
        f'<line x1="{PAD_L}" x2="{WIDTH - PAD_R}" y1="{yb:.1f}" y2="{yb:.1f}" stroke="{AVERAGE}" stroke-width="1.2"/>'
    )
    px, py = X(points["denominator"]), Y(points["value"])
    for code, x, y in zip(points["area_code"], px, py, strict=True):
        if code != focus:
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="1.8" fill="{OTHER}"/>')
    labels = [
        f'<text x="{PAD_L}" y="{HEIGHT - 4}">0</text>',
        f'<text x="{WIDTH - PAD_R}" y="{HEIGHT - 4}" text-anchor="end">denominator {x_max:,.0f}</text>',
        f'<text x="{PAD_L - 3}" y="{PAD_T + 4}" text-anchor="end">{html_text(with_unit(y_hi, decimals, unit))}</text>',
        f'<text x="{PAD_L - 3}" y="{HEIGHT - PAD_B}" text-anchor="end">{html_text(with_unit(y_lo, decimals, unit))}'
        "</text>",
    ]
    mine = points[points["area_code"] == focus]
    if len(mine):
        r = mine.iloc[0]
        x, y = float(X(r["denominator"])), float(Y(r["value"]))
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{FOCUS}" stroke="#ffffff" stroke-width="1"/>')
        anchor = "start" if x < WIDTH / 2 else "end"
        labels.append(
            f'<text x="{x + (5 if anchor == "start" else -5):.1f}" y="{y - 5:.1f}" text-anchor="{anchor}">'
            f"{html_text(str(r['area_name']))} {html_text(with_unit(r['value'], decimals, unit))}</text>"
        )
    labels.append(
        f'<text x="{PAD_L}" y="{PAD_T - 5}" fill="{AVERAGE}">average '
        f"{html_text(with_unit(baseline, decimals, unit))}; limits 95% (dashed) and 99.8% (dotted)</text>"
    )
    text = summary(points, focus, baseline, name, period_label, decimals, unit)
    title = f"{name}: funnel plot, {period_label}"
    return document(WIDTH, HEIGHT, chart_id, title, text, "".join(parts) + "".join(labels), standalone)


def summary(points, focus, baseline, name, period_label, decimals, unit) -> str:
    """One sentence: the councils outside each pair of limits, and the council's place."""
    sig = points["significance"]
    above998, below998 = int((sig == "High (0.001)").sum()), int((sig == "Low (0.001)").sum())
    above95, below95 = above998 + int((sig == "High (0.025)").sum()), below998 + int((sig == "Low (0.025)").sum())
    text = (
        f"{name}, {period_label}: {len(points)} councils around a pooled average of "
        f"{with_unit(baseline, decimals, unit)}; {above95} above and {below95} below the 95% limits, "
        f"{above998} above and {below998} below the 99.8% limits"
    )
    mine = points[points["area_code"] == focus]
    if len(mine):
        r = mine.iloc[0]
        place = {
            "High (0.001)": "above the 99.8% limits",
            "High (0.025)": "above the 95% limits",
            "Low (0.001)": "below the 99.8% limits",
            "Low (0.025)": "below the 95% limits",
        }.get(r["significance"], "within the limits")
        text += f"; {r['area_name']} {with_unit(r['value'], decimals, unit)}, {place}"
    return text + "."


def dashboard_funnels(report) -> dict[str, str]:
    """metric_id -> funnel plot, for every ranked result row of the report's first area whose
    metric is a proportion or rate with counts for every group member that has a value in its
    benchmark period (``rank_period``); others get none (a funnel of some members would
    mislead). The points and limits are the report's (:meth:`Report.funnel`)."""
    results = report.results
    meta = report.metrics.set_index("metric_id")
    ranked = results[
        results["rank_period"].notna()
        & results["rank"].notna()
        & results["metric_id"].map(meta["statistic"]).isin(["proportion", "rate"])
    ]
    if ranked.empty:
        return {}
    focus = str(ranked["area_code"].iloc[0])
    funnels = {}
    for r in ranked[ranked["area_code"] == focus].itertuples():  # one chart per metric
        points, lines = report.funnel(r.metric_id, focus)
        if points is None:
            continue
        funnels[r.metric_id] = funnel_svg(
            points,
            lines,
            focus,
            f"{r.code} {r.title}",
            parse_period(r.rank_period).label,
            "funnel-" + "".join(c if c.isalnum() else "-" for c in r.metric_id),
            int(r.decimals),
            r.unit or "",
        )
    return funnels


def rank_funnel(league) -> str:
    """``rank --funnel``: the standalone funnel plot of one metric's league
    (:class:`ascbench.engine.league.League`, built with its funnel)."""
    m = league.metric
    points, lines = league.funnel
    return funnel_svg(
        points,
        lines,
        league.focus,
        f"{m.code} {m.title}",
        parse_period(league.period).label,
        "funnel",
        m.decimals,
        m.unit,
        standalone=True,
    )
