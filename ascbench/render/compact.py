"""The compact terminal dashboard: the headline, then one line per metric (code, short title,
value, comparator, rating, direction of travel, rank), fitting the terminal's width (80
columns when piped). ``rate``'s default on a terminal; ``rate --long`` prints the detailed
table (:mod:`ascbench.render.table`).

The rating is told by a shape and a word as well as by colour (``✖ RED``, ``◐ amber``,
``● green``), so red reads without colour; the rating and the direction of travel have a
column each and never share a shape (:data:`ascbench.render.display.RAG_SYMBOLS`,
:data:`~ascbench.render.display.DOT_SYMBOLS`). A code is never broken; a title too long for
its column is cut at a word and ends with ``…``.
"""

from __future__ import annotations

from ascbench.errors import printable
from ascbench.render.display import (
    COMPUTED_BASES,
    DOT_SYMBOLS,
    DOT_WORDS_SHOWN,
    RAG_SYMBOLS,
    as_at_label,
    has_position,
    own_decimals,
    records,
)
from ascbench.render.fit import wrap
from ascbench.render.headline import headline_lines
from ascbench.render.numbers import fmt_value, is_missing

COLOURS = {"green": "32", "amber": "33", "red": "1;31", "blue": "34", "grey": "90"}
RATING_WORDS = {"green": "green", "amber": "amber", "red": "RED", "blue": "blue", "grey": "n/c"}
HEADERS = ["Metric", "Value", "Compared", "Rating", "DoT", "Rank"]
SHORT_DOT = {
    "improved": "improved",
    "worse": "worse",
    "similar": "similar",
    "increased": "up",
    "decreased": "down",
    "not comparable": "n/c",
    "definition changed": "n/c",
    "no previous data": "none",
    "not compared": "n/c",
    "no data": "none",
}
MIN_TITLE = 16
ROOMY_TITLE = 36  # the direction of travel gets its words when the metric keeps this many columns


def short_value(value, decimals: int, unit: str, scale: str, status: str = "") -> str:
    """A value in few characters: ``61.1%``, ``521.8/100k``, ``1,939.7k``."""
    text = fmt_value(value, decimals, unit, scale, status)
    return text.replace(" per ", "/")


def rating_text(row: dict) -> str:
    """``✖ RED``, ``◐ amber``, ``● green``, ``◆ blue``; ``info`` for information only."""
    rag = row.get("rag") or ""
    if rag in RATING_WORDS:
        return f"{RAG_SYMBOLS[rag]} {RATING_WORDS[rag]}"
    return "info" if row.get("rating") == "for information" else "-"


def dot_text(row: dict, words: bool) -> str:
    dot = row.get("dot") or ""
    symbol = DOT_SYMBOLS.get(dot, "")
    if not words:
        return symbol
    return f"{symbol} {SHORT_DOT.get(dot, dot)}".strip()


def comparator_text(row: dict) -> str:
    if row.get("rating") == "for information" or is_missing(row.get("comparator_value")):
        return ""
    decimals = int(row["decimals"])
    if not str(row.get("benchmark_basis") or "").startswith(COMPUTED_BASES):
        decimals = own_decimals(row["comparator_value"], decimals)
    return short_value(row["comparator_value"], decimals, row.get("unit") or "", row.get("scale") or "none")


def rank_text(row: dict) -> str:
    return f"{int(row['rank'])}/{int(row['rank_of'])}" if has_position(row) else ""


def cut(text: str, width: int) -> str:
    """``text`` in at most ``width`` characters, cut at a word with ``…`` when too long."""
    if len(text) <= width:
        return text
    room = text[: width - 1]
    if " " in room[width * 2 // 3 :]:
        room = room[: room.rindex(" ")]
    return room.rstrip(" ,;:-") + "…"


def _paint(text: str, rag: str | None, colour: bool) -> str:
    code = COLOURS.get(rag or "")
    return f"\x1b[{code}m{text}\x1b[0m" if colour and code else text


def render(
    results,
    layers: dict | None = None,
    width: int = 80,
    colour: bool = False,
    headline=None,
    sort: str = "layer",
    **_,
) -> str:
    """The headline (``headline``: :class:`ascbench.engine.headline.Headline`, if given) and
    one line per row of ``results`` at most ``width`` columns wide, under a heading per area
    (several areas) and per layer (``sort`` ``layer``, the dashboard's order)."""
    layers = layers or {}
    rows = records(results)
    out: list[str] = []
    areas = list(dict.fromkeys(r["area_code"] for r in rows))
    if len(areas) > 1:  # several areas: each area's rows together, in the rows' own order
        rows = sorted(rows, key=lambda r: areas.index(r["area_code"]))
    if rows and len(areas) == 1:
        title = f"{rows[0].get('area_name') or rows[0]['area_code']} ({rows[0]['area_code']})"
        if as_at_label(results):
            title += f" - {as_at_label(results)}"
        out += [wrap(printable(title), width), ""]
    if headline is not None:
        for sentence in headline_lines(headline, layers):
            out.append(wrap(printable(sentence), width))
        out.append("")
    if not rows:
        out.append("No metric matches.")
        return "\n".join(out) + "\n"
    cells = []
    for r in rows:
        cells.append(
            [
                printable(f"{r['code'] or ''} {r['title'] or ''}".strip()),
                printable(
                    short_value(
                        r["value"], int(r["decimals"]), r["unit"] or "", r["scale"] or "none", r.get("status") or ""
                    )
                ),
                printable(comparator_text(r)),
                rating_text(r),
                "",
                rank_text(r),
            ]
        )
    fixed = [max([len(HEADERS[c])] + [len(row[c]) for row in cells]) for c in range(len(HEADERS))]
    dot_words = [max(len(dot_text(r, True)) for r in rows), max(len(dot_text(r, False)) for r in rows)]
    # the direction's words where the metric keeps room enough; its symbol alone otherwise
    words = True
    for words in (True, False):
        fixed[4] = max(len(HEADERS[4]), dot_words[0] if words else dot_words[1])
        spare = width - sum(fixed[1:]) - (len(HEADERS) - 1)
        if spare >= ROOMY_TITLE or not words:
            break
    fixed[0] = max(MIN_TITLE, min(fixed[0], spare))
    for row, r in zip(cells, rows, strict=True):
        row[4] = dot_text(r, words)
        row[0] = cut(row[0], fixed[0])

    def line(values: list[str], rag: str | None = None) -> str:
        padded = [v.rjust(fixed[c]) if c in (1, 2, 5) else v.ljust(fixed[c]) for c, v in enumerate(values)]
        if rag is not None:
            padded[3] = _paint(padded[3], rag, colour)
        return " ".join(padded).rstrip()

    out.append(line(HEADERS))
    out.append(" ".join("-" * w for w in fixed))
    area, layer = object(), object()
    for row, r in zip(cells, rows, strict=True):
        if len(areas) > 1 and r["area_code"] != area:
            area, layer = r["area_code"], object()
            out.append(printable(f"{r.get('area_name') or r['area_code']} ({r['area_code']})"))
        if sort == "layer" and r["layer"] != layer:
            layer = r["layer"]
            heading = layers.get(r["layer"], r["layer"] or "Other") if r["layer"] else "Other"
            out.append(cut(printable(str(heading)).upper(), width))
        out.append(line(row, r.get("rag")))
    out.append("")
    used_rags = [k for k in RATING_WORDS if any((r.get("rag") or "") == k for r in rows)]
    meaning = {"green": "better", "amber": "similar", "red": "worse", "blue": "no judgement", "grey": "not compared"}
    key = "Rating: " + ", ".join(f"{RAG_SYMBOLS[k]} {RATING_WORDS[k]} {meaning[k]}" for k in used_rags)
    dots = [s for s in DOT_WORDS_SHOWN if any(DOT_SYMBOLS.get(r.get("dot") or "") == s for r in rows)]
    key += ". DoT (since last year): " + ", ".join(f"{s} {DOT_WORDS_SHOWN[s]}" for s in dots)
    key += ". Rank: position among councils (1 = best) of how many; 'ascbench rate --long' for the detail."
    out.append(wrap(key, width))
    return "\n".join(out).rstrip() + "\n"
