"""The Adult Social Care Activity and Finance Report's CSV data files (NHS Digital, now NHS
England; the Adult Social Care Finance Return, ASC-FR): gross current expenditure by care
type and age band, income, and the measures an analyst ranks.

Two published layouts (docs/importing.md cites each):

* **2016-17 "Totals" file** (``CSV ASCFR Totals.csv`` of the 2016-17 CSV pack): one row per
  council (or region, or England) and breakdown, keyed: ``FY_Ending, CASSR_CODE,
  GEOGRAPHY_CODE, REGION_GO_CODE, CareType_KEY, AgeBand_KEY, PrimarySupportReason_KEY,
  SupportSetting_KEY, Purpose_KEY, CarerSupportType_KEY, DataType_KEY, TOTALEXPENDITURE,
  TOTALINCOME, NETTOTALEXPENDITURE, GROSSTOTALEXPENDITURE, NETCURRENTEXPENDITURE,
  GROSSCURRENTEXPENDITURE`` (£ thousands). ``DataType_KEY`` 1 rows add up to the council's
  expenditure (2 rows are a memorandum split of the 65+ rows into older bands and are not
  added); ``CareType_KEY`` 2 is long-term support, 4 short-term support, 3 the rest
  (social support, carers, information and early intervention, commissioning); ``AgeBand_KEY``
  1 is 18-64, 2 is 65 and over. England's rows have ``REGION_GO_CODE`` E92000001 and no
  ``GEOGRAPHY_CODE``; a region's have its own code there.
* **2017-18 on, "ASC-FR data file (with descriptions)"**: one row per item, long:
  ``GEOGRAPHY_LEVEL, DATA_LEVEL, FY_ENDING, GEOGRAPHY_CODE, DH_GEOGRAPHY_NAME,
  REGION_GO_CODE, GEOGRAPHY_NAME, CASSR, UUID, DimensionGroup, CareType_Key,
  FinanceType_Key, FinanceDescription_Key, AgeBand_Key, PrimarySupportReason_Key,
  SupportSetting_Key, Purpose_Key, ActivityProvision_Key, DataType_Key, ValueType_Key,
  ..., ITEMVALUE`` (later years drop the ``_Key`` suffix; columns are matched whatever
  their case and suffix). A dimension written ``99`` is the total over that dimension; a
  value ``:`` was not submitted and ``*`` suppressed, kept as such, never 0. Expenditure rows
  are those whose ``DATA_LEVEL`` (else ``FinanceType``) says gross current expenditure;
  activity rows those whose ``DimensionGroup`` says activity and whose data or value type
  counts clients; unit costs those whose ``DimensionGroup`` or ``DATA_LEVEL`` says unit cost.

Totals, the same rule for both: an area's total for a selection (all expenditure, long-term
support, 18-64, ...) is its row whose other dimensions are all totals (``99``/empty) where the
file has one, else the sum of its most detailed rows (no dimension ``99``), so no row is
counted twice.

Kept (values as published, £ thousands): ``ascfr.gce`` (gross current expenditure),
``ascfr.gce_lts`` and ``ascfr.gce_sts`` (long- and short-term support), ``ascfr.gce_1864``
and ``ascfr.gce_65ov``, ``ascfr.income`` where given; ``ascfr.clients_lts`` (clients of
long-term support) where given; ``ascfr.unit_cost_<setting>[_<age>]`` (published unit costs,
£). The catalogue fragment divides spend by the ONS population (``population.18+``,
``population.18-64``, ``population.65+`` from ``ascbench import ons`` into the same
directory): spend per adult is LG Inform metric 11518's method (gross current expenditure /
18+ population x 1,000, £ per adult). The per-adult metrics are written only when the
directory already holds the population (import ons first), since a catalogue never names a
measure the data lack.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ascbench.errors import AscbenchError
from ascbench.identifiers import gss_code
from ascbench.importers.common import Imported, council_type_from_code, located, read_official_csv
from ascbench.io.cells import parse_values

SOURCE = "Adult Social Care Activity and Finance Report, ASC-FR data file (NHS England)"
TOTALS_REQUIRED = ("FYENDING", "CARETYPE", "AGEBAND", "DATATYPE", "GROSSCURRENTEXPENDITURE")
LONG_REQUIRED = ("ITEMVALUE",)
DIMENSIONS = (
    "CARETYPE",
    "FINANCEDESCRIPTION",
    "AGEBAND",
    "PRIMARYSUPPORTREASON",
    "SUPPORTSETTING",
    "PURPOSE",
    "CARERSUPPORTTYPE",
    "ACTIVITYPROVISION",
)
MARKERS = {":": "not available", "*": "suppressed"}


def _key(name: str) -> str:
    """``AgeBand_Key`` / ``AGEBAND_KEY`` / ``AgeBand`` -> ``AGEBAND``."""
    return re.sub(r"_?KEY$", "", re.sub(r"[^0-9A-Z_]", "", str(name).strip().upper())).replace("_", "")


def detect(header: list[str]) -> bool:
    keys = {_key(h) for h in header}
    return set(TOTALS_REQUIRED) <= keys or ({"ITEMVALUE", "DIMENSIONGROUP"} <= keys)


def _financial_year(ending) -> pd.Series:
    """``FY_Ending`` 2017 -> ``2016-17``."""
    year = pd.to_numeric(ending, errors="coerce")
    return (year - 1).astype("Int64").astype(str) + "-" + (year % 100).astype("Int64").astype(str).str.zfill(2)


def _year_column(d, path):
    column = next((c for c in d.columns if _key(c) in ("FYENDING", "FYENDINGYEAR", "YEAR")), None)
    if column is None:
        raise AscbenchError(
            "no FY_ENDING column", file=str(path), line=1, field="FY_ENDING", expected="the ASC-FR columns"
        )
    bad = ~d[column].str.fullmatch(r"20\d\d")
    if bad.any():
        raise located(d, bad, column, "'{" + column + "}' is not a financial year's ending year", "a year such as 2024")
    return _financial_year(d[column])


def _areas(d):
    """Each row's area code: ``GEOGRAPHY_CODE`` (a council, or in the later files a region or
    England), else ``REGION_GO_CODE`` (the 2016-17 file's region and England rows); England
    is E92000001 wherever ``GEOGRAPHY_LEVEL`` says so."""
    by = {_key(c): c for c in d.columns}
    blank = pd.Series("", index=d.index)
    code = gss_code(d[by["GEOGRAPHYCODE"]]) if "GEOGRAPHYCODE" in by else blank
    region = gss_code(d[by["REGIONGOCODE"]]) if "REGIONGOCODE" in by else blank
    level = d[by["GEOGRAPHYLEVEL"]].str.lower() if "GEOGRAPHYLEVEL" in by else blank
    code = code.mask(code == "", region).mask(level.str.contains("england|national"), "E92000001")
    name_col = next((by[k] for k in ("DHGEOGRAPHYNAME", "GEOGRAPHYNAME") if k in by), None)
    names = d[name_col].str.strip() if name_col else blank
    names = names.mask(code == "E92000001", names.where(names != "", "England"))
    return code, names.where(names != "", code)


def _contained(rows, dims) -> pd.Series:
    """True for each row that another row of ``rows`` sums: a row ``s`` with ``99`` in the
    dimensions S contains every row that agrees with it on the other dimensions and is
    specific (not ``99``) in one of S. Vectorised: one merge per pattern of ``99``s."""
    is99 = pd.DataFrame({d: rows[d].astype(str).str.strip() == "99" for d in dims}, index=rows.index)
    pattern = is99.apply(lambda r: tuple(r), axis=1) if len(rows) else pd.Series(dtype=object)
    contained = pd.Series(False, index=rows.index)
    cells = rows[["_area", "_period", *dims]].astype(str).apply(lambda c: c.str.strip())
    for pat in set(pattern):
        if not any(pat):
            continue
        summing = [d for d, f in zip(dims, pat, strict=True) if f]
        others = [d for d, f in zip(dims, pat, strict=True) if not f]
        key = ["_area", "_period", *others]
        sums = cells.loc[pattern == pat, key].drop_duplicates().assign(_hit=True)
        candidates = (
            (~is99[summing]).any(axis=1) & ~is99[others].any(axis=1) if others else (~is99[summing]).any(axis=1)
        )
        hit = cells.loc[candidates, key].merge(sums, on=key, how="left")["_hit"].fillna(False).to_numpy(dtype=bool)
        contained.loc[candidates[candidates].index[hit]] = True
    return contained


def _totals(frame, value_col: str, select, dims, status=None):
    """Per area and period, the total of ``value_col`` over the rows where ``select`` holds:
    the sum of the rows no other row of the selection sums (the published total where the
    file has one, else its parts; a ``99`` that sums nothing, a dimension that does not apply
    to the item, is an ordinary value), so no amount is counted twice. A total with a
    suppressed or missing part is no value, with that part's status (never a partial sum).
    Returns (values, statuses)."""
    rows = frame[select]
    if rows.empty:
        return pd.Series(dtype="float64"), pd.Series(dtype=object)
    use = ~_contained(
        rows,
        [
            d
            for d in dims
            if rows[d].astype(str).str.strip().nunique() > 1 or (rows[d].astype(str).str.strip() == "99").any()
        ],
    )
    key = [rows["_area"], rows["_period"]]
    values = rows[value_col].where(use)
    gap = use & rows[value_col].isna()
    summed = values.groupby(key).sum(min_count=1)
    gaps = gap.groupby(key).any()
    st = (status if status is not None else pd.Series("not available", index=frame.index)).loc[rows.index]
    first_status = st.where(gap).groupby(key).first()
    out_status = pd.Series("", index=summed.index, dtype=object).mask(
        gaps, first_status.reindex(summed.index).fillna("not available")
    )
    return summed.mask(gaps).round(6), out_status  # sums to 6 decimals of £000: no binary noise


def _contains(frame, column, words) -> pd.Series:
    if column not in frame.columns:
        return pd.Series(False, index=frame.index)
    return frame[column].astype(str).str.lower().str.contains(words, regex=True)


def _read_totals_layout(d, path):
    """The 2016-17 keyed Totals file -> long observations."""
    by = {_key(c): c for c in d.columns if not str(c).startswith("_") and c != "line"}
    d = d.rename(columns={by[k]: k for k in by})
    values = {}
    for column in ("GROSSCURRENTEXPENDITURE", "TOTALINCOME"):
        if column in d.columns:
            v, status, bad, hint = parse_values(d[column])
            if bad.any():
                raise located(d, bad, column, "'{" + column + "}' " + hint[bad].iloc[0], "a number (£ thousands)")
            values[column] = v
    counted = d["DATATYPE"].str.strip() == "1"
    frame = d.assign(**{f"_{k}": v for k, v in values.items()})
    dims = [
        c
        for c in ("CARETYPE", "AGEBAND", "PRIMARYSUPPORTREASON", "SUPPORTSETTING", "PURPOSE", "CARERSUPPORTTYPE")
        if c in d.columns
    ]
    care, age = d["CARETYPE"].str.strip(), d["AGEBAND"].str.strip()
    wanted = {
        "ascfr.gce": counted,
        "ascfr.gce_lts": counted & (care == "2"),
        "ascfr.gce_sts": counted & (care == "4"),
        "ascfr.gce_1864": counted & (age == "1"),
        "ascfr.gce_65ov": counted & (age == "2"),
    }
    out = {m: _totals(frame, "_GROSSCURRENTEXPENDITURE", sel, dims) for m, sel in wanted.items()}
    if "_TOTALINCOME" in frame.columns:
        out["ascfr.income"] = _totals(frame, "_TOTALINCOME", counted, dims)
    return out, "ASC-FR 2016-17 Totals file (keyed, one column per finance measure)"


def _read_long_layout(d, path):
    """The data file with descriptions (2017-18 on) -> long observations."""
    by = {_key(c): c for c in d.columns if not str(c).startswith("_") and c != "line"}
    d = d.rename(columns={by[k]: k for k in by})
    value, status, bad, hint = parse_values(d["ITEMVALUE"].replace(list(MARKERS), ["[x]", "[c]"]))
    if bad.any():
        raise located(d, bad, "ITEMVALUE", "'{ITEMVALUE}' " + hint[bad].iloc[0], "a number, ':' or '*'")
    frame = d.assign(_v=value)
    dims = [c for c in DIMENSIONS if c in d.columns]
    level = "DATALEVEL" if "DATALEVEL" in d.columns else "FINANCETYPE"
    gce = _contains(d, level, r"gross current expenditure")
    if not gce.any() and level == "DATALEVEL":
        gce = _contains(d, "FINANCETYPE", r"^expenditure$|gross current expenditure")
    income = _contains(d, level, r"income") & ~gce
    care = d["CARETYPE"].astype(str).str.lower() if "CARETYPE" in d.columns else pd.Series("", index=d.index)
    age = d["AGEBAND"].astype(str).str.lower() if "AGEBAND" in d.columns else pd.Series("", index=d.index)
    lts, sts = care.str.contains("long"), care.str.contains("short")
    a1864 = age.str.contains(r"18") & age.str.contains(r"64")
    a65 = age.str.contains(r"65") & ~a1864
    expenditure_dims = [c for c in dims if c != "ACTIVITYPROVISION"]
    wanted = {
        "ascfr.gce": (gce, expenditure_dims),
        "ascfr.gce_lts": (gce & lts, expenditure_dims),
        "ascfr.gce_sts": (gce & sts, expenditure_dims),
        "ascfr.gce_1864": (gce & a1864, expenditure_dims),
        "ascfr.gce_65ov": (gce & a65, expenditure_dims),
        "ascfr.income": (income, expenditure_dims),
    }
    activity = _contains(d, "DIMENSIONGROUP", "activity")
    clients = activity & (
        _contains(d, "VALUETYPE", "client") | _contains(d, "DATATYPE", "client") | _contains(d, "DATALEVEL", "client")
    )
    wanted["ascfr.clients_lts"] = (clients & lts, dims)
    out = {m: _totals(frame, "_v", sel, ds, status) for m, (sel, ds) in wanted.items() if sel.any()}
    unit = _contains(d, "DIMENSIONGROUP", "unit cost") | _contains(d, "DATALEVEL", "unit cost")
    if unit.any():
        setting = d["SUPPORTSETTING"] if "SUPPORTSETTING" in d.columns else pd.Series("", index=d.index)
        slug = setting.astype(str).str.lower().str.replace(r"[^0-9a-z]+", "_", regex=True).str.strip("_")
        band = np.where(a1864, "_1864", np.where(a65, "_65ov", ""))
        names = "ascfr.unit_cost_" + slug + band
        keep = unit & (slug != "99") & (slug != "")
        for name in sorted(set(names[keep])):
            rows = frame.loc[keep & (names == name)]
            grouped = rows.groupby(["_area", "_period"])
            out[name] = (grouped["_v"].first(), status[rows.index].groupby([rows["_area"], rows["_period"]]).first())
    return out, "ASC-FR data file with descriptions (long, ITEMVALUE)"


def read(paths, period: str | None = None, out: Path | None = None):
    parts, area_frames, notes = [], [], []
    for path in map(Path, paths):
        d = read_official_csv(path, [], "ASC-FR data")
        d["_file"] = str(path)
        keys = {_key(c) for c in d.columns}
        if not detect(list(d.columns)):
            raise AscbenchError(
                "this is not an ASC-FR data file: no ITEMVALUE and DimensionGroup columns, nor the 2016-17 keyed "
                "Totals columns",
                file=str(path),
                line=1,
                field="header",
                expected="the ASC-FR CSV columns (docs/importing.md)",
            )
        d["_period"] = _year_column(d, path) if period is None else period
        d["_area"], names = _areas(d)
        unresolved = d["_area"] == ""
        if unresolved.any():
            raise located(
                d,
                unresolved,
                "GEOGRAPHY_CODE",
                "the row has no area code",
                "a GSS code in GEOGRAPHY_CODE or REGION_GO_CODE",
            )
        if set(TOTALS_REQUIRED) <= keys:
            measures, layout = _read_totals_layout(d, path)
        else:
            measures, layout = _read_long_layout(d, path)
        for measure, (series, statuses) in measures.items():
            if series.empty:
                continue
            frame = pd.DataFrame({"value": series, "status": statuses.reindex(series.index).fillna("")}).reset_index()
            frame.columns = ["area_code", "period", "value", "status"]
            frame["measure"] = measure
            parts.append(frame)
        area_frames.append(pd.DataFrame({"area_code": d["_area"], "area_name": names}))
        notes.append(f"{path}: {layout}, {len(d):,} rows, years " + ", ".join(sorted(set(d["_period"]))))
    obs = pd.concat(parts, ignore_index=True)
    twice = obs.duplicated(["area_code", "period", "measure"], keep=False)
    if twice.any():
        row = obs[twice].iloc[0]
        raise AscbenchError(
            f"{row['area_code']} {row['period']} is in two of the files given",
            file=str(paths[-1]),
            field="FILE",
            expected="each year's ASC-FR file once",
        )
    obs = obs.assign(source=SOURCE, note="£ thousands")
    obs.loc[obs["measure"].str.startswith("ascfr.unit_cost"), "note"] = "£, as published"
    obs.loc[obs["measure"] == "ascfr.clients_lts", "note"] = "clients"
    obs = obs[["area_code", "period", "measure", "value", "status", "source", "note"]].reset_index(drop=True)
    areas = pd.concat(area_frames).drop_duplicates("area_code")
    areas["area_type"] = areas["area_code"].map(council_type_from_code)
    areas["region"] = ""
    has_england = "E92000001" in set(areas["area_code"])
    population = _population_in(out)
    notes.append(
        f"{obs['measure'].nunique()} measures, {len(areas)} areas, {len(obs):,} observations"
        + (
            ""
            if population
            else "; no ONS population in the directory yet, so no per-adult metrics: "
            "run `ascbench import ons` into it, then this import again"
        )
    )
    catalogue = catalogue_fragment(set(obs["measure"]), population, has_england)
    roles = {"national": "E92000001"} if has_england else {}
    return Imported(obs, areas.reset_index(drop=True), None, roles, notes, catalogue=catalogue)


def _population_in(out) -> set:
    """The population measures already in the output directory's observations."""
    if out is None or not Path(out).is_dir():
        return set()
    found = set()
    for path in Path(out).glob("observations*.csv"):
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        found |= {m for m in ("population.18+", "population.18-64", "population.65+") if f",{m}," in text}
    return found


PER_ADULT = [
    (
        "ASCFR_GCE_PER_ADULT",
        "Gross current expenditure on adult social care per adult (18+)",
        "ascfr.gce",
        "population.18+",
    ),
    (
        "ASCFR_LTS_PER_ADULT",
        "Gross current expenditure on long-term support per adult (18+)",
        "ascfr.gce_lts",
        "population.18+",
    ),
    (
        "ASCFR_STS_PER_ADULT",
        "Gross current expenditure on short-term support per adult (18+)",
        "ascfr.gce_sts",
        "population.18+",
    ),
    (
        "ASCFR_GCE_1864_PER_ADULT",
        "Gross current expenditure on adults aged 18-64 per adult aged 18-64",
        "ascfr.gce_1864",
        "population.18-64",
    ),
    (
        "ASCFR_GCE_65OV_PER_ADULT",
        "Gross current expenditure on adults aged 65+ per adult aged 65+",
        "ascfr.gce_65ov",
        "population.65+",
    ),
]


def catalogue_fragment(present: set, population: set, has_england: bool) -> str:
    """Spend per adult (LG Inform 11518's method), per client and unit costs, naming only
    measures the data hold."""
    lines = [
        "# written by ascbench import ascfr: spend from the ASC-FR (£ thousands) per person of the ONS",
        "# population (import ons into the same directory) x 1,000 = £ per person (LG Inform 11518's method).",
        "defaults:",
        "  all: {source: 'ASC-FR (NHS England); ONS mid-year population estimates', polarity: none}",
        "metrics:",
    ]
    comparators = [{"area": "national"}] if has_england else None

    def add(spec):
        if comparators:
            spec["comparators"] = comparators
        lines.append("  - " + yaml.safe_dump(spec, default_flow_style=True, sort_keys=False, width=10**6).strip())

    for mid, title, numerator, denominator in PER_ADULT:
        if numerator in present and denominator in population:
            add(
                {
                    "id": mid,
                    "title": title,
                    "statistic": "rate",
                    "numerator": numerator,
                    "denominator": denominator,
                    "multiplier": 1000,
                    "unit": "£",
                    "decimals": 2,
                    "interval": False,
                }
            )
    if {"ascfr.gce_lts", "ascfr.clients_lts"} <= present:
        add(
            {
                "id": "ASCFR_LTS_PER_CLIENT",
                "title": "Gross current expenditure on long-term support per client",
                "statistic": "rate",
                "numerator": "ascfr.gce_lts",
                "denominator": "ascfr.clients_lts",
                "multiplier": 1000,
                "unit": "£",
                "decimals": 0,
                "interval": False,
            }
        )
    for measure in ("ascfr.gce", "ascfr.gce_lts", "ascfr.gce_sts"):
        if measure in present:
            add(
                {
                    "id": measure.replace("ascfr.", "ASCFR_").upper(),
                    "title": {
                        "ascfr.gce": "Gross current expenditure on adult social care",
                        "ascfr.gce_lts": "Gross current expenditure on long-term support",
                        "ascfr.gce_sts": "Gross current expenditure on short-term support",
                    }[measure],
                    "statistic": "published",
                    "value": measure,
                    "unit": "£000",
                    "decimals": 0,
                }
            )
    for measure in sorted(m for m in present if m.startswith("ascfr.unit_cost_")):
        add(
            {
                "id": measure.replace("ascfr.", "ASCFR_").upper(),
                "title": "Unit cost, " + measure.removeprefix("ascfr.unit_cost_").replace("_", " "),
                "statistic": "published",
                "value": measure,
                "unit": "£",
            }
        )
    return "\n".join(lines) + "\n"
