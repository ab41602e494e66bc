"""The mean of unit values with Student's t confidence limits (PHEindicatormethods
``phe_mean``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ascbench.stats.errors import StatsError
from ascbench.stats.intervals import _check_confidence, mean_ci


def mean(values, *, groups=None, confidence: float = 0.95):
    """Mean of the values of each group with Student's t limits.

        mean ∓ |t_{(1−c)/2, k−1}| · s / √k      (s: the sample standard deviation, k values)

    A missing value is an error (as ``phe_mean``: every unit record counts). Returns
    ``value_sum, value_count, stdev, value, lower, upper`` per group (one row without
    ``groups``); a group of one value has no limits.

    >>> mean([33.09375, 48.38596, 64.83495, 67.98475, 22.93556, 71.23587, 38.78465, 82.37927]).round(6)
       value_sum  value_count      stdev      value      lower      upper
    0  429.63476            8  20.975575  53.704345  36.168325  71.240365
    """
    _check_confidence(confidence)
    x = np.asarray(values, dtype="float64")
    if np.isnan(x).any():
        raise StatsError("a value is missing", argument="values", expected="a number on every row")
    keys = np.zeros(len(x), dtype=int) if groups is None else np.asarray(groups, dtype=object)
    if len(keys) != len(x):
        raise StatsError(
            "groups has a different length from the values", argument="groups", expected="one group key per value"
        )
    s = pd.DataFrame({"key": keys, "x": x}).groupby("key", sort=False)["x"].agg(["sum", "count", "std"])
    ci = mean_ci(s["sum"] / s["count"], s["std"], s["count"], confidence)
    out = pd.DataFrame(
        {
            "value_sum": s["sum"].to_numpy(),
            "value_count": s["count"].to_numpy(),
            "stdev": s["std"].to_numpy(),
            "value": ci["value"].to_numpy(),
            "lower": ci["lower"].to_numpy(),
            "upper": ci["upper"].to_numpy(),
        },
        index=s.index,
    )
    out.index.name = None
    return out if groups is not None else out.reset_index(drop=True)
