"""Which council each CLD ``LA_Code`` names, and the sums of several councils.

A CLD extract names its council by ``LA_Code``. CLD guidance means the council's CASSR code
(release 1: "for Lincolnshire, the LA Code is 503"), but extracts and DHSC-style examples also
carry DfE's three-digit LA number (Lincolnshire 925, Leicestershire 855). ascbench's data are
keyed by ONS GSS code, so each code is read through two shipped tables, in turn:

1. the CASSR-to-GSS table (:func:`ascbench.identifiers.cassr_table`: 503 -> E10000019);
2. DfE's LA numbers (:func:`ascbench.identifiers.dfe_table`: 855 -> E10000018), for a number
   whose council is one of today's (a number whose only council was abolished is not read).

A number that is a CASSR code of one council and the DfE number of another (815: East Sussex
as a CASSR, North Yorkshire for DfE) is never guessed: the run stops with the first line that
carries it, asking for ``--area`` (``--area E10000011``, or ``--area 815=E10000011`` when the
extracts hold several councils). :func:`read_la_codes` says which council each code was read
as, and from which table. A code neither table holds keeps its own spelling, with a warning.

With several councils, their counts are also summed by region and for all of them together
(England's code), each sum saying how many councils' extracts it holds; so is the 2A outcome
table (:func:`aggregate_outcomes`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from ascbench.errors import AscbenchError
from ascbench.identifiers import cassr_table, dfe_table, gss_code

ENGLAND = "E92000001"
COLUMNS = ["LA_Code", "area_code", "area_name", "area_type", "region", "region_code", "found"]


@dataclass
class Reading:
    """The councils of a run's ``LA_Code`` values (:data:`COLUMNS`), a line per code saying
    which council it was read as (``notes``) and warnings about codes no table holds."""

    areas: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def given_areas(area: str | Sequence[str] | None, la_codes: Sequence[str]) -> dict[str, str]:
    """``--area`` as a map from LA_Code to area code: ``CODE=AREA`` pairs, or one bare area
    code for an extract of one council."""
    items = [area] if isinstance(area, str) else list(area or [])
    pairs, bare = {}, []
    for item in items:
        if "=" in item:
            code, _, value = item.partition("=")
            code = code.strip()
            if code not in la_codes:
                raise AscbenchError(
                    f"--area names LA_Code {code!r}, which no row of the extracts holds",
                    field="--area",
                    expected="LA_CODE=AREA_CODE for an LA_Code of the extracts: " + ", ".join(la_codes[:8]),
                )
            pairs[code] = value.strip()
        else:
            bare.append(item.strip())
    if bare:
        if len(la_codes) > 1 or len(bare) > 1:
            raise AscbenchError(
                f"the extracts hold {len(la_codes)} councils ({', '.join(la_codes[:5])}); --area {bare[0]} names one",
                field="--area",
                expected="extracts of one council, or LA_CODE=AREA_CODE for each council to name",
            )
        pairs[la_codes[0]] = bare[0]
    return pairs


def _tables():
    table = cassr_table()
    councils = table[table["Council type"].str.strip() != ""]
    regions = table[(table["Council type"].str.strip() == "") & (table["gss"].str.startswith("E12"))]
    region_name = dict(zip(regions["gss"], regions["region"], strict=True))
    dfe = dfe_table()
    known = set(councils["gss"])
    # a DfE number is read as the council the CASSR table knows (a code that later changed
    # names the same council), else its live code; a number of abolished councils only, not at all
    dfe = dfe[dfe["gss"].isin(known) | (dfe["status"] == "live")]
    dfe = dfe.assign(_known=dfe["gss"].isin(known)).sort_values("_known", ascending=False, kind="stable")
    return (
        councils.drop_duplicates("cassr").set_index("cassr"),
        councils.drop_duplicates("gss").set_index("gss"),
        dfe.drop_duplicates("old_la_code").set_index("old_la_code"),
        region_name,
    )


def _council(gss: str, by_gss, dfe_row=None, region_name=None) -> dict:
    if gss in by_gss.index:
        c = by_gss.loc[gss]
        region = c["region"]
        codes = {v: k for k, v in (region_name or {}).items()}
        return {
            "area_code": gss,
            "area_name": c["name"],
            "area_type": _area_type(c["Council type"]),
            "region": region,
            "region_code": codes.get(region, ""),
            "found": True,
        }
    if dfe_row is not None:
        region_code = dfe_row["region_code"]
        return {
            "area_code": gss,
            "area_name": dfe_row["name"],
            "area_type": "council",
            "region": (region_name or {}).get(region_code, ""),
            "region_code": region_code if region_code in (region_name or {}) else "",
            "found": True,
        }
    return {"area_code": gss, "area_name": gss, "area_type": "council", "region": "", "region_code": "", "found": True}


SYSTEMS = ("auto", "cassr", "dfe")  # --la-codes: both tables in turn, or only one


def read_la_codes(
    la_codes: Sequence[str],
    area: str | Sequence[str] | None = None,
    where: Callable[[str], tuple[str | None, int | None]] = lambda code: (None, None),
    system: str = "auto",
) -> Reading:
    """Each LA code's council (see the module docstring): ``--area`` first (``area``), then
    the CASSR table, then DfE's numbers; ``system`` ``cassr`` or ``dfe`` reads every code in
    that one system (``--la-codes``: a national set of CASSR codes needs no ``--area``).
    ``where(code)`` gives the file and line of a code's first row, for the error when a code
    is ambiguous."""
    if system not in SYSTEMS:
        raise AscbenchError(f"LA code system {system!r} is not known", field="--la-codes", expected=", ".join(SYSTEMS))
    by_cassr, by_gss, by_dfe, region_name = _tables()
    if system == "cassr":
        by_dfe = by_dfe.iloc[0:0]
    elif system == "dfe":
        by_cassr = by_cassr.iloc[0:0]
    given = given_areas(area, list(la_codes))
    rows, notes, warnings = [], [], []
    for la in la_codes:
        if la in given:
            gss = gss_code(pd.Series([given[la]])).iloc[0]
            info = _council(gss, by_gss, region_name=region_name)
            if gss not in by_gss.index:
                info.update(area_code=given[la], area_name=given[la])
            rows.append({"LA_Code": la, **info})
            notes.append(f"LA_Code {la} read as {info['area_name']} ({info['area_code']}), as --area gives it")
            continue
        cassr = by_cassr.loc[la] if la in by_cassr.index else None
        dfe = by_dfe.loc[la] if la in by_dfe.index else None
        if cassr is not None and dfe is not None and cassr["gss"] != dfe["gss"]:
            file, line = where(la)
            raise AscbenchError(
                f"{la} is the CASSR code of {cassr['name']} ({cassr['gss']}) and the DfE LA number of "
                f"{dfe['name']} ({dfe['gss']}); ascbench will not guess which council the extract is",
                file=file,
                line=line,
                field="LA_Code",
                expected=f"the council's GSS code as --area {cassr['gss']} or --area {dfe['gss']}; "
                f"--area {la}=GSS_CODE when the extracts hold several councils",
            )
        if cassr is not None:
            info = _council(cassr["gss"], by_gss, region_name=region_name)
            system = "its CASSR code (ascbench/data/cassr_ons_codes.csv)"
        elif dfe is not None:
            info = _council(dfe["gss"], by_gss, dfe, region_name)
            system = "its DfE LA number (ascbench/data/dfe_la_codes.csv)"
        else:
            rows.append(
                {
                    "LA_Code": la,
                    "area_code": la,
                    "area_name": f"CASSR {la}",
                    "area_type": "council",
                    "region": "",
                    "region_code": "",
                    "found": False,
                }
            )
            tables = {
                "auto": "neither a CASSR code (ascbench/data/cassr_ons_codes.csv) nor a DfE LA number of a council "
                "(ascbench/data/dfe_la_codes.csv)",
                "cassr": "not a CASSR code (ascbench/data/cassr_ons_codes.csv)",
                "dfe": "not a DfE LA number of a council (ascbench/data/dfe_la_codes.csv)",
            }[system]
            warnings.append(f"LA_Code {la} is {tables}: its rows are labelled '{la}' (--area gives a code)")
            continue
        rows.append({"LA_Code": la, **info})
        notes.append(f"LA_Code {la} read as {info['area_name']} ({info['area_code']}): {system}")
    return Reading(pd.DataFrame(rows, columns=COLUMNS), notes, warnings)


def council_areas(la_codes) -> pd.DataFrame:
    """One row per LA code (:data:`COLUMNS`; ``found`` False when no table holds the code),
    as :func:`read_la_codes` reads them without ``--area``."""
    return read_la_codes(list(la_codes)).areas


def _area_type(council_type: str) -> str:
    kind = council_type.strip().lower()
    if "shire" in kind or "county" in kind:
        return "county"
    if "metropolitan" in kind:
        return "metropolitan"
    if "london" in kind:
        return "london"
    if "unitary" in kind:
        return "unitary"
    return "council"


def _groups(frame: pd.DataFrame, areas: pd.DataFrame):
    """``(code, name, rows)`` for England and each region of the councils' rows."""
    with_region = frame.merge(areas[["area_code", "region_code", "region"]], on="area_code", how="left")
    yield ENGLAND, "England", with_region
    for (code, name), part in with_region[with_region["region_code"].fillna("") != ""].groupby(
        ["region_code", "region"]
    ):
        yield code, name, part


def _note(members: int, name: str) -> str:
    whose = "council's" if members == 1 else "councils'"
    return f"sum of {members} {whose} CLD extracts in this run ({name})"


def aggregate_counts(counts: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """Sums of the councils' counts (``area_code, measure, value`` rows of whole numbers) by
    region and for all councils (England's code), with ``note`` naming how many councils each
    holds. Only measures every council in the group reports are summed; with one council,
    nothing."""
    if len(areas) < 2:
        return counts.iloc[0:0].assign(note="")
    parts = []
    for code, name, part in _groups(counts, areas):
        members = part["area_code"].nunique()
        complete = part.groupby("measure")["value"].agg(["count", "sum"])
        complete = complete[complete["count"] == members]
        parts.append(
            pd.DataFrame(
                {
                    "area_code": code,
                    "measure": complete.index,
                    "value": complete["sum"].to_numpy(),
                    "note": _note(members, name),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def aggregate_outcomes(outcomes: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """The 2A outcome table (``area_code, rule, final_outcome, counts_in, clusters``) summed by
    region and for all councils (England's code): clusters by deciding rule and outcome, with
    ``note`` naming how many councils each sum holds (a council with no clusters in a line
    adds nothing to it). With one council, nothing."""
    keys = ["rule", "final_outcome", "counts_in"]
    if len(areas) < 2:
        return outcomes.iloc[0:0].assign(note="")
    parts = []
    for code, name, part in _groups(outcomes, areas):
        members = len(areas) if code == ENGLAND else int((areas["region_code"] == code).sum())
        sums = part.groupby(keys, as_index=False, sort=True)["clusters"].sum()
        parts.append(sums.assign(area_code=code, note=_note(members, name)))
    return pd.concat(parts, ignore_index=True)


def areas_file(areas: pd.DataFrame, with_aggregates: bool) -> pd.DataFrame:
    """``areas.csv`` for the councils (and their region and England aggregates)."""
    rows = areas[["area_code", "area_name", "area_type", "region"]].copy()
    if with_aggregates:
        regions = areas[areas["region_code"] != ""].drop_duplicates("region_code")
        extra: list[dict[str, object]] = [
            {"area_code": ENGLAND, "area_name": "England", "area_type": "national", "region": ""}
        ]
        extra += [
            {"area_code": r.region_code, "area_name": r.region, "area_type": "region", "region": r.region}
            for r in regions.itertuples()
        ]
        rows = pd.concat([rows, pd.DataFrame(extra)], ignore_index=True)
    return rows.drop_duplicates("area_code").reset_index(drop=True)
