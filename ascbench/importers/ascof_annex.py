"""DHSC's ASCOF time-series tables ("Measures from the adult social care outcomes framework,
England - time series of aggregated measures", from 2024-25): the ``.ods`` or ``.xlsx``
workbook itself, or one of its ``Table_*`` sheets saved as CSV.

Layout of each table sheet (``Table_1a`` ... ``Table_6b``): title and note rows (the first
names the table: ``Table 2d(1): the proportion of ...``), then the header ``Local authority
code, Local authority, ONS area code``, then one column per year and kind: ``2024 to 2025 -
numerator``, ``- denominator``, ``- outcome``, ``- margin of error``, ``- number of
respondents`` (written as the data file's ``Base``); table 6b puts the rating before the kind
(``2024 to 2025 - good numerator``; ``6b numerator`` is the total). Rows: England, the
council types (``S`` Shire Counties, ``U``, ``M``, ``I``, ``O``, ``D``; ONS code ``[z]``),
the regions (ONS ``E12...``) and the councils by CASSR code. Cells hold numbers or the
markers ``[x]`` (not available), ``[c]`` (suppressed), ``[z]`` (not applicable), kept as such.
The 2016-17 carers' cells read ``7.5 (7.5)``: the official value, outside the brackets, is
kept (the tables' own note). A row with no area code at all (6A's "Cornwall and Isles of
Scilly", which Skills for Care counts as one) is left out and named in the report.

Each table becomes the rows of the long ASCOF data file (``Year, Geographical code, ...,
Measure type, Measure value``) and goes through :mod:`ascbench.importers.ascof` from there:
the same series names, crosswalk, area codes and catalogue. A cell's location in errors is
``file [sheet]:row``. ``ascbench import ascof`` reads these files too.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from ascbench.errors import AscbenchError
from ascbench.importers.workbook import is_workbook, sheets
from ascbench.io.dataset import read_text

SOURCE = "ASCOF time-series tables (DHSC)"
FIXED = ("local authority code", "local authority", "ons area code")
YEAR_COLUMN = re.compile(r"^\s*(\d{4})\s+to\s+(\d{4})\s*-\s*(.+?)\s*$", re.I)
KINDS = {
    "numerator": "Numerator",
    "denominator": "Denominator",
    "outcome": "Outcome",
    "margin of error": "Margin of error",
    "number of respondents": "Base",
}
TITLE = re.compile(r"^\s*table[\s_]*(\d[a-z](?:\(\w+\))?)", re.I)
COUNCIL_TYPE_CODES = {"S", "U", "M", "I", "O", "D"}
BRACKETED = re.compile(r"^\s*(\S+)\s*\([^)]*\)\s*$")
THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")


def detect(header: list[str]) -> bool:
    lowered = [str(h).strip().lower() for h in header]
    return lowered[:3] == list(FIXED) and any(YEAR_COLUMN.match(str(h)) for h in header[3:])


def _header_at(rows) -> int | None:
    return next((i for i, (_, r) in enumerate(rows) if detect(r)), None)


def _code_of(name: str, rows, at: int) -> str | None:
    """The table's ASCOF code from the sheet name (``Table_2d(1)``) or its title row."""
    for text in [name] + [" ".join(r) for _, r in rows[:at]]:
        found = TITLE.match(text)
        if found:
            return found.group(1).upper()
    return None


def _cell(text: str) -> str:
    """``7.5 (7.5)`` -> ``7.5``; ``51,230`` -> ``51230``; markers and numbers as they are."""
    text = str(text).strip()
    found = BRACKETED.match(text)
    if found:
        text = found.group(1)
    return text.replace(",", "") if THOUSANDS.match(text) else text


def table_rows(rows, name: str, where: str, file_name: str):
    """One table sheet's rows -> (long frame in the data file's columns, notes), or None when
    the sheet is not a table (the cover, contents and notes sheets)."""
    at = _header_at(rows)
    if at is None:
        return None
    header_line, header = rows[at]
    code = _code_of(name, rows, at) or _code_of(Path(file_name).stem, rows, at)
    if code is None:
        raise AscbenchError(
            "cannot tell which ASCOF measure this table is: no 'Table 1a' title and no sheet name",
            file=where,
            line=1,
            field="title",
            expected="the table's title row (Table 2a: ...) or a sheet named Table_2a",
        )
    columns = []
    for i, text in enumerate(header[3:], start=3):
        found = YEAR_COLUMN.match(text)
        if not found:
            if text.strip():
                raise AscbenchError(
                    f"cannot read the column '{text}'",
                    file=where,
                    line=header_line,
                    field=text,
                    expected="a column such as '2024 to 2025 - outcome'",
                )
            continue
        first, second, what = found.groups()
        if int(second) != int(first) + 1:
            raise AscbenchError(
                f"'{first} to {second}' is not a financial year",
                file=where,
                line=header_line,
                field=text,
                expected="a column such as '2024 to 2025 - outcome'",
            )
        what = what.lower()
        kind = next((KINDS[k] for k in KINDS if what == k or what.endswith(" " + k)), None)
        if kind is None:
            raise AscbenchError(
                f"unknown kind of value '{what}' in the column '{text}'",
                file=where,
                line=header_line,
                field=text,
                expected="numerator, denominator, outcome, margin of error or number of respondents",
            )
        rating = what[: -len(next(k for k in KINDS if what.endswith(k)))].strip()
        total = rating in ("", code.lower(), re.sub(r"[^0-9a-z]", "", code.lower()))
        columns.append((i, f"{first}-{second[2:]}", kind, "Total" if total else rating.capitalize()))
    records, skipped = [], []
    for line, row in rows[at + 1 :]:
        cells = (row + [""] * len(header))[: max(len(header), len(row))]
        area, area_name, ons = (c.strip() for c in cells[:3])
        if not any(c.strip() for c in cells):
            continue
        if area in ("", "[z]", "[x]") and ons in ("", "[z]", "[x]"):
            skipped.append(f"{where}:{line} '{area_name}'")
            continue
        if area.lower() == "england" or ons == "E92000001":
            level = "National"
        elif ons.upper().startswith("E12"):
            level = "Regional"
        elif area in COUNCIL_TYPE_CODES and ons in ("", "[z]"):
            level, ons = "Council type", ""
        else:
            level = "Local authority"
        for i, year, kind, dis in columns:
            records.append((year, area, area_name, level, ons, code, dis, kind, _cell(cells[i]), line))
    frame = pd.DataFrame(
        records,
        columns=[
            "Year",
            "Geographical code",
            "Geographical description",
            "Geographical level",
            "ONS code",
            "ASCOF measure code",
            "Disaggregation level",
            "Measure type",
            "Measure value",
            "line",
        ],
    )
    notes = [f"{where}: ASCOF time-series table {code} (header at row {header_line}), {len(frame):,} cells"]
    if skipped:
        notes.append(f"{len(skipped)} row(s) with no area code left out: " + "; ".join(skipped))
    return frame, notes


def _csv_rows(path: Path):
    reader = csv.reader(io.StringIO(read_text(path)))
    try:
        return [(reader.line_num, [c.strip() for c in row]) for row in reader]
    except csv.Error as exc:
        raise AscbenchError(f"cannot parse the CSV: {exc}", file=str(path), line=reader.line_num) from None


def is_annex_csv(path) -> bool:
    """A CSV whose first rows hold the tables' header (a sheet saved as CSV)."""
    try:
        head = read_text(path).splitlines()[:40]
    except AscbenchError:
        return False
    try:
        return any(detect(r) for r in csv.reader(head))
    except csv.Error:
        return False


def frames(path) -> tuple[list, list[str]]:
    """The long frames (one per table) of a workbook or a sheet saved as CSV, with ``_file``."""
    path = Path(path)
    out, notes = [], []
    if is_workbook(path):
        for name, rows in sheets(path).items():
            where = f"{path} [{name}]"
            got = table_rows(rows, name, where, path.name)
            if got is not None:
                frame, more = got
                out.append(frame.assign(_file=where))
                notes += more
        if not out:
            raise AscbenchError(
                "no ASCOF table in the workbook",
                file=str(path),
                field="sheet",
                expected="sheets such as Table_1a whose header is Local authority code, Local authority, ONS area code",
            )
        return out, notes
    got = table_rows(_csv_rows(path), "", str(path), path.name)
    if got is None:
        raise AscbenchError(
            "no header row 'Local authority code, Local authority, ONS area code'",
            file=str(path),
            line=1,
            field="header",
            expected="a sheet of the ASCOF time-series tables saved as CSV",
        )
    frame, notes = got
    return [frame.assign(_file=str(path))], notes


def read(paths, period: str | None = None):
    from ascbench.importers import ascof

    return ascof.read(paths, period)
