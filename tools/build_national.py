"""Build the embedded default's national benchmark from published all-council files.

    python tools/build_national.py --ascof ascof_outcomes_2017_2024.csv \
        --neighbours oflog_nearest_neighbours.csv

Reads the stacked ASCOF data files (every council, region, council type and England,
2017-18 to 2023-24) with ascbench's own importer (``ascbench import ascof``), keeps the
series the default catalogue's metrics read, and writes into ``data/`` (the embedded default):

* ``observations-national-ascof.csv``: one row per area, year and series;
* ``areas.csv``: the default's own areas, then every area of the national file;
* ``groups.csv``: each council's nearest neighbours (Oflog's lists, ``NN-<code>``).

Where the default data already hold a value for the same area, period and measure (the seed
report's own figures), the report's row stays and the national one is dropped; the two are
compared at the report's printed precision and every disagreement is printed. The output is
sorted and written with fixed formatting, so the same inputs give the same bytes. Nothing in
ascbench or its tests runs this; it is how the committed files were made.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from ascbench.sources import embedded_catalogue, embedded_data  # noqa: E402

OUT_OBSERVATIONS = "observations-national-ascof.csv"
SOURCE = "ASCOF data files (NHS England/DHSC)"


def build(ascof: Path, neighbours: Path, data: Path, catalogue_path: Path) -> list[str]:
    import pandas as pd

    from ascbench.catalogue import load_catalogue
    from ascbench.engine.data import load as load_dataset
    from ascbench.importers import ascof as ascof_importer

    imported = ascof_importer.read([ascof])
    catalogue = load_catalogue(catalogue_path)
    wanted = {m.value for m in catalogue.metrics if m.value and m.value.startswith("ascof_")}
    obs = imported.observations
    obs = obs[obs["measure"].isin(wanted)].copy()
    report = [
        f"read {len(imported.observations):,} rows of {ascof.name}; {len(obs):,} are series the default "
        f"catalogue reads ({', '.join(sorted({m.split('.')[0] for m in obs['measure']}))})"
    ]

    existing = [p for p in sorted(data.glob("observations*.csv")) if p.name != OUT_OBSERVATIONS]
    seed = pd.concat([pd.read_csv(p, dtype=str, keep_default_na=False) for p in existing], ignore_index=True)
    key = ["area_code", "period", "measure"]
    both = obs.merge(seed[key + ["value"]].rename(columns={"value": "seed_value"}), on=key)
    for _, row in both.iterrows():
        printed = row["seed_value"]
        decimals = len(printed.split(".")[1]) if "." in printed else 0
        if printed and round(float(row["value"]), decimals) != round(float(printed), decimals):
            report.append(
                f"differs: {row['area_code']} {row['period']} {row['measure']}: national "
                f"{row['value']:g}, the report {printed} (the report's row is kept)"
            )
        elif printed and float(row["value"]) != float(printed):
            report.append(
                f"agrees at the report's precision: {row['area_code']} {row['period']} {row['measure']}: "
                f"national {row['value']:g}, the report {printed} (the report's row is kept)"
            )
    report.append(f"{len(both)} rows also in the report's data: the report's rows are kept")
    obs = obs.merge(seed[key], on=key, how="left", indicator=True)
    obs = obs[obs["_merge"] == "left_only"].drop(columns="_merge")
    obs = obs.assign(source=SOURCE, note="", status=obs["status"].fillna(""))
    obs = obs.sort_values(key).reset_index(drop=True)
    obs["value"] = [("" if pd.isna(v) else repr(float(v)).removesuffix(".0")) for v in obs["value"]]
    text = io.StringIO()
    obs[["area_code", "period", "measure", "value", "status", "source", "note"]].to_csv(
        text, index=False, lineterminator="\n"
    )
    (data / OUT_OBSERVATIONS).write_text(text.getvalue(), encoding="utf-8")

    areas = pd.read_csv(data / "areas.csv", dtype=str, keep_default_na=False)
    own = areas[
        ~areas["area_code"].isin(imported.areas["area_code"]) | areas["area_code"].isin(["E10000018", "E92000001"])
    ]
    national = imported.areas[~imported.areas["area_code"].isin(own["area_code"])]
    merged = pd.concat([own, national[["area_code", "area_name", "area_type", "region"]]], ignore_index=True)
    merged.to_csv(data / "areas.csv", index=False, lineterminator="\n")
    report.append(f"areas.csv: {len(own)} of the default's own areas, {len(national)} from the national file")

    nn = pd.read_csv(neighbours, dtype=str, keep_default_na=False)
    councils = set(
        merged.loc[~merged["area_type"].isin(["national", "region", "group", "council_type", "aggregate"]), "area_code"]
    )
    nn = nn[nn["area_code"].isin(councils) & nn["neighbour_code"].isin(councils)]
    groups = pd.DataFrame({"group_code": "NN-" + nn["area_code"], "member_code": nn["neighbour_code"]})
    groups = groups.drop_duplicates().sort_values(["group_code", "member_code"])
    groups.to_csv(data / "groups.csv", index=False, lineterminator="\n")
    report.append(
        f"groups.csv: nearest neighbours of {groups['group_code'].nunique()} councils ({len(groups)} memberships)"
    )

    dataset = load_dataset(data)  # the result must load as the tool loads it
    report.append(
        f"check: the default data load ({len(dataset.observations):,} observations, {len(dataset.areas)} areas)"
    )
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ascof", type=Path, required=True, help="the stacked ASCOF outcomes file")
    parser.add_argument("--neighbours", type=Path, required=True, help="Oflog's nearest-neighbour lists (long)")
    parser.add_argument("--data", type=Path, default=embedded_data(), help="the data directory to write into")
    parser.add_argument("--catalogue", type=Path, default=embedded_catalogue())
    args = parser.parse_args()
    for line in build(args.ascof, args.neighbours, args.data, args.catalogue):
        print(line)


if __name__ == "__main__":
    main()
