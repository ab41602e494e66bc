"""The dashboard as Markdown tables, one per layer, for committee papers and repositories."""

from __future__ import annotations

from ascbench.render.display import (
    AIM_WORDS,
    comparator_cell,
    current_cell,
    disclosure_note,
    dot_cell,
    forecast_cell,
    has_position,
    position_cell,
    previous_cell,
    rating_cell,
    records,
)
from ascbench.render.markup import markdown_cell, markdown_table, markdown_text

RESULTS_COLUMNS = {"layer", "title", "rating", "dot"}  # a results frame; any other frame is a plain table


def render(
    results,
    layers: dict | None = None,
    sections: bool = False,
    title: str | None = None,
    stamp: str | None = None,
    headline=None,
    **_,
) -> str:
    """Tables by layer; with ``sections`` also headings by strategic outcome, footnotes and a
    title (the dashboard file). A frame that is not a results frame (rank's league table,
    forecasts) is one plain table. Text from the data is text (:mod:`ascbench.render.markup`):
    no cell, heading or note can open markup, a link or an image. ``headline``
    (:class:`ascbench.engine.headline.Headline`) puts the headline first."""
    if not RESULTS_COLUMNS <= set(results.columns):
        return markdown_table(results)
    layers = layers or {}
    rows = records(results)
    out: list[str] = [f"# {markdown_text(title)}", ""] if title and sections else []
    if sections and stamp:
        out += [f"Generated {stamp}", ""]
    if headline is not None:  # the first glance: counts, red and getting worse, red, by layer
        from ascbench.render.headline import headline_lines

        out += ["## Headline", ""] + [f"- {markdown_text(line)}" for line in headline_lines(headline, layers)] + [""]
    current_layer = object()
    outcome = object()
    notes: list[str] = []
    ranked = any(has_position(r) for r in rows)  # a position column only when some metric is ranked
    header = "| Code | Description | Aim | Comparator | Rating | DoT | Current | Previous |" + (
        " Position among councils |" if ranked else ""
    )
    rule = "|---|---|---|---|---|---|---|---|" + ("---|" if ranked else "")
    for r in rows:
        if r["layer"] != current_layer:
            current_layer = r["layer"]
            outcome = object()
            heading = layers.get(r["layer"], r["layer"]) if r["layer"] else "Other"
            out += ["", f"## {markdown_text(heading)}", ""]
            if not sections:
                out += [header, rule]
        if sections and (r.get("outcome"), r.get("aim")) != outcome:
            same_outcome = isinstance(outcome, tuple) and outcome[0] == r.get("outcome")
            outcome = (r.get("outcome"), r.get("aim"))
            out += (
                [""]
                + ([f"### {markdown_text(r['outcome'])}", ""] if r.get("outcome") and not same_outcome else [])
                + ([f"*{markdown_text(r['aim'])}*", ""] if r.get("aim") else [])
                + [header, rule]
            )
        numbers = []
        for note in (r.get("footnote") or "").split(" | ") if sections else []:
            if note:
                if note not in notes:
                    notes.append(note)
                numbers.append(str(notes.index(note) + 1))
        marks = f" <sup>[{', '.join(numbers)}]</sup>" if numbers else ""  # "pop. [1, 3]", never "pop.1,3"
        current = current_cell(r) + (f" ({r['period_label']})" if r.get("period_label") else "")
        if forecast_cell(r):
            current += f"; {forecast_cell(r)}"
        cells = [
            r["code"],
            r["title"],
            AIM_WORDS.get(r["polarity"], ""),
            comparator_cell(r),
            rating_cell(r, symbols=False) + (f" ({r['rag']})" if r.get("rag") not in (None, "none") else ""),
            dot_cell(r, symbols=False),
            current,
            previous_cell(r),
        ] + ([position_cell(r)] if ranked else [])
        cells = [markdown_cell(c) for c in cells]
        cells[1] += marks  # the footnote marks are this renderer's own markup, after the escaping
        out.append("| " + " | ".join(cells) + " |")
    if notes:
        out += ["", "Notes:", ""] + [f"{i}. {markdown_text(n)}" for i, n in enumerate(notes, start=1)]
    if disclosure_note(results):
        out += ["", markdown_text(disclosure_note(results))]
    text = "\n".join(out).strip()
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text + "\n"
