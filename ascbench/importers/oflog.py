"""The Office for Local Government's adult social care file (Oflog prototype automated text).

Layout (``shared/public-data/PROVENANCE.md``): one row per council x measure x financial
year: ``Financial year, Local authority code, Local authority name, Grouping, Entity_Name,
Region, Measure, Code, Value, rank_order``. Values only (no numerators or denominators); an
empty Value was not published or was suppressed. ``rank_order`` desc = higher is better.

Its nearest-neighbour lists (``area_code, neighbour_code, is_self, list_position``) are read
too when given, as groups ``NN-<area_code>``.

Kept: each value as the measure ``<Code>.value`` (``ASC5.value``) for the council and
year; councils with their type and region, first and last year in the file; the
nearest-neighbour groups (members that are councils of the file only). The catalogue
fragment ``catalogues/oflog-asc.yaml`` declares the measures as metrics.
"""

from __future__ import annotations

import pandas as pd

from ascbench.errors import AscbenchError
from ascbench.identifiers import gss_code
from ascbench.importers.common import AREA_TYPES, Imported, read_official_csv
from ascbench.importers.reorganisations import current_code, lifetimes
from ascbench.io.cells import parse_values
from ascbench.periods import parse_period

SOURCE = "Oflog adult social care file (ASCOF via Oflog)"
DATA_COLUMNS = [
    "Financial year",
    "Local authority code",
    "Local authority name",
    "Entity_Name",
    "Region",
    "Measure",
    "Code",
    "Value",
]
NN_COLUMNS = ["area_code", "neighbour_code"]
CITATION = "Source: ASCOF (NHS England/DHSC) via Oflog"


def detect(header: list[str]) -> bool:
    return set(DATA_COLUMNS) <= set(header) or set(NN_COLUMNS) <= set(header)


def read(paths, period: str | None = None):
    import csv

    data_frames, nn_frames = [], []
    for path in paths:
        with open(path, newline="", encoding="utf-8-sig", errors="replace") as handle:
            header = next(csv.reader(handle), [])
        if set(NN_COLUMNS) <= set(header):
            nn_frames.append(read_official_csv(path, NN_COLUMNS, "nearest-neighbour"))
        else:
            frame = read_official_csv(path, DATA_COLUMNS, "Oflog adult social care")
            frame["_file"] = str(path)
            data_frames.append(frame)
    if not data_frames:
        raise AscbenchError(
            "no Oflog data file among the files given",
            field="FILE",
            expected="a CSV with the columns " + ", ".join(DATA_COLUMNS),
        )
    d = pd.concat(data_frames, ignore_index=True)
    for text in d["Financial year"].unique():
        try:
            parse_period(text)
        except AscbenchError:
            row = d[d["Financial year"] == text].iloc[0]
            raise AscbenchError(
                f"'{text}' is not a financial year",
                file=row["_file"],
                line=int(row["line"]),
                field="Financial year",
                expected="a year such as 2022-23",
            ) from None
    types = d["Entity_Name"].str.lower().map(AREA_TYPES)
    if types.isna().any():
        row = d[types.isna()].iloc[0]
        raise AscbenchError(
            f"unknown council type '{row['Entity_Name']}'",
            file=row["_file"],
            line=int(row["line"]),
            field="Entity_Name",
            expected="Counties, Unitary Authorities, Metropolitan Districts or London Boroughs",
        )
    values, status, bad, hint = parse_values(d["Value"])
    if bad.any():
        row = d[bad].iloc[0]
        raise AscbenchError(
            f"'{row['Value']}' {hint[bad].iloc[0]}",
            file=row["_file"],
            line=int(row["line"]),
            field="Value",
            expected="a number or an empty cell",
        )
    status = status.replace({"missing": "not available"})

    d["Local authority code"] = gss_code(d["Local authority code"]).map(current_code)
    obs = pd.DataFrame(
        {
            "area_code": d["Local authority code"],
            "period": d["Financial year"],
            "measure": d["Code"] + ".value",
            "value": values,
            "status": status,
            "source": CITATION,
            "note": d["Measure"],
        }
    )
    d = d.assign(area_type=types)
    latest = d.sort_values("Financial year").drop_duplicates("Local authority code", keep="last")
    areas = pd.DataFrame(
        {
            "area_code": latest["Local authority code"],
            "area_name": latest["Local authority name"],
            "area_type": latest["area_type"],
            "region": latest["Region"],
        }
    )
    life = lifetimes().set_index("area_code")
    for column in ("valid_from", "valid_to", "successors"):
        areas[column] = areas["area_code"].map(life[column]).fillna("")
    known = set(areas["area_code"])  # a successor the file never reaches is no area of it
    areas["successors"] = areas["successors"].map(lambda s: ";".join(c for c in s.split(";") if c in known))
    groups = None
    notes = []
    if nn_frames:
        nn = pd.concat(nn_frames, ignore_index=True)
        nn["area_code"], nn["neighbour_code"] = gss_code(nn["area_code"]), gss_code(nn["neighbour_code"])
        councils = set(areas["area_code"])
        keep = nn["area_code"].isin(councils) & nn["neighbour_code"].isin(councils)
        groups = pd.DataFrame(
            {"group_code": "NN-" + nn.loc[keep, "area_code"], "member_code": nn.loc[keep, "neighbour_code"]}
        )
        notes.append(
            f"nearest neighbours: {groups['group_code'].nunique()} council groups kept, "
            f"{int((~keep).sum())} rows naming non-council areas left out"
        )
    return Imported(obs, areas.reset_index(drop=True), groups, notes=notes)
