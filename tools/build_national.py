"""Build the embedded default's national benchmark from published all-council files.

    python tools/build_national.py --shared DIR   # DIR: a folder of the published files below

(or each file by its option: ``--annex``, ``--datafile``, ``--outcomes``, ``--mye`` (repeated),
``--neighbours``; ``--data DIR`` writes elsewhere than ``data/``.)

Reads, with ascbench's own importers (``ascbench import ascof`` and ``ascbench import ons``):

* the ASCOF 2024-25 time-series tables (``ascof_2024_25_timeseries_annex.csv``): numerators
  and denominators of the Client Level Data measures (2024-25), 4B and 6B; survey outcomes
  with their bases and margins of error back to 2015-16; 6A. The tables use the 2023
  framework's codes in every year, so no crosswalk is applied to them; 2D(1) is filed as
  ``ascof_2d`` and 2E(1) as ``ascof_2e``, the names the catalogues read;
* the ASCOF 2020-21 data file (``ascof_2020_21_data_file.csv``): numerators and denominators
  of 2020-21, through the code crosswalk;
* the stacked ASCOF outcomes 2017-18 to 2023-24 (``ascof_outcomes_2017_2024.csv``): values;
* ONS mid-2022, mid-2023 and mid-2024 population estimates (MYE2 persons), filed under
  2022-23, 2023-24 and 2024-25: the 18-64, 65+ and 18+ denominators of ASCOF's rates;
* Oflog's nearest-neighbour lists (``oflog_nearest_neighbours.csv``).

Where two sources hold the same area, period and measure, the first of: the seed report's own
rows (the default's other observation files), the time-series tables, the 2020-21 data
file, the stacked outcomes. Every disagreement beyond the printed precision is printed.

Councils reorganised since 2019 (``ascbench.importers.reorganisations``) get lifetimes in
``areas.csv`` (``valid_from``, ``valid_to``, ``successors``). A row filed under an area for a
year in which that area did not exist is moved to the council that did and covers the same
ground (the tables give North Yorkshire's current code for 2017-18: that figure is North
Yorkshire County Council's); a row with no such council is dropped and reported.
Nearest-neighbour lists written in abolished councils' codes name their successors, and a
successor without a list of its own takes its predecessor's (Cumbria's for Cumberland and
for Westmorland and Furness); each change is printed.

Writes into ``data/`` (the embedded default): ``observations-national-ascof.csv``,
``observations-national-populations.csv``, ``areas.csv`` and ``groups.csv``; the output is
sorted and written with fixed formatting, so the same inputs give the same bytes. Nothing in
ascbench or its tests runs this; it is how the committed files were made.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from ascbench.engine.data import load as load_dataset  # noqa: E402
from ascbench.importers import ascof as ascof_importer  # noqa: E402
from ascbench.importers import ons as ons_importer  # noqa: E402
from ascbench.importers.common import Imported  # noqa: E402
from ascbench.importers.reorganisations import REORGANISATIONS, lifetimes  # noqa: E402
from ascbench.periods import parse_period  # noqa: E402

DATA = HERE.parent / "data"
DEFAULT_NAMES = {
    "annex": "ascof_2024_25_timeseries_annex.csv",
    "datafile": "ascof_2020_21_data_file.csv",
    "outcomes": "ascof_outcomes_2017_2024.csv",
    "mye": tuple(f"ons_mye2_persons_mid-{y}.csv" for y in (2022, 2023, 2024)),
    "neighbours": "oflog_nearest_neighbours.csv",
}


@dataclass(frozen=True)
class Inputs:
    annex: Path
    datafile: Path
    outcomes: Path
    mye: list[Path]
    neighbours: Path


OUT_ASCOF = "observations-national-ascof.csv"
OUT_POPULATIONS = "observations-national-populations.csv"
KEY = ["area_code", "period", "measure"]
SOURCES = {
    "annex": "ASCOF 2024-25 time-series tables (DHSC)",
    "datafile": "ASCOF 2020-21 data file (NHS Digital)",
    "outcomes": "ASCOF data files 2017-18 to 2023-24 (NHS England/DHSC)",
    "ons": "ONS mid-year population estimates (MYE2)",
}
# the tables' 2024-25 codes whose series goes by another name in ascbench's catalogues: 2D(1), the
# new Client Level Data measure (living at home 12 weeks after discharge), is ``ascof_2d``; 2E(1),
# adults with a learning disability at home (1G before 2023), continues ``ascof_2e``
SERIES = {
    f"ascof_{old}.{part}": f"ascof_{new}.{part}"
    for old, new in (("2d1", "2d"), ("2e1", "2e"))
    for part in ("num", "den", "published")
}
POPULATION_BANDS = ("population.18-64", "population.65+", "population.18+")
REGION_NAMES = {  # ONS's names of the English regions (RGN)
    "E12000001": "North East",
    "E12000002": "North West",
    "E12000003": "Yorkshire and The Humber",
    "E12000004": "East Midlands",
    "E12000005": "West Midlands",
    "E12000006": "East of England",
    "E12000007": "London",
    "E12000008": "South East",
    "E12000009": "South West",
}
COUNCIL_TYPE_CODES = {
    "Shire Counties": "CT-COUNTY",
    "Unitary Authority": "CT-UNITARY",
    "Metropolitan District": "CT-METROPOLITAN",
    "Inner London": "CT-INNER-LONDON",
    "Outer London": "CT-OUTER-LONDON",
}


def alive(area_codes: pd.Series, periods: pd.Series, life: pd.DataFrame) -> pd.Series:
    """Whether each area existed at the end of each period (no lifetime: always)."""
    ends = periods.map(lambda p: pd.Timestamp(parse_period(p).end))
    frm = area_codes.map(life.set_index("area_code")["valid_from"]).fillna("")
    to = area_codes.map(life.set_index("area_code")["valid_to"]).fillna("")
    starts = frm.map(lambda p: pd.Timestamp(parse_period(p).start) if p else pd.Timestamp.min)
    stops = to.map(lambda p: pd.Timestamp(parse_period(p).end) if p else pd.Timestamp.max)
    return (starts <= ends) & (ends <= stops)


def continuation(life: pd.DataFrame) -> dict[str, str]:
    """Each reorganised council's one-to-one continuation, both ways: a successor for its
    predecessor when it is the only successor whose sole predecessor that was (Dorset County
    -> Dorset; not Cumbria, split in two); a predecessor for its successor when each is the
    other's only one (North Yorkshire Council -> North Yorkshire County Council)."""
    predecessors = {new: olds for new, (olds, _) in REORGANISATIONS.items()}
    successors: dict[str, list[str]] = {}
    for new, olds in predecessors.items():
        for old in olds:
            successors.setdefault(old, []).append(new)
    out = {}
    for old, news in successors.items():
        sole = [new for new in news if predecessors[new] == [old]]
        if len(sole) == 1:
            out[old] = sole[0]
            if len(news) == 1:
                out[sole[0]] = old
    return out


def recode_to_lifetimes(obs: pd.DataFrame, life: pd.DataFrame, report: list[str], label: str) -> pd.DataFrame:
    """Rows filed under an area for a period in which it did not exist: moved to its
    one-to-one continuation where that existed then, else dropped (both reported)."""
    codes = set(life["area_code"])
    inside = obs["area_code"].isin(codes)
    if not inside.any():
        return obs
    out_of_life = inside & ~alive(obs["area_code"], obs["period"], life)
    if not out_of_life.any():
        return obs
    other = obs.loc[out_of_life, "area_code"].map(continuation(life))
    movable = other.notna()
    movable[movable] = alive(other[movable], obs.loc[out_of_life, "period"][movable], life)
    moved = obs.loc[out_of_life].loc[movable].assign(area_code=other[movable])
    for (old, new), n in (
        moved.assign(old=obs.loc[moved.index, "area_code"]).groupby(["old", "area_code"]).size().items()
    ):
        years = sorted(obs.loc[moved.index][obs.loc[moved.index, "area_code"] == old]["period"].unique())
        report.append(f"{label}: {n} rows of {old} for {', '.join(years)} filed under {new}, which existed then")
    # a moved row the continuation already has: kept once (the tables repeat Dorset's 2024-25 survey
    # values under the county's row); a different value is reported
    clash = moved.merge(obs.loc[~out_of_life, [*KEY, "value"]], on=KEY, suffixes=("", "_own"))
    if len(clash):
        differ = clash[(clash["value"] - clash["value_own"]).abs() > 1e-9]
        report.append(
            f"{label}: {len(clash)} moved rows the council already has ({len(differ)} with another value; its own kept)"
        )
        moved = moved.merge(clash[KEY], on=KEY, how="left", indicator=True)
        moved = moved[moved["_merge"] == "left_only"].drop(columns="_merge")
    dropped = obs.loc[out_of_life].loc[~movable]
    for code, rows in dropped.groupby("area_code"):
        report.append(
            f"{label}: {len(rows)} rows of {code} dropped ({rows['value'].notna().sum()} with a value): for years "
            "in which it did not exist, with no one-to-one continuation"
        )
    return pd.concat([obs.loc[~out_of_life], moved], ignore_index=True)


def read_annex(path: Path, work: Path) -> Imported:
    """The time-series tables write the 2023 framework's codes in every year, where the
    importer reads a year before 2023-24 in the old framework's codes: each year is read as
    if it were 2024-25 (no crosswalk) and filed under its own year again."""
    tables = pd.read_csv(path, dtype=str, keep_default_na=False)
    parts, areas = [], []
    for year, rows in tables.groupby("Year", sort=True):
        one = work / f"annex-{year}.csv"
        rows.assign(Year="2024-25").to_csv(one, index=False)
        imported = ascof_importer.read([one])
        parts.append(
            imported.observations.assign(period=year, measure=imported.observations["measure"].replace(SERIES))
        )
        areas.append(imported.areas)
    observations = pd.concat(parts, ignore_index=True)
    all_areas = pd.concat(areas, ignore_index=True).drop_duplicates("area_code")
    return Imported(observations=observations, areas=all_areas)


def published_disagreements(winner: pd.DataFrame, loser: pd.DataFrame, names: str, report: list[str]) -> None:
    both = winner.merge(loser[[*KEY, "value"]], on=KEY, suffixes=("", "_other"))
    both = both[both["value"].notna() & both["value_other"].notna()]
    differs = (both["value"] - both["value_other"]).abs() > 0.051
    report.append(f"{names}: {len(both):,} values in both, {int(differs.sum())} differ by more than 0.05")
    for _, r in both[differs].head(12).iterrows():
        report.append(f"  {r['area_code']} {r['period']} {r['measure']}: {r['value']:g} and {r['value_other']:g}")


def stack(parts: list[tuple[str, pd.DataFrame]], report: list[str]) -> pd.DataFrame:
    """The rows of each source not already given by an earlier one."""
    kept = []
    seen = pd.DataFrame(columns=KEY)
    for label, frame in parts:
        if len(seen):
            published_disagreements(pd.concat(kept), frame, f"{label} against the sources before it", report)
        fresh = frame.merge(seen, on=KEY, how="left", indicator=True)
        fresh = fresh[fresh["_merge"] == "left_only"].drop(columns="_merge")
        report.append(f"{label}: {len(frame):,} rows, {len(fresh):,} not already given")
        kept.append(fresh)
        seen = pd.concat([seen, fresh[KEY]], ignore_index=True)
    return pd.concat(kept, ignore_index=True)


CLD_MEASURES = ("2a", "2b", "2c", "2d", "2d2", "2e", "2e2a", "2e2b", "3d1a", "3d2a")


def mark_rounded(obs: pd.DataFrame, report: list[str]) -> pd.DataFrame:
    """Counts the tables publish rounded to the nearest 5 (their notes): every 4B numerator
    and denominator, and the regional, council-type and national counts of the Client Level
    Data measures. Status ``rounded``: the published outcome, from the true counts, is the
    value (docs/data-format.md)."""
    source = obs["source"] == SOURCES["annex"]
    count = obs["measure"].str.endswith((".num", ".den"))
    series = obs["measure"].str.split(".").str[0]
    aggregate = ~obs["area_code"].str.match(r"^E(06|07|08|09|10)\d{6}$")
    rounded = (
        source & count & ((series == "ascof_4b") | (series.isin([f"ascof_{m}" for m in CLD_MEASURES]) & aggregate))
    )
    report.append(
        f"{int(rounded.sum()):,} counts marked rounded (4B everywhere; CLD counts of regions, types, England)"
    )
    return obs.assign(status=obs["status"].mask(rounded & (obs["status"] == ""), "rounded"))


def drop_rows(path: Path, keys: pd.DataFrame) -> int:
    """Remove from an observation file the rows with these keys, every other line (header,
    comments, rows) kept byte for byte; returns how many were removed."""
    import csv

    wanted = set(map(tuple, keys[KEY].to_numpy()))
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = next(csv.reader([lines[0]]))
    at = [header.index(k) for k in KEY]
    kept = [lines[0]]
    for line in lines[1:]:
        cells = next(csv.reader([line])) if line.strip() and not line.lstrip().startswith("#") else []
        if cells and tuple(cells[i] for i in at) in wanted:
            continue
        kept.append(line)
    if len(kept) != len(lines):
        path.write_text("".join(kept), encoding="utf-8")
    return len(lines) - len(kept)


def write_observations(obs: pd.DataFrame, path: Path) -> None:
    obs = obs.sort_values(KEY).reset_index(drop=True)
    obs["value"] = [("" if pd.isna(v) else repr(float(v)).removesuffix(".0")) for v in obs["value"]]
    text = io.StringIO()
    obs[["area_code", "period", "measure", "value", "status", "source", "note"]].to_csv(
        text, index=False, lineterminator="\n"
    )
    path.write_text(text.getvalue(), encoding="utf-8")


def build(inputs: Inputs, data: Path) -> list[str]:
    report: list[str] = []
    life = lifetimes()
    with tempfile.TemporaryDirectory() as work:
        annex = read_annex(inputs.annex, Path(work))
    datafile = ascof_importer.read([inputs.datafile], period="2020-21")
    outcomes = ascof_importer.read([inputs.outcomes])
    parts = []
    for label, imported, fix in (
        ("annex", annex, None),
        ("datafile", datafile, None),
        ("outcomes", outcomes, None),
    ):
        obs = imported.observations
        obs = fix(obs) if fix else obs
        obs = obs[obs["measure"].str.startswith("ascof_") & ~obs["measure"].str.startswith("ascof_pre2023_")]
        obs = obs[obs["area_code"].str.match(r"^(E\d{8}|CT-)")]
        obs = recode_to_lifetimes(obs.copy(), life, report, label)
        obs = obs.assign(source=SOURCES[label], note="", status=obs["status"].fillna(""))
        parts.append((label, obs))

    existing = [p for p in sorted(data.glob("observations*.csv")) if p.name not in (OUT_ASCOF, OUT_POPULATIONS)]
    seed = pd.concat([pd.read_csv(p, dtype=str, keep_default_na=False) for p in existing], ignore_index=True)
    seed_rows = seed[KEY].drop_duplicates()
    national = stack(parts, report)
    national = mark_rounded(national, report)
    both = national.merge(seed[[*KEY, "value"]].rename(columns={"value": "seed_value"}), on=KEY)
    printed = both["seed_value"]
    decimals = printed.map(lambda t: len(t.split(".")[1]) if "." in t else 0)
    agree = [
        (p == "" and pd.isna(v)) or (p != "" and pd.notna(v) and round(float(v), d) == round(float(p), d))
        for p, v, d in zip(printed, both["value"], decimals, strict=True)
    ]
    both = both.assign(agree=agree)
    for _, row in both[~both["agree"]].iterrows():
        report.append(
            f"differs: {row['area_code']} {row['period']} {row['measure']}: national "
            f"{row['value']:g}, the report {row['seed_value']} (the report's row is kept)"
        )
    # a figure the report prints as the national file has it lives in the national file only, so
    # that a directory of the national files alone (ascbench init) holds every council's figures
    same = both.loc[both["agree"], KEY]
    for path in existing:
        removed = drop_rows(path, same)
        if removed:
            report.append(f"{path.name}: {removed} rows the national file holds at the printed precision removed")
    national = national.merge(both.loc[~both["agree"], KEY], on=KEY, how="left", indicator=True)
    national = national[national["_merge"] == "left_only"].drop(columns="_merge")
    write_observations(national, data / OUT_ASCOF)
    report.append(f"{OUT_ASCOF}: {len(national):,} rows, {national['measure'].nunique()} series")

    # populations: the councils, regions and England of the national tables
    places = set(annex.areas["area_code"])
    pops = []
    for path in inputs.mye:
        imported = ons_importer.read([path])
        obs = imported.observations
        pops.append(obs[obs["measure"].isin(POPULATION_BANDS) & obs["area_code"].isin(places)])
    pops = pd.concat(pops, ignore_index=True).assign(source=SOURCES["ons"], note="", status="")
    pops = pops.merge(seed_rows, on=KEY, how="left", indicator=True)
    pops = pops[pops["_merge"] == "left_only"].drop(columns="_merge")
    write_observations(pops, data / OUT_POPULATIONS)
    report.append(f"{OUT_POPULATIONS}: {len(pops):,} rows ({', '.join(sorted(pops['period'].unique()))})")

    # areas: the default's own, then every area of the national tables, with lifetimes
    areas = pd.read_csv(data / "areas.csv", dtype=str, keep_default_na=False)
    areas = areas[[c for c in ("area_code", "area_name", "area_type", "region") if c in areas.columns]]
    imported_areas = pd.concat([annex.areas, outcomes.areas, datafile.areas]).drop_duplicates("area_code")
    imported_areas = imported_areas[imported_areas["area_code"].str.match(r"^(E\d{8}|CT-)")]
    own = areas[~areas["area_code"].isin(imported_areas["area_code"]) | areas["area_code"].isin(["E10000018"])]
    national_areas = imported_areas[~imported_areas["area_code"].isin(own["area_code"])]
    merged = pd.concat([own, national_areas[["area_code", "area_name", "area_type", "region"]]], ignore_index=True)
    cassr = ascof_importer.cassr_table()
    types = dict(zip(cassr["gss"], cassr["Council type"].str.strip().map(COUNCIL_TYPE_CODES), strict=True))
    merged["council_type"] = merged["area_code"].map(types).fillna("")
    merged = merged.merge(life, on="area_code", how="left").fillna("")
    for c in ("valid_from", "valid_to", "successors"):
        merged[c] = merged[c].astype(str)
    # regions under ONS's names (the tables say "Eastern" in some years)
    ons_names = REGION_NAMES
    is_region = merged["area_type"] == "region"
    merged.loc[is_region, "area_name"] = merged.loc[is_region, "area_code"].map(ons_names)
    regions = merged[is_region].set_index("area_name")["area_code"]
    missing_region = (~merged["area_type"].isin(["national", "region", "group", "council_type", "aggregate"])) & (
        merged["region"] == ""
    )
    # an abolished council's region: its successors'
    by_code = merged.set_index("area_code")["region"]
    merged.loc[missing_region, "region"] = merged.loc[missing_region, "successors"].map(
        lambda s: by_code.get(s.split(";")[0], "") if s else ""
    )
    canonical = {name.lower(): name for name in regions.index}
    merged["region"] = merged["region"].map(lambda r: canonical.get(r.lower(), r))
    unknown = set(merged["region"]) - set(regions.index) - {""}
    if unknown:
        raise SystemExit(f"regions with no region row: {sorted(unknown)}")
    merged.to_csv(data / "areas.csv", index=False, lineterminator="\n")
    report.append(f"areas.csv: {len(own)} of the default's own areas, {len(national_areas)} from the national tables")

    groups = neighbour_groups(inputs.neighbours, merged, life, report)
    groups.to_csv(data / "groups.csv", index=False, lineterminator="\n")
    report.append(f"groups.csv: nearest neighbours of {groups['group_code'].nunique()} councils ({len(groups)} rows)")

    dataset = load_dataset(data)  # the result must load as the tool loads it
    report.append(
        f"check: the default data load ({len(dataset.observations):,} observations, {len(dataset.areas)} areas)"
    )
    return report


def neighbour_groups(path: Path, areas: pd.DataFrame, life: pd.DataFrame, report: list[str]) -> pd.DataFrame:
    """Oflog's lists in current councils' codes: an abolished member is replaced by its
    successors; a successor without a list takes its predecessor's."""
    nn = pd.read_csv(path, dtype=str, keep_default_na=False)
    successors = {r.area_code: r.successors.split(";") for r in life.itertuples() if r.successors}
    councils = set(areas.loc[areas["area_type"].isin(["county", "unitary", "metropolitan", "london"]), "area_code"])
    lists = {code: list(rows["neighbour_code"]) for code, rows in nn.groupby("area_code", sort=True)}
    for old, news in successors.items():
        if old in lists:
            for new in news:
                if new not in lists:
                    lists[new] = [new if m == old else m for m in lists[old]]
                    report.append(f"groups: NN-{new} takes its predecessor {old}'s list")
    rows = []
    for code, members in lists.items():
        if code not in councils or code in successors:
            continue
        current: list[str] = []
        for m in members:
            replaced = successors.get(m, [m])
            if replaced != [m]:
                report.append(f"groups: NN-{code}: {m} (abolished) -> {', '.join(replaced)}")
            current += [r for r in replaced if r not in current]
        rows += [(f"NN-{code}", m) for m in current if m in councils]
    groups = pd.DataFrame(rows, columns=["group_code", "member_code"]).drop_duplicates()
    return groups.sort_values(["group_code", "member_code"]).reset_index(drop=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, help="a folder holding every published file under its usual name")
    parser.add_argument("--annex", type=Path, help="the ASCOF time-series tables (long CSV)")
    parser.add_argument("--datafile", type=Path, help="the ASCOF 2020-21 data file")
    parser.add_argument("--outcomes", type=Path, help="the stacked ASCOF outcomes 2017-18 to 2023-24")
    parser.add_argument("--mye", type=Path, action="append", help="ONS MYE2 persons files (mid-YYYY in the name)")
    parser.add_argument("--neighbours", type=Path, help="Oflog's nearest-neighbour lists (long)")
    parser.add_argument("--data", type=Path, default=DATA, help="the data directory to write into")
    args = parser.parse_args()
    given = {
        "annex": args.annex,
        "datafile": args.datafile,
        "outcomes": args.outcomes,
        "mye": args.mye,
        "neighbours": args.neighbours,
    }
    for name, default in DEFAULT_NAMES.items():
        if not given[name]:
            if not args.shared:
                parser.error(f"--{name} or --shared is needed")
            given[name] = [args.shared / d for d in default] if isinstance(default, tuple) else args.shared / default
    for line in build(Inputs(**given), args.data):
        print(line)


if __name__ == "__main__":
    main()
