"""The results frame as CSV: every column, full precision, spreadsheet-safe.

Text cells that begin with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return are
prefixed with a single quote (OWASP, "CSV Injection"), so a spreadsheet does not run them as
formulas; numeric columns are written as numbers and never altered. Float columns that hold
only whole numbers (counts) are written without ``.0``; missing values are empty cells.

Numbers are written in full: the shortest text that reads back as the same double. Outputs
of :data:`LARGE` rows or more are written by polars' multi-threaded writer (pandas formats
about a million numbers a second; polars ten times more); the values are identical, only
the exponent style of very small or large numbers differs (``1e-05`` / ``0.00001``).
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

from ascbench.io.csv_safety import neutralise
from ascbench.keys import is_categorical

LARGE = 50_000  # rows: from here on polars writes the file


def whole_number_columns(frame) -> list[str]:
    """Float columns whose values are all whole numbers (counts): written without ``.0``."""
    out = []
    for column in frame.columns:
        series = frame[column]
        if series.dtype.kind != "f":
            continue
        values = series.to_numpy()
        head = values[:1000]
        head = head[np.isfinite(head)]
        if len(head) and not np.all(head == np.round(head)):  # most float columns tell at once
            continue
        finite = values[~np.isnan(values)]
        if (
            len(finite)
            and np.all(np.isfinite(finite))
            and np.all(finite == np.round(finite))
            and np.abs(finite).max() < 2**53
        ):
            out.append(column)
    return out


def _polars_frame(frame, whole: list[str]):
    """The frame as a polars DataFrame ready to write, or None when polars is not installed
    or a column holds something other than text, numbers or booleans (pandas then writes
    it). Categorical columns become polars enums (codes, no copies of the text); empty text
    and missing values are both nulls, written as empty cells."""
    try:
        import polars as pl
    except ImportError:
        return None

    columns = []
    for name in frame.columns:
        series = frame[name]
        if is_categorical(series):
            categories = series.cat.categories.to_numpy(dtype=object)
            if not all(isinstance(c, str) for c in categories):
                return None
            named = [c for c in categories if c != ""]
            source = pl.Series([c if c != "" else None for c in categories] + [None], dtype=pl.String)
            source = source.cast(pl.Enum(named)) if named else source
            codes = series.cat.codes.to_numpy().astype(np.int64)
            column = source.gather(pl.Series(np.where(codes < 0, len(categories), codes)))  # -1: missing
        elif series.dtype.kind == "f":
            column = pl.Series(series.to_numpy(), nan_to_null=True)
            if name in whole:
                column = column.cast(pl.Int64)
        elif series.dtype.kind == "b":  # as pandas writes them
            column = pl.Series(np.where(series.to_numpy(), "True", "False"), dtype=pl.String)
        elif series.dtype.kind in "iu" and not isinstance(series.dtype, pd.api.extensions.ExtensionDtype):
            column = pl.Series(series.to_numpy())
        elif isinstance(series.dtype, pd.api.extensions.ExtensionDtype) and series.dtype.kind in "iu":
            column = pl.Series(series.to_numpy(dtype="float64", na_value=np.nan), nan_to_null=True).cast(pl.Int64)
        else:
            cells = series.to_numpy(dtype=object)
            present = pd.notna(cells)
            if not isinstance(series.dtype, pd.StringDtype) and not all(isinstance(c, str) for c in cells[present]):
                return None
            column = pl.Series(np.where(present & (cells != ""), cells, None), dtype=pl.String)
        columns.append(column.alias(str(name)))
    return pl.DataFrame(columns)


def write(results, handle, bom: bool = False) -> None:
    """Write the CSV (UTF-8) into the binary file ``handle``: a million-row output goes
    straight from polars to the file, never held as one piece in memory."""
    frame = neutralise(results)
    whole = whole_number_columns(frame)
    if bom:
        handle.write(b"\xef\xbb\xbf")
    fast = _polars_frame(frame, whole) if len(frame) >= LARGE else None
    if fast is not None:
        del frame
        fast.write_csv(handle, null_value="", quote_style="necessary", line_terminator="\n")
        return
    frame = frame.astype(dict.fromkeys(whole, "Int64"))
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n")
    handle.write(buffer.getvalue().encode("utf-8"))


def render_bytes(results, bom: bool = False, **_) -> bytes:
    """The CSV as UTF-8 bytes."""
    buffer = io.BytesIO()
    write(results, buffer, bom)
    return buffer.getvalue()


def render(results, bom: bool = False, **options) -> str:
    return render_bytes(results, bom, **options).decode("utf-8")
