"""The gap to a target (:func:`ascbench.engine.gap.gaps`) in words and tables: the terminal
table and Markdown of ``ascbench gap``, and the sentence ``narrate --gap`` adds to a
metric's paragraph. CSV and JSON write the frame itself (:mod:`ascbench.render`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ascbench.errors import printable
from ascbench.render.display import _ordinal, quartile_words
from ascbench.render.fit import fit_table, wrap_lines
from ascbench.render.markup import markdown_cell, markdown_text
from ascbench.render.numbers import fmt_count, fmt_number, fmt_value, is_missing

if TYPE_CHECKING:
    from typing_extensions import TypeIs

SIGNIFICANCE = {
    "similar": "not significantly different from",
    "better": "significantly better than",
    "worse": "significantly worse than",
}


def _missing(x: object) -> TypeIs[None]:
    """None, NaN, or pandas' NA (the frame's whole-number columns)."""
    return x is None or is_missing(x) or str(x) == "<NA>"


def _value(row: dict, x) -> str:
    return fmt_value(x, int(row["decimals"]), row.get("unit") or "", row.get("scale") or "none")


def _counts(row: dict, k) -> str:
    """``2,163 out of 2,805`` (a proportion), ``795 at a population of 157,349`` (a rate),
    ``120`` (a count)."""
    if row["statistic"] == "proportion":
        return f"{fmt_count(k)} out of {fmt_count(row['denominator'])}"
    if row["statistic"] == "rate":
        return f"{fmt_count(k)} in a population of {fmt_count(row['denominator'])}"
    return fmt_count(k)


def now_text(row: dict) -> str:
    """The value now, with its counts: ``73.7% (2,067 out of 2,805)``."""
    if _missing(row.get("value")):
        return "no value"
    text = _value(row, row["value"])
    if row.get("counts") in ("exact", "rounded") and row["statistic"] != "count":  # a count is its value
        text += f" ({_counts(row, row['numerator'])})"
    return text


def target_text(row: dict) -> str:
    """``England 24/25: 77.1%``."""
    if _missing(row.get("target_value")):
        return str(row.get("target_label") or row.get("target"))
    return f"{row['target_label']}: {_value(row, row['target_value'])}"


def change_text(row: dict) -> str:
    """``96 more``, ``about 34 fewer``, ``none (already met; 103 to spare)``, or the gap in
    the value's units where no count can be given."""
    if not _missing(row.get("needed")):
        about = "about " if row.get("counts") == "rounded" else ""
        needed, change = int(row["needed"]), int(row["change"])
        if needed == 0:
            spare = abs(change)
            less = "fewer" if row["polarity"] == "high" else "more"
            return f"none: already met ({about}{spare:,} {less} would still meet it)" if spare else "none: already met"
        return f"{about}{needed:,} {'more' if row['polarity'] == 'high' else 'fewer'}"
    if _missing(row.get("value_gap")):
        return ""
    gap = float(row["value_gap"])
    side = "above" if gap < 0 else "below"
    if gap == 0:
        return "none: the value is the target"
    size = fmt_number(abs(gap), int(row["decimals"]))
    units = " points" if row.get("unit") == "%" else (f" {row['unit']}" if row.get("unit") else "")
    return f"the value is {size}{units} {side} it"


def at_target_text(row: dict) -> str:
    """``77.1% (2,163 out of 2,805); 63rd of 146, second quartile (better than the median)``."""
    if _missing(row.get("value_at_target")):
        return ""
    text = _value(row, row["value_at_target"])
    if row["statistic"] != "count":
        text += f" ({_counts(row, row['target_numerator'])})"
    position = _position(row)
    return text + (f"; {position}" if position else "")


def _position(row: dict) -> str:
    """The rank and quartile the value at the target would have, the quartile in the words
    every output uses (by performance where the metric has a polarity, as rank 1 is best)."""
    rank, of = row.get("rank_at_target"), row.get("rank_of")
    if _missing(rank) or _missing(of):
        return ""
    basis = "performance" if row.get("polarity") in ("high", "low") else "value"
    words = quartile_words({"quartile": row.get("quartile_at_target"), "quartile_basis": basis})
    return f"{_ordinal(int(rank))} of {int(of)}" + (f", {words}" if words else "")


def significance_text(row: dict) -> str:
    """``worse now, similar at the target`` against England's value."""
    now, at = row.get("significance_now") or "", row.get("significance_at_target") or ""
    if not now or now == "not compared":
        return ""
    return f"{now} now" + (f", {at} at the target" if at and at != "not compared" else "")


def gap_sentence(row: dict, with_subject: bool = True) -> str:
    """The gap in one or two sentences, as ``ascbench gap`` and ``narrate --gap`` write it:

    "% of people who had no need for ongoing services following reablement (ASCOF 2A),
    Leicestershire, 2024/25: 73.7% (2,067 out of 2,805). Reaching England 24/25
    (77.1%) needs 96 more (2,163 out of 2,805, 77.1%), which would rank 63rd of 146,
    second quartile (better than the median), not significantly different from England."
    """
    target = row.get("target_label") or row.get("target")
    lead = ""
    if with_subject:
        title = str(row.get("title") or row["metric_id"]).strip().rstrip(".")
        code = str(row.get("code") or "")
        lead = f"{title} ({code})" if code and code != title else title
        lead += f", {row.get('area_name') or row['area_code']}"
        lead += f", {row['period_label']}: {now_text(row)}. " if row.get("period_label") else f": {now_text(row)}. "
    if _missing(row.get("value")) or _missing(row.get("target_value")):
        return printable(lead + f"No gap to {target}: {row.get('note') or 'no value'}.")
    goal = f"{target} ({_value(row, row['target_value'])})"
    if _missing(row.get("needed")):
        text = f"Against {goal}, {change_text(row)}" + (f"; {row['note']}" if row.get("note") else "") + "."
        return printable(lead + text)
    if int(row["needed"]) == 0:
        text = f"It already meets {goal}: {change_text(row).removeprefix('none: already met ').strip('()')}."
        return printable(lead + text)
    about = "about " if row.get("counts") == "rounded" else ""
    text = f"Reaching {goal} needs {change_text(row)}"
    if row["statistic"] != "count":
        text += f" ({about}{_counts(row, row['target_numerator'])}, {_value(row, row['value_at_target'])})"
    position = _position(row)
    if position:
        text += f", which would rank {position}"
    words = SIGNIFICANCE.get(row.get("significance_at_target") or "")
    if words and not _missing(row.get("england_value")):
        text += f"{',' if position else ','} {words} England ({_value(row, row['england_value'])})"
    text += "."
    if row.get("counts") == "rounded":
        text += f" {row['note'][:1].upper()}{row['note'][1:]}." if row.get("note") else ""
    return printable(lead + text)


HEADERS = ["Metric", "Area", "Period", "Now", "Target", "Change", "At the target", "vs England"]


def _cells(row: dict, name: str) -> list[str]:
    return [
        name,
        str(row.get("area_name") or row["area_code"]),
        str(row.get("period_label") or ""),
        now_text(row),
        target_text(row),
        change_text(row),
        at_target_text(row),
        significance_text(row),
    ]


def render_text(frame, fmt: str, width: int = 100, note: str = "") -> str:
    """The gap table (``table``: fitted to ``width``; ``markdown``), each row's note under it
    by number, and the disclosure ``note`` when the output is for publication."""
    rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
    many = len({r["area_code"] for r in rows}) > 1
    codes: dict[str, set] = {}
    for r in rows:
        codes.setdefault(str(r.get("code") or r["metric_id"]), set()).add(r["metric_id"])
    # a metric by its code (ASCOF 2A), or by its id where codes are shared ("Local")
    names = [
        str(r.get("code") or r["metric_id"])
        if len(codes[str(r.get("code") or r["metric_id"])]) == 1
        else r["metric_id"]
        for r in rows
    ]
    cells = [_cells(r, n) for r, n in zip(rows, names, strict=True)]
    notes: list[str] = []
    for r, c in zip(rows, cells, strict=True):
        if r.get("note"):
            if r["note"] not in notes:
                notes.append(r["note"])
            c[5] = (c[5] + f" [{notes.index(r['note']) + 1}]").strip()
    if fmt == "markdown":
        lines = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
        lines += ["| " + " | ".join(markdown_cell(c) for c in row) + " |" for row in cells]
        if notes:
            lines += ["", *[f"{i}. {markdown_text(n)}" for i, n in enumerate(notes, start=1)]]
        if note:
            lines += ["", markdown_text(note)]
        return "\n".join(lines) + "\n"
    headers, weights = HEADERS, [1, 1, 1, 3, 3, 2, 3, 2]
    if not many:  # one area: its name is said once, above the table
        cells = [row[:1] + row[2:] for row in cells]
        headers, weights = headers[:1] + headers[2:], weights[:1] + weights[2:]
    title = (
        f"{rows[0].get('area_name') or rows[0]['area_code']} ({rows[0]['area_code']})\n" if rows and not many else ""
    )
    table = title + fit_table([[printable(c) for c in row] for row in cells], headers, width, weights=weights)
    tail = [printable(f"[{i}] {n}") for i, n in enumerate(notes, start=1)] + ([printable(note)] if note else [])
    return table + ("\n" + wrap_lines("\n".join(tail), width) + "\n" if tail else "")
