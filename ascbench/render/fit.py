"""Fitting text to a terminal: tables whose columns share the width without ever breaking a
word (a number, an id or a code stays whole), and text wrapped at word boundaries. Used by
every command's terminal output (``rate``, ``rank``, ``metrics``, ``forecast``, ``explain``,
``narrate``)."""

from __future__ import annotations

import textwrap

GAP = 2  # tabulate's "simple" format: two spaces between columns


def tokens(text: str) -> list[str]:
    return [t for line in str(text).split("\n") for t in line.split()]


def layout(cells_by_row: list[list[str]], headers: list[str], weights: list[int], width: int) -> list[int]:
    """Column widths that sum to at most ``width``: each column at least its longest word
    (a number, id or code is never broken), the rest shared by weight up to what each needs."""
    n = len(headers)
    head = [len(h) + 2 for h in headers]  # tabulate pads a header by two (MIN_PADDING)
    need = [max([head[c]] + [len(r[c]) for r in cells_by_row]) for c in range(n)]
    least = [max([head[c]] + [max((len(t) for t in tokens(r[c])), default=0) for r in cells_by_row]) for c in range(n)]
    widths = least[:]
    spare = width - GAP * (n - 1) - sum(widths)
    while spare > 0:
        growing = [c for c in range(n) if widths[c] < need[c] and weights[c]]
        if not growing:
            break
        total = sum(weights[c] for c in growing)
        given = 0
        for c in growing:
            share = max(1, spare * weights[c] // total)
            add = min(share, need[c] - widths[c], spare - given)
            widths[c] += add
            given += add
            if given >= spare:
                break
        if given == 0:
            break
        spare -= given
    return widths


def wrap(text: str, width: int) -> str:
    lines = []
    for part in str(text).split("\n"):
        lines.extend(textwrap.wrap(part, width=width, break_long_words=False, break_on_hyphens=False) or [""])
    return "\n".join(lines)


def fit_table(rows: list[list[str]], headers: list[str], width: int, weights: list[int] | None = None) -> str:
    """A tabulate "simple" table of ``rows`` at most ``width`` wide where it can be: each
    column at least its longest word, the rest shared by ``weights`` (default: by need); cells
    wrapped at word boundaries."""
    from tabulate import tabulate

    cells = [["" if c is None else str(c) for c in r] for r in rows]
    weights = weights or [1] * len(headers)
    widths = layout(cells, headers, weights, width)
    if sum(widths) + GAP * (len(headers) - 1) > width:  # the columns cannot share the width: one record a row
        return records(cells, headers, width)
    wrapped = [[wrap(c, w) for c, w in zip(r, widths, strict=True)] for r in cells]
    return tabulate(wrapped, headers=headers, tablefmt="simple", disable_numparse=True) + "\n"


def records(rows: list[list[str]], headers: list[str], width: int) -> str:
    """Each row as a block of ``header: value`` lines (the terminal's card layout), for tables
    whose longest words alone are wider than ``width``; values wrap under themselves."""
    label = max((len(h) for h in headers), default=0) + 2
    blocks = []
    for row in rows:
        lines = []
        for h, c in zip(headers, row, strict=True):
            if not c:
                continue
            text = textwrap.wrap(
                c.replace("\n", " "), width=max(width - label, 20), break_long_words=False, break_on_hyphens=False
            ) or [""]
            lines.append(f"{(h + ':').ljust(label)}{text[0]}")
            lines += [" " * label + t for t in text[1:]]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def wrap_lines(text: str, width: int) -> str:
    """Each line of ``text`` wrapped at word boundaries to ``width``, continuation lines
    indented as the line's own indent plus two spaces; words longer than the width stay whole."""
    out = []
    for line in text.split("\n"):
        indent = line[: len(line) - len(line.lstrip(" "))]
        out.extend(
            textwrap.wrap(
                line, width=width, subsequent_indent=indent + "  ", break_long_words=False, break_on_hyphens=False
            )
            or [""]
        )
    return "\n".join(out)
