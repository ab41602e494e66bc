"""Text from the data into markup, by one rule: the terminal's (:func:`ascbench.errors.printable`:
control characters, escape sequences and bidi overrides out, line breaks folded), then the
markup's own escaping. A title, name or note reaches HTML, SVG or Markdown as text, never as
markup, a link or a right-to-left override."""

from __future__ import annotations

import re
from html import escape

from ascbench.errors import printable


def html_text(value) -> str:
    """Text for HTML or SVG, attribute values included: printable, then ``& < > " '``
    escaped."""
    return escape(printable("" if value is None else value))


_MARKDOWN_SPECIAL = re.compile(r"([\\`\[\]])")


def markdown_text(value) -> str:
    """Text for Markdown: printable; ``<`` and ``>`` as entities (a title with <script> or an
    autolink <https://...> stays text; a lone ``&`` reads as itself); backslashes, backticks
    and square brackets escaped, so ``[text](url)`` and ``![alt](src)`` are no link or image."""
    text = printable("" if value is None else value)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text).replace("<", "&lt;").replace(">", "&gt;")


def markdown_cell(value) -> str:
    """:func:`markdown_text` for a table cell: ``|`` escaped too."""
    return markdown_text(value).replace("|", "\\|")


def markdown_table(frame) -> str:
    """Any frame as a Markdown table (rank's league, forecasts, the catalogue listing): every
    header and cell escaped, missing values empty, numbers as they are (up to 6 significant
    figures)."""
    import math
    import numbers

    def cell(v) -> str:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return ""
        if isinstance(v, bool):
            return str(v).lower()
        if isinstance(v, numbers.Integral):
            return str(v)
        if isinstance(v, numbers.Real):
            return f"{float(v):.6g}"
        return markdown_cell(v)

    columns = [markdown_cell(c) for c in frame.columns]
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in frame.itertuples(index=False):
        lines.append("| " + " | ".join(cell(v) for v in row) + " |")
    return "\n".join(lines) + "\n"
