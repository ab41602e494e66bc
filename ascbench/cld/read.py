"""Reading CLD extracts: CSV files with the CLD field names, one submission per file.

Every row gets its file's submission order (later files win in de-duplication) and its line.
A missing required column is an error naming it. A row with an unparseable date, no start
date or no person identifier is rejected - reported with file, line, field and what was
expected, and counted in the summary; never dropped silently.

A value outside a CLD code list (an ``Event_Type`` of "Visit", an ``Event_Outcome`` of
"Placed", an unknown component or accommodation status) is, as in DHSC's cleaning
(``GetDerivedFields``: the REF_ mapping tables, then ``COALESCE(..., 'Invalid and not
mapped')``), kept as ``Invalid and not mapped``: the row still counts wherever the field does
not decide (an admission with outcome "Placed" is still an admission in 2B/2C), and an
invalid accommodation is imputed like an unknown one. ``invalid="reject"`` rejects such rows
instead (ascbench's earlier, stricter rule). Either way each field's invalid and blank values
are counted in :attr:`Extract.quality`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ascbench.cld import codes
from ascbench.errors import AscbenchError
from ascbench.io.dataset import read_csv

REQUIRED = ["LA_Code", "Event_Type", "Event_Start_Date", "Client_Type"]
DATE_FIELDS = [
    "Event_Start_Date",
    "Event_End_Date",
    "Date_of_Birth",
    "Date_of_Death",
    "Reporting_Period_Start_Date",
    "Reporting_Period_End_Date",
]
TEXT_FIELDS = [
    "NHS_Number",
    "LA_Person_Unique_Identifier",
    "Gender",
    "Primary_Support_Reason",
    "Accommodation_Status",
    "Event_Outcome",
    "Service_Type",
    "Service_Component",
    "Delivery_Mechanism",
    "Request_Route_of_Access",
    "Assessment_Type",
]


INVALID = "Invalid and not mapped"
CODED_FIELDS = (
    "Event_Type",
    "Client_Type",
    "Service_Type",
    "Event_Outcome",
    "Service_Component",
    "Delivery_Mechanism",
    "Accommodation_Status",
)
INVALID_RULES = ("map", "reject")


@dataclass
class Extract:
    rows: object  # DataFrame of accepted rows, canonical values, datetime64 dates
    rejected: object  # DataFrame: file, line, field, value, reason
    warnings: list[str] = field(default_factory=list)
    quality: object = None  # DataFrame: field, invalid, blank, rows, example (DHSC's DQ counts per field)

    def summary(self) -> str:
        if self.rejected.empty:
            return f"{len(self.rows):,} rows read, none rejected"
        by = self.rejected.groupby("reason").size().sort_values(ascending=False)
        return f"{len(self.rows):,} rows read, {len(self.rejected):,} rejected: " + "; ".join(
            f"{n:,} {reason}" for reason, n in by.items()
        )


def _dates(series):
    codes_, uniques = pd.factorize(series.fillna(""))  # dates repeat: trim and parse each distinct text once
    text = pd.Series(uniques, dtype=object).astype(str).str.strip()
    iso = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    uk = pd.to_datetime(text.where(iso.isna()), format="%d/%m/%Y", errors="coerce")
    parsed = iso.fillna(uk)
    value = pd.Series(parsed.to_numpy()[codes_], index=series.index)
    bad = pd.Series(((text != "") & parsed.isna()).to_numpy()[codes_], index=series.index)
    return value, bad


def read_extracts(paths, invalid: str = "map") -> Extract:
    """Read the extracts (oldest first). ``invalid``: ``map`` (DHSC) keeps a value outside
    its code list as "Invalid and not mapped"; ``reject`` rejects the row."""

    if invalid not in INVALID_RULES:
        raise AscbenchError(
            f"invalid-value rule {invalid!r} is not known", field="--invalid-values", expected="map or reject"
        )
    frames, rejected, warnings, quality = [], [], [], []
    for order, path in enumerate(paths):
        frame = read_csv(Path(path), tuple(REQUIRED), warnings, lower=False)
        if "NHS_Number" not in frame.columns and "LA_Person_Unique_Identifier" not in frame.columns:
            raise AscbenchError(
                "neither NHS_Number nor LA_Person_Unique_Identifier is a column",
                file=str(path),
                line=1,
                field="NHS_Number",
                expected="a person identifier column",
            )
        for column in TEXT_FIELDS + DATE_FIELDS:
            if column not in frame.columns:
                frame[column] = ""
        frame["file"] = str(path)
        frame["submission"] = order
        ok = pd.Series(True, index=frame.index)

        def reject(mask, column, reason):
            nonlocal ok
            hit = mask & ok
            if hit.any():
                rejected.append(
                    pd.DataFrame(
                        {
                            "file": str(path),  # noqa: B023 (called within the same iteration)
                            "line": frame.loc[hit, "line"],  # noqa: B023 (called within the same iteration)
                            "field": column,
                            "value": frame.loc[hit, column],  # noqa: B023 (called within the same iteration)
                            "reason": reason,
                            "_order": order,  # noqa: B023 (called within the same iteration)
                        }
                    )
                )
            ok &= ~mask

        for column in DATE_FIELDS:
            value, bad = _dates(frame[column])
            reject(bad, column, f"{column} is not a date (expected YYYY-MM-DD)")
            frame[column] = value
        reject(frame["Event_Start_Date"].isna(), "Event_Start_Date", "Event_Start_Date is missing")
        no_person = (codes.fold_all(frame["NHS_Number"]) == "") & (
            codes.fold_all(frame["LA_Person_Unique_Identifier"]) == ""
        )
        reject(no_person, "NHS_Number", "no NHS_Number and no LA_Person_Unique_Identifier")
        lists = {
            "Event_Type": codes.EVENT_TYPES,
            "Client_Type": list(codes.CLIENT_TYPES),
            "Service_Type": codes.SERVICE_TYPES,
            "Event_Outcome": codes.OUTCOMES + [INVALID],
            "Service_Component": codes.COMPONENTS,
            "Delivery_Mechanism": codes.MECHANISMS,
            "Accommodation_Status": list(codes.SETTLED) + [INVALID],
        }
        for column in CODED_FIELDS:
            mapped = codes.canonical(frame[column], lists[column])
            bad = mapped.isna()
            blank = mapped == ""
            quality.append(
                pd.DataFrame(
                    {
                        "file": [str(path)],
                        "field": [column],
                        "rows": [int(ok.sum())],
                        "invalid": [int((bad & ok).sum())],
                        "blank": [int((blank & ok).sum())],
                        "example": [str(frame.loc[bad & ok, column].iloc[0]).strip() if (bad & ok).any() else ""],
                    }
                )
            )
            if invalid == "reject" and column in ("Event_Type", "Client_Type", "Service_Type", "Event_Outcome"):
                reject(
                    bad,
                    column,
                    f"{column} is not one of " + ", ".join(lists[column])
                    if column in ("Event_Type", "Client_Type")
                    else f"{column} is not a CLD value",
                )
            frame[column] = mapped.fillna(INVALID)
        if invalid == "reject":
            reject(
                (frame["Event_Type"] == "") | (frame["Client_Type"] == ""),
                "Event_Type",
                "Event_Type or Client_Type is blank",
            )
            reject(
                (frame["Event_Type"] == "Service") & (frame["Service_Type"] == ""),
                "Service_Type",
                "a service has no Service_Type",
            )
        frame["Client_Type"] = codes.per_value(frame["Client_Type"], lambda v: codes.CLIENT_TYPES.get(codes.fold(v), v))
        for column in ("Service_Component", "Delivery_Mechanism", "Event_Type", "Event_Outcome", "Service_Type"):
            unknown = (frame[column] == INVALID) & ok
            if unknown.any() and column not in ("Event_Outcome",):
                warnings.append(
                    f"{path}: {int(unknown.sum())} rows have a {column} not in the code list "
                    f"(kept as '{INVALID}', as DHSC), e.g. line {int(frame.loc[unknown, 'line'].iloc[0])}"
                )
        frames.append(frame[ok])
    rows = pd.concat(frames, ignore_index=True)
    rows["record"] = range(len(rows))  # the local stand-in for NHSE's record id: file, then row
    if rejected:  # in file order, then line order, whichever check found them
        rejected_frame = pd.concat(rejected, ignore_index=True).sort_values(["_order", "line"], kind="stable")
        rejected_frame = rejected_frame.drop(columns="_order").reset_index(drop=True)
    else:
        rejected_frame = pd.DataFrame(columns=["file", "line", "field", "value", "reason"])
    q = pd.concat(quality, ignore_index=True)
    q = (
        q.groupby("field", sort=False)
        .agg(rows=("rows", "sum"), invalid=("invalid", "sum"), blank=("blank", "sum"), example=("example", "max"))
        .reset_index()
    )
    return Extract(rows, rejected_frame, warnings, q)
