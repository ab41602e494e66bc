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

Cells are read as SQL Server and spreadsheets write them: ``NULL``, ``NA``, ``N/A`` and empty
are missing (:data:`MISSING`); dates are ISO (``2025-06-01``), SQL Server datetimes
(``2025-06-01 00:00:00.000``) or ``dd/mm/yyyy`` (:data:`ISO_DATE`, :data:`UK_DATE`). A file
whose slash dates are month-first (a second number above 12, ``06/25/2025``) is refused with
the first such line, never read day-first. ``LA_Code`` is folded by
:func:`ascbench.identifiers.cassr_code` (``508``, ``508.0`` and ``0508`` are one council).
Dates that cannot all be true (an end before its start, a birth after the event, a death
before the birth) are counted per rule in :attr:`Extract.quality` (:data:`DATE_RULES`), not
rejected: DHSC's code uses such rows. A file with more than ``max_rejected`` of its rows
rejected is an error (the counts of the rest would be wrong without a word).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import pandas as pd

from ascbench.cld import codes
from ascbench.errors import AscbenchError
from ascbench.identifiers import cassr_code
from ascbench.io.dataset import read_csv

if TYPE_CHECKING:
    from ascbench.cld.duck_read import DuckExtract

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
MISSING = ("", "null", "na", "n/a", "nan")  # cells that mean "no value", compared trimmed and case-folded
ISO_DATE = r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?$"  # y, m, d
UK_DATE = r"^(\d{1,2})/(\d{1,2})/(\d{4})$"  # d, m, y
DATE_EXPECTED = "YYYY-MM-DD, a SQL Server datetime or DD/MM/YYYY"
MAX_REJECTED = 0.10  # the share of a file's rows that may be rejected before the run fails
# (field, check, first date, second date): rows where the first must not be before the second
DATE_RULES = (
    ("Event_End_Date", "end on or after the start", "Event_End_Date", "Event_Start_Date"),
    ("Date_of_Birth", "birth on or before the event start", "Event_Start_Date", "Date_of_Birth"),
    ("Date_of_Death", "death on or after the birth", "Date_of_Death", "Date_of_Birth"),
)
# each coded field's valid values, in canonical spelling (both engines read them from here)
CODE_LISTS = {
    "Event_Type": codes.EVENT_TYPES,
    "Client_Type": list(codes.CLIENT_TYPES),
    "Service_Type": codes.SERVICE_TYPES,
    "Event_Outcome": codes.OUTCOMES + [INVALID],
    "Service_Component": codes.COMPONENTS,
    "Delivery_Mechanism": codes.MECHANISMS,
    "Accommodation_Status": list(codes.SETTLED) + [INVALID],
}


@dataclass
class Extract:
    rows: pd.DataFrame  # accepted rows, canonical values, datetime64 dates
    rejected: pd.DataFrame  # file, line, field, value, reason
    warnings: list[str] = field(default_factory=list)
    quality: pd.DataFrame = field(default_factory=pd.DataFrame)  # field, check, rows, invalid, blank, example
    files: pd.DataFrame = field(default_factory=pd.DataFrame)  # file, rows (read), rejected

    def first_rejected(self, file: str):
        """The first rejected row of ``file`` (a row of :attr:`rejected`)."""
        return self.rejected[self.rejected["file"] == file].iloc[0]

    def rejected_head(self, n: int):
        return self.rejected.head(n)

    def summary(self) -> str:
        if self.rejected.empty:
            return f"{len(self.rows):,} rows read, none rejected"
        by = self.rejected.groupby("reason").size().sort_values(ascending=False, kind="stable")
        return f"{len(self.rows):,} rows read, {len(self.rejected):,} rejected: " + "; ".join(
            f"{n:,} {reason}" for reason, n in by.items()
        )


def is_missing(series):
    """Boolean: the cell is empty or a missing-value marker (:data:`MISSING`)."""
    codes_, uniques = pd.factorize(series.fillna(""))
    folded = pd.Series(uniques, dtype=object).astype(str).str.strip().str.casefold()
    return pd.Series(folded.isin(MISSING).to_numpy()[codes_], index=series.index)


def _dates(series):
    """Parse a date column: ``(value, bad, us)`` - the dates, cells that are no date, and
    cells that can only be month-first (``06/25/2025``)."""
    codes_, uniques = pd.factorize(series.fillna(""))  # dates repeat: trim and parse each distinct text once
    text = pd.Series(uniques, dtype=object).astype(str).str.strip()
    missing = text.str.casefold().isin(MISSING)
    iso = text.str.extract(ISO_DATE)
    uk = text.str.extract(UK_DATE)
    year = iso[0].fillna(uk[2])
    month = iso[1].fillna(uk[1])
    day = iso[2].fillna(uk[0])
    stamp = year.str.zfill(4) + "-" + month.str.zfill(2) + "-" + day.str.zfill(2)
    parsed = pd.to_datetime(stamp, format="%Y-%m-%d", errors="coerce")
    us = uk[1].notna() & (uk[1].astype(float) > 12) & (uk[0].astype(float) <= 12)
    value = pd.Series(parsed.to_numpy()[codes_], index=series.index)
    bad = pd.Series((~missing & parsed.isna()).to_numpy()[codes_], index=series.index)
    return value, bad, pd.Series(us.to_numpy()[codes_], index=series.index)


def refuse_month_first(path, line: int, column: str, value: str):
    raise AscbenchError(
        f"'{value}' is a month-first (US) date: the file's slash dates cannot be read day-first",
        file=str(path),
        line=int(line),
        field=column,
        expected=DATE_EXPECTED + " (convert the file's dates; ascbench never swaps day and month)",
    )


def no_person_column(path) -> NoReturn:
    """The error for an extract with neither person identifier (both engines)."""
    raise AscbenchError(
        "neither NHS_Number nor LA_Person_Unique_Identifier is a column",
        file=str(path),
        line=1,
        field="NHS_Number",
        expected="a person identifier column",
    )


def check_rejections(extract: Extract | DuckExtract, max_rejected: float | None = MAX_REJECTED) -> None:
    """Fail on the first file with more than ``max_rejected`` (a share) of its rows rejected;
    a file with every row rejected always fails, and so do extracts with no row left. The
    error names the file and its first rejected row."""
    files = extract.files
    for name, n, rows in zip(
        files["file"].astype(str).tolist(),
        files["rejected"].astype(int).tolist(),
        files["rows"].astype(int).tolist(),
        strict=True,
    ):
        if not n or (n < rows and (max_rejected is None or n <= max_rejected * rows)):
            continue
        first = extract.first_rejected(name)
        if n == rows:
            what = f"{n:,} rows rejected of {rows:,}: every row, so the file gives nothing to count"
        else:
            what = (
                f"{n:,} rows rejected of {rows:,} ({n / rows:.0%}), more than the {max_rejected:.0%} allowed "
                "(--accept-rejections counts the rest)"
            )
        raise AscbenchError(
            f"{what}; the first: {first['reason']} (got '{first['value']}')",
            file=name,
            line=int(first["line"]),
            field=str(first["field"]),
            expected="CLD rows with a start date, a person identifier and dates as " + DATE_EXPECTED,
        )
    if sum(extract.files["rows"]) == sum(extract.files["rejected"]):
        raise AscbenchError(
            "the extracts hold no CLD rows",
            file=str(extract.files["file"].iloc[0]) if len(extract.files) else None,
            line=2,
            expected="at least one row of events under the header",
        )


def date_rules(frame):
    """Per rule of :data:`DATE_RULES`: the mask of rows that break it."""
    return {
        (field_, check): frame[later].notna() & frame[earlier].notna() & (frame[later] < frame[earlier])
        for field_, check, later, earlier in DATE_RULES
    }


def read_extracts(paths, invalid: str = "map", max_rejected: float | None = None) -> Extract:
    """Read the extracts (oldest first). ``invalid``: ``map`` (DHSC) keeps a value outside
    its code list as "Invalid and not mapped"; ``reject`` rejects the row. A file with more
    than ``max_rejected`` (a share, e.g. :data:`MAX_REJECTED`) of its rows rejected is an
    error (:func:`check_rejections`, which the CLI always runs: a file with every row rejected
    fails there); ``None`` checks nothing."""

    if invalid not in INVALID_RULES:
        raise AscbenchError(
            f"invalid-value rule {invalid!r} is not known", field="--invalid-values", expected="map or reject"
        )
    frames: list[pd.DataFrame] = []
    rejected: list[pd.DataFrame] = []
    warnings: list[str] = []
    quality: list[pd.DataFrame] = []
    files: list[dict] = []
    for order, path in enumerate(paths):
        frame = read_csv(Path(path), tuple(REQUIRED), warnings, lower=False)
        if "NHS_Number" not in frame.columns and "LA_Person_Unique_Identifier" not in frame.columns:
            no_person_column(path)
        for column in TEXT_FIELDS + DATE_FIELDS:
            if column not in frame.columns:
                frame[column] = ""
        for column in [*REQUIRED, *TEXT_FIELDS]:
            frame[column] = frame[column].mask(is_missing(frame[column]), "")
        frame["LA_Code"] = cassr_code(frame["LA_Code"]).mask(frame["LA_Code"] == "", "")
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
                            "value": (raw_dates if column in DATE_FIELDS else frame).loc[hit, column],  # noqa: B023
                            "reason": reason,
                            "_order": order,  # noqa: B023 (called within the same iteration)
                        }
                    )
                )
            ok &= ~mask

        raw_dates = frame[DATE_FIELDS].copy()  # a rejected date is reported as written
        for column in DATE_FIELDS:
            value, bad, us = _dates(frame[column])
            if us.any():
                where = us.idxmax()
                refuse_month_first(path, frame.loc[where, "line"], column, str(frame.loc[where, column]).strip())
            reject(bad, column, f"{column} is not a date (expected YYYY-MM-DD)")
            frame[column] = value
        reject(frame["Event_Start_Date"].isna(), "Event_Start_Date", "Event_Start_Date is missing")
        no_person = (codes.fold_all(frame["NHS_Number"]) == "") & (
            codes.fold_all(frame["LA_Person_Unique_Identifier"]) == ""
        )
        reject(no_person, "NHS_Number", "no NHS_Number and no LA_Person_Unique_Identifier")
        for column in CODED_FIELDS:
            mapped = codes.canonical(frame[column], CODE_LISTS[column])
            bad = mapped.isna()
            blank = mapped == ""
            quality.append(
                pd.DataFrame(
                    {
                        "file": [str(path)],
                        "field": [column],
                        "check": ["in the CLD list"],
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
                    f"{column} is not one of " + ", ".join(CODE_LISTS[column])
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
        files.append({"file": str(path), "rows": len(frame), "rejected": int((~ok).sum())})
        for (field_, check), broken in date_rules(frame).items():
            hit = broken & ok
            quality.append(
                pd.DataFrame(
                    {
                        "file": [str(path)],
                        "field": [field_],
                        "check": [check],
                        "rows": [int(ok.sum())],
                        "invalid": [int(hit.sum())],
                        "blank": [0],
                        "example": [f"line {int(frame.loc[hit, 'line'].iloc[0])}" if hit.any() else ""],
                    }
                )
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
    q["example"] = q["example"].mask(q["example"] == "")  # the first file that has an example gives it
    q = (
        q.groupby(["field", "check"], sort=False)
        .agg(rows=("rows", "sum"), invalid=("invalid", "sum"), blank=("blank", "sum"), example=("example", "first"))
        .reset_index()
    )
    q["example"] = q["example"].fillna("")
    extract = Extract(rows, rejected_frame, warnings, q, pd.DataFrame(files))
    if max_rejected is not None:
        check_rejections(extract, max_rejected)
    return extract
