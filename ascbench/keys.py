"""Key columns as integer codes: how the engine stays fast on millions of rows.

The observation and value frames repeat a few hundred strings (metric ids, area codes,
periods, statuses) millions of times. They are held as pandas categoricals (integer codes
into a list of the distinct strings), so joins, group-bys and comparisons work on integers
and each distinct string is looked at once. These helpers move between the two forms;
:func:`plain` turns categoricals back into ordinary text columns for the small frames that
the report builders edit cell by cell.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def is_categorical(series) -> bool:
    return isinstance(series.dtype, pd.CategoricalDtype)


def key_codes(series):
    """(codes, categories) of a key column with the categories in sorted (text) order, so
    that sorting by code sorts by text. Missing values get code -1. The codes keep the
    categorical's narrow integer type (int8 for up to 127 categories): cast to int64 before
    combining them arithmetically."""
    if is_categorical(series):
        categories = series.cat.categories
        codes = series.cat.codes.to_numpy()
        if not categories.is_monotonic_increasing:
            order = np.argsort(categories.to_numpy(dtype=object), kind="stable")
            remap = np.empty(len(order), dtype=np.int64)
            remap[order] = np.arange(len(order))
            codes = np.where(codes >= 0, remap[np.maximum(codes, 0)], -1)
            categories = categories[order]
        return codes, categories
    codes, uniques = pd.factorize(series, sort=True)
    return codes, pd.Index(uniques)


def categorical(codes, categories):
    """A categorical Series from codes into ``categories`` (a list or Index of text)."""
    return pd.Categorical.from_codes(np.asarray(codes), categories=pd.Index(categories, dtype="str"))


def per_category(series, func, dtype=object, missing=""):
    """``series.map(func)`` computed once per distinct value; returns a numpy array. Missing
    cells get ``func(missing)``."""
    if is_categorical(series):
        codes, uniques = series.cat.codes.to_numpy(), series.cat.categories
    else:
        codes, uniques = pd.factorize(series)
    results = np.empty(len(uniques) + 1, dtype=dtype)
    results[:] = [func(u) for u in uniques] + [func(missing)]
    return results[codes]  # code -1 (missing) takes the last


def recode(series, func):
    """A categorical whose values are ``func`` of ``series``' values, computed once per
    distinct value (distinct values that become equal are merged)."""
    if not is_categorical(series):
        series = series.astype("category")
    categories = series.cat.categories
    new = pd.Index([func(c) for c in categories], dtype="str")
    if new.equals(categories.astype("str")):
        return series  # nothing changes: no pass over the rows
    remap, uniques = pd.factorize(new)
    codes = series.cat.codes.to_numpy()
    out_codes = np.where(codes >= 0, remap[np.maximum(codes, 0)], -1) if len(remap) else codes
    return pd.Series(
        pd.Categorical.from_codes(out_codes, categories=pd.Index(uniques, dtype="str")),
        index=series.index,
        name=series.name,
    )


def decategorised(frame):
    """``frame`` with its categorical columns turned back into text (or their categories'
    type): for small frames that are edited cell by cell."""
    columns = [c for c in frame.columns if is_categorical(frame[c])]
    if not columns:
        return frame
    frame = frame.copy()
    for c in columns:
        frame[c] = frame[c].astype(frame[c].cat.categories.dtype)
    return frame


def lookup(keys, table, dtype=None):
    """``keys.map(table)`` as a numpy array, looking each distinct key up once (``table``: a
    Series indexed by key; unknown keys give NaN / None)."""
    if is_categorical(keys):
        codes, categories = keys.cat.codes.to_numpy(), keys.cat.categories
    else:
        codes, categories = pd.factorize(keys)
    found = table.reindex(categories).to_numpy(dtype=dtype)
    missing = np.array([np.nan if found.dtype.kind == "f" else None], dtype=found.dtype)
    return np.concatenate([found, missing])[codes]  # code -1 (missing key) takes the last


def stable_order(*keys):
    """Like ``np.lexsort(keys)`` (the last key sorts first) as a chain of stable argsorts,
    small integer keys narrowed to 16 bits so numpy sorts them by radix in linear time."""
    order = np.arange(len(keys[0]))
    for key in keys:
        k = np.asarray(key)[order]
        if k.dtype.kind in "iu" and len(k) and k.min() >= np.iinfo(np.int16).min and k.max() <= np.iinfo(np.int16).max:
            k = k.astype(np.int16)
        order = order[np.argsort(k, kind="stable")]
    return order


def combine(codes, sizes):
    """One int64 key for several integer codes (mixed radix): ``combine([a, b, c], [na, nb,
    nc])`` is ``(a * nb + b) * nc + c``, unique for every combination and ordered as
    ``(a, b, c)``. With :func:`split` the one place this arithmetic is written. Returns
    ``(key, space)``: the keys and the size of the key space."""
    key = np.asarray(codes[0]).astype(np.int64)
    for code, size in zip(codes[1:], sizes[1:], strict=True):
        key = key * int(size) + np.asarray(code)
    space = 1
    for size in sizes:
        space *= int(size)
    return key, space


def split(key, sizes):
    """The codes of a :func:`combine` key, one array per size, outermost first."""
    out = []
    for size in reversed(sizes[1:]):
        out.append(key % int(size))
        key = key // int(size)
    out.append(key)
    return out[::-1]


def sorted_keys(key, space: int):
    """(distinct keys in order, each row's position among them) for integer keys in
    ``[0, space)``: by marking a dense table when the key space is small (linear time),
    else by sorting (``np.unique``)."""
    if space <= 8 * len(key) + 1024:
        present = np.zeros(space, dtype=bool)
        present[key] = True
        keys = np.flatnonzero(present)
        position = np.cumsum(present) - 1
        return keys, position[key]
    return np.unique(key, return_inverse=True)


def expand(codes, links):
    """Rows repeated once for each link of their code: ``codes`` (a code per row, -1 for
    none) and ``links`` (the code of each link, e.g. the measure of each metric role, the
    area of each group membership). Returns ``(rows, link)``: a row index and a link index
    per output row. Rows whose code has no link are left out."""
    links = np.asarray(links)
    order = np.argsort(links, kind="stable")
    per_code = np.bincount(links, minlength=int(max(codes.max(initial=-1), links.max(initial=-1))) + 1)
    first = np.cumsum(per_code) - per_code
    rows = np.flatnonzero((codes >= 0) & (per_code[np.maximum(codes, 0)] > 0))
    if per_code.max(initial=0) <= 1:  # one link at most per code: no repeating
        return rows, order[first[codes[rows]]]
    repeat = per_code[codes[rows]]
    rows = np.repeat(rows, repeat)
    within = np.arange(len(rows)) - np.repeat(np.cumsum(repeat) - repeat, repeat)
    return rows, order[first[codes[rows]] + within]
