"""Quantile groups and bands of a set of values.

Two conventions for quantile groups, which disagree where the number of values is not a
multiple of the number of groups (``docs/methods.md``, "Quantile groups"):

* ``type7``: the group from the value's position against the type-7 sample quantiles
  (Hyndman & Fan 1996, R's and numpy's default), as Fingertips' quintile comparison and LG
  Inform's quartiles do; 1 holds the lowest values.
* ``phe_rank``: PHEindicatormethods ``phe_quantile`` and OHID's "assigning deprivation
  categories": from each value's rank (ties take the lowest rank),
  ``q = floor((N + 1) − ceiling(((n + 1) − rank) / (n / N)))``, 0 becoming 1; with
  ``invert=True`` (PHE's default) group 1 holds the *highest* values.

:func:`band` places values in bands from supplied bounds (DfE LAIT's quartile bands with
published limits).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from ascbench.stats.errors import StatsError

QUANTILE_METHODS = ("type7", "phe_rank")


def _check_groups(groups) -> int:
    try:
        k = int(groups)
        ok = k == groups and k >= 2
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise StatsError(
            f"{groups!r} is not a number of quantile groups",
            argument="groups",
            expected="a whole number of 2 or more (4 quartiles, 5 quintiles, 10 deciles)",
        )
    return k


def type7_cut_points(values, groups: int) -> np.ndarray:
    """The ``groups - 1`` type-7 cut points of the non-missing values (NaN without values)."""
    k = _check_groups(groups)
    x = np.asarray(values, dtype="float64")
    x = x[~np.isnan(x)]
    if x.size == 0:
        return np.full(k - 1, np.nan)
    return np.quantile(x, np.arange(1, k) / k)


def quantile_groups(values, groups: int = 5, *, method: str = "type7", invert: bool = False):
    """The quantile group (1 ... ``groups``) of each value among all the values.

    ``method="type7"``: 1 + the number of type-7 cut points the value lies strictly above
    (a value equal to a cut point takes the lower group); ``invert`` reverses the numbering.
    ``method="phe_rank"``: PHE's rank formula (module docstring); ``invert=True`` puts the
    highest values in group 1, as ``phe_quantile``'s default.
    Fewer non-missing values than groups give no groups (NaN), as both tools do; a missing
    value gets none. Returns a float array.
    """
    k = _check_groups(groups)
    if method not in QUANTILE_METHODS:
        raise StatsError(f"quantile method {method!r} is not known", argument="method", expected="type7 or phe_rank")
    x = np.asarray(values, dtype="float64")
    present = ~np.isnan(x)
    n = int(present.sum())
    out = np.full(x.shape, np.nan)
    if n < k:
        return out
    if method == "type7":
        cuts = type7_cut_points(x, k)
        q = 1 + (x[present][:, None] > cuts[None, :]).sum(axis=1)
        out[present] = (k + 1 - q) if invert else q
        return out

    ranked = pd.Series(-x if invert else x).rank(method="min").to_numpy()
    with np.errstate(invalid="ignore"):
        q = np.floor((k + 1) - np.ceil(((n + 1) - ranked) / (n / k)))
    q = np.where(q == 0, 1, q)
    out[present] = q[present]
    return out


def band(values, bounds, labels=None, closed: str = "left"):
    """The band of each value from supplied bounds, lowest first (LAIT's quartile bands).

    ``bounds`` are ``m + 1`` increasing edges of ``m`` bands. ``closed="left"`` (the default):
    bands are ``[a, b)``, a value on an inner edge falls in the upper band; ``closed="right"``:
    bands are ``(a, b]``, it falls in the lower one. Both outer edges are inside. ``labels`` (default 1 ... m) name
    the bands. A value outside ``[bounds[0], bounds[-1]]`` is an error: supplied bounds that
    do not cover a value are wrong bounds, not a band. A missing value gets no band (None).

    >>> band([10, 25, 60, 100], [0, 25, 50, 75, 100], labels=["D", "C", "B", "A"])
    array(['D', 'C', 'B', 'A'], dtype=object)
    """
    edges = np.asarray(bounds, dtype="float64")
    if edges.ndim != 1 or edges.size < 2 or np.isnan(edges).any() or np.any(np.diff(edges) <= 0):
        raise StatsError(
            "band bounds must be two or more increasing numbers",
            argument="bounds",
            expected="increasing edges such as [0, 25, 50, 75, 100]",
        )
    if closed not in ("left", "right"):
        raise StatsError(f"closed={closed!r} is not a side", argument="closed", expected="left or right")
    m = edges.size - 1
    names = list(range(1, m + 1)) if labels is None else list(labels)
    if len(names) != m:
        raise StatsError(f"{len(names)} labels for {m} bands", argument="labels", expected=f"{m} labels")
    x = np.asarray(values, dtype="float64")
    present = ~np.isnan(x)
    outside = present & ((x < edges[0]) | (x > edges[-1]))
    if outside.any():
        bad = x[outside][0]
        raise StatsError(
            f"value {bad:g} is outside the band bounds {edges[0]:g} to {edges[-1]:g}",
            argument="bounds",
            expected="bounds that cover every value",
        )
    side: Literal["left", "right"] = "right" if closed == "left" else "left"
    idx = np.clip(np.searchsorted(edges, x, side=side) - 1, 0, m - 1)
    named = np.empty(m, dtype=object)
    named[:] = names
    out = named[idx]
    out[~present] = None
    return out
