"""A report as text: read from Markdown, plain text or Word (DOCX), cut into blocks
(headings, paragraphs, table rows), sentences and clauses.

Offsets are kept into the text as read, so an annotated copy can mark each claim where it
stands. Markup a claim never reads (Markdown emphasis, HTML tags, footnote marks such as
``<sup>3</sup>`` or ``²``, link targets, a paragraph's printed number) is blanked with spaces
of the same length in :attr:`Document.masked`, so the two texts share every offset.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ascbench.errors import AscbenchError


@dataclass
class Block:
    """A heading, a paragraph or a table row."""

    kind: str  # heading | paragraph | row
    start: int
    end: int
    line: int  # 1-based line of the source where it starts
    number: str = ""  # the paragraph's printed number ("14"), or ""
    heading: str = ""  # the nearest heading above
    header: list[str] = field(default_factory=list)  # a table row: its table's header cells
    cells: list[tuple[int, int]] = field(default_factory=list)  # a table row: each cell's span


@dataclass
class Document:
    path: str
    text: str  # as read (a DOCX: its paragraphs and tables as Markdown-like text)
    masked: str  # the same length: markup blanked
    blocks: list[Block]
    source_format: str  # markdown | text | docx

    def line_of(self, offset: int) -> int:
        return self.text.count("\n", 0, offset) + 1


def read_document(path: Path | str) -> Document:
    """Read a report: ``.docx`` with python-docx, anything else as UTF-8 text (Markdown or
    plain). A file that cannot be read gives a one-line error naming it."""
    path = Path(path)
    if not path.is_file():
        raise AscbenchError("no such file", file=str(path), expected="a report: Markdown, plain text or DOCX")
    suffix = path.suffix.lower()
    if suffix == ".docx":
        text, fmt = _docx_text(path), "docx"
    else:
        data = path.read_bytes()
        if b"\x00" in data[:4096] or data[:2] == b"PK":
            raise AscbenchError(
                "not a text file", file=str(path), expected="a report in Markdown or plain text, or a .docx file"
            )
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise AscbenchError(
                f"not UTF-8 text (byte {data[exc.start]:#04x})", file=str(path), line=line, expected="UTF-8 text"
            ) from None
        fmt = "markdown" if suffix in (".md", ".markdown") else "text"
    return parse_document(text, str(path), fmt)


def _docx_text(path: Path) -> str:
    """The paragraphs and tables of a Word file in body order: paragraphs separated by blank
    lines, headings as ``#`` lines, each table as Markdown rows (its first row the header)."""
    try:
        import docx  # python-docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph
    except ImportError:
        raise AscbenchError(
            "reading a .docx report needs python-docx",
            file=str(path),
            expected="pip install 'ascbench[docx]' (or python-docx), or the report saved as text",
        ) from None
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # noqa: BLE001 - a damaged or mislabelled file
        raise AscbenchError(f"not a readable .docx file ({type(exc).__name__})", file=str(path)) from None
    parts: list[str] = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            para = Paragraph(child, document)
            text = " ".join(para.text.split())
            if not text:
                continue
            style = (para.style.name or "") if para.style is not None else ""
            level = re.match(r"Heading (\d)", style)
            parts.append(("#" * int(level.group(1)) + " " if level else "") + text)
        elif tag == "tbl":
            rows = []
            for row in Table(child, document).rows:
                cells = [" ".join(c.text.split()).replace("|", "/") for c in row.cells]
                rows.append("| " + " | ".join(cells) + " |")
            if rows:
                rows.insert(1, "|" + "---|" * (rows[0].count("|") - 1))
                parts.append("\n".join(rows))
    return "\n\n".join(parts) + "\n"


# ---------------------------------------------------------------------------------- masking
_MASKS = [
    re.compile(r"<sup>.*?</sup>", re.I | re.S),  # footnote marks
    re.compile(r"<[^>\n]{1,200}>"),  # other tags
    re.compile(r"\]\([^)\s]*\)"),  # a link's target: ](https://...)
    re.compile(r"https?://\S+"),
    re.compile(r"[¹²³⁴⁵⁶⁷⁸⁹⁰]+"),
    re.compile(r"`"),
    re.compile(r"\*\*|__|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])"),  # emphasis marks
    re.compile(r"^\s{0,3}(?:#{1,6}|>|[-*+])\s", re.M),  # heading, quote and list marks
    re.compile(r"(?<=\s)\[|^\[", re.M),  # a link's opening bracket
    re.compile(r"&nbsp;"),
]
_NUMBERED = re.compile(r"^\s*(\d{1,3})\.\s+")


def _mask(text: str) -> str:
    chars = list(text)
    for pattern in _MASKS:
        for m in pattern.finditer(text):
            for i in range(m.start(), m.end()):
                if chars[i] != "\n":
                    chars[i] = " "
    return "".join(chars)


def parse_document(text: str, path: str = "<text>", source_format: str = "markdown") -> Document:
    """Cut ``text`` into blocks: a heading line, a table row, or a paragraph (lines up to a
    blank line, a heading or a table)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    masked = list(_mask(text))
    blocks: list[Block] = []
    heading = ""
    header: list[str] = []
    offset = 0
    para_start = None
    lines = text.split("\n")
    starts = []
    for line in lines:
        starts.append(offset)
        offset += len(line) + 1

    def close(end_line: int) -> None:
        nonlocal para_start
        if para_start is None:
            return
        s = starts[para_start]
        e = starts[end_line - 1] + len(lines[end_line - 1])
        chunk = text[s:e]
        number = ""
        m = _NUMBERED.match(chunk)
        if m:
            number = m.group(1)
            for i in range(s + m.start(1), s + m.end()):
                masked[i] = " "
        blocks.append(Block("paragraph", s, e, para_start + 1, number=number, heading=heading))
        para_start = None

    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            close(i)
            header = []
            continue
        if re.match(r"^\s{0,3}#{1,6}\s", line):
            close(i)
            heading = " ".join("".join(masked[starts[i] : starts[i] + len(line)]).split())
            blocks.append(Block("heading", starts[i], starts[i] + len(line), i + 1, heading=heading))
            header = []
            continue
        if stripped.startswith("|") and stripped.count("|") >= 2:
            close(i)
            cells = _cells(line, starts[i])
            if re.fullmatch(r"\|?(\s*:?-{2,}:?\s*\|)+\s*:?-*:?\s*\|?", stripped):
                continue  # the rule under a header
            nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
            if re.fullmatch(r"\|?(\s*:?-{2,}:?\s*\|)+\s*:?-*:?\s*\|?", nxt):
                header = [" ".join("".join(masked[a:b]).split()) for a, b in cells]
                blocks.append(Block("heading", starts[i], starts[i] + len(line), i + 1, heading=heading))
                continue
            blocks.append(
                Block("row", starts[i], starts[i] + len(line), i + 1, heading=heading, header=list(header), cells=cells)
            )
            continue
        if para_start is None:
            para_start = i
        elif re.match(r"^\s{0,3}(?:[-*+]|\d{1,3}\.)\s", line):  # a new list item: a block of its own
            close(i)
            para_start = i
    close(len(lines))
    return Document(path, text, "".join(masked), blocks, source_format)


def _cells(line: str, base: int) -> list[tuple[int, int]]:
    """The spans of a Markdown table row's cells (escaped pipes stay inside a cell)."""
    bars = [m.start() for m in re.finditer(r"(?<!\\)\|", line)]
    spans = []
    for a, b in zip(bars, bars[1:], strict=False):
        spans.append((base + a + 1, base + b))
    return spans


# ------------------------------------------------------------------------------ sentences
_ABBREVIATIONS = {
    "e.g",
    "i.e",
    "etc",
    "nat",
    "ave",
    "no",
    "vs",
    "approx",
    "dr",
    "mr",
    "mrs",
    "ms",
    "st",
    "cllr",
    "para",
    "paras",
    "app",
    "fig",
    "ref",
    "c",
    "inc",
    "incl",
    "pop",
    "est",
}
_END = re.compile(r"[.!?]+[\"')\]]*\s+(?=[\"'(‘“\[]?[A-Z0-9])")


def sentences(masked: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans within ``masked[start:end]``: a full stop, question or exclamation
    mark followed by a capital or a digit ends one, unless it closes an abbreviation
    ("Nat. Ave.", "e.g.") or an initial."""
    spans = []
    s = start
    chunk = masked[start:end]
    for m in _END.finditer(chunk):
        stop = start + m.start()
        word = re.search(r"([\w.]+)$", masked[s:stop])
        token = word.group(1).lower().rstrip(".") if word else ""
        if token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
            continue
        e = start + m.end()
        if masked[s:e].strip():
            spans.append(_trim(masked, s, e))
        s = e
    if masked[s:end].strip():
        spans.append(_trim(masked, s, end))
    return spans


def _trim(masked: str, s: int, e: int) -> tuple[int, int]:
    while s < e and masked[s].isspace():
        s += 1
    while e > s and masked[e - 1].isspace():
        e -= 1
    return s, e


_CLAUSE = re.compile(
    r"\s*;\s*|\s+[-–—]\s+|\s*—\s*"
    r"|,\s+(?=(?:while|whereas|although|though|but|however|and\s+(?:for|in|at|during|by|the)|again)\b)"
    r"|\s+(?=(?:while|whereas)\b)"
    r"|\s+(?=and\s+(?:for|in|at|during)\s)"
    r"|,\s+(?=and\s+(?:[A-Z]|the\s+[A-Z]))",
    re.I,
)


def clauses(masked: str, start: int, end: int) -> list[tuple[int, int]]:
    """Clause spans of a sentence: cut at semicolons, spaced dashes and before "while",
    "whereas", "although", "but", "and for ..." - the places where a sentence turns from
    one figure's subject or period to another's."""
    out = []
    s = start
    for m in _CLAUSE.finditer(masked, start, end):
        if m.start() > s:
            out.append((s, m.start()))
        s = m.end()
    if s < end:
        out.append((s, end))
    return [c for c in out if masked[c[0] : c[1]].strip()]
