"""The first glance: what a committee member should see before any table, and the filters and
orders of the dashboard's rows.

* :func:`headline`: for one area, the counts of :func:`ascbench.engine.tally.tally` (better /
  similar / worse and red / amber / green against the comparator, improved / similar / worse
  since last year) overall and by layer, then the metrics that are **red and getting worse**
  (``rag`` red and ``dot`` worse), then the other **red** ones, each list in dashboard order.
  Every format's headline reads this one answer, so the terminal, the page, the Markdown and
  the workbook say the same thing.
* :data:`ONLY` and :func:`select`: ``--only red|amber|worse|red-worsening|improved``;
  :data:`SORTS` and :func:`order`: ``--sort layer|rating|direction|rank`` (worst first but for
  ``layer``, the dashboard's own order).
* :func:`summary_frame`: the tallies as one frame (one row for all metrics, then one per
  layer), what ``rate --summary`` writes as CSV or JSON.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ascbench.engine.tally import tally

# --only: which rows a filter keeps (on the results frame's own columns)
ONLY: dict[str, str] = {
    "red": "rated red",
    "amber": "rated amber",
    "worse": "rated worse than the comparator or worse than last year",
    "red-worsening": "rated red and worse than last year",
    "improved": "improved since last year",
}
# --sort: the dashboard's order (layer), else worst first
SORTS: dict[str, str] = {
    "layer": "the dashboard's order: layer, then the catalogue's order",
    "rating": "red, amber, green, then blue, grey and unrated; the dashboard's order within each",
    "direction": "worse, similar, improved since last year, then the rest",
    "rank": "the lowest position among councils first (rank over rank_of), unranked last",
}
RAG_ORDER = {"red": 0, "amber": 1, "green": 2, "blue": 3, "grey": 4}
DOT_ORDER = {"worse": 0, "similar": 1, "improved": 2, "decreased": 3, "increased": 3}


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    return (
        frame[column].astype(object).where(frame[column].notna(), "") if column in frame else pd.Series("", frame.index)
    )


def masks(results: pd.DataFrame) -> dict[str, pd.Series]:
    """Each :data:`ONLY` name -> a boolean mask of ``results``."""
    rag, rating, dot = _text(results, "rag"), _text(results, "rating"), _text(results, "dot")
    return {
        "red": rag == "red",
        "amber": rag == "amber",
        "worse": (rating == "worse") | (dot == "worse"),
        "red-worsening": (rag == "red") & (dot == "worse"),
        "improved": dot == "improved",
    }


def select(results: pd.DataFrame, only: str | None) -> pd.DataFrame:
    """The rows of ``results`` that ``--only`` keeps (all of them for ``None``); the frame's
    ``attrs`` (the reporting period) go with them."""
    if only is None:
        return results
    if only not in ONLY:
        raise ValueError(f"only must be one of {', '.join(ONLY)}, not {only!r}")
    kept = results[masks(results)[only].to_numpy()]
    kept.attrs = dict(results.attrs)
    return kept


def _dashboard_order(results: pd.DataFrame) -> np.ndarray:
    keys = [results[c].to_numpy() for c in ("order", "layer_order") if c in results]
    return np.lexsort(keys) if keys else np.arange(len(results))


def order(results: pd.DataFrame, sort: str = "layer") -> pd.DataFrame:
    """``results`` in the order of ``--sort`` (:data:`SORTS`); ties keep the dashboard's
    order. ``layer`` is the results' own order (the engine's)."""
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
    if sort == "layer" or results.empty:
        return results
    base = _dashboard_order(results)
    frame = results.iloc[base]
    if sort == "rating":
        key = _text(frame, "rag").map(RAG_ORDER).fillna(len(RAG_ORDER)).to_numpy()
    elif sort == "direction":
        key = _text(frame, "dot").map(DOT_ORDER).fillna(len(DOT_ORDER)).to_numpy()
    else:
        with np.errstate(invalid="ignore", divide="ignore"):
            share = pd.to_numeric(frame["rank"], errors="coerce") / pd.to_numeric(frame["rank_of"], errors="coerce")
        key = np.where(share.notna(), -share.fillna(0).to_numpy(dtype="float64"), np.inf)
    out = frame.iloc[np.argsort(key, kind="stable")]
    out.attrs = dict(results.attrs)
    return out


@dataclass(frozen=True)
class Headline:
    """What the first screen of every format says, for one area.

    ``counts``: the area's :func:`~ascbench.engine.tally.tally` row over all its metrics (a
    dict of :data:`~ascbench.engine.tally.TALLY_COLUMNS`); ``layers``: the same by layer, in
    dashboard order; ``red_worsening`` and ``red``: the result rows rated red and worse than
    last year, and the other red rows, in dashboard order."""

    area_code: str
    area_name: str
    counts: dict
    layers: pd.DataFrame
    red_worsening: pd.DataFrame
    red: pd.DataFrame

    @property
    def metrics(self) -> int:
        return int(self.counts.get("metrics", 0))


def headline(results: pd.DataFrame, area: str | None = None) -> Headline:
    """The :class:`Headline` of ``area`` (default: the first area of ``results``)."""
    if results.empty:
        return Headline("", "", {}, pd.DataFrame(), results, results)
    codes = results["area_code"].astype(str)
    area = str(area) if area is not None else str(codes.iloc[0])
    mine = results[(codes == area).to_numpy()]
    mine = mine.iloc[_dashboard_order(mine)]
    counts = tally(mine, "none").iloc[0].to_dict()
    layers = tally(mine, "layer")
    m = masks(mine)
    return Headline(
        area_code=area,
        area_name=str(counts.get("area_name") or ""),
        counts=counts,
        layers=layers.reset_index(drop=True),
        red_worsening=mine[m["red-worsening"].to_numpy()],
        red=mine[(m["red"] & ~m["red-worsening"]).to_numpy()],
    )


def summary_frame(results: pd.DataFrame, metrics: pd.DataFrame | None = None) -> pd.DataFrame:
    """The tallies ``rate --summary`` writes: for each area, one row over all its metrics
    (``by`` ``none``, theme ``all``) followed by one per layer, with ``red_worsening``, the
    number of metrics rated red and worse than last year."""
    parts = []
    red_worsening = masks(results)["red-worsening"]
    for by in ("none", "layer"):
        counted = tally(results, by, metrics)
        theme = results["layer"].astype(object) if by == "layer" else pd.Series("all", index=results.index)
        key = pd.DataFrame({"area_code": results["area_code"].astype(str), "theme": theme.astype(str)})
        hits = key[red_worsening.to_numpy()].groupby(["area_code", "theme"]).size().rename("red_worsening")
        counted = counted.merge(hits.reset_index(), on=["area_code", "theme"], how="left")
        counted["red_worsening"] = counted["red_worsening"].fillna(0).astype(np.int64)
        parts.append(counted)
    out = pd.concat(parts, ignore_index=True)
    first = {a: i for i, a in enumerate(pd.unique(results["area_code"].astype(str)))}
    out = out.iloc[np.argsort(out["area_code"].map(first).to_numpy(), kind="stable")].reset_index(drop=True)
    return out
