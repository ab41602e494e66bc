"""Compute: observations -> one value per metric x area x period.

A metric names the measures it is made of (``numerator``, ``denominator``, ``value``). For
every area and period in the data:

* a proportion or rate is ``numerator / denominator * multiplier`` (a percentage for
  multiplier 100, a rate per 100,000 for 100,000);
* a count is the numerator (times its multiplier, normally 1);
* where the counts are missing but the metric names a published ``value`` measure, that
  value is passed through (``value_basis`` = ``published``);
* where both exist, the value is computed from the counts and the published value is kept in
  ``published_value`` so that :func:`published_mismatch` can report a disagreement;
* except where a count is ``rounded`` (status: published rounded to the nearest
  :data:`ROUNDING`, as NHS England rounds ASCOF 4B and the regional and national Client Level
  Data counts for disclosure control): then the published value, computed from the true
  counts, is the value (``value_basis`` = ``published``), the rounded counts stay beside it,
  and :func:`published_mismatch` asks only whether the published value is one the rounded
  counts allow.

Full precision is kept; rounding happens only when rendering. A zero denominator gives a
missing value (with ``status`` "zero denominator"), never an error and never 0. A proportion
whose numerator is above its denominator (three ASCOF 2024-25 4B rows, which the publisher
marks ``[z]``) is never computed into a value above 100%: the published value is shown
where there is one, else no value, with the published status (``not applicable`` for
``[z]``) or ``numerator above denominator``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ascbench.catalogue.model import SCALES
from ascbench.keys import categorical, combine, expand, key_codes, sorted_keys, split

ROLES = {"numerator_measure": "numerator", "denominator_measure": "denominator", "value_measure": "published_value"}
QUALITY_FLAGS = ["implied", "estimated", "provisional", "low reliability", "rounded"]
ROUNDING = 5  # a "rounded" count is within ROUNDING / 2 of the true count
VALUE_COLUMNS = [
    "metric_id",
    "area_code",
    "period",
    "numerator",
    "denominator",
    "published_value",
    "value",
    "value_basis",
    "status",
    "numerator_status",
    "denominator_status",
    "published_status",
]


def metric_values(metrics, observations):
    """Values of every metric for every area and period that has any of its measures.

    ``metrics``: :meth:`Catalogue.metrics_frame`; ``observations``: the observations frame.
    Returns columns :data:`VALUE_COLUMNS`, sorted by metric, area and period; the key and
    status columns are categoricals (:mod:`ascbench.keys`).

    Vectorised over integer codes, in three steps: :func:`_placed` puts each observation in
    the numerator, denominator or published column of every metric that uses its measure;
    :func:`_computed` turns the columns into values; :func:`_status` says why a value is
    missing or how it is flagged.
    """
    placed = _placed(metrics, observations)
    if placed is None:
        return pd.DataFrame(columns=VALUE_COLUMNS)
    keys, sizes, metric_ids, a_cats, p_cats, columns, statuses, status_cats = placed
    out_k, out_a, out_p = split(keys, sizes)
    rounded_code = status_cats.index("rounded") if "rounded" in status_cats else -1
    rounded = (statuses["numerator"] == rounded_code) | (statuses["denominator"] == rounded_code)
    value, basis, zero_den, over = _computed(metrics, metric_ids, out_k, columns, rounded)
    status = _status(statuses, status_cats, value, zero_den, over)
    return pd.DataFrame(
        {
            "metric_id": categorical(out_k, metric_ids),
            "area_code": categorical(out_a, a_cats),
            "period": categorical(out_p, p_cats),
            "numerator": columns["numerator"],
            "denominator": columns["denominator"],
            "published_value": columns["published_value"],
            "value": value,
            "value_basis": categorical(basis, ["", "counts", "published"]),
            "status": categorical(status, status_cats),
            "numerator_status": categorical(statuses["numerator"], status_cats),
            "denominator_status": categorical(statuses["denominator"], status_cats),
            "published_status": categorical(statuses["published_value"], status_cats),
        }
    )


def _placed(metrics, observations):
    """Each observation row once for every metric and role its measure serves (a population
    denominator serves many metrics), placed by its (metric, area, period) key. Returns the
    distinct keys, the key sizes, the categories, and per role the values and status codes
    (``None`` when nothing is placed)."""
    roles = metrics.melt(id_vars=["metric_id"], value_vars=list(ROLES), var_name="role", value_name="measure").dropna(
        subset=["measure"]
    )
    role_names = list(ROLES.values())
    roles["role"] = roles["role"].map(ROLES).map(role_names.index)
    if observations.empty or roles.empty:
        return None
    m_codes, m_cats = key_codes(observations["measure"])
    roles["m"] = m_cats.get_indexer(roles["measure"])
    roles = roles[roles["m"] >= 0]
    if roles.empty:
        return None
    metric_ids = sorted(roles["metric_id"].unique())
    roles["k"] = pd.Index(metric_ids).get_indexer(roles["metric_id"])
    roles = roles.sort_values(["m", "k", "role"], kind="stable")
    rows, pair = expand(m_codes, roles["m"].to_numpy())
    k = roles["k"].to_numpy().astype(np.int64)[pair]
    role = roles["role"].to_numpy().astype(np.int8)[pair]
    del pair
    a_codes, a_cats = key_codes(observations["area_code"])
    p_codes, p_cats = key_codes(observations["period"])
    sizes = (len(metric_ids), len(a_cats), len(p_cats))
    key, space = combine((k, a_codes[rows], p_codes[rows]), sizes)
    del k
    keys, slot = sorted_keys(key, space)
    del key
    status_codes, status_cats = key_codes(observations["status"].fillna(""))
    status_cats = list(status_cats)
    for extra in ("", "missing", "zero denominator", "numerator above denominator"):
        if extra not in status_cats:
            status_cats.append(extra)
    blank = status_cats.index("")
    status_codes = np.where(status_codes >= 0, status_codes, blank)
    obs_value = observations["value"].to_numpy(dtype="float64")
    columns, statuses = {}, {}
    for r, name in enumerate(role_names):
        mine = role == r
        column = np.full(len(keys), np.nan)
        column[slot[mine]] = obs_value[rows[mine]]
        st = np.full(len(keys), blank, dtype=np.int32)
        st[slot[mine]] = status_codes[rows[mine]]
        columns[name], statuses[name] = column, st
    return keys, sizes, metric_ids, a_cats, p_cats, columns, statuses, status_cats


def _computed(metrics, metric_ids, out_k, columns, rounded):
    """(value, basis code, zero denominator, numerator above denominator) per placed key: a
    ratio from its counts times the multiplier, a count times its multiplier, else the
    published value; the published value before counts that were ``rounded``; a zero
    denominator gives no value, even beside a published one (docs/data-format.md); a
    proportion's numerator above its denominator is never computed (the published value, if
    any, stands)."""
    meta = metrics.drop_duplicates("metric_id").set_index("metric_id").loc[metric_ids]
    ratio = (
        np.isin(meta["statistic"].to_numpy(dtype=object), ["proportion", "rate"])
        & meta["denominator_measure"].notna().to_numpy()
    )[out_k]
    multiplier = meta["multiplier"].to_numpy(dtype="float64")[out_k]
    numerator, denominator, published = columns["numerator"], columns["denominator"], columns["published_value"]
    with np.errstate(divide="ignore", invalid="ignore"):
        den = np.where(denominator != 0, denominator, np.nan)
        computed = np.where(ratio, numerator / den, numerator) * multiplier
    proportion = (meta["statistic"].to_numpy(dtype=object) == "proportion")[out_k] & ratio
    over = proportion & (numerator > denominator) & (denominator != 0)  # a zero denominator says so itself
    has_counts = ~np.isnan(computed) & ~over & ~(rounded & ~np.isnan(published))
    zero_den = ratio & (denominator == 0)
    value = np.where(has_counts, computed, np.where(zero_den, np.nan, published))
    basis = np.where(has_counts, 1, np.where(np.isnan(published) | zero_den, 0, 2))
    return value, basis, zero_den, over


def _status(statuses, status_cats, value, zero_den, over):
    """A present value keeps a quality flag (implied, provisional, ...); a missing one says
    why, the suppression travelling from the cell that carried it."""
    blank = status_cats.index("")
    num_st, den_st, pub_st = statuses["numerator"], statuses["denominator"], statuses["published_value"]
    component = np.where(num_st != blank, num_st, np.where(den_st != blank, den_st, pub_st))
    is_quality = np.isin(np.asarray(status_cats, dtype=object), QUALITY_FLAGS)
    why = np.where(component != blank, component, status_cats.index("missing"))
    why = np.where(zero_den, status_cats.index("zero denominator"), why)
    why = np.where(over & (pub_st == blank), status_cats.index("numerator above denominator"), why)
    why = np.where(over & (pub_st != blank), pub_st, why)
    quality = np.where(is_quality[component], component, blank)
    return np.where(np.isnan(value), why, quality)


def rounded_range(values, metrics):
    """``(low, high)`` per row (aligned to ``values``): the values that counts rounded to the
    nearest :data:`ROUNDING` allow (each count anywhere within half a step of the rounded
    one); NaN where neither count is rounded."""
    meta = metrics.set_index("metric_id")
    ids = values["metric_id"].astype(str)
    ratio = ids.map(meta["statistic"]).isin(["proportion", "rate"]).to_numpy()
    multiplier = ids.map(meta["multiplier"]).astype("float64").to_numpy()
    rounded = ((values["numerator_status"] == "rounded") | (values["denominator_status"] == "rounded")).to_numpy()
    half = ROUNDING / 2
    num = values["numerator"].to_numpy(dtype="float64")
    den = values["denominator"].to_numpy(dtype="float64")
    n_half = np.where(values["numerator_status"] == "rounded", half, 0.0)
    d_half = np.where(values["denominator_status"] == "rounded", half, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        low = np.where(ratio, np.maximum(num - n_half, 0) / (den + d_half), num - n_half) * multiplier
        high = (
            np.where(ratio, (num + n_half) / np.where(den - d_half > 0, den - d_half, np.nan), num + n_half)
            * multiplier
        )
    if ratio.any():  # a proportion cannot pass 100%
        high = np.where(
            ratio & (ids.map(meta["statistic"]) == "proportion").to_numpy(), np.minimum(high, multiplier), high
        )
    return np.where(rounded, low, np.nan), np.where(rounded, high, np.nan)


def printed_decimals(numbers, most: int = 6):
    """The decimals each number was written with (3.1 -> 1, 6.64 -> 2, 95 -> 0), up to
    ``most``; NaN stays NaN."""
    x = np.abs(np.asarray(numbers, dtype="float64"))
    out = np.full(x.shape, float(most))
    for d in range(most - 1, -1, -1):
        exact = np.abs(np.round(x, d) - x) <= 1e-9 * np.maximum(x, 1)
        out = np.where(exact, d, out)
    return np.where(np.isnan(x), np.nan, out)


def published_mismatch(values, metrics):
    """Boolean Series (aligned to ``values``): a value computed from counts disagrees with
    the published value beyond the published precision, i.e. by more than half a unit in
    the metric's last printed decimal place; or, where the counts were rounded, the published
    value is one that no counts within the rounding could give (ASCOF 4B 2024-25: 95.3% for
    650 of 680, rounded to 5, is allowed: 647.5 / 682.5 is 94.9%, 652.5 / 677.5 96.3%)."""

    meta = metrics.set_index("metric_id")
    ids = values["metric_id"].astype(str)  # a categorical key maps to a categorical (one metric: no arithmetic)
    published = values["published_value"].to_numpy(dtype="float64")
    # the precision the figure was published at: its own decimals (3.1 in one year, 6.64 in
    # another), never finer than the catalogue prints
    decimals = np.minimum(ids.map(meta["decimals"]).astype("float64").to_numpy(), printed_decimals(published))
    scale = ids.map(meta["scale"]).map(SCALES).astype("float64").fillna(1.0).to_numpy()
    half_unit = 0.5 * 10.0 ** (-decimals) * scale
    both = (values["value_basis"] == "counts") & values["published_value"].notna()
    low, high = rounded_range(values, metrics)
    outside = ~np.isnan(low) & ((published < low - half_unit) | (published > high + half_unit))
    return (both & (np.abs(values["value"] - values["published_value"]) > half_unit * (1 + 1e-9))) | outside


def national_value(values, national: str | None, metric_id: str, period: str) -> float | None:
    """The national area's value of a metric in a period (from :func:`metric_values`: the
    value computed from its counts, else the published one), if the data have it. England's
    line on every league chart, the dashboard's and ``rank --chart``'s."""
    if not national:
        return None
    v = values
    hit = v[(v["metric_id"] == metric_id) & (v["area_code"] == national) & (v["period"] == period)]
    return float(hit["value"].iloc[0]) if len(hit) and pd.notna(hit["value"].iloc[0]) else None
