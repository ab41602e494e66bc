"""Output formats: one module per format, registered here by name.

Each module has ``render(results, **options) -> str`` (and may have ``render_bytes``). A new
format is one new module and one line in :data:`FORMATS`; the commands' ``--format`` choices
are the stream formats of this registry (``cli.common.format_option``), and the dashboard
writes its documents through :func:`render` too.
"""

from __future__ import annotations

import importlib

FORMATS = {
    "table": "ascbench.render.table",
    "csv": "ascbench.render.csv_out",
    "json": "ascbench.render.json_out",
    "markdown": "ascbench.render.markdown",
    "html": "ascbench.render.html",
    "xlsx": "ascbench.render.xlsx",
}
DOCUMENTS = ("html", "xlsx")  # whole documents, written by 'dashboard'; the others stream to stdout or -o


def stream_formats() -> tuple[str, ...]:
    """The formats a command can print: every registered format that is not a document."""
    return tuple(name for name in FORMATS if name not in DOCUMENTS)


def render(results, fmt: str, binary: bool = False, **options) -> str | bytes:
    """The frame in format ``fmt``: text, or with ``binary`` UTF-8 bytes (a format that can
    write bytes directly, as CSV does, skips the round trip through text)."""
    module = importlib.import_module(FORMATS[fmt])
    if binary:
        if hasattr(module, "render_bytes"):
            return module.render_bytes(results, **options)
        return module.render(results, **options).encode("utf-8")
    return module.render(results, **options)


CATALOGUE_COLUMNS = ["metric_id", "code", "title", "layer", "statistic", "polarity", "unit", "source", "tags"]


def render_catalogue(metrics, fmt: str) -> str:
    """The catalogue listing (``ascbench metrics``) in any of the formats."""
    frame = metrics[CATALOGUE_COLUMNS]
    if fmt == "table":
        from tabulate import tabulate

        return tabulate(frame.fillna("").values.tolist(), headers=CATALOGUE_COLUMNS, tablefmt="simple",
                        maxcolwidths=[24, 12, 40, 8, 10, 8, 9, 16, 20], disable_numparse=True) + "\n"
    if fmt == "markdown":
        lines = ["| " + " | ".join(CATALOGUE_COLUMNS) + " |", "|" + "---|" * len(CATALOGUE_COLUMNS)]
        for row in frame.fillna("").astype(str).values.tolist():
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in row) + " |")
        return "\n".join(lines) + "\n"
    return render(frame, fmt)
