"""``engine.values.metric_values`` (vectorised over integer codes) against the slow obvious
way: for every metric, area and period, look up its numerator, denominator and published
value and apply docs/data-format.md's rules one row at a time."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from ascbench.engine.values import metric_values

STATUSES = ["", "", "", "suppressed", "provisional", "estimated"]


def _reference(metrics, observations):
    obs = {(r.area_code, r.period, r.measure): (r.value, r.status) for r in observations.itertuples()}
    areas, periods = sorted(set(observations["area_code"])), sorted(set(observations["period"]))
    out = {}
    for m in metrics.itertuples():
        for a in areas:
            for p in periods:
                num = obs.get((a, p, m.numerator_measure)) if isinstance(m.numerator_measure, str) else None
                den = obs.get((a, p, m.denominator_measure)) if isinstance(m.denominator_measure, str) else None
                pub = obs.get((a, p, m.value_measure)) if isinstance(m.value_measure, str) else None
                if num is None and den is None and pub is None:
                    continue  # no row: the metric has none of its measures here
                x = num[0] if num else math.nan
                n = den[0] if den else math.nan
                v = pub[0] if pub else math.nan
                ratio = m.statistic in ("proportion", "rate") and isinstance(m.denominator_measure, str)
                # a proportion's numerator above its denominator is never computed (ASCOF 4B [z] rows)
                over = ratio and m.statistic == "proportion" and n == n and n != 0 and x > n
                if over:
                    computed = math.nan
                elif ratio:
                    computed = x / n * m.multiplier if (n == n and n != 0) else math.nan
                else:
                    computed = x * m.multiplier
                zero = ratio and n == 0
                if computed == computed:
                    value, basis = computed, "counts"
                elif zero:
                    value, basis = math.nan, ""
                else:
                    value, basis = v, ("published" if v == v else "")
                component = next((c[1] for c in (num, den, pub) if c and c[1]), "")
                if value == value:
                    status = component if component in ("provisional", "estimated") else ""
                elif over:
                    status = pub[1] if pub and pub[1] else "numerator above denominator"
                else:
                    status = "zero denominator" if zero else (component or "missing")
                out[(m.metric_id, a, p)] = (x, n, v, value, basis, status)
    return out


@pytest.mark.parametrize("seed", range(20))
def test_vectorised_values_equal_row_by_row_rules(seed):
    rng = np.random.default_rng(seed)
    measures = [f"m{i}" for i in range(6)]
    rows = []
    for a in range(rng.integers(1, 6)):
        for p in range(rng.integers(1, 4)):
            for measure in rng.choice(measures, rng.integers(1, len(measures) + 1), replace=False):
                status = str(rng.choice(STATUSES))
                value = np.nan if status == "suppressed" else float(rng.integers(0, 5))  # zeros: zero denominators
                rows.append(
                    {
                        "area_code": f"A{a}",
                        "period": f"{2020 + p}-{21 + p}",
                        "measure": str(measure),
                        "value": value,
                        "status": status,
                    }
                )
    observations = pd.DataFrame(rows)
    metrics = pd.DataFrame(
        [
            {
                "metric_id": "prop",
                "statistic": "proportion",
                "numerator_measure": "m0",
                "denominator_measure": "m1",
                "value_measure": "m2",
                "multiplier": 100.0,
            },
            {
                "metric_id": "rate",
                "statistic": "rate",
                "numerator_measure": "m3",
                "denominator_measure": "m1",
                "value_measure": None,
                "multiplier": 100000.0,
            },
            {
                "metric_id": "count",
                "statistic": "count",
                "numerator_measure": "m4",
                "denominator_measure": None,
                "value_measure": None,
                "multiplier": 1.0,
            },
            {
                "metric_id": "score",
                "statistic": "score",
                "numerator_measure": None,
                "denominator_measure": None,
                "value_measure": "m5",
                "multiplier": 1.0,
            },
            {
                "metric_id": "shared",
                "statistic": "proportion",
                "numerator_measure": "m4",
                "denominator_measure": "m1",
                "value_measure": "m5",
                "multiplier": 100.0,
            },  # measures shared with other metrics
        ]
    )
    got = metric_values(metrics, observations)
    ref = _reference(metrics, observations)
    keys = list(zip(got["metric_id"].astype(str), got["area_code"].astype(str), got["period"].astype(str), strict=True))
    assert sorted(keys) == sorted(ref) and keys == sorted(keys)  # the same rows, in key order
    for key, r in zip(keys, got.itertuples(), strict=True):
        x, n, v, value, basis, status = ref[key]
        for have, want in ((r.numerator, x), (r.denominator, n), (r.published_value, v), (r.value, value)):
            assert (have != have and want != want) or have == pytest.approx(want, rel=1e-15), key
        assert (str(r.value_basis), str(r.status)) == (basis, status), key
