"""The results frame as CSV: every column, full precision, spreadsheet-safe.

Text cells that begin with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return are
prefixed with a single quote (OWASP, "CSV Injection"), so a spreadsheet does not run them as
formulas; numeric columns are written as numbers and never altered.
"""

from __future__ import annotations

import io

DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(frame):
    """Copy of ``frame`` with formula-like text cells made inert (vectorised: only the cells
    that start with a dangerous character are looked at one by one)."""
    import pandas as pd

    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            continue
        starts = series.astype("str").str.startswith(DANGEROUS_START).fillna(False).to_numpy(dtype=bool)
        if not starts.any():
            continue
        candidates = series[starts]
        risky = candidates.map(lambda v: isinstance(v, str))  # numbers held in a text column stay numbers
        risky = risky[risky.astype(bool)]
        if len(risky):
            out[column] = series.astype("object")
            out.loc[risky.index, column] = "'" + series[risky.index].astype(str)
    return out


def whole_numbers(frame):
    """Float columns whose values are all whole numbers (counts) print without ``.0``."""
    import numpy as np

    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if series.dtype.kind != "f":
            continue
        finite = series.dropna()
        if len(finite) and np.all(np.isfinite(finite)) and np.all(finite == np.round(finite)) \
                and finite.abs().max() < 2**53:
            out[column] = series.astype("Int64")
    return out


ARROW_FROM = 100_000  # rows: above this, pyarrow's C++ writer is used when it is installed


def _arrow_csv(frame) -> str | None:
    """The CSV from pyarrow's writer (an optional extra: ``pip install ascbench[fast]``), about
    ten times faster than pandas' for a million rows of floats; None when pyarrow is absent or
    cannot take the frame (pandas then writes it)."""
    try:
        import pyarrow as pa
        import pyarrow.csv as pc
    except ImportError:
        return None
    try:
        table = pa.Table.from_pandas(frame, preserve_index=False)
        buffer = io.BytesIO()
        pc.write_csv(table, buffer, pc.WriteOptions(quoting_style="needed"))
        return buffer.getvalue().decode("utf-8")
    except Exception:  # noqa: BLE001 - any type arrow cannot write: fall back to pandas
        return None


def render(results, bom: bool = False, **_) -> str:
    frame = neutralise(whole_numbers(results))
    text = _arrow_csv(frame) if len(frame) >= ARROW_FROM else None
    if text is None:
        buffer = io.StringIO()
        frame.to_csv(buffer, index=False, lineterminator="\n")
        text = buffer.getvalue()
    return ("\ufeff" + text) if bom else text
