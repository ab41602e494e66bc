"""Every council's value as a sorted strip of bars: the council and England marked, quartile
bands shaded. Inline SVG, no JavaScript, the same bytes for the same inputs.

Accessible: ``role="img"`` with a ``<title>`` and a ``<desc>`` (named by ``aria-labelledby``)
that say in words what the picture shows, and :func:`summary` gives the same sentence for a
visible caption. Bars run from the lowest value on the left to the highest on the right;
the shaded bands are the councils of each quartile (type-7 bounds, as the ranks use).
"""

from __future__ import annotations

import numpy as np

from ascbench.periods import parse_period
from ascbench.render.display import quartile_words
from ascbench.render.markup import html_text
from ascbench.render.numbers import is_missing
from ascbench.render.svg import document, with_unit

WIDTH, HEIGHT, PAD_L, PAD_R, PAD_TOP, PAD_BOTTOM = 480, 190, 50, 10, 30, 34
BAND_FILLS = ("#f3f2f1", "#e8e7e5", "#f3f2f1", "#e8e7e5")
FOCUS, OTHER, NEIGHBOUR, ENGLAND = "#0b0c0c", "#b1b4b6", "#4c2c92", "#1d70b8"


def summary(
    table, focus: str | None, national: float | None, name: str, period_label: str, decimals: int = 1, unit: str = ""
) -> str:
    """One sentence for the caption and the chart's description."""
    n = int(table["value"].notna().sum())
    lowest, highest = with_unit(table["value"].min(), decimals, unit), with_unit(table["value"].max(), decimals, unit)
    median = with_unit(table["group_median"].iloc[0], decimals, unit)
    parts = [f"{name}, {period_label}: {n} councils, from {lowest} to {highest}, median {median}"]
    mine = table[table["area_code"] == focus]
    if len(mine):
        r = mine.iloc[0]
        rank = "" if is_missing(r["rank"]) else f", ranked {int(r['rank'])} of {int(r['rank_of'])}"
        q = f", {quartile_words(r)}" if quartile_words(r) else ""
        parts.append(f"{r['area_name']} {with_unit(r['value'], decimals, unit)}{rank}{q}")
    if not is_missing(national):
        parts.append(f"England {with_unit(national, decimals, unit)}")
    return "; ".join(parts) + "."


def league_svg(
    table,
    focus: str | None,
    national: float | None,
    name: str,
    period_label: str,
    chart_id: str,
    decimals: int = 1,
    unit: str = "",
    standalone: bool = False,
    neighbours: list[str] | tuple[str, ...] = (),
) -> str:
    """The chart for one metric's league ``table`` (rows of :func:`ascbench.engine.position.positions`
    with ``area_name``): a bar per council from the lowest value to the highest, on a value
    axis that starts near the lowest value (not at zero when the data do not: 3C1's councils
    all lie between 50% and 75%, and bars from zero would all look alike), the quartiles
    shaded, England as a dashed line, the council in black with its name and value, its
    ``neighbours`` (area codes) in purple with a mark below each. ``chart_id`` makes the
    element ids unique in a page; ``standalone`` adds the SVG namespace a file of its own
    needs (inline in HTML it is implied)."""
    from ascbench.render.spc_chart import nice_ticks

    t = table.dropna(subset=["value"]).sort_values(["value", "area_code"]).reset_index(drop=True)
    if len(t) < 2:
        return ""
    values = t["value"].to_numpy(dtype="float64")
    extent = [float(values.min()), float(values.max())] + ([float(national)] if not is_missing(national) else [])
    lo, hi = min(extent), max(extent)
    pad = (hi - lo) * 0.06 or max(abs(hi) * 0.05, 1.0)
    ticks = nice_ticks(lo - pad, hi + pad, 5)
    lo = ticks[0] if ticks[0] <= lo else lo - pad
    if lo < 0 <= float(values.min()):
        lo = 0.0  # never below zero for values that cannot be
    hi = max(ticks[-1], hi + pad / 2)  # headroom above the highest bar
    span = (hi - lo) or 1.0
    n = len(t)
    step = (WIDTH - PAD_L - PAD_R) / n
    base = HEIGHT - PAD_BOTTOM

    def y(v):
        return base - (base - PAD_TOP) * (v - lo) / span

    parts = []
    bounds = [t["p25"].iloc[0], t["group_median"].iloc[0], t["p75"].iloc[0]]
    edges = [0] + [int(np.searchsorted(values, b, side="right")) for b in bounds] + [n]
    for q in range(4):
        if edges[q + 1] > edges[q]:
            x = PAD_L + edges[q] * step
            parts.append(
                f'<rect x="{x:.1f}" y="{PAD_TOP}" width="{(edges[q + 1] - edges[q]) * step:.1f}" '
                f'height="{base - PAD_TOP}" fill="{BAND_FILLS[q]}"/>'
            )
    labels = []
    for tick in ticks:
        if lo <= tick <= hi:
            yy = y(tick)
            parts.append(
                f'<line x1="{PAD_L}" x2="{WIDTH - PAD_R}" y1="{yy:.1f}" y2="{yy:.1f}" stroke="#ffffff" stroke-width="0.8"/>'
            )
            labels.append(
                f'<text x="{PAD_L - 3}" y="{yy + 3:.1f}" text-anchor="end">{html_text(with_unit(tick, decimals, unit))}</text>'
            )
    near = set(neighbours)
    for i, (code, v) in enumerate(zip(t["area_code"], values, strict=True)):
        top = y(v)
        colour = FOCUS if code == focus else NEIGHBOUR if code in near else OTHER
        parts.append(
            f'<rect x="{PAD_L + i * step:.2f}" y="{top:.1f}" width="{max(step - 0.4, 0.6):.2f}" '
            f'height="{max(base - top, 0.5):.1f}" fill="{colour}"/>'
        )
        if code in near:
            x = PAD_L + (i + 0.5) * step
            parts.append(
                f'<path d="M{x:.1f},{base + 2}L{x + 2.5:.1f},{base + 6.5}L{x - 2.5:.1f},{base + 6.5}Z" fill="{NEIGHBOUR}"/>'
            )
    parts.append(f'<line x1="{PAD_L}" x2="{PAD_L}" y1="{PAD_TOP}" y2="{base}" stroke="#505a5f"/>')
    mine = t.index[t["area_code"] == focus]
    if len(mine):
        i = int(mine[0])
        x = PAD_L + (i + 0.5) * step
        anchor = "start" if x < (PAD_L + WIDTH) / 2 else "end"
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{PAD_TOP - 6}" y2="{y(values[i]):.1f}" stroke="{FOCUS}"/>')
        labels.append(
            f'<text x="{x:.1f}" y="{PAD_TOP - 9}" text-anchor="{anchor}" fill="{FOCUS}">'
            f"{html_text(str(t.loc[i, 'area_name']))} {html_text(with_unit(values[i], decimals, unit))}</text>"
        )
    if not is_missing(national):
        yy = y(float(national))
        parts.append(
            f'<line x1="{PAD_L}" x2="{WIDTH - PAD_R}" y1="{yy:.1f}" y2="{yy:.1f}" stroke="{ENGLAND}" '
            f'stroke-width="1.5" stroke-dasharray="4 2"/>'
        )
        labels.append(
            f'<text x="{WIDTH - PAD_R}" y="{HEIGHT - 4}" text-anchor="end" fill="{ENGLAND}">'
            f"England {html_text(with_unit(float(national), decimals, unit))} (dashed)</text>"
        )
    labels.append(f'<text x="{PAD_L}" y="{base + 16}">lowest value</text>')
    labels.append(f'<text x="{WIDTH - PAD_R}" y="{base + 16}" text-anchor="end">highest value</text>')
    if near & set(t["area_code"]):
        labels.append(
            f'<text x="{PAD_L}" y="{HEIGHT - 4}" fill="{NEIGHBOUR}">nearest neighbours (purple, marked below)</text>'
        )
    text = summary(t, focus, national, name, period_label, decimals, unit)
    shown = t[t["area_code"].isin(near)]
    if len(shown):
        text += (
            " Nearest neighbours: "
            + "; ".join(f"{r.area_name} {with_unit(r.value, decimals, unit)}" for r in shown.itertuples())
            + "."
        )
    title = f"{name}: every council, {period_label}"
    return document(
        WIDTH,
        HEIGHT,
        chart_id,
        title,
        f"{text} Bars from the lowest value to the highest on an axis from {with_unit(lo, decimals, unit)}; "
        "shaded bands are the quartiles.",
        "".join(parts) + "".join(labels),
        standalone,
    )


def dashboard_charts(report) -> dict[str, str]:
    """metric_id -> chart, for every result row of the report's first area ranked among its
    group (the league table of its benchmark period, ``rank_period``: :meth:`Report.league`),
    with England marked when the data have it."""
    results = report.results
    ranked = results[results["rank_period"].notna() & results["rank"].notna()]
    if ranked.empty:
        return {}
    focus = str(ranked["area_code"].iloc[0])
    charts = {}
    for r in ranked[ranked["area_code"] == focus].itertuples():
        charts[r.metric_id] = league_svg(
            report.league(r.metric_id, focus),
            focus,
            report.national_value(r.metric_id, r.rank_period),
            f"{r.code} {r.title}",
            parse_period(r.rank_period).label,
            "league-" + "".join(c if c.isalnum() else "-" for c in r.metric_id),
            int(r.decimals),
            r.unit or "",
            neighbours=report.neighbour_codes(focus),
        )
    return charts


def rank_chart(league) -> str:
    """``rank --chart``: the standalone chart of one metric's league
    (:class:`ascbench.engine.league.League`: its table, England's value in its period, the
    council and its nearest neighbours marked)."""
    m = league.metric
    return league_svg(
        league.table,
        league.focus,
        league.national,
        f"{m.code} {m.title}",
        parse_period(league.period).label,
        "league",
        m.decimals,
        m.unit,
        standalone=True,
        neighbours=league.neighbours,
    )
