"""Confidence intervals for every computed value, at 95% and 99.8% in one pass.

* proportion: Wilson score limits of numerator / denominator, times the multiplier;
* rate: Poisson limits of the count (exact below 10 events, Byar's from 10) times
  multiplier / population;
* count: Poisson limits of the count itself;
* only where the metric's ``interval`` is on (default: proportions and rates, and metrics
  rated or compared by a statistical method; an administrative count has no sampling error);
* counts published rounded (status ``rounded``, :mod:`ascbench.engine.values`) give the
  same limits from the rounded counts: a close approximation for counts in the hundreds
  (ASCOF 4B), said in ``ci_method``;
* a published value or a score has no interval unless the data carry one: measures named
  ``<value measure>.lower95``, ``.upper95``, ``.lower998``, ``.upper998`` (as a Fingertips
  download does; ``ascof_3c1.lower95`` for the value measure ``ascof_3c1.published`` too), or
  ``<value measure>.moe`` (``ascof_3c1.moe``), the half-width of the 95% interval that the
  ASCOF survey measures publish as their "margin of error": value ± moe, and value ± moe ×
  z(0.999) / z(0.975) at 99.8% (the normal approximation the margin comes from).

Formulas: :mod:`ascbench.stats` and ``docs/methods.md``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ascbench import stats
from ascbench.keys import lookup

LEVELS = {"95": 0.95, "998": 0.998}
INTERVAL_COLUMNS = ["lower95", "upper95", "lower998", "upper998", "ci_method"]


def add_intervals(values, metrics, observations=None):
    """``values`` (from :func:`~ascbench.engine.values.metric_values`) with the interval columns."""

    out = values.copy(deep=False)
    meta = metrics.drop_duplicates("metric_id").set_index("metric_id")
    statistic = lookup(out["metric_id"], meta["statistic"], object)
    multiplier = pd.Series(lookup(out["metric_id"], meta["multiplier"].astype("float64")))
    x = out["numerator"].to_numpy(dtype="float64")
    n = out["denominator"].to_numpy(dtype="float64")
    wanted = lookup(out["metric_id"], meta["interval"], bool) if "interval" in meta.columns else True
    rounded = (out["numerator_status"] == "rounded") | (out["denominator_status"] == "rounded")
    from_counts = (out["value_basis"] == "counts") | (rounded & out["numerator"].notna())
    counts = from_counts.to_numpy() & np.asarray(wanted, dtype=bool)
    is_prop = counts & (statistic == "proportion") & (x <= n) & (x >= 0)
    is_rate = counts & (statistic == "rate") & (x >= 0)
    is_count = counts & (statistic == "count") & (x >= 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        per = np.where(is_count, 1.0, multiplier.to_numpy() / np.where(n > 0, n, np.nan))
    for suffix, level in LEVELS.items():
        lower = np.full(len(out), np.nan)
        upper = np.full(len(out), np.nan)
        if is_prop.any():
            lo, up = stats.wilson_limits(x[is_prop], n[is_prop], level)
            lower[is_prop] = lo * multiplier.to_numpy()[is_prop]
            upper[is_prop] = up * multiplier.to_numpy()[is_prop]
        poisson = is_rate | is_count
        if poisson.any():
            lo, up = stats.poisson_limits(x[poisson], level)
            scale = np.where(is_count, multiplier.to_numpy(), per)[poisson]
            lower[poisson] = lo * scale
            upper[poisson] = up * scale
        out[f"lower{suffix}"] = lower
        out[f"upper{suffix}"] = upper
    method = np.where(is_prop, 1, np.where(is_rate | is_count, np.where(x < stats.EXACT_BELOW, 2, 3), 0))
    method = np.where(np.isnan(out["lower95"].to_numpy()), 0, method)
    method = np.where((method > 0) & rounded.to_numpy(), method + 3, method)
    out["ci_method"] = pd.Categorical.from_codes(
        method,
        categories=[
            "",
            "Wilson",
            "exact Poisson",
            "Byar",
            "Wilson (rounded counts)",
            "exact Poisson (rounded counts)",
            "Byar (rounded counts)",
            "published",
        ],
    )
    if observations is not None:
        out = _published_limits(out, metrics, observations)
    return out


MOE_998 = 3.090232306167813 / 1.959963984540054  # z(0.999) / z(0.975)


def _published_limits(out, metrics, observations):
    """Fill limits the data publish for values without counts (``<measure>.lower95`` ...,
    or a margin of error ``<measure>.moe``)."""
    vm = metrics[["metric_id", "value_measure"]].dropna()
    if vm.empty:
        return out
    names = {
        f"{stem}.{c}": (mid, c)
        for mid, m in zip(vm["metric_id"], vm["value_measure"], strict=True)
        for stem in dict.fromkeys((m, m.removesuffix(".published")))
        for c in ("lower95", "upper95", "lower998", "upper998", "moe")
    }
    obs = observations[observations["measure"].isin(list(names))]
    if obs.empty:
        return out
    measure = obs["measure"].astype("str")
    obs = obs.assign(
        metric_id=measure.map({k: v[0] for k, v in names.items()}),
        column=measure.map({k: v[1] for k, v in names.items()}),
    )
    key = ["metric_id", "area_code", "period"]
    obs = obs.astype({"area_code": str, "period": str})
    wide = obs.pivot_table(index=key, columns="column", values="value", aggfunc="first")
    keyed = out[key].astype(str).set_index(key)
    published = out["value_basis"].eq("published").to_numpy() & np.isnan(out["lower95"].to_numpy(dtype="float64"))
    moe = wide.pop("moe").reindex(keyed.index).to_numpy() if "moe" in wide.columns else None
    value = out["value"].to_numpy(dtype="float64")
    for column in ("lower95", "upper95", "lower998", "upper998"):
        given = wide[column].reindex(keyed.index).to_numpy() if column in wide.columns else np.full(len(out), np.nan)
        if moe is not None:  # a margin of error: limits around the value, where no limit is given
            sign = -1.0 if column.startswith("lower") else 1.0
            scale = MOE_998 if column.endswith("998") else 1.0
            given = np.where(np.isnan(given), value + sign * scale * moe, given)
        fill = published & ~np.isnan(given)
        out.loc[fill, column] = given[fill]
        out.loc[fill, "ci_method"] = "published"
    return out
