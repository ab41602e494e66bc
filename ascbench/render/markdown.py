"""The dashboard as Markdown tables, one per layer, for committee papers and repositories."""

from __future__ import annotations

from ascbench.render.display import (
    AIM_WORDS, comparator_cell, current_cell, dot_cell, previous_cell, rating_cell, records,
)


def _cell(text) -> str:
    return str(text or "").replace("|", "\\|").replace("\n", " ")


def render(results, layers: dict | None = None, **_) -> str:
    layers = layers or {}
    rows = records(results)
    out: list[str] = []
    current_layer = object()
    header = "| Code | Description | Aim | Comparator | Rating | DoT | Current | Previous |"
    rule = "|---|---|---|---|---|---|---|---|"
    for r in rows:
        if r["layer"] != current_layer:
            current_layer = r["layer"]
            heading = layers.get(r["layer"], r["layer"]) if r["layer"] else "Other"
            out += ["", f"## {heading}", "", header, rule]
        current = current_cell(r) + (f" ({r['period_label']})" if r.get("period_label") else "")
        cells = [r["code"], r["title"], AIM_WORDS.get(r["polarity"], ""), comparator_cell(r),
                 rating_cell(r, symbols=False) + (f" ({r['rag']})" if r.get("rag") not in (None, "none") else ""),
                 dot_cell(r, symbols=False), current, previous_cell(r)]
        out.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(out).strip() + "\n"
