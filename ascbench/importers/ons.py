"""ONS mid-year population estimates, in the layouts ONS publishes:

* **MYE2** (the ``ukpopestimatesmid20XX`` workbook, table MYE2 "Population estimates: Persons
  by single year of age"): the persons sheet of the ``.xlsx`` (``MYE2 - Persons``, or a sheet
  whose name says persons/all), or that sheet saved as CSV. Title and note rows come first;
  the header is whichever row holds ``Code`` and ``Name`` (``Code, Name, Geography, All ages,
  0, 1, ..., 89, 90+``; ``90`` for 90 and over is read too). Numbers may carry thousands
  separators (an exported sheet writes them; accepted in this importer only). Counties,
  districts, unitaries, regions and England each have their row.
* **MYEB** (the long "population estimates time series": ``ladcode23, laname23, country,
  sex, age, population_2011, ..., population_2023``): one row per district or unitary, sex
  and single year of age (90 = 90 and over), one column per mid-year. The two sexes (1, 2)
  are summed; a file of persons rows (sex 0) alone is read as it is, but persons rows beside
  the sexes (which would count everyone twice) are a located error, and so is a second row
  for one area, sex and age.
* **Nomis** downloads (``GEOGRAPHY_CODE, ..., C_AGE_NAME, OBS_VALUE``): see
  :mod:`ascbench.importers.nomis`.

Districts (E07) of a file without their counties are summed into their county through
ONS's "Local Authority District to County (2024) Lookup in England", shipped as
``data/ons_lad_to_county_2024.csv``, or through ``--lookup FILE`` (``LAD23CD, LAD23NM,
CTY23CD, CTY23NM``, any vintage of those names) for estimates on other boundaries; a district
the lookup lacks is a located error. An area given twice for one period (two rows of MYE2,
or two files of the same year) is a located error, never "the last one wins".

Kept: the denominators that ASCOF rates use, ``population.18-64``, ``population.65+``,
``population.18+`` and ``population.all``. The period: ``--period``, else the mid-year in
the title rows or the file name (``mid-2023``), which is inside the financial year
2023-24 (30 June 2023), so mid-2023 estimates are filed under ``2023-24``; each
``population_YYYY`` column of MYEB likewise. A negative or fractional count is a located
error; so is a missing single-year column.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ascbench.errors import AscbenchError
from ascbench.identifiers import gss_code
from ascbench.importers.common import (
    Imported,
    council_type_from_code,
    read_official_csv,
)
from ascbench.importers.workbook import is_workbook, sheets
from ascbench.io.cells import parse_values
from ascbench.io.dataset import read_text
from ascbench.periods import parse_period

SOURCE = "ONS mid-year population estimates"
REQUIRED = ["Code", "Name", "All ages"]
BANDS = {
    "population.18-64": (18, 64),
    "population.65+": (65, 90),
    "population.18+": (18, 90),
    "population.all": (0, 90),
}
THOUSANDS = r"^\s*-?\d{1,3}(,\d{3})+(\.\d+)?\s*$"


def _period_from(text: str) -> str | None:
    found = re.search(r"mid[-_ ]?(\d{4})", text, re.I)
    if found:
        year = int(found.group(1))
        return f"{year}-{(year + 1) % 100:02d}"
    return None


def _financial_year(mid_year: int) -> str:
    return f"{mid_year}-{(mid_year + 1) % 100:02d}"


def _sheet_rows(path: Path):
    """The rows of the persons sheet (xlsx) or of the CSV, as lists of text, with line numbers."""
    import csv

    if is_workbook(path):
        book = sheets(path)
        names = list(book)
        sheet = next((n for n in names if re.search(r"persons|all persons|\ball\b", n, re.I)), None)
        if sheet is None:
            raise AscbenchError(
                "no persons sheet in the workbook",
                file=str(path),
                field="sheet",
                expected="a sheet such as 'MYE2 - Persons' (sheets: " + ", ".join(names) + ")",
            )
        rows = book[sheet]
        return rows, f"{path.name}, sheet '{sheet}'"
    reader = csv.reader(io.StringIO(read_text(path)))
    return [(reader.line_num, [c.strip() for c in row]) for row in reader], path.name


def _numbers(frame, columns, lines, path):
    """Whole, non-negative counts from text cells (thousands separators allowed)."""

    out = {}
    for column in columns:
        cells = frame[column].astype(str).str.strip()
        cells = cells.where(~cells.str.match(THOUSANDS), cells.str.replace(",", "", regex=False))
        values, _, bad, hint = parse_values(cells)
        wrong = bad | values.isna()
        if wrong.any():
            i = int(np.flatnonzero(wrong.to_numpy())[0])
            why = hint.iloc[i] if bad.iloc[i] else "is missing or suppressed"
            raise AscbenchError(
                f"'{frame[column].iloc[i]}' {why}",
                file=str(path),
                line=int(lines.iloc[i]),
                field=column,
                expected="a whole number of people",
            )
        odd = (values < 0) | (values != np.floor(values))
        if odd.any():
            i = int(np.flatnonzero(odd.to_numpy())[0])
            raise AscbenchError(
                f"'{frame[column].iloc[i]}' is not a count of people (negative or fractional)",
                file=str(path),
                line=int(lines.iloc[i]),
                field=column,
                expected="a whole number of people, 0 or more",
            )
        out[column] = values
    return pd.DataFrame(out)


def _bands(counts, age_columns) -> dict:
    """population.<band> -> Series, from single-year columns keyed by age 0..90."""
    return {
        measure: counts[[age_columns[a] for a in range(lo, hi + 1)]].sum(axis=1) for measure, (lo, hi) in BANDS.items()
    }


def _read_mye2(path, rows, where, period):
    at = next((i for i, (_, r) in enumerate(rows) if {"code", "name"} <= {c.strip().lower() for c in r}), None)
    if at is None:
        raise AscbenchError(
            "no header row with 'Code' and 'Name'",
            file=str(path),
            line=1,
            field="header",
            expected="the MYE2 table: Code, Name, Geography, All ages, 0, 1, ..., 90+",
        )
    header_line, header = rows[at]
    header = [h.strip() for h in header]
    lowered = [h.lower() for h in header]
    period = period or _period_from(" ".join(" ".join(r) for _, r in rows[:at]) + " " + path.name)
    if not period:
        raise AscbenchError(
            "the mid-year of the estimates is not in the title or the file name: give the year "
            "they serve with --period",
            file=str(path),
            field="--period",
            expected="--period 2023-24 (mid-2023 estimates)",
        )
    top = "90+" if "90+" in header else "90"
    ages = {a: str(a) for a in range(90)}
    ages[90] = top
    missing = [c for c in [*ages.values(), "All ages"] if c not in header and c.lower() not in lowered]
    if missing:
        raise AscbenchError(
            f"column '{missing[0]}' is missing",
            file=str(path),
            line=header_line,
            field=missing[0],
            expected="one column per single year of age from 0 to 90 (90 and over), and All ages",
        )
    body = [(n, r) for n, r in rows[at + 1 :] if len(r) > 1 and r[lowered.index("code")].strip()]
    width = len(header)
    frame = pd.DataFrame([(r + [""] * width)[:width] for _, r in body], columns=header)
    lines = pd.Series([n for n, _ in body])
    code = frame[header[lowered.index("code")]]
    name = frame[header[lowered.index("name")]]
    twice = code.str.strip().str.upper().duplicated(keep=False)
    if twice.any():
        i, j = np.flatnonzero(twice.to_numpy())[:2]
        raise AscbenchError(
            f"{code.iloc[j]} has a second row (the first at line {int(lines.iloc[i])})",
            file=str(path),
            line=int(lines.iloc[j]),
            field=header[lowered.index("code")],
            expected="one row per area in the MYE2 table",
        )
    all_ages = header[lowered.index("all ages")]
    counts = _numbers(frame, [*ages.values(), all_ages], lines, path)
    bands = _bands(counts, ages)
    return code, name, {period: bands}, f"{where}: ONS MYE2 (header at line {header_line}), mid-year for {period}"


def _read_myeb(path, rows, where):
    header_line, header = rows[0]
    lowered = [h.strip().lower() for h in header]
    code_col = next(h for h, low in zip(header, lowered, strict=True) if low.startswith("ladcode"))
    name_col = next((h for h, low in zip(header, lowered, strict=True) if low.startswith("laname")), code_col)
    years = {
        int(m.group(1)): h
        for h, low in zip(header, lowered, strict=True)
        if (m := re.fullmatch(r"population_(\d{4})", low))
    }
    if not years or "age" not in lowered:
        raise AscbenchError(
            "no population_YYYY columns",
            file=str(path),
            line=header_line,
            field="header",
            expected="the MYEB columns ladcode.., laname.., sex, age, population_2011, ...",
        )
    body = [(n, r) for n, r in rows[1:] if any(r)]
    frame = pd.DataFrame([r for _, r in body], columns=header)
    lines = pd.Series([n for n, _ in body])
    age_col = header[lowered.index("age")]
    frame, lines, sex_note = _persons_rows(frame, lines, header, lowered, path)
    ages = _numbers(frame, [age_col], lines, path)[age_col].clip(upper=90).astype(int)
    counts = _numbers(frame, list(years.values()), lines, path)
    key = pd.DataFrame({"code": frame[code_col].to_numpy(), "age": frame[age_col].to_numpy()})
    if "sex" in lowered:
        key["sex"] = frame[header[lowered.index("sex")]].to_numpy()
    twice = key.duplicated(keep=False).to_numpy()
    if twice.any():
        i, j = np.flatnonzero(twice)[:2]
        raise AscbenchError(
            f"a second row for {key['code'].iloc[j]} at age {key['age'].iloc[j]}"
            + (f", sex {key['sex'].iloc[j]}" if "sex" in key else "")
            + f" (the first at line {int(lines.iloc[i])})",
            file=str(path),
            line=int(lines.iloc[j]),
            field=age_col,
            expected="one row per area, sex and age",
        )
    counts["code"], counts["age"] = frame[code_col].to_numpy(), ages.to_numpy()
    per_age = counts.groupby(["code", "age"], sort=True)[list(years.values())].sum()  # persons: both sexes
    by_period = {}
    codes = pd.Series(per_age.index.get_level_values("code").unique(), dtype=object)
    for year, column in years.items():
        wide = per_age[column].unstack("age").reindex(index=codes, columns=range(91), fill_value=0)
        wide.columns = [str(c) for c in wide.columns]
        by_period[_financial_year(year)] = _bands(wide.reset_index(drop=True), {a: str(a) for a in range(91)})
    names = frame.drop_duplicates(code_col).set_index(code_col)[name_col]
    return (
        codes,
        codes.map(names),
        by_period,
        f"{where}: ONS MYEB time series, mid-years {min(years)}-{max(years)}" + sex_note,
    )


PERSONS = {"0", "persons", "all persons", "all", "p", "t", "total"}
SEXES = {"1", "2", "m", "f", "male", "female", "males", "females"}


def _persons_rows(frame, lines, header, lowered, path):
    """The rows to sum: the two sexes (1 and 2), or the persons rows (sex 0) where the file
    has nothing else. Persons rows beside the sexes would count everyone twice: a located
    error naming the first."""
    if "sex" not in lowered:
        return frame, lines, ""
    column = header[lowered.index("sex")]
    sex = frame[column].astype(str).str.strip().str.lower()
    persons, sexes = sex.isin(PERSONS), sex.isin(SEXES)
    unknown = ~(persons | sexes)
    if unknown.any():
        i = int(np.flatnonzero(unknown.to_numpy())[0])
        raise AscbenchError(
            f"unknown sex '{frame[column].iloc[i]}'",
            file=str(path),
            line=int(lines.iloc[i]),
            field=column,
            expected="1 (male) or 2 (female), or 0 (persons) in a file of persons rows only",
        )
    if persons.any() and sexes.any():
        i = int(np.flatnonzero(persons.to_numpy())[0])
        raise AscbenchError(
            f"a persons row (sex {frame[column].iloc[i]}) beside the rows for each sex: summing them would count "
            "everyone twice",
            file=str(path),
            line=int(lines.iloc[i]),
            field=column,
            expected="the rows for sex 1 and 2 only (or persons rows only)",
        )
    if persons.any():
        return frame, lines, "; persons rows (sex 0)"
    return frame, lines, "; sexes 1 and 2 summed"


def _county_lookup(path: Path):
    """District -> county from an ONS lookup CSV (``LADyyCD, ..., CTYyyCD, CTYyyNM``)."""

    t = read_official_csv(path, [], "district-to-county lookup")
    lad = next((c for c in t.columns if re.fullmatch(r"LAD\d{2}CD", str(c), re.I)), None)
    cty = next((c for c in t.columns if re.fullmatch(r"CTY\d{2}CD", str(c), re.I)), None)
    cty_name = next((c for c in t.columns if re.fullmatch(r"CTY\d{2}NM", str(c), re.I)), None)
    if lad is None or cty is None:
        raise AscbenchError(
            "this is not a district-to-county lookup: no LADyyCD and CTYyyCD columns",
            file=str(path),
            line=1,
            field="header",
            expected="the ONS lookup LAD23CD, LAD23NM, CTY23CD, CTY23NM",
        )
    return pd.DataFrame(
        {
            "district": gss_code(t[lad]),
            "county": gss_code(t[cty]),
            "county_name": t[cty_name] if cty_name else gss_code(t[cty]),
        }
    )


SHIPPED_LOOKUP = Path(__file__).with_name("data") / "ons_lad_to_county_2024.csv"


def _first_row(path) -> list[str]:
    import csv

    try:
        text = read_text(path)
    except AscbenchError:
        return []
    line = text.split("\n", 1)[0]
    try:
        return next(csv.reader([line]), [])
    except csv.Error:
        return []


def read(paths, period: str | None = None, lookup: Path | None = None):
    from ascbench.importers import nomis

    if period:
        period = parse_period(period).text
    frames, areas, notes = [], [], []
    for path in map(Path, paths):
        if not is_workbook(path) and nomis.detect(_first_row(path)):
            codes, names, by_period, note = nomis.read_file(path)
            if period:
                raise AscbenchError(
                    "a Nomis download gives each row's mid-year itself",
                    file=str(path),
                    field="--period",
                    expected="no --period with a Nomis file",
                )
            rows, first = None, []
        else:
            rows, where = _sheet_rows(path)
            first = [c.strip().lower() for c in (rows[0][1] if rows else [])]
        if rows is None:
            pass
        elif any(c.startswith("ladcode") for c in first) and "age" in first:
            codes, names, by_period, note = _read_myeb(path, rows, where)
            if period:
                raise AscbenchError(
                    "an MYEB time series gives each year's period itself",
                    file=str(path),
                    field="--period",
                    expected="no --period with an MYEB file",
                )
        else:
            codes, names, by_period, note = _read_mye2(path, rows, where, period)
        codes = gss_code(pd.Series(codes).reset_index(drop=True))
        names = pd.Series(names).reset_index(drop=True)
        districts = codes.str.startswith("E07")
        has_counties = codes.str.startswith("E10").any()
        if districts.any() and not has_counties:
            table_path = Path(lookup) if lookup is not None else SHIPPED_LOOKUP
            table = _county_lookup(table_path)
            county = codes.map(table.drop_duplicates("district").set_index("district")["county"])
            unmapped = districts & county.isna()
            if unmapped.any():
                raise AscbenchError(
                    f"district {codes[unmapped].iloc[0]} is not in the "
                    + ("lookup" if lookup is not None else "shipped 2024 district-to-county lookup"),
                    file=str(path if lookup is None else lookup),
                    field="--lookup" if lookup is None else "LAD23CD",
                    expected="every district of the estimates in the lookup"
                    + ("" if lookup is not None else ": give the lookup of the estimates' own year with --lookup"),
                )
            by_county = table.drop_duplicates("district").groupby("county")["district"].agg(set)
            present = set(codes[districts])
            for c in sorted(set(county[districts])):
                lacking = sorted(by_county[c] - present)
                if lacking:
                    raise AscbenchError(
                        f"county {c} cannot be summed: the file lacks {len(lacking)} of its "
                        f"{len(by_county[c])} districts ({', '.join(lacking[:5])}{', ...' if len(lacking) > 5 else ''})",
                        file=str(path),
                        field="--lookup",
                        expected="every district of each county in the file, or the county's own row",
                    )
            for bands in by_period.values():
                for m, series in bands.items():
                    summed = series[districts].groupby(county[districts].to_numpy()).sum()
                    bands[m] = pd.concat([series, pd.Series(summed.to_numpy())], ignore_index=True)
            new_codes = pd.Series(sorted(set(county[districts])), dtype=object)
            names_by = table.drop_duplicates("county").set_index("county")["county_name"]
            codes = pd.concat([codes, new_codes], ignore_index=True)
            names = pd.concat([names, new_codes.map(names_by)], ignore_index=True)
            note += f"; {districts.sum()} districts summed into {len(new_codes)} counties" + (
                "" if lookup is not None else " (the shipped ONS 2024 district-to-county lookup)"
            )
        notes.append(note)
        for p, bands in by_period.items():
            for m, series in bands.items():
                frames.append(
                    pd.DataFrame(
                        {
                            "area_code": codes,
                            "period": p,
                            "measure": m,
                            "value": series.to_numpy(dtype="float64"),
                            "status": "",
                            "source": f"{SOURCE} ({path.name})",
                            "note": "",
                        }
                    )
                )
        areas.append(pd.DataFrame({"area_code": codes, "area_name": names}))
    obs = pd.concat(frames, ignore_index=True)
    twice = obs.duplicated(["area_code", "period", "measure"], keep=False)
    if twice.any():
        row = obs[twice].iloc[0]
        sources = sorted(
            set(obs.loc[twice & (obs["area_code"] == row["area_code"]) & (obs["period"] == row["period"]), "source"])
        )
        raise AscbenchError(
            f"{row['area_code']} {row['period']} is given twice (" + "; ".join(sources) + ")",
            file=str(paths[-1]),
            field="FILE",
            expected="one file per mid-year and area: give each year's estimates once",
        )
    area_frame = pd.concat(areas).drop_duplicates("area_code", keep="last")
    area_frame["area_type"] = area_frame["area_code"].map(council_type_from_code)
    area_frame["region"] = ""
    notes.append(
        f"{len(area_frame):,} areas, periods {', '.join(sorted(obs['period'].unique()))}, {len(obs):,} observations"
    )
    return Imported(
        obs,
        area_frame.reset_index(drop=True),
        None,
        {"national": "E92000001"} if "E92000001" in set(area_frame["area_code"]) else {},
        notes,
    )


def detect(header: list[str]) -> bool:
    """MYE2, MYEB, or a Nomis download (:mod:`ascbench.importers.nomis`), which ``import ons``
    reads too."""
    from ascbench.importers import nomis

    lowered = {h.strip().lower() for h in header}
    return (
        {"code", "name"} <= lowered
        or (any(h.startswith("ladcode") for h in lowered) and "age" in lowered)
        or nomis.detect(header)
    )
