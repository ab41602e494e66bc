"""DHSC's stage 0 for a council's own extracts: the person key, the derived end date, the
event-in-period filter, cropping across files, de-duplication into unique events (the latest
submission wins), and each person's latest details (birth month, death, accommodation with
imputation, gender, primary support reason). Vectorised over the rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ascbench.cld import codes
from ascbench.identifiers import nhs_number

OPEN = pd.Timestamp("9999-01-01")
DAY = pd.Timedelta(days=1)  # an open event, as the measures treat a missing end
IMPUTE_COMPONENTS = (
    "Shared Lives",
    "Community supported living",
    "Extra care housing",
    "Home support or domiciliary care",
)


def person_keys(rows, mode: str = "row"):
    """``row`` (DHSC): the NHS number where the row has one, else LA_Code_LAPersonID - so a
    person whose NHS number is missing on some rows gets two keys. ``linked``: rows of the
    same LA person ID share the NHS number any of their rows carries. NHS numbers are folded
    first (:func:`ascbench.identifiers.nhs_number`): ``943 476 5919``, ``943-476-5919`` and an
    Excel float ``9.434765919E+09`` are one person."""
    nhs = nhs_number(rows["NHS_Number"].fillna("").astype(str))
    la_id = rows["LA_Code"].astype(str) + "_" + rows["LA_Person_Unique_Identifier"].fillna("").astype(str).str.strip()
    key = nhs.where(nhs != "", la_id)
    if mode == "linked":
        known = pd.DataFrame({"la_id": la_id, "nhs": nhs})
        known = known[(known["nhs"] != "") & ~known["la_id"].str.endswith("_")].drop_duplicates("la_id")
        linked = la_id.map(known.set_index("la_id")["nhs"]).astype(key.dtype)  # text even when none is linked
        key = key.where(nhs != "", linked.fillna(key))
    return key


def derived_end(start, end, death):
    """DHSC's derived end date (``FilterToEventsInPeriod``): the date of death when it falls
    on or between the event's start and end, or - for an event with no end - strictly after
    its start; otherwise the end as submitted."""
    inside = death.notna() & (((death >= start) & (death <= end)) | (end.isna() & (death > start)))
    return end.where(~inside, death)


def _quarter_starts(first, last):
    """Financial-quarter starts (1 Jan, Apr, Jul, Oct) from the quarter holding ``first`` to
    the one holding ``last``."""
    q0 = pd.Timestamp(first).to_period("Q").start_time
    q1 = pd.Timestamp(last).to_period("Q").start_time
    return pd.date_range(q0, q1, freq="QS")


def submission_periods(rows):
    """Each file's reference period, as DHSC's joined main table gives it
    (``create_main_table_for_period.sql``): every quarter goes to the **latest** file (the
    last named) whose coverage holds the whole quarter, and a file's reference period runs
    from the first to the last quarter it won. A file's coverage is its stated reporting
    period; a file that states none covers the months of its events (first to last start or
    end date). With one file, its stated period stands (none stated: the file is taken whole).

    Returns ``(periods, quarters)``: per submission ``ref_start, ref_end, stated`` (files that
    won no quarter are absent), and per quarter the ``submission`` and ``file`` that supplied it.
    """
    g = rows.groupby("submission")
    stated_start, stated_end = g["Reporting_Period_Start_Date"].min(), g["Reporting_Period_End_Date"].max()
    dates = pd.concat([g["Event_Start_Date"].min(), g["Event_End_Date"].min()], axis=1).min(axis=1)
    last = pd.concat([g["Event_Start_Date"].max(), g["Event_End_Date"].max()], axis=1).max(axis=1)
    files = g["file"].first()
    stated = stated_start.notna() & stated_end.notna()
    cover_start = stated_start.where(stated, dates.dt.to_period("M").dt.start_time)
    cover_end = stated_end.where(stated, last.dt.to_period("M").dt.end_time.dt.normalize())
    if len(files) == 1:
        periods = pd.DataFrame({"ref_start": stated_start, "ref_end": stated_end.where(stated, last), "stated": stated})
        quarters = pd.DataFrame(
            {
                "quarter_start": cover_start,
                "quarter_end": cover_end,
                "submission": files.index,
                "file": files.to_numpy(),
            }
        )
        return periods, quarters
    starts = _quarter_starts(cover_start.min(), cover_end.max())
    q = pd.DataFrame({"quarter_start": starts, "quarter_end": starts + pd.offsets.QuarterEnd(0)})
    pairs = q.merge(
        pd.DataFrame({"submission": files.index, "cs": cover_start.to_numpy(), "ce": cover_end.to_numpy()}), how="cross"
    )
    pairs = pairs[(pairs["cs"] <= pairs["quarter_start"]) & (pairs["ce"] >= pairs["quarter_end"])]
    won = pairs.sort_values(["quarter_start", "submission"]).drop_duplicates("quarter_start", keep="last")
    won = won.assign(file=won["submission"].map(files))[["quarter_start", "quarter_end", "submission", "file"]]
    periods = won.groupby("submission").agg(ref_start=("quarter_start", "min"), ref_end=("quarter_end", "max"))
    periods["stated"] = True
    return periods, won.reset_index(drop=True)


def stage0(rows, person_key_mode: str = "row", with_quarters: bool = False):
    """Rows -> unique events with ``person``, ``end`` (derived; NaT open) and ``ref_end``;
    with ``with_quarters``, also which file supplied each quarter (:func:`submission_periods`)."""
    d = rows.copy()
    d["person"] = person_keys(d, person_key_mode)
    start, dod = d["Event_Start_Date"], d["Date_of_Death"]
    d["end"] = derived_end(start, d["Event_End_Date"], dod)
    periods, quarters = submission_periods(d)
    d = d[d["submission"].isin(periods.index)]  # a file that supplies no quarter is not used
    start, dod = d["Event_Start_Date"], d["Date_of_Death"]
    # looked up by reindex, not map: pandas' map of an empty column onto dates raises
    by_submission = periods.reindex(d["submission"].to_numpy())
    d = d.assign(ref_start=by_submission["ref_start"].to_numpy(), ref_end=by_submission["ref_end"].to_numpy())
    stated = pd.Series(by_submission["stated"].fillna(False).to_numpy(dtype=bool), index=d.index)
    service = d["Event_Type"] == "Service"
    keep_other = (
        ~service
        & d["end"].notna()
        & (d["end"] >= d["ref_start"])
        & (d["end"] <= d["ref_end"])
        & (start <= d["ref_end"])
    )
    keep_service = service & (start <= d["ref_end"]) & (d["end"].isna() | (d["end"] >= d["ref_start"]))
    died_before = dod.notna() & (((dod < d["ref_start"]) & stated) | (dod < start))
    d = d[(keep_other | keep_service | ~stated) & ~died_before].copy()
    d = _crop(d)
    events = _deduplicate(d)
    return (events, quarters) if with_quarters else events


def _event_key(d):
    """DHSC's unique event (``Der_Unique_Event_Ref``) as an integer: the same LA, person,
    start, client type and event type, plus the end date for requests, assessments and
    reviews, the route of access for requests, the assessment type for assessments, and the
    service type and component for services."""
    t = d["Event_Type"]
    service = t == "Service"
    parts = pd.DataFrame(
        {
            "type": t,
            "la": d["LA_Code"].astype(str),
            "person": d["person"],
            "start": d["Event_Start_Date"],
            "client": d["Client_Type"],
            "end": d["end"].where(~service),
            "route": codes.fold_all(d["Request_Route_of_Access"]).where(t == "Request", ""),
            "assessment": codes.fold_all(d["Assessment_Type"]).where(t == "Assessment", ""),
            "service": d["Service_Type"].fillna("").where(service, ""),
            "component": d["Service_Component"].fillna("").where(service, ""),
        }
    )
    return parts.groupby(list(parts.columns), sort=False, dropna=False).ngroup()


def _crop(d):
    """DHSC's cropping (``GetDerivedFields``): an event of a reference period that another
    follows, open or ending after that period's end, that is not found (as the same unique
    event) in the period starting the next day, ends at its period's end. The last period is
    never cropped."""
    periods = d[["ref_start", "ref_end"]].drop_duplicates()
    if len(periods) < 2:
        return d
    d = d.copy()
    key = _event_key(d)
    last = periods["ref_start"].max()
    prior = (d["ref_start"] != last) & (d["end"].isna() | (d["end"] > d["ref_end"]))
    if not prior.any():
        return d
    next_start = d["ref_end"] + DAY
    present = pd.MultiIndex.from_arrays([d["ref_start"], key])
    wanted = pd.MultiIndex.from_arrays([next_start, key])
    found = wanted.isin(present)
    crop = prior & ~found
    d.loc[crop, "end"] = d.loc[crop, "ref_end"]
    return d


def _deduplicate(d):
    d = d.copy()
    d["_key"] = _event_key(d)
    d["outcome_rank"] = d["Event_Outcome"].map(codes.OUTCOME_RANK).fillna(999)
    d["_end_sort"] = d["end"].fillna(OPEN)
    d = d.sort_values(
        ["_key", "ref_end", "_end_sort", "outcome_rank", "record"], ascending=[True, False, False, True, False]
    )
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
    values = (
        top.assign(_v=codes.fold_all(top[column]))
        .groupby("person")
        .agg(n=("_v", "nunique"), value=(column, "first"), known=("_known", "first"))
    )
    return values["value"].where((values["n"] == 1) & values["known"], "Unknown")


def person_details(d):
    """One row per person: birth (1st of the birth month), death, accommodation (imputed from
    services when unknown), gender, primary support reason."""
    people = pd.DataFrame(index=pd.Index(d["person"].unique(), name="person"))
    dob = d[d["Date_of_Birth"].notna()].sort_values(
        ["person", "ref_end", "Date_of_Birth"], ascending=[True, False, True]
    )
    dob = dob.drop_duplicates("person")
    people["birth"] = dob.set_index("person")["Date_of_Birth"].dt.to_period("M").dt.to_timestamp()
    dod = (
        d[d["Date_of_Death"].notna()]
        .sort_values(["person", "ref_end", "Date_of_Death"], ascending=[True, False, False])
        .drop_duplicates("person")
    )
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
    g = top.groupby("person").agg(
        types=("_known_type", "nunique"),
        t=("_known_type", "first"),
        comps=("_known_comp", "nunique"),
        c=("_known_comp", "first"),
    )
    t = g["t"].where(g["types"] == 1)
    c = g["c"].where(g["comps"] == 1)
    status = np.select(
        [
            t == codes.NURSING,
            t == codes.RESIDENTIAL,
            c == "Shared Lives",
            c == "Extra care housing",
            c == "Community supported living",
            (t == codes.COMMUNITY) & (c == "Home support or domiciliary care"),
            t == codes.COMMUNITY,
            t == codes.PRISON,
        ],
        [
            "Registered nursing home",
            "Registered care home",
            "Shared Lives scheme",
            "Sheltered housing, extra care housing or other sheltered housing",
            "Supported accommodation, supported lodgings or supported group home",
            "Unknown: Presumed at home",
            "Unknown: Presumed in community",
            "Prison, young offenders institution or detention centre",
        ],
        "Unknown",
    )
    return pd.Series(status, index=g.index)


def age_at(birth, when):
    """DHSC's age: floor((date - birth) in days / 365.25); NaN where either is missing."""
    days = (pd.to_datetime(when) - pd.to_datetime(birth)).dt.days
    return np.floor(days / 365.25)
