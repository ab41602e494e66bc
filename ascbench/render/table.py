"""The terminal dashboard: one table per layer, wrapped to the terminal's width."""

from __future__ import annotations

from ascbench.render.display import (
    AIM_WORDS, comparator_cell, current_cell, dot_cell, forecast_cell, interval_cell, position_cell, previous_cell, rating_cell,
    records,
)

from ascbench.errors import printable

COLOURS = {"green": "32", "amber": "33", "red": "31", "blue": "34", "grey": "90"}


def _paint(text: str, rag: str | None, colour: bool) -> str:
    code = COLOURS.get(rag or "")
    return f"\x1b[{code}m{text}\x1b[0m" if colour and code else text


def _sparklines(history, focus) -> dict:
    from ascbench.engine.trend import sparkline

    if history is None or len(history) == 0:
        return {}
    mine = history[history["area_code"] == focus]
    return {m: sparkline(list(g["value"]), list(g["segment"]) if "segment" in g else None)
            for m, g in mine.groupby("metric_id", observed=True)}


def render(results, layers: dict | None = None, width: int = 100, colour: bool = False, history=None,
           **_) -> str:
    from tabulate import tabulate

    layers = layers or {}
    rows = records(results)
    headers = ["Code", "Description", "Aim", "Current", "Comparator", "Rating", "DoT", "Previous"]
    # fixed widths for the short columns; the text columns share what is left
    fixed = {"Code": 10, "Aim": 4, "Rating": 9, "DoT": 10}
    gaps = 2 * (len(headers) - 1)
    flexible = max(width - sum(fixed.values()) - gaps, 40)
    desc_w = max(flexible * 30 // 100, 14)
    cur_w = max(flexible * 25 // 100, 12)
    comp_w = max(flexible * 24 // 100, 12)
    prev_w = max(flexible - desc_w - cur_w - comp_w, 10)
    widths = [fixed["Code"], desc_w, fixed["Aim"], cur_w, comp_w, fixed["Rating"], fixed["DoT"], prev_w]
    out: list[str] = []
    multiple_areas = len({r["area_code"] for r in rows}) > 1
    sparks = _sparklines(history, rows[0]["area_code"]) if rows and not multiple_areas else {}
    current_layer = object()
    block: list[list[str]] = []

    def flush():
        if block:
            out.append(tabulate(block, headers=headers, tablefmt="simple", maxcolwidths=widths,
                                disable_numparse=True))
            out.append("")
            block.clear()

    for r in rows:
        if r["layer"] != current_layer:
            flush()
            current_layer = r["layer"]
            heading = layers.get(r["layer"], r["layer"] or "Other") if r["layer"] else "Other"
            out.append(printable(heading).upper())
        current = current_cell(r)
        if r.get("period_label"):
            current += f" ({r['period_label']})"
        interval = interval_cell(r)
        if interval:
            current += f"; {interval}"
        if forecast_cell(r):
            current += f"; {forecast_cell(r)}"
        desc = r["title"] + (f" [{r['area_name']}]" if multiple_areas else "")
        cells = [
            r["code"] or "", desc, AIM_WORDS.get(r["polarity"], ""), current,
            "; ".join(c for c in (comparator_cell(r), position_cell(r, short=True)) if c),
            rating_cell(r), (dot_cell(r) + (" " + sparks[r["metric_id"]] if sparks.get(r["metric_id"]) else "")),
            previous_cell(r),
        ]
        cells = [printable(c) for c in cells]  # text from the data never drives the terminal
        cells[5] = _paint(cells[5], r.get("rag"), colour)  # the one escape sequence is ours
        block.append(cells)
    flush()
    return "\n".join(out).rstrip() + "\n"
