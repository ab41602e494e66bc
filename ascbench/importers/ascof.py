"""NHS England / DHSC "Measures from the Adult Social Care Outcomes Framework" data file.

Layout (long CSV, one year per file): ``Geographical Code, Geographical Description,
Geographical Level, ONS Area Code, ASCOF Measure Code, Disaggregation Level, Measure Type,
Measure Value, Measure Group, Measure Group Description``.

* ``Geographical Level``: ``Council`` (a council), ``Region``, ``Council Type`` and
  ``England`` (aggregate areas; England becomes the ``national`` role);
* the area code is the ``ONS Area Code`` (GSS), else the ``Geographical Code``; recoded
  councils are mapped to their current code;
* ``ASCOF Measure Code`` and ``Disaggregation Level`` name the measure: ``2A`` ->
  ``ascof_2a``, ``3D(2a)`` -> ``ascof_3d2a``, ``2B`` for ``18-64`` -> ``ascof_2b_1864``
  (a disaggregation of ``Total``, ``All`` or empty adds nothing);
* ``Measure Type``: ``Numerator`` -> ``.num``, ``Denominator`` -> ``.den``, ``Outcome`` ->
  ``.published`` (checked against the recomputation), ``Base`` -> ``.base``;
* ``Measure Value``: a number, or a suppression marker (kept as suppressed, never 0).

The year is taken from a ``Year``/``Reporting Period``/``Financial Year`` column when there is
one, else from ``--period``. ``catalogues/ascof-2024-25.yaml`` declares the measures.
"""

from __future__ import annotations

import re

SOURCE = "ASCOF data file (NHS England/DHSC)"
REQUIRED = ["Geographical Code", "Geographical Description", "Geographical Level", "ASCOF Measure Code",
            "Disaggregation Level", "Measure Type", "Measure Value"]
LEVELS = {"council": None, "region": "region", "council type": "council_type", "england": "national"}
TYPES = {"numerator": "num", "denominator": "den", "outcome": "published", "base": "base"}
YEAR_COLUMNS = ("Year", "Reporting Period", "Financial Year", "Reporting Year")
TOTAL = {"", "total", "all", "all ages", "persons", "overall"}


def measure_name(code: str, disaggregation: str) -> str:
    base = re.sub(r"[^0-9a-z]", "", code.lower().replace("ascof", ""))
    dis = re.sub(r"[^0-9a-z]", "", disaggregation.lower().replace("and over", "ov").replace("+", "ov"))
    if disaggregation.strip().lower() in TOTAL or not dis or base.endswith(dis):
        return f"ascof_{base}"
    return f"ascof_{base}_{dis}"


def read(paths, period: str | None = None):
    import pandas as pd

    from ascbench.errors import AscbenchError
    from ascbench.importers.common import Imported, council_type_from_code, located, read_official_files
    from ascbench.importers.reorganisations import current_code
    from ascbench.io.values import parse_values
    from ascbench.periods import parse_period

    d = read_official_files(paths, REQUIRED, "ASCOF data")

    def fail(mask, column, message, expected):
        raise located(d, mask, column, message, expected)

    level = d["Geographical Level"].str.lower()
    if (~level.isin(LEVELS)).any():
        fail(~level.isin(LEVELS), "Geographical Level", "unknown level '{Geographical Level}'",
             "Council, Region, Council Type or England")
    mtype = d["Measure Type"].str.lower()
    if (~mtype.isin(TYPES)).any():
        fail(~mtype.isin(TYPES), "Measure Type", "unknown measure type '{Measure Type}'",
             "Numerator, Denominator, Outcome or Base")
    year_col = next((c for c in YEAR_COLUMNS if c in d.columns), None)
    if year_col:
        years = d[year_col].str.replace("/", "-", regex=False)
    elif period:
        years = pd.Series(parse_period(period).text, index=d.index)
    else:
        raise AscbenchError("the file has no year column: give the year with --period", file=d["_file"].iloc[0],
                            field="--period", expected="--period 2024-25")
    for text in years.unique():
        try:
            parse_period(text)
        except AscbenchError:
            fail(years == text, year_col or "--period", f"'{text}' is not a financial year", "a year such as 2024-25")
    years = years.map(lambda t: parse_period(t).text)
    values, status, bad, hint = parse_values(d["Measure Value"])
    if bad.any():
        fail(bad, "Measure Value", "'{Measure Value}' " + hint[bad].iloc[0], "a number or a suppression marker")
    ons = d["ONS Area Code"] if "ONS Area Code" in d.columns else pd.Series("", index=d.index)
    code = ons.where(ons.str.match(r"^E\d{8}$"), d["Geographical Code"]).map(current_code)
    names = [measure_name(c, g) for c, g in zip(d["ASCOF Measure Code"], d["Disaggregation Level"], strict=True)]
    obs = pd.DataFrame({
        "area_code": code, "period": years, "measure": [f"{n}.{TYPES[t]}" for n, t in zip(names, mtype, strict=True)],
        "value": values, "status": status, "source": SOURCE,
        "note": d.get("Measure Group Description", pd.Series("", index=d.index)),
    })
    dupes = obs.duplicated(["area_code", "period", "measure"], keep="first")
    if dupes.any():
        fail(dupes, "ASCOF Measure Code", "a second value for the same area, measure and type",
             "one row per area, measure, disaggregation and measure type")
    area_type = level.map(LEVELS)
    area_type = area_type.where(area_type.notna(), code.map(council_type_from_code))
    areas = pd.DataFrame({"area_code": code, "area_name": d["Geographical Description"], "area_type": area_type,
                          "region": ""}).drop_duplicates("area_code")
    roles = {}
    england = areas.loc[areas["area_type"] == "national", "area_code"]
    if len(england):
        roles["national"] = england.iloc[0]
    return Imported(obs, areas.reset_index(drop=True), None, roles)


def detect(header: list[str]) -> bool:
    return set(REQUIRED) <= set(header)
