"""Tallies across metrics: how many of a set of metrics are better, similar or worse than
their comparator (and red, amber, green), improved, similar or worse than last year, and in
each performance quartile, for each area of a report, as the 2016/17 benchmarking
compendium printed them ("75 improved, 36 similar, 60 worse").

One function, :func:`tally`, reads the results frame of a
:class:`~ascbench.engine.report.Report` (docs/results.md); ``ascbench tally`` prints it and
the dashboard's headline counts the same way. Each row counts every metric of its set once
in exactly one column of each family, so ``rating_better + rating_similar + rating_worse +
rating_other == metrics`` (and likewise for ``rag_``, ``dot_`` and ``quartile_``):

* **rating** (against the comparator): ``better`` (also a quintile rating's ``best``),
  ``similar`` (a quintile's ``middle``) and ``worse`` (``worst``) for metrics with a
  polarity; ``other`` is everything else: no data, not compared, for information, and the
  ``higher`` / ``similar`` / ``lower`` of a metric without a polarity (blue), which is
  neither good nor bad.
* **rag**: the ``rag`` column as it is: ``green``, ``amber``, ``red``; ``other`` is blue,
  grey and none.
* **direction of travel**: ``improved``, ``similar``, ``worse`` for metrics with a polarity;
  ``other`` is no data, no previous data, not comparable, a definition change, and the
  ``increased`` / ``similar`` / ``decreased`` of a metric without a polarity.
* **performance quartile** (1 = best, as rank 1 is best): from ``band`` (A = 1 ... D = 4,
  DfE LAIT's bands: the results' ``quartile`` where it runs by performance), so a metric
  without a polarity is never counted in one; ``quartile_none`` counts metrics not
  ranked (no polarity, a ``range`` polarity, a group under four councils, no data).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

BY = ("none", "layer", "outcome", "tag")

TALLY_COLUMNS = [
    "area_code",
    "area_name",
    "by",
    "theme",
    "metrics",
    "rating_better",
    "rating_similar",
    "rating_worse",
    "rating_other",
    "rag_green",
    "rag_amber",
    "rag_red",
    "rag_other",
    "dot_improved",
    "dot_similar",
    "dot_worse",
    "dot_other",
    "quartile_1",
    "quartile_2",
    "quartile_3",
    "quartile_4",
    "quartile_none",
    "rating_summary",
    "rag_summary",
    "dot_summary",
    "quartile_summary",
]

# each family: the words counted in each column (a metric with a polarity), anything else is "other"
RATING_WORDS: dict[str, tuple[str, ...]] = {
    "better": ("better", "best"),
    "similar": ("similar", "middle"),
    "worse": ("worse", "worst"),
}
DOT_WORDS: dict[str, tuple[str, ...]] = {"improved": ("improved",), "similar": ("similar",), "worse": ("worse",)}
RAG = ("green", "amber", "red")
BAND_QUARTILE = {"A": 1, "B": 2, "C": 3, "D": 4}
POLAR = ("high", "low", "range")


def _family(words: pd.Series, polar: np.ndarray, table: dict[str, tuple[str, ...]]) -> pd.Series:
    """Each row's column of a family (``better`` ... ``other``): the words of a metric with a
    polarity; every other row is ``other``."""
    out = pd.Series("other", index=words.index, dtype=object)
    text = words.astype(object).where(words.notna(), "")
    for column, said in table.items():
        out[polar & text.isin(said).to_numpy()] = column
    return out


def _summary(counts: pd.DataFrame, columns: list[str], words: list[str]) -> pd.Series:
    """``"75 improved, 36 similar, 60 worse"``: each count followed by its word."""
    out = pd.Series("", index=counts.index, dtype=object)
    for i, (column, word) in enumerate(zip(columns, words, strict=True)):
        out = out + ("" if i == 0 else ", ") + counts[column].astype(str) + " " + word
    return out


def tally(results: pd.DataFrame, by: str = "none", metrics: pd.DataFrame | None = None) -> pd.DataFrame:
    """Counts of each area's metrics by rating, RAG, direction of travel and performance
    quartile (module docstring), one row per area and theme (:data:`TALLY_COLUMNS`).

    ``results``: a report's results frame (one row per metric and area). ``by``: ``none``
    (one row per area, theme ``all``), ``layer``, ``outcome`` (a metric without one is not
    counted) or ``tag`` (a metric counts under each of its tags; ``metrics``, the catalogue's
    metrics frame, gives them). Areas keep the order of ``results``; themes follow the
    dashboard's order (layers by ``layer_order``, outcomes and tags as first met)."""
    if by not in BY:
        raise ValueError(f"by must be one of {', '.join(BY)}, not {by!r}")
    frame = results.reset_index(drop=True)
    polar = frame["polarity"].astype(object).isin(POLAR).to_numpy()
    rows = pd.DataFrame(
        {
            "area_code": frame["area_code"].astype(str),
            "area_name": frame["area_name"].astype(object).where(frame["area_name"].notna(), ""),
            "metric_id": frame["metric_id"].astype(str),
            "rating": _family(frame["rating"], polar, RATING_WORDS),
            "rag": frame["rag"].astype(object).where(frame["rag"].isin(RAG), "other"),
            "dot": _family(frame["dot"], polar, DOT_WORDS),
            "quartile": frame["band"].astype(object).map(BAND_QUARTILE).map("{:.0f}".format, na_action="ignore"),
        }
    )
    rows["quartile"] = rows["quartile"].astype(object).fillna("none")  # all-missing bands read as float
    if by == "none":
        rows["theme"] = "all"
    elif by == "layer":
        order = frame["layer_order"].to_numpy() if "layer_order" in frame else np.arange(len(frame))
        rows["theme"] = frame["layer"].astype(object)
        rows = rows.iloc[np.argsort(order, kind="stable")]
    elif by == "outcome":
        rows["theme"] = frame["outcome"].astype(object)
    else:
        if metrics is None:
            raise ValueError("a tally by tag needs the metrics frame (its tags)")
        tag = metrics.set_index("metric_id")["tags"].astype(str).str.split(",").explode().str.strip()
        rows = rows.merge(tag[tag != ""].rename("theme").reset_index(), on="metric_id", how="inner", sort=False)
    rows = rows[rows["theme"].notna() & (rows["theme"].astype(str) != "")]
    areas = pd.unique(frame["area_code"].astype(str))
    themes = pd.unique(rows["theme"].astype(str))
    keys = pd.MultiIndex.from_product([areas, themes], names=["area_code", "theme"])
    counted: list[pd.Series | pd.DataFrame] = [
        rows.groupby(["area_code", "theme"], sort=False).size().rename("metrics")
    ]
    families: list[tuple[str, list[str]]] = [
        ("rating", [*RATING_WORDS, "other"]),
        ("rag", [*RAG, "other"]),
        ("dot", [*DOT_WORDS, "other"]),
        ("quartile", ["1", "2", "3", "4", "none"]),
    ]
    for family, columns in families:
        wide = pd.crosstab([rows["area_code"], rows["theme"]], rows[family])
        wide = wide.reindex(columns=columns, fill_value=0)
        wide.columns = [f"{family}_{c}" for c in columns]
        counted.append(wide)
    out = pd.concat(counted, axis=1).reindex(keys).dropna(subset=["metrics"])
    out = out.fillna(0).astype(np.int64).reset_index()
    names = dict(zip(rows["area_code"], rows["area_name"], strict=False))
    out.insert(1, "area_name", out["area_code"].map(names).fillna(""))
    out.insert(2, "by", by)
    out["rating_summary"] = _summary(out, [f"rating_{w}" for w in RATING_WORDS], list(RATING_WORDS))
    out["rag_summary"] = _summary(out, [f"rag_{w}" for w in RAG], list(RAG))
    out["dot_summary"] = _summary(out, [f"dot_{w}" for w in DOT_WORDS], list(DOT_WORDS))
    out["quartile_summary"] = _summary(out, [f"quartile_{q}" for q in "1234"], [f"in quartile {q}" for q in "1234"])
    return out[TALLY_COLUMNS]
