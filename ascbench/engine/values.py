"""Compute: observations -> one value per metric x area x period.

A metric names the measures it is made of (``numerator``, ``denominator``, ``value``). For
every area and period in the data:

* a proportion or rate is ``numerator / denominator * multiplier`` (a percentage for
  multiplier 100, a rate per 100,000 for 100,000);
* a count is the numerator (times its multiplier, normally 1);
* where the counts are missing but the metric names a published ``value`` measure, that
  value is passed through (``value_basis`` = ``published``);
* where both exist, the value is computed from the counts and the published value is kept in
  ``published_value`` so that :func:`published_mismatch` can report a disagreement.

Full precision is kept; rounding happens only when rendering. A zero denominator gives a
missing value (with ``status`` "zero denominator"), never an error and never 0.
"""

from __future__ import annotations

ROLES = {"numerator_measure": "numerator", "denominator_measure": "denominator", "value_measure": "published_value"}
QUALITY_FLAGS = ["implied", "estimated", "provisional", "low reliability"]
VALUE_COLUMNS = [
    "metric_id", "area_code", "period", "numerator", "denominator", "published_value", "value",
    "value_basis", "status", "numerator_status", "denominator_status", "published_status",
]


def metric_values(metrics, observations):
    """Values of every metric for every area and period that has any of its measures.

    ``metrics``: :meth:`Catalogue.metrics_frame`; ``observations``: the observations frame.
    Returns columns :data:`VALUE_COLUMNS`.
    """
    import numpy as np
    import pandas as pd

    roles = metrics.melt(
        id_vars=["metric_id"], value_vars=list(ROLES), var_name="role", value_name="measure"
    ).dropna(subset=["measure"])
    roles["role"] = roles["role"].map(ROLES)
    obs = observations[["area_code", "period", "measure", "value", "status"]]
    long = roles.merge(obs, on="measure", how="inner")
    if long.empty:
        return pd.DataFrame(columns=VALUE_COLUMNS)
    wide = long.set_index(["metric_id", "area_code", "period", "role"])[["value", "status"]].unstack("role")
    out = pd.DataFrame(index=wide.index)
    for role in ("numerator", "denominator", "published_value"):
        status_name = "published_status" if role == "published_value" else f"{role}_status"
        present = ("value", role) in wide.columns
        out[role] = wide[("value", role)].astype("float64") if present else np.nan
        out[status_name] = wide[("status", role)].fillna("") if present else ""
    out = out.reset_index()
    out = out.merge(metrics[["metric_id", "statistic", "multiplier", "denominator_measure"]], on="metric_id")
    ratio = out["statistic"].isin(["proportion", "rate"]) & out["denominator_measure"].notna()
    with np.errstate(divide="ignore", invalid="ignore"):
        den = out["denominator"].where(out["denominator"] != 0)
        computed = np.where(ratio, out["numerator"] / den, out["numerator"]) * out["multiplier"]
    computed = pd.Series(computed, index=out.index, dtype="float64")
    has_counts = computed.notna()
    out["value"] = computed.where(has_counts, out["published_value"])
    out["value_basis"] = np.where(has_counts, "counts", np.where(out["published_value"].notna(), "published", ""))
    # status: a present value keeps a quality flag (implied, provisional, ...); a missing one
    # says why, the suppression travelling from the cell that carried it.
    component = out["numerator_status"].where(out["numerator_status"] != "", out["denominator_status"])
    component = component.where(component != "", out["published_status"])
    zero_den = ratio & (out["denominator"] == 0)
    missing = out["value"].isna()
    quality = component.where(component.isin(QUALITY_FLAGS), "")
    why = component.where(component != "", "missing").where(~zero_den, "zero denominator")
    out["status"] = why.where(missing, quality)
    return out[VALUE_COLUMNS]


def published_mismatch(values, metrics):
    """Boolean Series (aligned to ``values``): a value computed from counts disagrees with
    the published value beyond the published precision, i.e. by more than half a unit in
    the metric's last printed decimal place (ASCOF 4B: 650/680 = 95.59%, printed 95.3%)."""
    import numpy as np

    from ascbench.catalogue.model import SCALES

    meta = metrics.set_index("metric_id")
    decimals = values["metric_id"].map(meta["decimals"]).astype("float64")
    scale = values["metric_id"].map(meta["scale"]).map(SCALES).fillna(1)
    half_unit = 0.5 * 10.0 ** (-decimals) * scale
    both = (values["value_basis"] == "counts") & values["published_value"].notna()
    return both & (np.abs(values["value"] - values["published_value"]) > half_unit * (1 + 1e-9))
