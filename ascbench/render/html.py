"""The dashboard as one self-contained HTML page, laid out like the committee appendix.

No external scripts, fonts or styles: inline CSS and inline SVG only. RAG is shown by colour,
by a shape and by words, so the page reads in greyscale and to a screen reader. The output
depends only on its inputs (no clock), unless a ``stamp`` is passed.
"""

from __future__ import annotations

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
from ascbench.render.numbers import is_missing

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
h1{font-size:1.5rem;margin:0 0 .25rem} h2{font-size:1.25rem;margin:0;display:inline}
h3{font-size:1rem;margin:1rem 0 .1rem} p.aim{margin:0 0 .4rem;font-style:italic}
table{border-collapse:collapse;width:100%;font-size:.85rem;margin-bottom:.5rem}
th,td{border:1px solid #b1b4b6;padding:.3rem .4rem;vertical-align:top;text-align:left}
th{background:#f3f2f1} td.num{white-space:nowrap}
.rag{display:inline-block;padding:.1rem .35rem;border-radius:3px;font-weight:bold}
.dot{white-space:nowrap} .small{color:#505a5f;font-size:.78rem}
.key span{margin-right:1rem} footer{margin-top:1.5rem;font-size:.8rem;color:#505a5f}
ol.notes{font-size:.8rem;color:#505a5f;margin-top:.25rem}
svg text{font-size:8px} svg text:not([fill]){fill:#505a5f}
section.headline{border:3px solid #0b0c0c;padding:.5rem .9rem;margin:.75rem 0 1rem}
section.headline h2{display:block;margin:.1rem 0 .4rem}
ul.counts{list-style:none;padding:0;margin:.25rem 0;display:flex;flex-wrap:wrap;gap:.4rem}
ul.counts li{border:1px solid #b1b4b6;padding:.25rem .6rem;min-width:5.5rem}
ul.counts b{display:block;font-size:1.6rem;line-height:1.1}
ul.counts .red{border-left:8px solid #d4351c} ul.counts .amber{border-left:8px solid #ffdd00}
ul.counts .green{border-left:8px solid #00703c} ul.counts .worse{border-left:8px solid #0b0c0c}
ul.attention{margin:.2rem 0 .5rem;padding-left:1.25rem}
details.layer{border-top:3px solid #0b0c0c;margin:1rem 0 0;padding:.4rem 0 0}
details.layer>summary{cursor:pointer;padding:.2rem 0}
details.layer>summary .small{margin-left:.5rem}
details.more>summary{cursor:pointer;color:#1d70b8;text-decoration:underline;font-size:.85rem}
details.overview>summary{cursor:pointer;font-weight:bold}
.charts{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-start}
td.spine{min-width:200px} td.trend{min-width:220px}
@media screen and (max-width:960px){body{margin:.75rem}table,thead,tbody,tr,th,td,caption{display:block;width:auto}
thead{position:absolute;left:-9999px} tr{border:1px solid #b1b4b6;margin:0 0 .75rem;padding:.25rem}
th,td{border:none;padding:.2rem .25rem} td.num{white-space:normal}
th[scope=row]::before,td::before{content:attr(data-label);display:block;font-weight:bold;font-size:.75rem;color:#505a5f}
tr.league td::before,table.tally td::before,table.tally th::before{content:none}
table.tally{display:table;font-size:.7rem} section.headline{padding:.4rem .45rem} table.tally caption{display:table-caption}
table.tally thead{display:table-header-group;position:static} table.tally tbody{display:table-row-group}
table.tally tr{display:table-row;border:none;margin:0;padding:0}
table.tally th,table.tally td{display:table-cell;border:1px solid #b1b4b6;padding:.1rem .15rem}}
@media print{body{margin:0;max-width:none;font-size:10pt} tr{break-inside:avoid} h2{break-after:avoid}
.key{font-size:.7rem} details::details-content{content-visibility:visible;display:block}
details>summary{list-style:none} tr.league{display:none} td.spine{min-width:120px}
h3,p.aim,caption{break-after:avoid} a{color:#0b0c0c;text-decoration:none}
section.headline{break-after:page} details.layer{break-before:page}}
""".strip()


def _rag(row) -> str:
    bg, fg, shape, word = RAG_STYLE.get(row.get("rag") or "none", RAG_STYLE["none"])
    label = row["rating"]
    glyph = f'<span aria-hidden="true">{shape}</span> ' if shape else ""
    return f'<span class="rag" style="background:{bg};color:{fg}">{glyph}{html_text(label)}</span>'


def _chart_caption(svg: str) -> str:
    """The chart's own description (already escaped inside its ``<desc>``), shown as text."""
    start = svg.index("<desc")
    return svg[svg.index(">", start) + 1 : svg.index("</desc>")]


def _trend_from_history(row, history, focus, national) -> str:
    """The trend chart of one row from a history frame (:meth:`Report.history`), for callers
    that pass ``history`` rather than ready charts."""
    from ascbench.render.trend_chart import trend_svg

    if history is None:
        return ""
    h = history[history["metric_id"] == row["metric_id"]]
    if h.empty:
        return ""
    ordered = h.sort_values("end").drop_duplicates("short")
    labels = list(ordered["short"])
    segment = dict(
        zip(ordered["short"], ordered["segment"] if "segment" in ordered else [0] * len(ordered), strict=True)
    )
    own = h[h["area_code"] == focus].set_index("short")
    eng = h[h["area_code"] == national].set_index("short")

    own, eng = own[~own.index.duplicated(keep="last")], eng[~eng.index.duplicated(keep="last")]

    def col(frame, column):
        return [frame[column].get(lab) if column in frame and lab in frame.index else None for lab in labels]

    return trend_svg(
        labels,
        col(own, "value"),
        col(eng, "value"),
        f"{row.get('code') or ''} {row['title']}".strip(),
        str(row.get("area_name") or focus),
        "trend-" + "".join(c if c.isalnum() else "-" for c in str(row["metric_id"])),
        int(row["decimals"]),
        row.get("unit") or "",
        [int(segment[lab]) for lab in labels],
        col(own, "lower95"),
        col(own, "upper95"),
    )


def _trend_cell(row, trends, history, focus, national) -> str:
    svg = trends.get(row["metric_id"]) if trends else None
    if svg is None and row.get("scale") in (None, "none"):
        svg = _trend_from_history(row, history, focus, national)
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
    "Among all councils",
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


def _headline_section(h, layers: dict) -> list[str]:
    """The headline: the counts as large figures, the red metrics getting worse and the other
    red ones (each a link to its row), and the counts by layer as a small table."""
    from ascbench.render.headline import direction_sentence, lists, metric_name, rating_sentence

    c = h.counts
    if not c:
        return []
    boxes = [
        ("red", int(c["rag_red"]), f"{RAG_SYMBOLS['red']} red (worse)"),
        ("amber", int(c["rag_amber"]), f"{RAG_SYMBOLS['amber']} amber (similar)"),
        ("green", int(c["rag_green"]), f"{RAG_SYMBOLS['green']} green (better)"),
        ("worse", int(c["dot_worse"]), f"{DOT_SYMBOLS['worse']} worse since last year"),
        ("improved", int(c["dot_improved"]), f"{DOT_SYMBOLS['improved']} improved since last year"),
    ]
    out = [
        '<section class="headline" aria-labelledby="headline-h">',
        '<h2 id="headline-h">Headline</h2>',
        '<ul class="counts">'
        + "".join(f'<li class="{k}"><b>{n}</b>{html_text(words)}</li>' for k, n, words in boxes)
        + "</ul>",
        f"<p>{html_text(f'{h.metrics} metrics. ' + rating_sentence(c))}<br>{html_text(direction_sentence(c))}</p>",
    ]
    for heading, rows in lists(h):
        if not rows:
            if heading == "Red and getting worse":
                out.append(f"<p><strong>{heading}:</strong> none.</p>")
            continue
        out.append(f"<h3>{html_text(heading)} ({len(rows)})</h3>")
        items = []
        for r in rows:
            value = current_cell(r).split(" (")[0]
            compared = comparator_cell(r)
            items.append(
                f'<li><a href="#{_row_id(r)}">{html_text(metric_name(r))}</a>: {html_text(value)}'
                + (f" against {html_text(compared)}" if compared else "")
                + "</li>"
            )
        out.append('<ul class="attention">' + "".join(items) + "</ul>")
    if len(h.layers):
        head = "".join(
            f'<th scope="col">{w}</th>'
            for w in ("Layer", "Metrics", "Red", "Amber", "Green", "Improved", "Similar", "Worse")
        )
        body = "".join(
            f'<tr><th scope="row">{html_text(layers.get(r["theme"], r["theme"]))}</th>'
            + "".join(
                f"<td>{int(r[k])}</td>"
                for k in ("metrics", "rag_red", "rag_amber", "rag_green", "dot_improved", "dot_similar", "dot_worse")
            )
            + "</tr>"
            for r in h.layers.to_dict("records")
        )
        out.append(
            '<table class="tally"><caption>By layer: ratings against the comparator and direction since '
            f"last year</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        )
    out.append("</section>")
    return out


def _row_id(row) -> str:
    return "m-" + "".join(c if c.isalnum() else "-" for c in f"{row['metric_id']}-{row['area_code']}")


def _layer_counts(rows: list[dict]) -> str:
    """``3 red, 1 amber, 6 green; 2 worse since last year`` for a layer's summary line."""
    rags = [r.get("rag") for r in rows]
    dots = [r.get("dot") for r in rows]
    return (
        f"{len(rows)} metrics: {rags.count('red')} red, {rags.count('amber')} amber, {rags.count('green')} green; "
        f"{dots.count('worse')} worse since last year"
    )


def _figure(svg: str) -> str:
    return f'<figure>{svg}<figcaption class="small">{_chart_caption(svg)}</figcaption></figure>'


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
    headline=None,
    rug: str = "",
    spines: dict | None = None,
    trends: dict | None = None,
    spc: dict | None = None,
    open_layers: bool = False,
    cld: list[str] | None = None,
    **_,
) -> str:
    """The dashboard page: the ``headline`` first (:class:`ascbench.engine.headline.Headline`:
    counts, the red metrics getting worse, the other red ones, counts by layer), the overview
    ``rug`` (:mod:`ascbench.render.spine_chart`), then one collapsible section per layer
    (``details``/``summary``, closed unless ``open_layers``, so a phone's first screens are
    the headline; printing opens them all). In each: a caption and a heading for every table,
    column headers with ``scope`` and each metric's description as its row header, footnote
    marks that link to their notes, glyphs hidden from screen readers beside their words, the
    metric's ``spines`` chart (metric_id -> SVG) and ``trends`` chart beside it (else a trend
    drawn from ``history``), and under its row, behind "More charts", the league chart
    (``charts``), the funnel plot (``funnels``) and the SPC chart (``spc``), each with its
    text alternative as a caption; ``cld`` (SVGs of :func:`ascbench.render.cld_charts.dashboard_cld`)
    a last section of the CLD views' charts. A phone layout (each metric a card below 960 px) and
    print styles."""
    layers = layers or {}
    charts = charts or {}
    funnels = funnels or {}
    spines = spines or {}
    trends = trends or {}
    spc = spc or {}
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
    if headline is not None:
        out += _headline_section(headline, layers)
    if rug:
        out.append(
            '<details class="overview" open><summary>Overview: every metric, England and the nearest neighbours'
            f"</summary>{_figure(rug)}</details>"
        )
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
    if rows:
        out.append('<p class="small">Each layer opens on a click; printing shows them all.</p>')
    head = "<tr>" + "".join(f'<th scope="col">{c}</th>' for c in COLUMNS) + "</tr>"
    layer, outcome, heading = object(), object(), ""
    footnotes: list[str] = []
    section = 0
    by_layer: dict = {}
    for r in rows:
        by_layer.setdefault(r["layer"], []).append(r)

    def close_layer():
        if footnotes:
            out.append(
                '<ol class="notes">'
                + "".join(f'<li id="note-{section}-{i}">{html_text(f)}</li>' for i, f in enumerate(footnotes, start=1))
                + "</ol>"
            )
            footnotes.clear()

    open_table = False
    in_layer = False
    for r in rows:
        if r["layer"] != layer:
            if open_table:
                out.append("</tbody></table>")
                open_table = False
            close_layer()
            if in_layer:
                out.append("</details>")
            section += 1
            layer, outcome = r["layer"], object()
            heading = str(layers.get(r["layer"], r["layer"] or "Other"))
            out.append(
                f'<details class="layer" id="layer-{section}"{" open" if open_layers else ""}><summary>'
                f'<h2>{html_text(heading)}</h2><span class="small">{html_text(_layer_counts(by_layer[r["layer"]]))}'
                "</span></summary>"
            )
            in_layer = True
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
        spine = spines.get(r["metric_id"]) if r["area_code"] == focus else None
        cells = [
            f'<td data-label="{COLUMNS[0]}">{html_text(r["code"] or "")}</td>',
            f'<th scope="row" data-label="{COLUMNS[1]}">{html_text(r["title"])}{marks}</th>',
            f'<td data-label="{COLUMNS[2]}">{html_text(AIM_WORDS.get(r["polarity"], ""))}</td>',
            f'<td data-label="{COLUMNS[3]}">{_rag(r)}<br>{comparator}</td>',
            f'<td class="dot" data-label="{COLUMNS[4]}"><span aria-hidden="true">{html_text(DOT_SYMBOLS.get(dot, ""))}'
            f"</span> {html_text(dot)}</td>",
            f'<td class="num" data-label="{COLUMNS[5]}">{current}</td>',
            f'<td class="num" data-label="{COLUMNS[6]}">{html_text(previous_cell(r))}</td>',
            f'<td class="spine" data-label="{COLUMNS[7]}">'
            + (spine if spine else '<span class="small">Not ranked among councils.</span>')
            + "</td>",
            f'<td class="trend" data-label="{COLUMNS[8]}">{_trend_cell(r, trends, history, focus, national)}</td>',
        ]
        out.append(f'<tr id="{_row_id(r)}">' + "".join(cells) + "</tr>")
        more = [
            svg
            for svg in (charts.get(r["metric_id"]), funnels.get(r["metric_id"]), spc.get(r["metric_id"]))
            if svg and r["area_code"] == focus
        ]
        if more:
            names = [
                n
                for n, d in (("every council", charts), ("funnel plot", funnels), ("SPC chart", spc))
                if d.get(r["metric_id"])
            ]
            out.append(
                f'<tr class="league"><td colspan="{len(COLUMNS)}"><details class="more"><summary>More charts: '
                f'{html_text(", ".join(names))}<span class="small"> ({html_text(r["code"] or "")})</span></summary>'
                '<div class="charts">' + "".join(_figure(svg) for svg in more) + "</div></details></td></tr>"
            )
    if open_table:
        out.append("</tbody></table>")
    close_layer()
    if in_layer:
        out.append("</details>")
    if cld:
        out.append(
            f'<details class="layer" id="layer-cld"{" open" if open_layers else ""}><summary><h2>Client Level Data: '
            'waiting times and data quality</h2><span class="small">from ascbench cld --out</span></summary>'
            '<div class="charts">' + "".join(_figure(svg) for svg in cld) + "</div></details>"
        )
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
