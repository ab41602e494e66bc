"""ONS mid-year population estimates downloaded from Nomis (datasets NM_2002_1 and the like,
"population estimates - local authority based by single year of age"), as the API's
``data.csv`` or the query tool's CSV download.

Layout (long, one row per area, date, sex and age; columns in upper case as Nomis writes
them, any order, extra columns ignored): ``DATE_NAME`` (or ``DATE``: the mid-year, ``2024``),
``GEOGRAPHY_NAME``, ``GEOGRAPHY_CODE``, ``GENDER_NAME`` (``Total``, ``Male``, ``Female``;
optional), ``C_AGE_NAME`` (``All Ages``, ``Age 0`` ... ``Age 89``, ``Aged 90+``; ``AGE_NAME``
is read too), ``MEASURES_NAME`` (optional: only ``Value`` rows are counts; ``Percent`` rows are
left out), ``OBS_VALUE``, ``OBS_STATUS``/``OBS_STATUS_NAME`` (optional).

Sexes: where ``Total`` rows are given they are the persons counts and ``Male``/``Female`` rows
are not added to them (a download with all three would otherwise count everyone twice; the
report says so); a file with only ``Male`` and ``Female`` is summed. Every single year of age
0-89 and 90+ must be there for each area and year (the bands ascbench keeps, 18-64, 65+, 18+,
all ages, are summed from them); a band-only download (``Aged 16 - 64``) is refused with the
ages it lacks. Two rows for one area, year, sex and age are a located error. Each mid-year is
filed under the financial year it falls in (mid-2024 -> 2024-25), as for MYE2.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ascbench.errors import AscbenchError
from ascbench.importers.common import located, read_official_csv

SOURCE = "ONS population estimates from Nomis"
DATE = ("DATE_NAME", "DATE")
AGE = ("C_AGE_NAME", "AGE_NAME", "C_AGE_CODE")
REQUIRED = ("GEOGRAPHY_CODE", "OBS_VALUE")


def detect(header: list[str]) -> bool:
    upper = {str(h).strip().upper() for h in header}
    return set(REQUIRED) <= upper and bool(upper & set(AGE)) and bool(upper & set(DATE))


def age_of(text: str) -> int | None:
    """``Age 0`` -> 0, ``Age 89`` -> 89, ``Aged 90+`` / ``Age 90 and over`` -> 90; a band or
    ``All Ages`` -> None."""
    t = str(text).strip().lower()
    if m := re.fullmatch(r"age(?:d)?\s+(\d{1,2})", t):
        return int(m.group(1)) if int(m.group(1)) < 90 else None
    if re.fullmatch(r"age(?:d)?\s+90\s*(?:\+|and over|or over|plus)", t):
        return 90
    if t in ("age under 1", "aged under 1", "under 1"):
        return 0
    return None


def read_file(path: Path):
    """One Nomis download -> (codes, names, {period: {measure: Series}}, report line)."""
    from ascbench.importers.ons import _bands, _financial_year

    frame = read_official_csv(path, [], "Nomis")
    frame.columns = [c if c == "line" else str(c).strip().upper() for c in frame.columns]
    frame["_file"] = str(path)
    missing = [c for c in REQUIRED if c not in frame.columns]
    date_col = next((c for c in DATE if c in frame.columns), None)
    age_col = next((c for c in AGE if c in frame.columns), None)
    if missing or date_col is None or age_col is None:
        wanted = missing[0] if missing else ("DATE_NAME" if date_col is None else "C_AGE_NAME")
        raise AscbenchError(
            f"this is not a Nomis population download: no column '{wanted}'",
            file=str(path),
            line=1,
            field=wanted,
            expected="the Nomis columns DATE_NAME, GEOGRAPHY_NAME, GEOGRAPHY_CODE, GENDER_NAME, C_AGE_NAME, OBS_VALUE",
        )
    notes = []
    if "MEASURES_NAME" in frame.columns:
        counts_only = frame["MEASURES_NAME"].str.strip().str.lower().isin(["value", ""])
        if (~counts_only).any():
            notes.append(f"{int((~counts_only).sum()):,} rows of other measures (percentages) left out")
        frame = frame[counts_only]
    ages = frame[age_col].map(age_of)
    years = frame[date_col].str.extract(r"((?:19|20)\d\d)", expand=False)
    if years.isna().any():
        raise located(frame, years.isna(), date_col, "'{" + date_col + "}' is not a mid-year", "a year such as 2024")
    sex = (
        frame["GENDER_NAME"].str.strip().str.lower()
        if "GENDER_NAME" in frame.columns
        else pd.Series("total", index=frame.index)
    )
    sex = sex.replace(
        {"all persons": "total", "persons": "total", "people": "total", "males": "male", "females": "female"}
    )
    unknown = ~sex.isin(["total", "male", "female"])
    if unknown.any():
        raise located(frame, unknown, "GENDER_NAME", "unknown sex '{GENDER_NAME}'", "Total, Male or Female")
    codes = frame["GEOGRAPHY_CODE"].str.strip().str.upper()
    key = pd.DataFrame({"code": codes, "year": years, "sex": sex, "age": frame[age_col].str.strip().str.lower()})
    twice = key.duplicated(keep=False)
    if twice.any():
        first = frame[twice].iloc[0]
        again = frame[twice & key.duplicated(keep="first")].iloc[0]
        raise AscbenchError(
            f"a second row for {codes[again.name]} {years[again.name]} {sex[again.name]} '{again[age_col]}' "
            f"(the first at line {int(first['line'])})",
            file=str(path),
            line=int(again["line"]),
            field=age_col,
            expected="one row per area, date, sex and age",
        )
    single = ages.notna()
    has_total = (sex == "total").groupby([codes, years]).transform("any")
    use = single & (((sex == "total") & has_total) | ((sex != "total") & ~has_total))
    if ((sex != "total") & has_total & single).any():
        notes.append("Total rows used as the persons counts; Male and Female rows not added to them")
    from ascbench.importers.ons import _numbers

    body = frame[use]
    values = _numbers(body, ["OBS_VALUE"], body["line"], path)["OBS_VALUE"].to_numpy()
    table = pd.DataFrame(
        {
            "code": codes[use].to_numpy(),
            "year": years[use].to_numpy(),
            "age": ages[use].astype(int).to_numpy(),
            "n": values,
        }
    )
    per_age = table.groupby(["year", "code", "age"], sort=True)["n"].sum()
    all_codes = pd.Series(sorted(set(codes)), dtype=object)
    by_period = {}
    for year in sorted(set(years)):
        wide = per_age.loc[year].unstack("age") if year in per_age.index.get_level_values(0) else pd.DataFrame()
        lacking = [a for a in range(91) if a not in wide.columns]
        if lacking or wide.reindex(all_codes).isna().to_numpy().any():
            gap = wide.reindex(index=all_codes, columns=range(91))
            row_i, col_i = np.argwhere(gap.isna().to_numpy())[0]
            area, age = all_codes.iloc[row_i], int(gap.columns[col_i])
            raise AscbenchError(
                f"no count for {area} in {year} at age {'90+' if age == 90 else age}",
                file=str(path),
                field=age_col,
                expected="every single year of age, Age 0 to Age 89 and Aged 90+, for each area (Nomis c_age 101...191)",
            )
        wide = wide.reindex(index=all_codes, columns=range(91))
        wide.columns = [str(c) for c in wide.columns]
        by_period[_financial_year(int(year))] = _bands(wide.reset_index(drop=True), {a: str(a) for a in range(91)})
    names = (
        frame.assign(_code=codes).drop_duplicates("_code").set_index("_code")["GEOGRAPHY_NAME"]
        if "GEOGRAPHY_NAME" in frame.columns
        else pd.Series(dtype=object)
    )
    note = f"{path.name}: Nomis population download, mid-years {', '.join(sorted(set(years)))}"
    return all_codes, all_codes.map(names).fillna(all_codes), by_period, "; ".join([note, *notes])


def read(paths, period: str | None = None, lookup: Path | None = None):
    from ascbench.importers import ons

    return ons.read(paths, period=period, lookup=lookup)
