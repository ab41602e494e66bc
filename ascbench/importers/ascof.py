"""NHS England / DHSC "Measures from the Adult Social Care Outcomes Framework" data file, every
vintage from 2014-15 on, and files that stack several years of it.

Headers are matched whatever their case, spaces or underscores (``Measure Value``,
``Measure value``, ``Measure_Value`` are one column). The layouts met in the published files:

* 2014-15 to 2022-23 (NHS Digital): ``Geographical Code, Geographical Description,
  Geographical Level, ONS Area Code, ASCOF Measure Code, Disaggregation Level, Measure Type,
  Measure Value`` (with ``Measure Group`` and ``Measure Group Description`` in some years);
* 2023-24 (NHS England): ``ONS Code``, ``Measure Group``, ``Measure Group Description``,
  ``Measure_Value``;
* 2024-25 on (DHSC, sentence case): ``Geographical code, Geographical description,
  Geographical level, ONS code, ASCOF measure code, Disaggregation level, Measure type,
  Measure value``, levels ``Local authority``, ``Regional``, ``Council type``, ``National``.

A ``Year`` column (the stacked files) gives each row's year; else ``--period``; else a year
in the file name (``...2023-24...``); else the import stops with a located error.

A series is keyed on its measure group (``Measure Group``, else the ``ASCOF measure code``
with a joined disaggregation such as ``1A1864`` or ``1BM`` taken off) plus its
disaggregation, so it has one measure name in every year: ``ascof_<code>[_<disaggregation>]``
with the 2023 framework's code. Years before 2023-24 use the old codes; they are renamed
through the crosswalk ``data/ascof_codes.csv`` (old 2A1 is new 2B, old 2D new 2A, ...); an old
measure with no successor is ``ascof_pre2023_<code>``. The crosswalk also records
definition breaks (the measures that moved to Client Level Data in 2024-25), which the
catalogue declares as ``breaks`` so that no direction or trend compares across them.

Measure types: ``Numerator`` -> ``.num``, ``Denominator`` -> ``.den``, ``Outcome`` ->
``.published`` (checked against the recomputation), ``Base`` -> ``.base``, ``Margin of
Error`` -> ``.moe`` (kept beside the published value; the survey measures' published 95%
margin). An empty type (the stacked file keeps only outcomes and blanks the type in 2023-24)
is read as ``Outcome`` and counted in the report; any other type is a located error.

Area codes: the ONS (GSS) code, folded by :func:`ascbench.identifiers.gss_code`; where a file
has none, the CASSR code (``Geographical code``) through the shipped table
``ascbench/data/cassr_ons_codes.csv``; a code that resolves to nothing is a located error. England is
``E92000001`` (the ``national`` role); council types, which have no GSS code, are
``CT-COUNTY``, ``CT-UNITARY``, ``CT-METROPOLITAN``, ``CT-LONDON``, ``CT-INNER-LONDON``,
``CT-OUTER-LONDON`` (and ``CT-<NAME>`` for any other).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import yaml

from ascbench import identifiers
from ascbench.errors import AscbenchError
from ascbench.identifiers import cassr_code, gss_code, is_gss, slug
from ascbench.importers.common import (
    Imported,
    council_type_from_code,
    located,
    read_official_csv,
    refuse_conflicts,
)
from ascbench.importers.reorganisations import current_code
from ascbench.importers.workbook import is_workbook
from ascbench.io.cells import parse_values
from ascbench.periods import parse_period

SOURCE = "ASCOF data file (NHS England/DHSC)"
FIELDS = {
    "geographical code": "geo_code",
    "geographical description": "geo_name",
    "geographical level": "level",
    "ons code": "ons",
    "ons area code": "ons",
    "ascof measure code": "code",
    "measure group": "group",
    "measure group description": "description",
    "disaggregation level": "disaggregation",
    "measure type": "type",
    "measure value": "value",
    "year": "year",
    "reporting period": "year",
    "financial year": "year",
    "reporting year": "year",
}
REQUIRED = ("geo_name", "level", "type", "value")
LEVELS = {
    "council": "council",
    "local authority": "council",
    "region": "region",
    "regional": "region",
    "council type": "council_type",
    "england": "national",
    "national": "national",
}
TYPES = {
    "numerator": "num",
    "denominator": "den",
    "outcome": "published",
    "base": "base",
    "margin of error": "moe",
    "": "published",
}
TOTAL = {"", "total", "all", "all ages", "persons", "overall"}
DISAGGREGATIONS = {  # canonical suffix -> spellings in the files (after lower-casing)
    "1864": ("18 to 64", "18-64", "aged 18-64", "aged 18 to 64", "1864", "18-64 years"),
    "65ov": ("65 and over", "65+", "65 and above", "aged 65 and over", "aged 65+", "65ov", "65 or over"),
    "male": ("male", "m", "men", "males"),
    "female": ("female", "f", "women", "females"),
}
JOINED = {"1864": ("1864",), "65ov": ("65OV", "65+", "65"), "male": ("MALE", "M"), "female": ("FEMALE", "F")}
COUNCIL_TYPES = {
    "shire counties": "COUNTY",
    "shire county": "COUNTY",
    "counties": "COUNTY",
    "county": "COUNTY",
    "unitary authorities": "UNITARY",
    "unitary authority": "UNITARY",
    "unitaries": "UNITARY",
    "metropolitan districts": "METROPOLITAN",
    "metropolitan district": "METROPOLITAN",
    "london boroughs": "LONDON",
    "london borough": "LONDON",
    "districts": "DISTRICT",
}
NEW_FRAMEWORK_FROM = "2023-24"
ENGLAND = "E92000001"


def normalise_header(name: str) -> str:
    """``'Measure_Value'``, ``' Measure value '`` -> ``'measure value'``."""
    return re.sub(r"[\s_]+", " ", str(name).strip().lower())


def layout_name(headers: list[str]) -> str:
    """Which published layout the header is, for the import report."""
    fields = {normalise_header(h): h for h in headers}
    if "Measure_Value" in headers or "ONS Code" in headers:
        name = "ASCOF data file, 2023-24 layout (ONS Code, Measure Group, Measure_Value)"
    elif "Measure value" in headers or "ASCOF measure code" in headers:
        name = "ASCOF data file, 2024-25 layout (sentence-case headers)"
    elif "ons area code" in fields:
        name = "ASCOF data file, 2014-15 to 2022-23 layout (ONS Area Code)"
    else:
        name = "ASCOF data file (columns matched by name)"
    return name + (", several years stacked (Year column)" if "year" in {FIELDS.get(f) for f in fields} else "")


def disaggregation_suffix(text):
    """Vectorised: the canonical suffix of each disaggregation ('' for a total)."""
    lowered = text.str.strip().str.lower()
    out = lowered.str.replace(r"[^0-9a-z]+", "_", regex=True).str.strip("_")
    for canonical, spellings in DISAGGREGATIONS.items():
        out = out.mask(lowered.isin(spellings), canonical)
    return out.mask(lowered.isin(TOTAL), "")


def group_code(codes, suffixes, has_group: bool):
    """Vectorised: the measure group of each row, upper case, letters and digits only; when
    the file has no Measure Group column, a disaggregation joined onto the code (``1A1864``,
    ``1BM``) is taken off."""
    code = codes.str.upper().str.replace("ASCOF", "", regex=False).str.replace(r"[^0-9A-Z+]", "", regex=True)
    if has_group:
        return code.str.replace("+", "", regex=False)
    for canonical, joined in JOINED.items():
        for spelling in joined:
            hit = (suffixes == canonical) & code.str.endswith(spelling) & (code.str.len() > len(spelling) + 1)
            code = code.mask(hit, code.str[: -len(spelling)])
    return code.str.replace("+", "", regex=False)


def crosswalk():
    """The shipped code crosswalk across the 2023 refresh (``data/ascof_codes.csv``)."""
    path = Path(__file__).with_name("data") / "ascof_codes.csv"
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def current_codes(groups, years):
    """Vectorised: each row's code in the 2023 framework (years before 2023-24 renamed
    through the crosswalk; an old code with no successor becomes ``PRE2023_<code>``)."""
    walk = crosswalk()
    old = walk[(walk["code_before_2023"] != "") & (walk["code"] != "")].set_index("code_before_2023")["code"]
    before = years < NEW_FRAMEWORK_FROM
    renamed = groups.map(old)
    return groups.mask(before & renamed.notna(), renamed).mask(before & renamed.isna(), "PRE2023_" + groups)


def cassr_table():
    """CASSR (and region) code -> GSS code, name, council type, region: the shipped table
    (:func:`ascbench.identifiers.cassr_table`)."""
    return identifiers.cassr_table()


def council_type_code(names):
    """Vectorised: the area code of a council-type aggregate, from its description."""
    lowered = names.str.strip().str.lower()
    canonical = lowered.map(COUNCIL_TYPES)
    fallback = lowered.map(slug).str.upper()
    return "CT-" + canonical.where(canonical.notna(), fallback)


def year_from_name(path) -> str | None:
    """A financial year written in a file name: ``ASCOF_2023-24.csv``, ``ascof_2023_24``."""
    found = re.search(r"(?<!\d)(20\d\d)[-_/ ]?(\d\d)(?!\d)", Path(path).name)
    if found and (int(found.group(1)) + 1) % 100 == int(found.group(2)):
        return f"{found.group(1)}-{found.group(2)}"
    return None


def _read_files(paths):
    """Each file's rows with canonical field names, ``_file`` and ``line``; the layout of each."""

    from ascbench.importers import ascof_annex

    frames, layouts = [], []
    pieces = []
    for path in paths:
        if is_workbook(path) or ascof_annex.is_annex_csv(path):
            tables, notes = ascof_annex.frames(path)
            pieces += [(path, table, None) for table in tables]
            layouts += notes
        else:
            pieces.append((path, read_official_csv(path, [], "ASCOF data"), "csv"))
    for path, frame, kind in pieces:
        headers = [c for c in frame.columns if c not in ("line", "_file")]
        mapping = {h: FIELDS[normalise_header(h)] for h in headers if normalise_header(h) in FIELDS}
        seen = {}
        for header, name in mapping.items():
            if name in seen:
                raise AscbenchError(
                    f"columns '{seen[name]}' and '{header}' are the same field",
                    file=str(path),
                    line=1,
                    field=header,
                    expected="each ASCOF column once",
                )
            seen[name] = header
        missing = [f for f in REQUIRED if f not in seen]
        if "code" not in seen and "group" not in seen:
            missing.append("code")
        if "ons" not in seen and "geo_code" not in seen:
            missing.append("ons")
        if missing:
            wanted = {
                "geo_name": "Geographical Description",
                "level": "Geographical Level",
                "type": "Measure Type",
                "value": "Measure Value",
                "code": "ASCOF Measure Code or Measure Group",
                "ons": "ONS Code or Geographical Code",
            }[missing[0]]
            raise AscbenchError(
                f"this is not an ASCOF data file: no column '{wanted}'",
                file=str(path),
                line=1,
                field=wanted,
                expected="the ASCOF data file's columns (docs/importing.md)",
            )
        frame = frame.rename(columns=mapping)
        if "_file" not in frame.columns:
            frame["_file"] = str(path)
        frame["_name_year"] = year_from_name(path) or ""
        frames.append(frame)
        if kind == "csv":
            layouts.append(f"{path}: {layout_name(headers)}")
    data = pd.concat(frames, ignore_index=True)
    for column in ("geo_code", "ons", "code", "group", "description", "disaggregation", "year"):
        if column not in data.columns:
            data[column] = ""
    return data.fillna(""), layouts


def _years(d, period):
    years = d["year"].str.replace("/", "-", regex=False).str.replace(r"^(\d{4})-(\d{2})(\d{2})$", r"\1-\3", regex=True)
    if period:
        years = years.mask(years == "", parse_period(period).text)
    years = years.mask(years == "", d["_name_year"])
    if (years == "").any():
        row = d[years == ""].iloc[0]
        raise AscbenchError(
            "no year for this row: the file has no Year column and its name has no year",
            file=row["_file"],
            line=int(row["line"]),
            field="--period",
            expected="--period 2024-25, or a year in the file name such as ascof-2024-25.csv",
        )
    parsed = {}
    for text in years.unique():
        try:
            p = parse_period(text)
        except AscbenchError:
            p = None
        if p is None or p.kind != "fy":
            raise located(d, years == text, "year", f"'{text}' is not a financial year", "a year such as 2024-25")
        parsed[text] = p.text
    return years.map(parsed)


def _area_codes(d, level):
    """Each row's area code (see the module docstring); a located error for one that cannot
    be resolved."""

    ons = gss_code(d["ons"])
    geo = cassr_code(d["geo_code"])
    table = cassr_table()
    by_cassr = table.set_index("cassr")["gss"]
    via_cassr = geo.map(by_cassr)
    code = pd.Series("", index=d.index, dtype=object)
    valid_ons = is_gss(ons)
    code = code.mask(valid_ons, ons)
    code = code.mask(~valid_ons & (ons == "") & via_cassr.notna(), via_cassr)
    code = code.mask(level == "national", code.where(code != "", ENGLAND))
    code = code.mask(level == "council_type", council_type_code(d["geo_name"]))
    bad_ons = (ons != "") & ~valid_ons & (level != "council_type")
    if bad_ons.any():
        raise located(
            d,
            bad_ons,
            "ons",
            "'{ons}' is not an ONS (GSS) code",
            "a code such as E10000018 (a letter and eight digits)",
        )
    unresolved = code == ""
    if unresolved.any():
        raise located(
            d,
            unresolved,
            "geo_code",
            "the area '{geo_name}' ({geo_code}) has no ONS code and its CASSR code is not in the shipped table",
            "an ONS Code column, or a CASSR code of ascbench/data/cassr_ons_codes.csv",
        )
    return code.map(current_code)


def read(paths, period: str | None = None):
    d, layouts = _read_files(paths)

    def fail(mask, column, message, expected):
        raise located(d, mask, column, message, expected)

    level = d["level"].str.strip().str.lower().map(LEVELS)
    if level.isna().any():
        fail(
            level.isna(),
            "level",
            "unknown geographical level '{level}'",
            "Council or Local authority, Region or Regional, Council Type, England or National",
        )
    mtype = d["type"].str.strip().str.lower()
    if (~mtype.isin(TYPES)).any():
        fail(
            ~mtype.isin(TYPES),
            "type",
            "unknown measure type '{type}'",
            "Numerator, Denominator, Outcome, Base or Margin of Error",
        )
    years = _years(d, period)
    values, status, bad, hint = parse_values(d["value"])
    if bad.any():
        fail(bad, "value", "'{value}' " + hint[bad].iloc[0], "a number or a suppression marker")
    code = _area_codes(d, level)
    suffix = disaggregation_suffix(d["disaggregation"])
    raw_group = d["group"].where(d["group"].str.strip() != "", d["code"])
    if (raw_group.str.strip() == "").any():
        fail(raw_group.str.strip() == "", "code", "the measure code is empty", "an ASCOF code such as 2A")
    group = current_codes(group_code(raw_group, suffix, bool((d["group"] != "").any())), years)
    name = "ascof_" + group.str.lower() + suffix.where(suffix == "", "_" + suffix)
    obs = pd.DataFrame(
        {
            "area_code": code,
            "period": years,
            "measure": name + "." + mtype.map(TYPES),
            "value": values,
            "status": status,
            "source": SOURCE,
            "note": d["description"].str.replace("\x96", "-"),
        }
    )
    key = ["area_code", "period", "measure"]
    first = obs.duplicated(key, keep="first")
    if first.any():
        refuse_conflicts(d, obs, key)
    kept = obs[~first].reset_index(drop=True)
    area_type = level.map({"region": "region", "council_type": "council_type", "national": "national"})
    area_type = area_type.where(area_type.notna(), code.map(council_type_from_code))
    regions = cassr_table().drop_duplicates("gss").set_index("gss")["region"]
    areas = pd.DataFrame(
        {
            "area_code": code,
            "area_name": d["geo_name"].str.strip(),
            "area_type": area_type,
            "region": code.map(regions).fillna("").where(level == "council", ""),
        }
    )
    areas = areas.drop_duplicates("area_code", keep="last").sort_values("area_code").reset_index(drop=True)
    notes = layouts + [
        f"read {len(d):,} rows; kept {len(kept):,} observations"
        + (f"; {int(first.sum()):,} rows repeated an earlier row exactly and were dropped" if first.any() else ""),
        f"{kept['measure'].str.rsplit('.', n=1).str[0].nunique():,} series, {len(areas):,} areas, periods "
        + ", ".join(sorted(kept["period"].unique())),
        f"{int((kept['status'] != '').sum()):,} suppressed or unavailable cells kept as such (never 0)",
    ]
    if (mtype == "").any():
        notes.append(f"{int((mtype == '').sum()):,} rows with an empty Measure Type read as Outcome")
    notes += over_denominator_notes(d, kept, obs[~first])
    roles = {"national": ENGLAND} if (areas["area_code"] == ENGLAND).any() else {}
    return Imported(kept, areas, None, roles, notes, catalogue=catalogue_fragment(kept, bool(roles)))


def over_denominator_notes(d, kept, rows) -> list[str]:
    """The import report's lines for numerators above their denominators: kept as published
    (ASCOF 2024-25 4B: South Tyneside 390 / 330, Wirral 380 / 315, Luton 415 / 135, outcome
    ``[z]``, the publication's note 16), each named by file and line; never refused."""
    kind = kept["measure"].str.rsplit(".", n=1)
    key = pd.DataFrame({"area_code": kept["area_code"], "period": kept["period"], "series": kind.str[0]})
    is_num, is_den = kind.str[1] == "num", kind.str[1] == "den"
    num = key[is_num].assign(num=kept.loc[is_num, "value"])
    den = key[is_den].assign(den=kept.loc[is_den, "value"])
    both = num.merge(den, on=["area_code", "period", "series"])
    over = both[both["num"] > both["den"]]
    if over.empty:
        return []
    lines_of = rows.assign(_line=d.loc[rows.index, "line"], _file=d.loc[rows.index, "_file"])
    where = lines_of.set_index(["area_code", "period", "measure"])
    named = []
    for r in over.head(10).itertuples():
        place = where.loc[(r.area_code, r.period, f"{r.series}.num")]
        named.append(
            f"{place['_file']}:{int(place['_line'])} {r.area_code} {r.period} {r.series} {r.num:g} / {r.den:g}"
        )
    return [
        f"{len(over):,} numerators above their denominators kept as published (no value is computed from "
        "them; the published outcome or its marker is shown): " + "; ".join(named) + ("; ..." if len(over) > 10 else "")
    ]


DISAGGREGATION_WORDS = {
    "1864": ("18-64", "aged 18-64"),
    "65ov": ("65+", "aged 65 and over"),
    "male": ("men", "men"),
    "female": ("women", "women"),
}


def catalogue_fragment(obs, has_england: bool) -> str:
    """A catalogue for the series imported: one metric per series, with its statistic,
    polarity and definition breaks from the crosswalk, counts where the file has them and the
    published value otherwise. Ids are ``ASCOF_<code>[_<disaggregation>]``. Every measure a
    metric names is in ``obs`` (a file without Outcome rows gives counts alone; a series with
    only a base or margin of error gives no metric), and England is a comparator only when the
    file has England."""
    walk = crosswalk()
    by_code = {r["code"] or f"PRE2023_{r['code_before_2023']}": r for r in walk.to_dict("records")}
    base = obs["measure"].str.rsplit(".", n=1)
    series, kinds = base.str[0], base.str[1]
    have = obs.assign(series=series, kind=kinds).groupby("series")["kind"].agg(set)
    lines = [
        "# written by ascbench import ascof: one metric per series imported (docs/importing.md).",
        "# Statistic, polarity and definition breaks come from the shipped ASCOF code crosswalk.",
        "catalogue:",
        "  title: ASCOF measures (imported)",
        "metrics:",
    ]
    for name, kinds_present in have.items():
        code_part, _, dis = name.removeprefix("ascof_").partition("_")
        if code_part == "pre2023":
            code_part, _, dis = dis.partition("_")
            code = "PRE2023_" + code_part.upper()
        else:
            code = code_part.upper()
        row = by_code.get(code, {})
        label, words = DISAGGREGATION_WORDS.get(dis, (dis, dis))
        shown = code.replace("PRE2023_", "") + (" (before 2023)" if code.startswith("PRE2023_") else "")
        statistic = row.get("statistic", "score")
        counts = {"num", "den"} <= kinds_present and statistic != "score"
        if not counts and "published" not in kinds_present:
            continue  # only a base or margin of error: nothing to show as a metric
        spec = {
            "id": f"ASCOF_{code}" + (f"_{dis.upper()}" if dis else ""),
            "code": f"ASCOF {shown}" + (f" ({label})" if dis else ""),
            "title": (row.get("description") or f"ASCOF {shown}") + (f", {words}" if dis else ""),
            "statistic": statistic if counts else "published",
        }
        if "published" in kinds_present:
            spec["value"] = f"{name}.published"
        if spec["statistic"] != "published":
            spec.update({"numerator": f"{name}.num", "denominator": f"{name}.den"})
            if statistic == "rate":
                spec["multiplier"] = 100000
        spec["unit"] = {"proportion": "%", "rate": "per 100k"}.get(statistic, "")
        spec["polarity"] = row.get("polarity") or "none"
        if has_england:
            spec["comparators"] = [{"area": "national"}]
        if row.get("break_from"):
            spec["breaks"] = [row["break_from"]]
        spec["source"] = SOURCE
        lines.append("  - " + yaml.safe_dump(spec, default_flow_style=True, sort_keys=False, width=10**6).strip())
    return "\n".join(lines) + "\n"


def detect(header: list[str]) -> bool:
    """The data file's header, or the time-series tables' (:mod:`ascof_annex`), which
    ``import ascof`` reads too."""
    from ascbench.importers import ascof_annex

    fields = {FIELDS.get(normalise_header(h)) for h in header}
    return ({"level", "type", "value"} <= fields and bool(fields & {"code", "group"})) or ascof_annex.detect(header)
