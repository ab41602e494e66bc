"""Reading CLD extracts: CSV files with the CLD field names, one submission per file.

Every row gets its file's submission order (later files win in de-duplication) and its line.
A missing required column is an error naming it. A row with an unparseable date, an unknown
code value in a field the measures depend on, or no person identifier is rejected - reported
with file, line, field and what was expected, and counted in the summary; never dropped
silently. Unknown values of fields the measures read only as text (components, mechanisms,
accommodation, support reasons) are kept: DHSC counts them as "not in the list".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ascbench.cld import codes
from ascbench.errors import AscbenchError

REQUIRED = ["LA_Code", "Event_Type", "Event_Start_Date", "Client_Type"]
DATE_FIELDS = ["Event_Start_Date", "Event_End_Date", "Date_of_Birth", "Date_of_Death",
               "Reporting_Period_Start_Date", "Reporting_Period_End_Date"]
TEXT_FIELDS = ["NHS_Number", "LA_Person_Unique_Identifier", "Gender", "Primary_Support_Reason",
               "Accommodation_Status", "Event_Outcome", "Service_Type", "Service_Component", "Delivery_Mechanism",
               "Request_Route_of_Access", "Assessment_Type"]


@dataclass
class Extract:
    rows: object  # DataFrame of accepted rows, canonical values, datetime64 dates
    rejected: object  # DataFrame: file, line, field, value, reason
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if self.rejected.empty:
            return f"{len(self.rows):,} rows read, none rejected"
        by = self.rejected.groupby("reason").size().sort_values(ascending=False)
        return (f"{len(self.rows):,} rows read, {len(self.rejected):,} rejected: "
                + "; ".join(f"{n:,} {reason}" for reason, n in by.items()))


def _dates(series):
    import pandas as pd

    codes_, uniques = pd.factorize(series.fillna(""))  # dates repeat: trim and parse each distinct text once
    text = pd.Series(uniques, dtype=object).astype(str).str.strip()
    iso = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    uk = pd.to_datetime(text.where(iso.isna()), format="%d/%m/%Y", errors="coerce")
    parsed = iso.fillna(uk)
    value = pd.Series(parsed.to_numpy()[codes_], index=series.index)
    bad = pd.Series(((text != "") & parsed.isna()).to_numpy()[codes_], index=series.index)
    return value, bad


def read_extracts(paths) -> Extract:
    import pandas as pd

    from ascbench.io.dataset import read_csv

    frames, rejected, warnings = [], [], []
    for order, path in enumerate(paths):
        frame = read_csv(Path(path), tuple(REQUIRED), warnings, lower=False)
        if "NHS_Number" not in frame.columns and "LA_Person_Unique_Identifier" not in frame.columns:
            raise AscbenchError("neither NHS_Number nor LA_Person_Unique_Identifier is a column", file=str(path),
                                line=1, field="NHS_Number", expected="a person identifier column")
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
                rejected.append(pd.DataFrame({"file": str(path), "line": frame.loc[hit, "line"], "field": column,
                                              "value": frame.loc[hit, column], "reason": reason}))
            ok &= ~mask

        for column in DATE_FIELDS:
            value, bad = _dates(frame[column])
            reject(bad, column, f"{column} is not a date (expected YYYY-MM-DD)")
            frame[column] = value
        reject(frame["Event_Start_Date"].isna(), "Event_Start_Date", "Event_Start_Date is missing")
        for column, values in (("Event_Type", codes.EVENT_TYPES), ("Client_Type", list(codes.CLIENT_TYPES))):
            mapped = codes.canonical(frame[column], values)
            reject(mapped.isna() | (mapped == ""), column, f"{column} is not one of " + ", ".join(values))
            frame[column] = mapped
        frame["Client_Type"] = codes.per_value(frame["Client_Type"], lambda v: codes.CLIENT_TYPES.get(codes.fold(v), v))
        for column, values in (("Service_Type", codes.SERVICE_TYPES), ("Event_Outcome", codes.OUTCOMES + [
                "Invalid and not mapped"])):
            mapped = codes.canonical(frame[column], values)
            reject(mapped.isna(), column, f"{column} is not a CLD value")
            frame[column] = mapped
        reject((frame["Event_Type"] == "Service") & (frame["Service_Type"] == ""), "Service_Type",
               "a service has no Service_Type")
        for column, values in (("Service_Component", codes.COMPONENTS), ("Delivery_Mechanism", codes.MECHANISMS)):
            mapped = codes.canonical(frame[column], values)
            unknown = mapped.isna()
            if unknown.any():
                warnings.append(f"{path}: {int(unknown.sum())} rows have a {column} not in the code list "
                                f"(kept, counted as 'other'), e.g. line {int(frame.loc[unknown, 'line'].iloc[0])}: "
                                f"'{frame.loc[unknown, column].iloc[0]}'")
            frame[column] = mapped.fillna(frame[column].fillna("").str.strip())
        no_person = (frame["NHS_Number"].fillna("").str.strip() == "") & (
            frame["LA_Person_Unique_Identifier"].fillna("").str.strip() == "")
        reject(no_person, "NHS_Number", "no NHS_Number and no LA_Person_Unique_Identifier")
        frames.append(frame[ok])
    rows = pd.concat(frames, ignore_index=True)
    rows["record"] = range(len(rows))  # the local stand-in for NHSE's record id: file, then row
    rejected_frame = pd.concat(rejected, ignore_index=True) if rejected else pd.DataFrame(
        columns=["file", "line", "field", "value", "reason"])
    return Extract(rows, rejected_frame, warnings)
