"""CSV safety for every CSV the tool writes (results, imports, CLD counts): text cells that
begin with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return are prefixed with a single
quote (OWASP, "CSV Injection"), so a spreadsheet does not run them as formulas; numbers are
never altered."""

from __future__ import annotations

import pandas as pd

from ascbench.keys import is_categorical, recode

DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")


def _inert(text):
    return "'" + text if isinstance(text, str) and text.startswith(DANGEROUS_START) else text


def neutralise(frame):
    """Copy of ``frame`` with formula-like text cells made inert (each distinct text of a
    categorical column is looked at once; other text columns only where a cell starts with a
    dangerous character)."""

    out = frame.copy(deep=False)
    for column in out.columns:
        series = out[column]
        if is_categorical(series):
            categories = series.cat.categories
            if categories.dtype == object or str(categories.dtype) in ("str", "string"):
                if categories.astype(str).str.startswith(DANGEROUS_START).any():
                    out[column] = recode(series, _inert)
            continue
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
