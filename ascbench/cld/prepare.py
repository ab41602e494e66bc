"""DHSC's stage 0 for a council's own extracts: the person key, the derived end date, the
event-in-period filter, cropping across files, de-duplication into unique events (the latest
submission wins), and each person's latest details (birth month, death, accommodation with
imputation, gender, primary support reason). Vectorised over the rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ascbench.cld import codes

OPEN = pd.Timestamp("9999-01-01")  # an open event, as the measures treat a missing end
IMPUTE_COMPONENTS = ("Shared Lives", "Community supported living", "Extra care housing",
                     "Home support or domiciliary care")


def person_keys(rows, mode: str = "row"):
    """``row`` (DHSC): the NHS number where the row has one, else LA_Code_LAPersonID - so a
    person whose NHS number is missing on some rows gets two keys. ``linked``: rows of the
    same LA person ID share the NHS number any of their rows carries. NHS numbers are folded
    first (:func:`ascbench.identifiers.nhs_number`): ``943 476 5919``, ``943-476-5919`` and an
    Excel float ``9.434765919E+09`` are one person."""
    from ascbench.identifiers import nhs_number

    nhs = nhs_number(rows["NHS_Number"].fillna("").astype(str))
    la_id = rows["LA_Code"].astype(str) + "_" + rows["LA_Person_Unique_Identifier"].fillna("").astype(str).str.strip()
    key = nhs.where(nhs != "", la_id)
    if mode == "linked":
        known = pd.DataFrame({"la_id": la_id, "nhs": nhs})
        known = known[(known["nhs"] != "") & ~known["la_id"].str.endswith("_")].drop_duplicates("la_id")
        linked = la_id.map(known.set_index("la_id")["nhs"])
        key = key.where(nhs != "", linked.fillna(key))
    return key


def stage0(rows, person_key_mode: str = "row"):
    """Rows -> unique events with ``person``, ``end`` (derived; NaT open) and ``ref_end``."""
    d = rows.copy()
    d["person"] = person_keys(d, person_key_mode)
    start, end, dod = d["Event_Start_Date"], d["Event_End_Date"], d["Date_of_Death"]
    inside = dod.notna() & (dod >= start) & (end.isna() | (dod <= end))
    d["end"] = end.where(~inside, dod)
    # the file's reference period: its stated reporting period; a file that states none is
    # taken whole (its coverage cannot be known locally), so the in-period filter is skipped
    per_file = d.groupby("submission").agg(rs=("Reporting_Period_Start_Date", "min"),
                                           re=("Reporting_Period_End_Date", "max"))
    latest = pd.concat([d.groupby("submission")["end"].max(), d.groupby("submission")["Event_Start_Date"].max()],
                       axis=1).max(axis=1)
    d["ref_start"] = d["submission"].map(per_file["rs"])
    d["ref_end"] = d["submission"].map(per_file["re"].fillna(latest))
    stated = d["ref_start"].notna() & d["submission"].map(per_file["re"]).notna()
    service = d["Event_Type"] == "Service"
    keep_other = ~service & d["end"].notna() & (d["end"] >= d["ref_start"]) & (d["end"] <= d["ref_end"]) & (
        start <= d["ref_end"])
    keep_service = service & (start <= d["ref_end"]) & (d["end"].isna() | (d["end"] >= d["ref_start"]))
    died_before = dod.notna() & (((dod < d["ref_start"]) & stated) | (dod < start))
    d = d[(keep_other | keep_service | ~stated) & ~died_before].copy()
    d = _crop(d)
    return _deduplicate(d)


def _event_key(d):
    base = d["LA_Code"].astype(str) + "|" + d["person"] + "|" + d["Event_Start_Date"].astype(str) + "|" + d["Client_Type"]
    end = d["end"].astype(str)
    extra = np.select(
        [d["Event_Type"] == "Request", d["Event_Type"] == "Assessment", d["Event_Type"] == "Review"],
        [end + "|" + d["Request_Route_of_Access"].fillna("").str.casefold(),
         end + "|" + d["Assessment_Type"].fillna("").str.casefold(), end],
        d["Service_Type"] + "|" + d["Service_Component"].fillna(""))
    return d["Event_Type"] + "|" + base + "|" + pd.Series(extra, index=d.index)


def _crop(d):
    """A service left open at the end of a non-final submission, that does not appear again in
    the next one, ends at that submission's reference-period end (DHSC's cropping)."""
    submissions = sorted(d["submission"].unique())
    if len(submissions) < 2:
        return d
    d = d.copy()
    key = _event_key(d.assign(end=pd.NaT))  # a service's key has no end date
    for this, nxt in zip(submissions[:-1], submissions[1:], strict=True):
        open_here = (d["submission"] == this) & (d["Event_Type"] == "Service") & d["end"].isna()
        in_next = key.isin(set(key[d["submission"] == nxt]))
        crop = open_here & ~in_next
        d.loc[crop, "end"] = d.loc[crop, "ref_end"]
    return d


def _deduplicate(d):
    d = d.copy()
    d["_key"] = _event_key(d)
    d["outcome_rank"] = d["Event_Outcome"].map(codes.OUTCOME_RANK).fillna(999)
    d["_end_sort"] = d["end"].fillna(OPEN)
    d = d.sort_values(["_key", "ref_end", "_end_sort", "outcome_rank", "record"],
                      ascending=[True, False, False, True, False])
    return d.drop_duplicates("_key", keep="first").drop(columns=["_key", "_end_sort"]).reset_index(drop=True)


def _top(d, keys: list[str], by: str = "person"):
    """Rows of each person tied at the top of ``keys`` (all descending)."""
    if d.empty:
        return d
    ranked = d.sort_values([by, *keys], ascending=[True] + [False] * len(keys))
    first = ranked.drop_duplicates(by, keep="first")[[by, *keys]]
    return d.merge(first, on=[by, *keys], how="inner")


def _latest_attribute(d, column: str, unknown: tuple[str, ...]):
    x = d[["person", "ref_end", "end", "Event_Start_Date", column]].copy()
    x["_known"] = ~codes.fold_all(x[column]).isin(unknown)
    x["_end"] = x["end"].fillna(OPEN)
    top = _top(x, ["_known", "ref_end", "_end", "Event_Start_Date"])
    values = top.assign(_v=codes.fold_all(top[column])).groupby("person").agg(
        n=("_v", "nunique"), value=(column, "first"), known=("_known", "first"))
    return values["value"].where((values["n"] == 1) & values["known"], "Unknown")


def person_details(d):
    """One row per person: birth (1st of the birth month), death, accommodation (imputed from
    services when unknown), gender, primary support reason."""
    people = pd.DataFrame(index=pd.Index(d["person"].unique(), name="person"))
    dob = d[d["Date_of_Birth"].notna()].sort_values(["person", "ref_end", "Date_of_Birth"],
                                                     ascending=[True, False, True])
    dob = dob.drop_duplicates("person")
    people["birth"] = dob.set_index("person")["Date_of_Birth"].dt.to_period("M").dt.to_timestamp()
    dod = d[d["Date_of_Death"].notna()].sort_values(["person", "ref_end", "Date_of_Death"],
                                                     ascending=[True, False, False]).drop_duplicates("person")
    people["death"] = dod.set_index("person")["Date_of_Death"]
    people["gender"] = _latest_attribute(d, "Gender", codes.UNKNOWN_VALUES)
    people["psr"] = _latest_attribute(d, "Primary_Support_Reason", codes.UNKNOWN_VALUES + (codes.CARER_PSR,))
    accommodation = _latest_attribute(d, "Accommodation_Status", codes.UNKNOWN_VALUES)
    settled = codes.lookup(codes.SETTLED)
    accommodation = codes.per_value(accommodation, lambda v: settled.get(codes.fold(v), v))
    people["accommodation"] = accommodation.reindex(people.index).fillna("Unknown")
    unknown = people["accommodation"] == "Unknown"
    if unknown.any():
        imputed = _impute_accommodation(d[d["person"].isin(people.index[unknown])])
        people.loc[imputed.index.intersection(people.index[unknown]), "accommodation"] = imputed
        people["imputed"] = unknown & people.index.isin(imputed.index)
    else:
        people["imputed"] = False
    return people


def _impute_accommodation(d):
    s = d[(d["Event_Type"] == "Service")].copy()
    if s.empty:
        return pd.Series(dtype="object")
    s["_end"] = s["end"].fillna(OPEN)
    s["_type"] = -s["Service_Type"].map(codes.SERVICE_RANK).fillna(99)
    s["_comp"] = s["Service_Component"].isin(IMPUTE_COMPONENTS).astype(int)
    top = _top(s, ["_end", "_type", "_comp", "Event_Start_Date"])
    top["_known_type"] = top["Service_Type"].where(top["Service_Type"].isin(codes.SERVICE_RANK))
    top["_known_comp"] = top["Service_Component"].where(top["Service_Component"].isin(IMPUTE_COMPONENTS))
    g = top.groupby("person").agg(types=("_known_type", "nunique"), t=("_known_type", "first"),
                                  comps=("_known_comp", "nunique"), c=("_known_comp", "first"))
    t = g["t"].where(g["types"] == 1)
    c = g["c"].where(g["comps"] == 1)
    status = np.select(
        [t == codes.NURSING, t == codes.RESIDENTIAL, c == "Shared Lives", c == "Extra care housing",
         c == "Community supported living", (t == codes.COMMUNITY) & (c == "Home support or domiciliary care"),
         t == codes.COMMUNITY, t == codes.PRISON],
        ["Registered nursing home", "Registered care home", "Shared Lives scheme",
         "Sheltered housing, extra care housing or other sheltered housing",
         "Supported accommodation, supported lodgings or supported group home", "Unknown: Presumed at home",
         "Unknown: Presumed in community", "Prison, young offenders institution or detention centre"], "Unknown")
    return pd.Series(status, index=g.index)


def age_at(birth, when):
    """DHSC's age: floor((date - birth) in days / 365.25); NaN where either is missing."""
    days = (pd.to_datetime(when) - pd.to_datetime(birth)).dt.days
    return np.floor(days / 365.25)
