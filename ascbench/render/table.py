"""The terminal dashboard: one table per layer, wrapped to the terminal's width."""

from __future__ import annotations

import re

from ascbench.errors import printable
from ascbench.render.display import (
    AIM_WORDS,
    as_at_label,
    comparator_cell,
    current_cell,
    disclosure_note,
    dot_cell,
    forecast_cell,
    interval_cell,
    legend,
    position_cell,
    previous_cell,
    rating_cell,
    records,
)
from ascbench.render.fit import layout as _layout
from ascbench.render.fit import wrap as _wrap
from ascbench.render.sparkline import sparkline

COLOURS = {"green": "32", "amber": "33", "red": "31", "blue": "34", "grey": "90"}


def _paint(text: str, rag: str | None, colour: bool) -> str:
    code = COLOURS.get(rag or "")
    return f"\x1b[{code}m{text}\x1b[0m" if colour and code else text


def _sparklines(history, focus) -> dict:
    if history is None or len(history) == 0:
        return {}
    mine = history[history["area_code"] == focus]
    return {
        m: sparkline(list(g["value"]), list(g["segment"]) if "segment" in g else None)
        for m, g in mine.groupby("metric_id", observed=True)
    }


WIDE = 110  # from this width the table has a column each for Aim, Rating and DoT


def render(results, layers: dict | None = None, width: int = 100, colour: bool = False, history=None, **_) -> str:
    """One table per layer, at most ``width`` columns wide (80 when piped): below
    :data:`WIDE` columns the aim joins the description and the rating and direction share a
    column. Cells wrap at spaces only - never inside a number, id or code - and an interval
    is written "68.0 to 71.4" so that it can wrap."""
    from tabulate import tabulate

    layers = layers or {}
    rows = records(results)
    wide = width >= WIDE
    headers = (
        ["Code", "Description", "Aim", "Current", "Comparator", "Rating", "DoT", "Previous"]
        if wide
        else ["Code", "Description", "Current", "Comparator", "Rating/DoT", "Previous"]
    )
    weights = [1, 5, 0, 4, 4, 0, 0, 3] if wide else [1, 5, 4, 4, 1, 3]
    multiple_areas = len({r["area_code"] for r in rows}) > 1
    sparks = _sparklines(history, rows[0]["area_code"]) if rows and not multiple_areas else {}
    sections: list[tuple[str, list[list[str]], list[str | None], list[str]]] = []
    current_layer = object()
    for r in rows:
        if r["layer"] != current_layer:
            current_layer = r["layer"]
            heading = layers.get(r["layer"], r["layer"] or "Other") if r["layer"] else "Other"
            sections.append((printable(heading).upper(), [], [], []))
        current = current_cell(r)
        if r.get("period_label"):
            current += f" ({r['period_label']})"
        interval = re.sub(r"(\d)-(\d)", r"\1 to \2", interval_cell(r))
        if interval:
            current += f"; {interval}"
        if forecast_cell(r):
            current += f"; {forecast_cell(r)}"
        desc = r["title"] + (f" [{r['area_name']}]" if multiple_areas else "")
        notes, marks = sections[-1][3], ""
        for note in (r.get("footnote") or "").split(" | "):
            if note and printable(note) not in notes:
                notes.append(printable(note))
            if note:
                marks += f" [{notes.index(printable(note)) + 1}]"
        aim = AIM_WORDS.get(r["polarity"], "")
        dot = dot_cell(r) + (" " + sparks[r["metric_id"]] if sparks.get(r["metric_id"]) else "")
        comparator = "; ".join(c for c in (comparator_cell(r), position_cell(r, short=True)) if c)
        if wide:
            cells = [r["code"] or "", desc + marks, aim, current, comparator, rating_cell(r), dot, previous_cell(r)]
        else:
            cells = [
                r["code"] or "",
                desc + (f" (aim: {aim.lower()})" if aim and aim != "N/A" else "") + marks,
                current,
                comparator,
                rating_cell(r) + "\n" + dot,
                previous_cell(r),
            ]
        sections[-1][1].append(
            [
                printable(c) if i != len(cells) - 2 or wide else "\n".join(printable(x) for x in c.split("\n"))
                for i, c in enumerate(cells)
            ]
        )
        sections[-1][2].append(r.get("rag"))
    every = [cells for _, block, _, _ in sections for cells in block]
    widths = _layout(every, headers, weights, width)
    rating_col = 5 if wide else 4
    out: list[str] = []
    if rows and not multiple_areas:
        title = f"{rows[0].get('area_name') or rows[0]['area_code']} ({rows[0]['area_code']})"
        if as_at_label(results):
            title += f" - {as_at_label(results)}"
        out += [_wrap(printable(title), width), ""]
    for heading, block, rags, notes in sections:
        out.append(heading)
        wrapped = []
        for cells, rag in zip(block, rags, strict=True):
            row = [_wrap(c, w) for c, w in zip(cells, widths, strict=True)]
            if colour:  # the one escape sequence is ours, added after the layout
                lines = row[rating_col].split("\n")
                lines[0] = _paint(lines[0], rag, colour)
                row[rating_col] = "\n".join(lines)
            wrapped.append(row)
        table = tabulate(wrapped, headers=headers, tablefmt="simple", disable_numparse=True)
        out += [table]
        out += [_wrap(f"[{i}] {note}", width) for i, note in enumerate(notes, start=1)]
        out.append("")
    key = legend(rows)
    if key:
        out += [_wrap(line, width) for line in key.split("\n")]
    if disclosure_note(results):
        out += [_wrap(printable(disclosure_note(results)), width)]
    return "\n".join(out).rstrip() + "\n"
