"""Spine charts and the overview rug, as OHID's Fingertips draws area profiles.

**Spine chart** (one per metric, :func:`spine_svg`): a horizontal bar from the worst council's
value on the left to the best on the right (by polarity: for a metric where low is good the
lowest value is at the right), the 25th to 75th percentile band darker, England's value as a
line at the centre, the council as a disc (coloured by its RAG, with its shape's word in the
text) and its nearest neighbours as small open diamonds. As Fingertips does, the scale is
symmetric about England: the end further from England fills its half and the other end
falls short of the chart's edge, so a council's distance from England reads the same on
either side. Where the data have no England value the centre is the group's median (said
in the description).

**Overview rug** (:func:`rug_svg`, Fingertips' "tartan rug"): one row per metric, one column
for the council (its RAG colour and shape), England, and each nearest neighbour; each cell
prints its value at the metric's precision; a neighbour's cell is shaded by its performance
quartile among all councils (1 = best, darkest), as Fingertips' quartile colouring for
indicators without a significance test.

Inline SVG, no JavaScript, the same bytes for the same inputs; ``role="img"`` with a title
and a description that states the plotted values (:func:`ascbench.render.svg.document`).
"""

from __future__ import annotations

import math

from ascbench.periods import parse_period
from ascbench.render.display import RAG_SYMBOLS
from ascbench.render.markup import html_text
from ascbench.render.numbers import is_missing
from ascbench.render.svg import document, with_unit

WIDTH, HEIGHT, PAD = 280, 46, 10
BAR_Y, BAR_H = 16, 12
OUTER, INNER, ENGLAND = "#c8cacc", "#8b9093", "#d4351c"
RAG_FILL = {"green": "#00703c", "amber": "#ffdd00", "red": "#d4351c", "blue": "#1d70b8", "grey": "#b1b4b6"}
QUARTILE_FILL = {1: "#1d4f7c", 2: "#4d7fae", 3: "#9ab7d3", 4: "#dde7f1"}  # performance quartile, 1 = best
QUARTILE_TEXT = {1: "#ffffff", 2: "#ffffff", 3: "#0b0c0c", 4: "#0b0c0c"}
RAG_TEXT = {"green": "#ffffff", "amber": "#0b0c0c", "red": "#ffffff", "blue": "#ffffff", "grey": "#0b0c0c"}


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def spine_summary(spine: dict, name: str, area_name: str, period_label: str, decimals: int, unit: str) -> str:
    """The spine chart in words: the worst, quartiles and best, England, the council and the
    neighbours, at the metric's precision."""
    low_good = spine["polarity"] == "low"
    worst, best = (spine["highest"], spine["lowest"]) if low_good else (spine["lowest"], spine["highest"])
    q_worse, q_better = (spine["p75"], spine["p25"]) if low_good else (spine["p25"], spine["p75"])

    def v(x):
        return with_unit(x, decimals, unit)

    text = (
        f"{name}, {period_label}, {spine['councils']} councils: worst {v(worst)}, 25th percentile {v(q_worse)}, "
        f"median {v(spine['median'])}, 75th percentile {v(q_better)}, best {v(best)}"
    )
    if not is_missing(spine.get("national")):
        text += f"; England {v(spine['national'])} (the centre line)"
    else:
        text += "; no England value: the centre line is the median"
    rank = f", {_ordinal(spine['rank'])} of {spine['rank_of']}" if spine.get("rank") else ""
    text += f"; {area_name} {v(spine['value'])}{rank}"
    near = list(spine["neighbours"].values())
    if near:
        text += f"; {len(near)} nearest neighbours from {v(min(near))} to {v(max(near))}"
    return text + "."


def spine_svg(
    spine: dict,
    name: str,
    area_name: str,
    period_label: str,
    chart_id: str,
    decimals: int = 1,
    unit: str = "",
    rag: str | None = None,
    standalone: bool = False,
) -> str:
    """One metric's spine chart from :meth:`ascbench.engine.report.Report.spine`."""
    centre = spine["national"] if not is_missing(spine.get("national")) else spine["median"]
    values = [spine["lowest"], spine["highest"], spine["value"], *spine["neighbours"].values()]
    half = max(abs(x - centre) for x in values if not is_missing(x)) or 1.0
    low_good = spine["polarity"] == "low"
    worst, best = (spine["highest"], spine["lowest"]) if low_good else (spine["lowest"], spine["highest"])
    left, right = PAD, WIDTH - PAD
    mid = (left + right) / 2

    def X(x: float) -> float:  # worst on the left: a low-is-good metric runs from high to low
        d = (x - centre) / half
        return mid + (-d if low_good else d) * (right - left) / 2

    def rect(a: float, b: float, fill: str, y: float = BAR_Y, h: float = BAR_H) -> str:
        x1, x2 = sorted((X(a), X(b)))
        return f'<rect x="{x1:.1f}" y="{y}" width="{max(x2 - x1, 0.5):.1f}" height="{h}" fill="{fill}"/>'

    parts = [
        rect(spine["lowest"], spine["highest"], OUTER),
        rect(spine["p25"], spine["p75"], INNER),
        f'<line x1="{mid:.1f}" x2="{mid:.1f}" y1="{BAR_Y - 4}" y2="{BAR_Y + BAR_H + 4}" stroke="{ENGLAND}" '
        'stroke-width="2"/>',
    ]
    for value in sorted(spine["neighbours"].values()):
        x, y = X(value), BAR_Y + BAR_H / 2
        parts.append(
            f'<path d="M{x:.1f},{y - 4:.1f}L{x + 3:.1f},{y:.1f}L{x:.1f},{y + 4:.1f}L{x - 3:.1f},{y:.1f}Z" '
            'fill="#ffffff" stroke="#0b0c0c" stroke-width="0.8"/>'
        )
    x = X(spine["value"])
    fill = RAG_FILL.get(rag or "", "#0b0c0c")
    parts.append(
        f'<circle cx="{x:.1f}" cy="{BAR_Y + BAR_H / 2}" r="5.5" fill="{fill}" stroke="#0b0c0c" stroke-width="1.2"/>'
    )
    symbol = RAG_SYMBOLS.get(rag or "", "")
    anchor = "start" if x < mid else "end"
    shift = 7 if anchor == "start" else -7
    marked = f"{symbol} {with_unit(spine['value'], decimals, unit)}".strip()
    labels = [
        f'<text x="{x + shift:.1f}" y="{BAR_Y - 3}" text-anchor="{anchor}" fill="#0b0c0c">{html_text(marked)}</text>',
        f'<text x="{X(worst):.1f}" y="{HEIGHT - 4}" fill="#505a5f">worst</text>',
        f'<text x="{X(best):.1f}" y="{HEIGHT - 4}" text-anchor="end" fill="#505a5f">best</text>',
        f'<text x="{mid:.1f}" y="{HEIGHT - 4}" text-anchor="middle" fill="{ENGLAND}">'
        + (
            "England " + html_text(with_unit(spine["national"], decimals, unit))
            if not is_missing(spine.get("national"))
            else "median"
        )
        + "</text>",
    ]
    title = f"{name}: spine chart, {period_label}"
    return document(
        WIDTH,
        HEIGHT,
        chart_id,
        title,
        spine_summary(spine, name, area_name, period_label, decimals, unit),
        "".join(parts + labels),
        standalone,
    )


def _id(prefix: str, metric_id: str) -> str:
    return prefix + "".join(c if c.isalnum() else "-" for c in metric_id)


def dashboard_spines(report) -> dict[str, str]:
    """metric_id -> spine chart, for every ranked metric of the report's first area."""
    results = report.results
    if results.empty:
        return {}
    focus = report.areas[0]
    charts = {}
    mine = results[(results["area_code"] == focus) & results["rank"].notna()]
    for r in mine.itertuples():
        spine = report.spine(r.metric_id, focus)
        if spine is None or math.isclose(spine["lowest"], spine["highest"]):
            continue
        charts[r.metric_id] = spine_svg(
            spine,
            f"{r.code} {r.title}",
            str(r.area_name or focus),
            parse_period(spine["period"]).label,
            _id("spine-", r.metric_id),
            int(r.decimals),
            r.unit or "",
            r.rag,
        )
    return charts


# --------------------------------------------------------------------------- the rug
ROW_H, LABEL_W, CELL_W, HEAD_H, MAX_NEIGHBOURS = 16, 250, 52, 74, 16


def _cut(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def rug_svg(
    rows: list[dict],
    columns: list[tuple[str, str]],
    title: str,
    chart_id: str,
    standalone: bool = False,
    detail: bool = False,
) -> str:
    """The overview rug (``detail``: every cell's value in the description too, for a file of
    its own; on the dashboard page each metric's values are in its row). ``rows``: one dict per metric with ``name``, ``decimals``, ``unit``,
    ``scale`` and ``cells`` (column code -> ``(value, kind, key)``: kind ``rag`` (key the
    RAG), ``quartile`` (key 1-4) or ``plain``); ``columns``: (code, heading) in order, the
    council first."""
    from ascbench.render.numbers import fmt_value

    width = LABEL_W + CELL_W * len(columns) + 4
    height = HEAD_H + ROW_H * len(rows) + 34
    parts, described = [], []
    for c, (_code, heading) in enumerate(columns):
        x = LABEL_W + CELL_W * c + CELL_W / 2
        parts.append(
            f'<text transform="translate({x + 3:.1f} {HEAD_H - 4}) rotate(-50)" fill="#0b0c0c">'
            f"{html_text(_cut(heading, 16))}</text>"
        )
    for i, row in enumerate(rows):
        y = HEAD_H + ROW_H * i
        if row.get("layer"):
            parts.append(f'<line x1="0" x2="{width}" y1="{y:.1f}" y2="{y:.1f}" stroke="#0b0c0c" stroke-width="1"/>')
        parts.append(f'<text x="2" y="{y + ROW_H - 4:.1f}" fill="#0b0c0c">{html_text(_cut(row["name"], 52))}</text>')
        said = []
        for c, (code, heading) in enumerate(columns):
            cell = row["cells"].get(code)
            x = LABEL_W + CELL_W * c
            if cell is None or is_missing(cell[0]):
                parts.append(
                    f'<rect x="{x + 1}" y="{y + 1:.1f}" width="{CELL_W - 2}" height="{ROW_H - 2}" fill="#ffffff" '
                    'stroke="#e1e1e1" stroke-width="0.5"/>'
                )
                continue
            value, kind, key = cell
            text = fmt_value(value, row["decimals"], "", row["scale"])
            fill, ink = "#f3f2f1", "#0b0c0c"
            if kind == "rag" and key in RAG_FILL:
                fill, ink = RAG_FILL[key], RAG_TEXT[key]
                text = f"{RAG_SYMBOLS[key]} {text}"
            elif kind == "quartile" and key in QUARTILE_FILL:
                fill, ink = QUARTILE_FILL[key], QUARTILE_TEXT[key]
            parts.append(
                f'<rect x="{x + 1}" y="{y + 1:.1f}" width="{CELL_W - 2}" height="{ROW_H - 2}" fill="{fill}"/>'
                f'<text x="{x + CELL_W / 2:.1f}" y="{y + ROW_H - 4:.1f}" text-anchor="middle" fill="{ink}">'
                f"{html_text(text)}</text>"
            )
            note = f" ({key})" if kind == "rag" else (f" (quartile {key})" if kind == "quartile" else "")
            said.append(
                f"{heading} {with_unit(value, row['decimals'], row['unit']) if row['scale'] == 'none' else text}{note}"
            )
        described.append(f"{row['name']}: " + ", ".join(said) if said else f"{row['name']}: no data")
    ky = height - 14
    x0 = 2.0
    legend: list[tuple[str, str | int, str]] = [
        ("rag", k, w) for k, w in (("red", "red"), ("amber", "amber"), ("green", "green"), ("blue", "no judgement"))
    ]
    legend += [("quartile", q, f"quartile {q}" + (" (best)" if q == 1 else "")) for q in (1, 2, 3, 4)]
    for kind, key, words in legend:
        fill = RAG_FILL[str(key)] if kind == "rag" else QUARTILE_FILL[int(key)]
        parts.append(
            f'<rect x="{x0:.1f}" y="{ky - 8}" width="10" height="10" fill="{fill}" stroke="#505a5f" stroke-width="0.5"/>'
        )
        parts.append(f'<text x="{x0 + 13:.1f}" y="{ky}" fill="#0b0c0c">{html_text(words)}</text>')
        x0 += 22 + 5.2 * len(words)
    parts.append(
        f'<text x="2" y="{height - 2}" fill="#505a5f">The council\'s cells by its rating; its neighbours\' by '
        "performance quartile among all councils (1 = best).</text>"
    )
    council = [row["cells"].get(columns[0][0]) for row in rows]
    rags = [c[2] for c in council if c is not None and c[1] == "rag"]
    description = (
        f"{len(rows)} metrics by {len(columns)} columns: {columns[0][1]}, "
        + ", ".join(h for _, h in columns[1:])
        + f". {columns[0][1]}'s cells by its rating: "
        + ", ".join(f"{rags.count(k)} {k}" for k in ("red", "amber", "green", "blue"))
        + "; the neighbours' cells by performance quartile among all councils."
        + (" " + "; ".join(described) + "." if detail else " Each metric's values are in its row of the dashboard.")
    )
    return document(int(width), int(height), chart_id, title, description, "".join(parts), standalone)


def dashboard_rug(report, layers: dict | None = None) -> str:
    """The overview rug of the report's first area: every metric (dashboard order), the
    council's value by its RAG, England's value, and each nearest neighbour's value by its
    performance quartile among all councils in the metric's benchmark period."""
    results = report.results
    if results.empty:
        return ""
    focus = report.areas[0]
    mine = results[results["area_code"] == focus]
    neighbours = report.neighbour_codes(focus)[:MAX_NEIGHBOURS]
    names = report.area_names
    columns = [(focus, str(names.get(focus) or focus))]
    if report.national:
        columns.append((report.national, str(names.get(report.national) or "England")))
    columns += [(code, str(names.get(code) or code)) for code in neighbours]
    rows = []
    layer = object()
    for r in mine.itertuples():
        cells: dict = {focus: (r.value, "rag", r.rag)}
        league = report.league(r.metric_id, focus) if not is_missing(r.rank) else None
        if league is not None and not league.empty:
            period = str(league["period"].iloc[0])
            bands = dict(zip(league["area_code"].astype(str), league["band"].astype(object), strict=True))
            values = dict(zip(league["area_code"].astype(str), league["value"], strict=True))
            quartile = {"A": 1, "B": 2, "C": 3, "D": 4}
            for code in neighbours:
                if code in values:
                    cells[code] = (values[code], "quartile", quartile.get(str(bands.get(code))))
            if report.national:
                cells[report.national] = (report.national_value(r.metric_id, period), "plain", None)
        rows.append(
            {
                "name": f"{r.code} {r.title}",
                "decimals": int(r.decimals),
                "unit": r.unit or "",
                "scale": r.scale or "none",
                "cells": cells,
                "layer": r.layer != layer,
            }
        )
        layer = r.layer
    return rug_svg(rows, columns, "Overview: every metric, the council, England and its nearest neighbours", "rug")
