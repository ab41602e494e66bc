"""Seeded generator of national-scale inputs for the benchmark.

    python benchmarks/generate.py --rows 1000000 --out /tmp/asc-1m [--seed 1]

Writes a data directory (areas.csv, observations.csv, dataset.yaml) and metrics.yaml with
``--metrics`` metrics (half proportions, a third rates per 100,000, the rest counts) over
councils x financial years chosen to give about ``--rows`` metric rows (153 councils and 300
metrics x 20 years is 918,000; 10M rows uses more years and synthetic councils). Every metric
row is a numerator and a denominator observation; about 1% of numerators are suppressed ('c').
Values are drawn from a seeded numpy generator, so the same arguments give the same files.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

COUNCILS = 153


def shape(rows: int, metrics: int = 300):
    """(areas, metrics, years) giving about ``rows`` metric rows."""
    per_metric_year = COUNCILS
    years = max(1, round(rows / (per_metric_year * metrics)))
    if years > 40:  # keep periods plausible: add synthetic councils instead
        years = 20
        areas = max(COUNCILS, round(rows / (metrics * years)))
        return areas, metrics, years
    if rows < per_metric_year * metrics:
        metrics = max(1, round(rows / per_metric_year))
        return COUNCILS, metrics, 1
    return COUNCILS, metrics, years


def build(rows: int, seed: int = 1, metrics: int = 300):
    rng = np.random.default_rng(seed)
    n_areas, n_metrics, n_years = shape(rows, metrics)
    codes = np.array([f"E{6 + i % 5:02d}{i:06d}" for i in range(n_areas)])
    years = [f"{y}-{(y + 1) % 100:02d}" for y in range(2025 - n_years, 2025)]
    kinds = np.where(
        np.arange(n_metrics) < n_metrics // 2,
        "proportion",
        np.where(np.arange(n_metrics) < n_metrics * 5 // 6, "rate", "count"),
    )
    grid = pd.MultiIndex.from_product([range(n_metrics), codes, years], names=["m", "area_code", "period"]).to_frame(
        index=False
    )
    k = kinds[grid["m"].to_numpy()]
    den = np.where(k == "rate", rng.integers(50_000, 1_500_000, len(grid)), rng.integers(50, 20_000, len(grid)))
    p = np.where(k == "rate", rng.uniform(0.0001, 0.01, len(grid)), rng.uniform(0.05, 0.95, len(grid)))
    num = rng.binomial(den, p)
    suppressed = rng.random(len(grid)) < 0.01
    num_text = np.where(suppressed, "c", num.astype(str))
    mname = np.char.add("m", grid["m"].to_numpy().astype(str))
    obs = pd.concat(
        [
            pd.DataFrame(
                {
                    "area_code": grid["area_code"],
                    "period": grid["period"],
                    "measure": np.char.add(mname, ".num"),
                    "value": num_text,
                }
            ),
            pd.DataFrame(
                {
                    "area_code": grid["area_code"],
                    "period": grid["period"],
                    "measure": np.char.add(mname, ".den"),
                    "value": den.astype(str),
                }
            ),
        ],
        ignore_index=True,
    )
    areas = pd.DataFrame(
        {
            "area_code": codes,
            "area_name": [f"Council {i}" for i in range(n_areas)],
            "area_type": "unitary",
            "region": [f"Region {i % 9}" for i in range(n_areas)],
        }
    )
    catalogue = ["metrics:"]
    for i, kind in enumerate(kinds):
        extra = ", multiplier: 100000" if kind == "rate" else ""
        den_part = f", denominator: m{i}.den" if kind != "count" else ""
        catalogue.append(
            f"  - {{id: M{i}, title: Metric {i}, statistic: {kind}, numerator: m{i}.num{den_part}{extra}, "
            f"polarity: {'high' if i % 2 else 'low'}}}"
        )
    return obs, areas, "\n".join(catalogue) + "\n", (n_areas, n_metrics, n_years)


def write(out: Path, rows: int, seed: int = 1, metrics: int = 300):
    obs, areas, catalogue, dims = build(rows, seed, metrics)
    out.mkdir(parents=True, exist_ok=True)
    (out / "data").mkdir(exist_ok=True)
    obs.to_csv(out / "data" / "observations.csv", index=False)
    areas.to_csv(out / "data" / "areas.csv", index=False)
    (out / "data" / "dataset.yaml").write_text(f"default_area: {areas['area_code'].iloc[0]}\n")
    (out / "metrics.yaml").write_text(catalogue)
    return dims


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=918_000)
    parser.add_argument("--metrics", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    dims = write(args.out, args.rows, args.seed, args.metrics)
    print(
        f"{dims[0]} areas x {dims[1]} metrics x {dims[2]} years = {dims[0] * dims[1] * dims[2]:,} metric rows "
        f"-> {args.out}"
    )


if __name__ == "__main__":
    main()
