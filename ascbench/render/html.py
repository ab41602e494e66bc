"""The dashboard as one self-contained HTML page, laid out like the committee appendix.

No external scripts, fonts or styles: inline CSS and inline SVG only. RAG is shown by colour,
by a shape and by words, so the page reads in greyscale and to a screen reader. The output
depends only on its inputs (no clock), unless a ``stamp`` is passed.
"""

from __future__ import annotations

import math

from ascbench.periods import parse_period
from ascbench.render.display import (
    AIM_WORDS,
    DOT_SYMBOLS,
    DOT_WORDS_SHOWN,
    RAG_SYMBOLS,
    as_at_label,
    comparator_cell,
    current_cell,
    disclosure_note,
    forecast_cell,
    has_position,
    interval_cell,
    position_cell,
    previous_cell,
    records,
)
from ascbench.render.markup import html_text
from ascbench.render.numbers import fmt_value, is_missing

RAG_STYLE = {  # colours only: the shapes are display.RAG_SYMBOLS, one vocabulary for every format
    "green": ("#00703c", "#ffffff", RAG_SYMBOLS["green"], "Better"),
    "amber": ("#ffdd00", "#0b0c0c", RAG_SYMBOLS["amber"], "Similar"),
    "red": ("#d4351c", "#ffffff", RAG_SYMBOLS["red"], "Worse"),
    "blue": ("#1d70b8", "#ffffff", RAG_SYMBOLS["blue"], "Higher or lower (no judgement)"),
    "grey": ("#b1b4b6", "#0b0c0c", RAG_SYMBOLS["grey"], "Not compared"),
    "none": ("#f3f2f1", "#0b0c0c", "", "For information"),
}
CSS = """
body{font-family:Arial,Helvetica,sans-serif;margin:1.5rem;color:#0b0c0c;max-width:1400px}
caption{text-align:left;font-weight:bold;padding:.2rem 0} th[scope=row]{font-weight:normal;background:none}
svg{max-width:100%;height:auto} figure{margin:.25rem 0} a{color:#1d70b8}
h1{font-size:1.5rem;margin:0 0 .25rem} h2{font-size:1.25rem;margin:1.75rem 0 .25rem;border-bottom:3px solid #0b0c0c}
h3{font-size:1rem;margin:1rem 0 .1rem} p.aim{margin:0 0 .4rem;font-style:italic}
table{border-collapse:collapse;width:100%;font-size:.85rem;margin-bottom:.5rem}
th,td{border:1px solid #b1b4b6;padding:.3rem .4rem;vertical-align:top;text-align:left}
th{background:#f3f2f1} td.num{white-space:nowrap}
.rag{display:inline-block;padding:.1rem .35rem;border-radius:3px;font-weight:bold}
.dot{white-space:nowrap} .small{color:#505a5f;font-size:.78rem}
.key span{margin-right:1rem} footer{margin-top:1.5rem;font-size:.8rem;color:#505a5f}
ol.notes{font-size:.8rem;color:#505a5f;margin-top:.25rem}
svg text{font-size:8px;fill:#505a5f}
@media (max-width:960px){body{margin:.75rem}table,thead,tbody,tr,th,td,caption{display:block;width:auto}
thead{position:absolute;left:-9999px} tr{border:1px solid #b1b4b6;margin:0 0 .75rem;padding:.25rem}
th,td{border:none;padding:.2rem .25rem} td.num{white-space:normal}
th[scope=row]::before,td::before{content:attr(data-label);display:block;font-weight:bold;font-size:.75rem;color:#505a5f}
tr.league td::before{content:none}}
@media print{body{margin:0;max-width:none} tr{break-inside:avoid} h2{break-after:avoid} .key{font-size:.7rem}}
""".strip()


def _rag(row) -> str:
    bg, fg, shape, word = RAG_STYLE.get(row.get("rag") or "none", RAG_STYLE["none"])
    label = row["rating"]
    glyph = f'<span aria-hidden="true">{shape}</span> ' if shape else ""
    return f'<span class="rag" style="background:{bg};color:{fg}">{glyph}{html_text(label)}</span>'


DASHED = 'stroke-dasharray="3,2"'


def _svg(points_council, points_england, labels, name: str, segments=None, shown=None) -> str:
    """A small line chart: the council (solid) and England (dashed) by year. ``segments``
    (one per label) number the metric's definitions: no line joins points of two segments,
    so a definition change shows as a gap. With more than four years only the first and last
    are labelled (the rest would overlap)."""
    segments = segments or [0] * len(labels)
    series = [p for p in points_council + points_england if p is not None and not math.isnan(p)]
    if len([p for p in points_council if p is not None]) < 2 or not series:
        return ""
    w, h, pad = 170, 60, 12
    lo, hi = min(series), max(series)
    span = (hi - lo) or 1.0
    n = len(labels)

    def xy(i, v):
        x = pad + (w - 2 * pad) * (i / (n - 1) if n > 1 else 0.5)
        y = h - pad - (h - 2 * pad) * (v - lo) / span
        return f"{x:.1f},{y:.1f}"

    def line(points, style):
        kept = [(i, v) for i, v in enumerate(points) if v is not None and not math.isnan(v)]
        if not kept:
            return ""
        runs = []
        for i, v in kept:
            if not runs or segments[runs[-1][-1][0]] != segments[i]:
                runs.append([])
            runs[-1].append((i, v))
        coords = [xy(i, v) for i, v in kept]
        dots = "".join(f'<circle cx="{c.split(",")[0]}" cy="{c.split(",")[1]}" r="2"/>' for c in coords)
        lines = "".join(
            f'<polyline fill="none" stroke="#0b0c0c" stroke-width="1.5" {style} '
            f'points="{" ".join(xy(i, v) for i, v in run)}"/>'
            for run in runs
            if len(run) > 1
        )
        return lines + dots

    shown = shown or "{:g}".format  # each figure at the dashboard's precision, with its unit
    desc = "; ".join(f"{lab}: {shown(v)}" for lab, v in zip(labels, points_council, strict=True) if v is not None)
    eng = "; ".join(f"{lab}: {shown(v)}" for lab, v in zip(labels, points_england, strict=True) if v is not None)
    title = f"{name} by year - {desc}" + (f"; England - {eng}" if eng else "")
    shown = range(n) if n <= 4 else (0, n - 1)
    ticks = "".join(
        f'<text x="{xy(i, lo).split(",")[0]}" y="{h - 1}" text-anchor="middle">{html_text(labels[i])}</text>'
        for i in shown
    )
    if len(set(segments)) > 1:
        title += " (the definition changed where the line breaks)"
    return (
        f'<svg width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-label="{html_text(title)}">'
        f"<title>{html_text(title)}</title>{line(points_council, '')}"
        f'<g opacity="0.6">{line(points_england, DASHED)}</g>'
        f"{ticks}</svg>"
    )


def _chart_caption(svg: str) -> str:
    """The chart's own description (already escaped inside its ``<desc>``), shown as text."""
    start = svg.index("<desc")
    return svg[svg.index(">", start) + 1 : svg.index("</desc>")]


def _trend_cell(row, history, focus, national) -> str:
    if history is None:
        return ""
    h = history[history["metric_id"] == row["metric_id"]]
    ordered = h.sort_values("end").drop_duplicates("short")
    labels = list(ordered["short"])
    segment = dict(
        zip(ordered["short"], ordered["segment"] if "segment" in ordered else [0] * len(ordered), strict=True)
    )
    council = {r.short: r.value for r in h[h["area_code"] == focus].itertuples()}
    england = {r.short: r.value for r in h[h["area_code"] == national].itertuples()}
    svg = _svg(
        [council.get(lab) for lab in labels],
        [england.get(lab) for lab in labels],
        labels,
        row["title"],
        [int(segment[lab]) for lab in labels],
        lambda v: fmt_value(v, int(row["decimals"]), row["unit"], row["scale"]),
    )
    if svg:
        return svg
    reason = row.get("trend_reason") if isinstance(row.get("trend_reason"), str) else ""
    said = row.get("trend_note") or (f"No trend: {reason}." if reason else "Not enough years for a trend.")
    return f'<span class="small">{html_text(said)}</span>'


COLUMNS = [
    "Code",
    "Description",
    "Aim",
    "Rating and comparator",
    "Direction of travel",
    "Current value",
    "Previous value",
    "Past trend",
]


def _comparator_words(row) -> str:
    """The comparator in words, not the report's shorthand: "England average 2024/25: 67.8%"."""
    if (
        row.get("comparator_type") == "area"
        and not is_missing(row.get("comparator_value"))
        and row.get("comparator_period")
    ):
        value = comparator_cell({**row, "comparator": ""}).strip()
        label = parse_period(str(row["comparator_period"])).label
        return f"{row.get('comparator_area_name') or row.get('comparator_area')} average {label}: {value}"
    return comparator_cell(row)


def render(
    results,
    layers: dict | None = None,
    title: str = "Performance dashboard",
    history=None,
    national: str | None = None,
    notes: dict | None = None,
    stamp: str | None = None,
    charts: dict | None = None,
    funnels: dict | None = None,
    **_,
) -> str:
    """The dashboard page: content in ``<main>``, a caption and a heading for every table,
    column headers with ``scope`` and each metric's description as its row header, footnote
    marks that link to their notes, glyphs hidden from screen readers beside their words, a
    phone layout (each metric a card below 640 px) and print styles. ``charts`` (metric_id ->
    inline SVG, :mod:`ascbench.render.league_chart`) adds under a metric's row the picture of
    every council's value, with its text alternative as a caption; ``funnels`` likewise the
    funnel plot (:mod:`ascbench.render.funnel_chart`)."""
    layers = layers or {}
    charts = charts or {}
    funnels = funnels or {}
    notes = notes or {}
    rows = records(results)
    focus = rows[0]["area_code"] if rows else ""
    area_name = rows[0]["area_name"] if rows else ""
    as_at = as_at_label(results)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html_text(title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<h1>{html_text(title)}</h1>",
        f'<p class="small">{html_text(area_name)} ({html_text(focus)}){" - " + html_text(as_at) if as_at else ""}</p>',
    ]
    out.append(
        '<p class="key small"><strong>Rating:</strong> '
        + "".join(
            f'<span><span class="rag" style="background:{bg};color:{fg}" aria-hidden="true">{shape}</span> {word}</span>'
            for key, (bg, fg, shape, word) in RAG_STYLE.items()
            if key in ("green", "amber", "red", "blue", "grey")
        )
        + " <strong>Direction of travel:</strong> "
        + ", ".join(f'<span aria-hidden="true">{sym}</span> {word}' for sym, word in DOT_WORDS_SHOWN.items())
        + "</p>"
    )
    head = "<tr>" + "".join(f'<th scope="col">{c}</th>' for c in COLUMNS) + "</tr>"
    layer, outcome, heading = object(), object(), ""
    footnotes: list[str] = []
    section = 0

    def close_layer():
        if footnotes:
            out.append(
                '<ol class="notes">'
                + "".join(f'<li id="note-{section}-{i}">{html_text(f)}</li>' for i, f in enumerate(footnotes, start=1))
                + "</ol>"
            )
            footnotes.clear()

    open_table = False
    for r in rows:
        if r["layer"] != layer:
            if open_table:
                out.append("</tbody></table>")
                open_table = False
            close_layer()
            section += 1
            layer, outcome = r["layer"], object()
            heading = str(layers.get(r["layer"], r["layer"] or "Other"))
            out.append(f"<h2>{html_text(heading)}</h2>")
        if (r.get("outcome"), r.get("aim")) != outcome:
            if open_table:
                out.append("</tbody></table>")
            same_outcome = isinstance(outcome, tuple) and outcome[0] == r.get("outcome")
            outcome = (r.get("outcome"), r.get("aim"))
            if r.get("outcome") and not same_outcome:  # each heading once: a new aim alone is no new outcome
                out.append(f"<h3>{html_text(r['outcome'])}</h3>")
            if r.get("aim"):
                out.append(f'<p class="aim">{html_text(r["aim"])}</p>')
            caption = " - ".join(x for x in (heading, r.get("outcome")) if x)
            out.append(f"<table><caption>{html_text(caption)}</caption><thead>{head}</thead><tbody>")
            open_table = True
        numbers = []
        for note in (r.get("footnote") or "").split(" | "):
            if note:
                if note not in footnotes:
                    footnotes.append(note)
                numbers.append(footnotes.index(note) + 1)
        # one bracketed mark for all of a row's notes: "pop. [1, 3]", never "pop.13"
        marks = (
            " <sup>["
            + ", ".join(f'<a href="#note-{section}-{n}" aria-label="note {n}">{n}</a>' for n in numbers)
            + "]</sup>"
            if numbers
            else ""
        )
        dot = r.get("dot") or ""
        current = html_text(current_cell(r))
        if r.get("period_label"):
            current += f'<br><span class="small">{html_text(r["period_label"])}</span>'
        interval = interval_cell(r)
        if interval:
            current += f'<br><span class="small">{html_text(interval)}</span>'
        if forecast_cell(r):
            current += f'<br><span class="small">{html_text(forecast_cell(r))}</span>'
        comparator = html_text(_comparator_words(r))
        if has_position(r):
            comparator += f'<br><span class="small">{html_text(position_cell(r))}</span>'
        cells = [
            f'<td data-label="{COLUMNS[0]}">{html_text(r["code"] or "")}</td>',
            f'<th scope="row" data-label="{COLUMNS[1]}">{html_text(r["title"])}{marks}</th>',
            f'<td data-label="{COLUMNS[2]}">{html_text(AIM_WORDS.get(r["polarity"], ""))}</td>',
            f'<td data-label="{COLUMNS[3]}">{_rag(r)}<br>{comparator}</td>',
            f'<td class="dot" data-label="{COLUMNS[4]}"><span aria-hidden="true">{html_text(DOT_SYMBOLS.get(dot, ""))}'
            f"</span> {html_text(dot)}</td>",
            f'<td class="num" data-label="{COLUMNS[5]}">{current}</td>',
            f'<td class="num" data-label="{COLUMNS[6]}">{html_text(previous_cell(r))}</td>',
            f'<td data-label="{COLUMNS[7]}">{_trend_cell(r, history, focus, national)}</td>',
        ]
        out.append("<tr>" + "".join(cells) + "</tr>")
        if charts.get(r["metric_id"]):
            caption = _chart_caption(charts[r["metric_id"]])
            out.append(
                f'<tr class="league"><td colspan="8"><figure>{charts[r["metric_id"]]}'
                f'<figcaption class="small">{caption}</figcaption></figure></td></tr>'
            )
        if funnels.get(r["metric_id"]):
            caption = _chart_caption(funnels[r["metric_id"]])
            out.append(
                f'<tr class="league"><td colspan="8"><figure>{funnels[r["metric_id"]]}'
                f'<figcaption class="small">{caption}</figcaption></figure></td></tr>'
            )
    if open_table:
        out.append("</tbody></table>")
    close_layer()
    out.append("</main>")
    footer = [html_text(v) for v in notes.values()]
    if disclosure_note(results):
        footer.insert(0, f"<strong>{html_text(disclosure_note(results))}</strong>")
    if stamp:
        footer.append(f"Generated {html_text(stamp)}")
    footer.append(
        "Made with ascbench from counts; the methods are in methods.md of the documentation installed with ascbench."
    )
    out.append("<footer>" + "<br>".join(footer) + "</footer>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"
