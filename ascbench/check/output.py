"""The check's outputs: a frame of claims (the table, CSV and JSON), and an annotated copy
of the report (Markdown or HTML) with each claim marked where it stands.

Marks: ✔ agrees, ✘ disagrees, ? cannot be checked - always with the word in the footnote
(Markdown) or in text a screen reader reads (HTML), never by colour alone.
"""

from __future__ import annotations

import re
from html import escape

import pandas as pd

from ascbench.check import AGREES, CANNOT, DISAGREES, CheckResult
from ascbench.check.document import Document
from ascbench.check.verdicts import period_label

MARKS = {AGREES: "✔", DISAGREES: "✘", CANNOT: "?"}
COLUMNS = [
    "claim",
    "line",
    "paragraph",
    "section",
    "kind",
    "text",
    "verdict",
    "data",
    "reason",
    "metric_id",
    "code",
    "area_code",
    "area_name",
    "period",
    "period_label",
    "sentence",
]
KIND_WORDS = {
    "value": "value",
    "numerator": "count",
    "denominator": "base count",
    "previous": "earlier value",
    "comparator": "benchmark",
    "change": "change",
    "gap": "gap to benchmark",
    "rank": "rank",
    "quartile": "quartile",
    "comparison": "comparison",
    "direction": "direction",
    "arithmetic": "arithmetic",
}


def claims_frame(
    result: CheckResult, facts_names: dict[str, str] | None = None, codes: dict[str, str] | None = None
) -> pd.DataFrame:
    """One row per claim (a word claim about several metrics: one row each), in reading
    order, with the columns of :data:`COLUMNS`."""
    doc: Document = result.document
    rows = []
    names = facts_names or {}
    codes = codes or {}
    for n, checked in enumerate(result.checked, start=1):
        c, o = checked.claim, checked.outcome
        block = doc.blocks[c.block]
        sentence = " ".join(doc.masked[c.sentence[0] : c.sentence[1]].split())
        rows.append(
            {
                "claim": n,
                "line": doc.line_of(c.start),
                "paragraph": block.number,
                "section": block.heading,
                "kind": KIND_WORDS.get(c.kind, c.kind),
                "text": c.text,
                "verdict": o.verdict,
                "data": o.data,
                "reason": o.reason,
                "metric_id": o.metric_id,
                "code": codes.get(o.metric_id, ""),
                "area_code": o.area_code,
                "area_name": names.get(o.area_code, ""),
                "period": o.period,
                "period_label": period_label(o.period) if o.period else "",
                "sentence": sentence
                if block.kind != "row"
                else " | ".join(doc.masked[a:b].strip() for a, b in block.cells),
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def render_table(frame: pd.DataFrame, width: int) -> str:
    from ascbench.render.fit import fit_table

    headers = ["#", "line", "claim", "verdict", "data give", "metric", "period", "why"]
    rows: list[list[str]] = []
    for r in frame.astype(str).to_dict("records"):
        where = f"¶{r['paragraph']}" if r["paragraph"] else r["line"]
        rows.append(
            [
                r["claim"],
                where,
                r["text"],
                f"{MARKS[r['verdict']]} {r['verdict']}",
                r["data"],
                r["code"] or r["metric_id"],
                r["period_label"],
                r["reason"],
            ]
        )
    return fit_table(rows, headers, width, weights=[0, 0, 3, 2, 2, 2, 2, 5]) + "\n"


def summary(frame: pd.DataFrame) -> str:
    counts = frame["verdict"].value_counts()
    return (
        f"{len(frame)} claims: {counts.get(AGREES, 0)} agree, {counts.get(DISAGREES, 0)} disagree, "
        f"{counts.get(CANNOT, 0)} cannot be checked"
    )


_ORDER = {DISAGREES: 0, CANNOT: 1, AGREES: 2}


def _marks(result: CheckResult, frame: pd.DataFrame):
    """Per claim span (start, end): the rows of the frame about it, worst first."""
    spans: dict[tuple[int, int], list[dict]] = {}
    for checked, row in zip(result.checked, frame.to_dict("records"), strict=True):
        spans.setdefault((checked.claim.start, checked.claim.end), []).append(row)
    return {k: sorted(v, key=lambda r: _ORDER[r["verdict"]]) for k, v in spans.items()}


def _ends(spans) -> dict[int, list[dict]]:
    """The rows to mark at each end offset (claims ending together share one mark), worst
    first, then in reading order."""
    ends: dict[int, list[dict]] = {}
    for (_, end), rows in spans.items():
        ends.setdefault(end, []).extend(rows)
    return {k: sorted(v, key=lambda r: (_ORDER[r["verdict"]], r["claim"])) for k, v in ends.items()}


def _note(row: dict) -> str:
    parts = [f"{MARKS[row['verdict']]} {row['verdict']}"]
    if row["data"] and row["verdict"] != AGREES:
        parts.append(f"the data give {row['data']}" if not row["reason"].startswith("the data give") else "")
    if row["reason"]:
        parts.append(row["reason"])
    where = ", ".join(x for x in (row["code"] or row["metric_id"], row["area_name"], row["period_label"]) if x)
    text = "; ".join(p for p in parts if p)
    return text + (f" ({where})" if where else "")


def annotated_markdown(result: CheckResult, frame: pd.DataFrame) -> str:
    """The report as read, each claim followed by its mark and a footnote reference; the
    footnotes (one per claim) at the end."""
    doc: Document = result.document
    spans = _marks(result, frame)
    inserts: list[tuple[int, str]] = []
    notes = []
    for end, rows in sorted(_ends(spans).items()):
        refs = "".join(f"[^c{n}]" for n in dict.fromkeys(r["claim"] for r in rows))
        inserts.append((end, f" {MARKS[rows[0]['verdict']]}{refs}"))
    for row in frame.to_dict("records"):
        notes.append(f"[^c{row['claim']}]: " + _note(row))
    text = doc.text
    out = []
    last = 0
    for at, mark in sorted(inserts, key=lambda x: x[0]):
        out.append(text[last:at])
        out.append(mark)
        last = at
    out.append(text[last:])
    body = "".join(out).rstrip("\n")
    legend = (
        f"\n\n---\n\n**Checked by ascbench** against the data for {result.focus} as at {result.report_period}: "
        f"{summary(frame)}. ✔ agrees with the data, ✘ disagrees, ? cannot be checked.\n\n"
    )
    return body + legend + "\n".join(notes) + "\n"


_CSS = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1a1a1a}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #767676;padding:.25rem .5rem;vertical-align:top}
.claim{padding:0 .1rem}.agrees{border-bottom:2px solid #1d6b2f}.disagrees{border-bottom:3px double #a4161a;background:#fde8e8}
.cannot{border-bottom:2px dotted #5a5a5a}sup a{text-decoration:none}.notes li{margin:.3rem 0}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
"""
_CLASS = {AGREES: "agrees", DISAGREES: "disagrees", CANNOT: "cannot"}


def annotated_html(result: CheckResult, frame: pd.DataFrame, title: str = "") -> str:
    """The report as a self-contained HTML page: headings, paragraphs and tables kept, each
    claim underlined by its verdict (a different line style each, and a symbol and words, so
    not by colour alone) with a link to its note."""
    doc: Document = result.document
    spans = _marks(result, frame)
    starts = sorted(spans)

    ends = _ends(spans)

    def sups(end: int) -> str:
        out = []
        for n in dict.fromkeys(r["claim"] for r in ends.get(end, [])):
            v = next(r["verdict"] for r in ends[end] if r["claim"] == n)
            out.append(
                f'<sup><a href="#c{n}" id="r{n}">{MARKS[v]}<span class="sr"> {escape(v)}, note {n}</span></a></sup>'
            )
        return "".join(out)

    def inline(a: int, b: int) -> str:
        """Text from a to b: each claim that holds no other underlined by its verdict, and
        after every claim's end the marks of the claims ending there."""
        inside = [(s, e) for s, e in starts if a <= s and e <= b]
        leaves = [(s, e) for s, e in inside if not any(s <= s2 and e2 <= e and (s2, e2) != (s, e) for s2, e2 in inside)]
        out, last, marked = [], a, set()
        for point in sorted({s for s, _ in leaves} | {e for _, e in inside}):
            if point < last or point in marked:
                continue
            out.append(_text(doc.masked[last:point]))
            last = point
            leaf = next(((s, e) for s, e in leaves if s == point and e > s), None)
            if leaf is not None:
                v = spans[leaf][0]["verdict"]
                out.append(f'<span class="claim {_CLASS[v]}">{escape(doc.text[leaf[0] : leaf[1]])}</span>')
                last = leaf[1]
            out.append(sups(last))
            marked.add(last)
        out.append(_text(doc.masked[last:b]))
        return "".join(out)

    parts = []
    table_open = False
    for block in doc.blocks:
        if block.kind == "row" or (
            block.kind == "heading" and doc.text[block.start : block.end].lstrip().startswith("|")
        ):
            if not table_open:
                parts.append("<table>")
                table_open = True
            cells = block.cells if block.kind == "row" else _header_cells(doc.text, block.start, block.end)
            tag = "td" if block.kind == "row" else "th"
            parts.append("<tr>" + "".join(f"<{tag}>{inline(a, b)}</{tag}>" for a, b in cells) + "</tr>")
            continue
        if table_open:
            parts.append("</table>")
            table_open = False
        if block.kind == "heading":
            hashes = re.match(r"\s*(#*)", doc.text[block.start : block.end])
            level = (len(hashes.group(1)) if hashes else 0) or 2
            parts.append(f"<h{min(level, 6)}>{inline(block.start, block.end).strip()}</h{min(level, 6)}>")
        else:
            number = f"<b>{escape(block.number)}.</b> " if block.number else ""
            parts.append(f"<p>{number}{inline(block.start, block.end).strip()}</p>")
    if table_open:
        parts.append("</table>")
    notes = []
    for row in frame.to_dict("records"):
        n = row["claim"]
        notes.append(f'<li id="c{n}" value="{n}">{escape(_note(row))} <a href="#r{n}">back to the claim</a></li>')
    head = escape(title or "Report checked by ascbench")
    return (
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{head}</title>\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<style>{_CSS}</style>\n</head>\n<body>\n<main>\n'
        f"<p><strong>Checked by ascbench</strong> against the data for {escape(result.focus)} as at "
        f"{escape(result.report_period)}: {escape(summary(frame))}. Claims are underlined: a solid line and ✔ agrees, "
        f"a double line and ✘ disagrees, a dotted line and ? cannot be checked; each links to its note.</p>\n"
        + "\n".join(parts)
        + '\n<h2>Notes</h2>\n<ol class="notes">\n'
        + "\n".join(notes)
        + "\n</ol>\n</main>\n</body>\n</html>\n"
    )


def _text(masked: str) -> str:
    """Text between claims, from the masked copy (markup blanked), spaces closed up."""
    return escape(re.sub(r"[ \t]{2,}", " ", masked.replace("|", " ")))


def _header_cells(text: str, start: int, end: int) -> list[tuple[int, int]]:
    line = text[start:end]
    bars = [m.start() for m in re.finditer(r"(?<!\\)\|", line)]
    return [(start + a + 1, start + b) for a, b in zip(bars, bars[1:], strict=False)]
