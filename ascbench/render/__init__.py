"""Output formats: one module per format, registered here by name.

Each module has ``render(results, **options) -> str`` (and may have ``render_bytes``). A new
format is one new module and one line in :data:`FORMATS`; the commands' ``--format`` choices
are the stream formats of this registry (``cli.common.format_option``), and the dashboard
writes its documents through :func:`render` too.
"""

from __future__ import annotations

import importlib

from ascbench.render.fit import fit_table

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


def render_catalogue(metrics, fmt: str, width: int = 80) -> str:
    """The catalogue listing (``ascbench metrics``) in any of the formats; the table fits
    ``width`` (ids, codes and tags are never broken)."""
    frame = metrics[CATALOGUE_COLUMNS]
    if fmt == "table":
        rows = frame.fillna("").astype(str).values.tolist()
        rows = [r[:-1] + [r[-1].replace(",", ", ")] for r in rows]  # tags wrap between tags
        return fit_table(rows, CATALOGUE_COLUMNS, width, weights=[2, 1, 6, 1, 1, 1, 1, 2, 2])
    text = render(frame, fmt)
    assert isinstance(text, str)  # a text format, not bytes
    return text
