"""ASCOF 2A, 2B, 2C, 2E (all clients and learning disability) and 3D (clients and carers) from
prepared CLD events, as DHSC's published method computes them (``docs/cld.md``).

Each function takes the unique events of :func:`ascbench.cld.prepare.stage0` joined to the
person details, and the reporting period [S, E], and returns counts per output group:
``measure, group, numerator, denominator`` (groups ``total``, ``1864``, ``65ov``; 2E also
``ld``). Counts only: ascbench computes the proportions and rates, rounding half away from
zero when it prints them, and a zero denominator is a missing value, never 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ascbench.cld import codes
from ascbench.cld.prepare import OPEN, age_at

DAY = pd.Timedelta(days=1)


@dataclass(frozen=True)
class Options:
    """Named choices where DHSC's method is ambiguous (docs/cld.md, "Choices")."""

    person_key: str = "row"  # row (DHSC: a missing NHS number gives a second key) | linked
    blank_component: str = "exclude"  # 2B/2C: exclude blank components (DHSC parity) | include
    carer_blank_component: str = "exclude"  # 3D carers: drop PB/commissioned rows with a blank component (parity)


def _band(age):
    return np.where(age >= 65, "65ov", np.where(age >= 18, "1864", ""))


def _groups(frame, measure: str, num_col: str = "num", den_col: str = "den"):
    """Counts for total (every row, unknown age included) and the two age bands."""
    rows = [
        {
            "measure": measure,
            "group": "total",
            "numerator": int(frame[num_col].sum()),
            "denominator": int(frame[den_col].sum()),
        }
    ]
    for band in ("1864", "65ov"):
        part = frame[frame["band"] == band]
        rows.append(
            {
                "measure": measure,
                "group": band,
                "numerator": int(part[num_col].sum()),
                "denominator": int(part[den_col].sum()),
            }
        )
    return rows


# ------------------------------------------------------------------------------- 2A
def _rank_2a(outcome):
    rank = outcome.map(codes.OUTCOME_RANK).astype("float64").fillna(999)
    return rank + np.where(outcome.isin(codes.UNCLASSIFIABLE), 100, 0)


def clusters_2a(ev):
    """ST-Max clusters: rows of a person joined while each starts no more than 7 days after
    the latest end so far. Returns one row per cluster and the row -> cluster map."""
    build = ev[
        (ev["Client_Type"] == "Service user") & (ev["end"].isna() | (ev["end"] >= ev["Event_Start_Date"]))
    ].copy()
    build["end_f"] = build["end"].fillna(OPEN)
    build["rank2a"] = _rank_2a(build["Event_Outcome"])
    st = build[(build["Event_Type"] == "Service") & (build["Service_Type"] == codes.STMAX)].copy()
    st = st.sort_values(
        ["LA_Code", "person", "Event_Start_Date", "end_f", "rank2a", "record"],
        ascending=[True, True, True, True, True, False],
    )
    g = st.groupby(["LA_Code", "person"], sort=False)
    prev_max = g["end_f"].cummax().groupby([st["LA_Code"], st["person"]]).shift()
    new = prev_max.isna() | (st["Event_Start_Date"] > prev_max + 7 * DAY)
    st["cid"] = new.cumsum()
    c = st.groupby("cid").agg(
        LA_Code=("LA_Code", "first"),
        person=("person", "first"),
        c_start=("Event_Start_Date", "min"),
        c_end=("end_f", "max"),
    )
    last = st.sort_values(["cid", "end_f", "rank2a", "record"], ascending=[True, False, True, False]).drop_duplicates(
        "cid"
    )
    c["c_outcome"] = last.set_index("cid")["Event_Outcome"]
    c["c_rank"] = last.set_index("cid")["rank2a"]
    return c.reset_index(), build, st[["record", "cid"]]


def ascof_2a(ev, people, start, end):
    c, build, members = clusters_2a(ev)
    c = c[(c["c_end"] >= start) & (c["c_end"] <= end) & (c["c_end"] != OPEN)]
    c = c.join(people[["birth", "death"]], on="person")
    c["age"] = age_at(c["birth"], c["c_end"])
    c = c[~(c["age"] < 18) & ~(c["death"] < c["c_start"])]
    # new clients: no long-term service started before and open, or ended under 91 days, before the cluster
    lts = build[build["Event_Type"].eq("Service") & build["Service_Type"].isin(codes.LTS)]
    m = c[["cid", "LA_Code", "person", "c_start"]].merge(
        lts[["LA_Code", "person", "Event_Start_Date", "end_f"]], on=["LA_Code", "person"]
    )
    existing = m[(m["Event_Start_Date"] < m["c_start"]) & (m["end_f"] > m["c_start"] - 91 * DAY)]["cid"].unique()
    c = c[~c["cid"].isin(existing)].copy()
    final, rule = _sequel_2a(c, build.merge(members.rename(columns={"cid": "cid_row"}), on="record", how="left"))
    c["final"] = final.reindex(c["cid"]).to_numpy()
    c["rule"] = rule.reindex(c["cid"]).to_numpy()
    c["num"] = c["final"].isin(codes.SUCCESS_2A).astype(int)
    c["den"] = (c["final"].isin(codes.SUCCESS_2A) | c["final"].isin(codes.FAILURE_2A)).astype(int)
    c["band"] = _band(c["age"])
    return _groups(c, "ascof_2a"), c


def _sequel_2a(c, build):
    """The final outcome of each cluster, by the first rule that decides (DHSC's order), and
    the number of that rule (:data:`SEQUEL_RULES`)."""
    out = pd.Series(index=c["cid"].to_numpy(), dtype="object")
    rule = pd.Series(0, index=out.index, dtype="int64")
    decided = pd.Series(False, index=out.index)
    cc = c.set_index("cid")
    # 1. death on or before cluster end + 7 days; 2. admitted to hospital
    dead = cc["death"].notna() & (cc["death"] <= cc["c_end"] + 7 * DAY)
    out[dead] = "NFA: Deceased"
    rule[dead] = 1
    decided |= dead
    hosp = ~decided & (cc["c_outcome"] == "Admitted to hospital")
    out[hosp] = "Admitted to hospital"
    rule[hosp] = 2
    decided |= hosp
    # the person's rows beside each cluster, with the cluster's own ST-Max rows blanked: DHSC
    # nulls every ST-Max service starting inside the cluster ("Same_ST_Max") before it looks
    # for sequels, nested reviews or nested equipment
    joined = c[["cid", "LA_Code", "person", "c_start", "c_end"]].merge(build, on=["LA_Code", "person"])
    same = (
        (joined["Event_Type"] == "Service")
        & (joined["Service_Type"] == codes.STMAX)
        & (joined["Event_Start_Date"] >= joined["c_start"])
        & (joined["Event_Start_Date"] <= joined["c_end"])
    )
    joined = joined[~same]
    # candidates: the person's other rows starting in [cluster start, cluster end + 7], ending after it
    cand = joined
    cand = cand[
        (cand["cid_row"] != cand["cid"])
        & (cand["Event_Start_Date"] >= cand["c_start"])
        & (cand["end_f"] > cand["c_end"])
        & (cand["Event_Start_Date"] <= cand["c_end"] + 7 * DAY)
    ]
    # 3. forward services of a recognised type: the top-ranked decides
    svc = cand[(cand["Event_Type"] == "Service") & cand["Service_Type"].isin(codes.SERVICE_RANK)].copy()
    svc["type_rank"] = svc["Service_Type"].map(codes.SERVICE_RANK)
    svc["st_res"] = svc["Service_Component"].isin(["Short term residential care", "Short term nursing care"])
    svc = svc.sort_values(["cid", "type_rank", "st_res"], ascending=[True, True, False]).drop_duplicates("cid")
    svc_out = np.where(
        (svc["Service_Type"] == codes.ST_OTHER) & svc["st_res"], codes.ST_RES_NURSING, svc["Service_Type"]
    )
    svc_out = pd.Series(svc_out, index=svc["cid"].to_numpy())
    fwd = ~decided & out.index.isin(svc_out.index)
    out[fwd] = svc_out.reindex(out.index)[fwd]
    rule[fwd] = 3
    decided |= fwd
    # 4. outcome evidence: the lowest usable rank among the cluster's and its candidates' outcomes
    has_cand = out.index.isin(cand["cid"].unique())
    c_usable = cc["c_rank"] < 100
    pool = []
    pool.append(
        pd.DataFrame(
            {
                "cid": out.index[~has_cand & c_usable.to_numpy()],
                "rank": cc.loc[~has_cand & c_usable.to_numpy(), "c_rank"].to_numpy(),
            }
        )
    )
    other = cand[(cand["Event_Type"] != "Service") & (cand["Event_Outcome"] != "NFA: Support ended as planned")]
    other = other.assign(c_rank=other["cid"].map(cc["c_rank"]))
    usable_pair = (other["c_rank"] < 100) | (other["rank2a"] < 100)
    other = other[usable_pair]
    pool.append(pd.DataFrame({"cid": other["cid"], "rank": other["c_rank"]}))
    pool.append(pd.DataFrame({"cid": other["cid"], "rank": other["rank2a"]}))
    nested = joined
    nested_ar = nested[
        nested["Event_Type"].isin(["Assessment", "Review"])
        & (nested["Event_Start_Date"] >= nested["c_start"])
        & (nested["end_f"] > nested["c_start"])
        & (nested["end_f"] <= nested["c_end"])
        & (nested["end_f"] > nested["c_end"] - 14 * DAY)
        & (nested["rank2a"] < 100)
    ]
    nested_ar = nested_ar.sort_values(["cid", "end_f", "rank2a", "record"], ascending=[True, False, True, False])
    nested_ar = nested_ar.drop_duplicates("cid")
    pool.append(pd.DataFrame({"cid": nested_ar["cid"], "rank": nested_ar["rank2a"]}))
    pool = pd.concat(pool, ignore_index=True)
    pool = pool[pool["rank"] < 100]
    best = pool.groupby("cid")["rank"].min()
    by_rank = {r: o for o, r in codes.OUTCOME_RANK.items()}
    evidence = ~decided & out.index.isin(best.index)
    out[evidence] = best.reindex(out.index)[evidence].map(by_rank)
    rule[evidence] = 4
    decided |= evidence
    # 5. equipment nested in the cluster -> ongoing low level
    equip = nested[
        (nested["Event_Type"] == "Service")
        & (nested["Service_Component"] == "Equipment")
        & (nested["Event_Start_Date"] >= nested["c_start"])
        & (nested["end_f"] > nested["c_start"])
        & (nested["end_f"] <= nested["c_end"])
    ]["cid"].unique()
    eq = ~decided & out.index.isin(equip)
    out[eq] = codes.ST_LOW
    rule[eq] = 5
    decided |= eq
    # 6. otherwise the cluster's own outcome
    out[~decided] = cc.loc[~decided.to_numpy(), "c_outcome"].to_numpy()
    rule[~decided] = 6
    return out, rule


SEQUEL_RULES = {
    1: "1 died within 7 days of the end",
    2: "2 admitted to hospital",
    3: "3 a service within 7 days",
    4: "4 outcome evidence",
    5: "5 equipment during the reablement",
    6: "6 the cluster's own outcome",
}


def outcomes_2a(clusters):
    """The table behind 2A: clusters by deciding rule and final outcome, with where each
    counts (``numerator and denominator``, ``denominator only``, ``neither``) - DHSC's
    ASCOF 2A outcome breakdown."""
    if clusters.empty:
        return pd.DataFrame(columns=["rule", "final_outcome", "counts_in", "clusters"])
    counts_in = np.where(
        clusters["num"] == 1, "numerator and denominator", np.where(clusters["den"] == 1, "denominator only", "neither")
    )
    t = pd.DataFrame(
        {
            "rule": clusters["rule"].map(SEQUEL_RULES),
            "final_outcome": clusters["final"].fillna(""),
            "counts_in": counts_in,
        }
    )
    return t.groupby(["rule", "final_outcome", "counts_in"]).size().rename("clusters").reset_index()


# ---------------------------------------------------------------------------- 2B / 2C
def ascof_2b_2c(ev, people, start, end, options: Options = Options()):
    b = ev[
        (ev["Event_Type"] == "Service")
        & (ev["Client_Type"] == "Service user")
        & ev["Service_Type"].isin([codes.RESIDENTIAL, codes.NURSING])
    ].copy()
    b = b.join(people[["birth", "death"]], on="person")
    component = b["Service_Component"].fillna("").str.casefold()
    long_component = component.str.contains("residential|nursing") & ~component.str.contains("short")
    if options.blank_component == "include":
        long_component |= component == ""
    b = b[b["birth"].notna() & (b["death"].isna() | (b["death"] >= start)) & long_component]
    b["end_f"] = b["end"].fillna(OPEN)
    adm = b[
        (b["Event_Start_Date"] >= start) & (b["Event_Start_Date"] <= end) & (b["Event_Outcome"] != codes.SELF_FUNDED)
    ]
    m = adm[["record", "LA_Code", "person", "Event_Start_Date"]].merge(
        b[["LA_Code", "person", "Event_Start_Date", "end_f"]], on=["LA_Code", "person"], suffixes=("", "_prior")
    )
    existing = m[
        (m["Event_Start_Date_prior"] < m["Event_Start_Date"]) & (m["end_f"] > m["Event_Start_Date"] - 365 * DAY)
    ]["record"].unique()
    new = adm[~adm["record"].isin(existing)].copy()
    new["age"] = age_at(new["birth"], new["Event_Start_Date"])
    new = new[new["age"] >= 18]
    new["band"] = np.where(new["age"] >= 65, "65+", "18-64")
    person_band = new.groupby(["LA_Code", "person"])["band"].min()  # a person in both bands counts in 18-64
    counts = person_band.value_counts()
    return [
        {"measure": "ascof_2b", "group": "total", "numerator": int(counts.get("18-64", 0)), "denominator": None},
        {"measure": "ascof_2c", "group": "total", "numerator": int(counts.get("65+", 0)), "denominator": None},
    ], new


# ------------------------------------------------------------------------------- 2E
def ascof_2e(ev, people, start, end):
    x = ev[
        (ev["Client_Type"] == "Service user")
        & (ev["Event_Type"] == "Service")
        & ev["Service_Type"].isin(codes.LTS)
        & (ev["Event_Start_Date"] <= end)
        & (ev["end"].isna() | (ev["end"] >= start))
        & (ev["end"].isna() | (ev["end"] >= ev["Event_Start_Date"]))
    ].copy()
    x["capped"] = x["end"].fillna(end).clip(upper=end)
    p = x.groupby("person")["capped"].max().to_frame().join(people, how="left")
    p = p[~(p["death"] < start)]
    p["age"] = age_at(p["birth"], p["capped"])
    p = p[p["age"] >= 18].copy()  # under-18s and unknown ages are in no group
    p["band"] = _band(p["age"])
    p["settled"] = p["accommodation"].map(codes.SETTLED).fillna(0).astype(int)
    p["num"], p["den"] = p["settled"], 1
    gender = codes.fold_all(p["gender"]) if "gender" in p.columns else pd.Series("", index=p.index)
    rows = []

    def add(measure, group, part):
        rows.append(
            {
                "measure": measure,
                "group": group,
                "numerator": int(part["num"].sum()),
                "denominator": int(part["den"].sum()),
            }
        )
        for sex in ("male", "female"):  # DHSC reports Male, Female and Total; other genders only in Total
            sub = part[gender.reindex(part.index) == sex]
            rows.append(
                {
                    "measure": measure,
                    "group": (group + "_" if group != "total" else "") + sex,
                    "numerator": int(sub["num"].sum()),
                    "denominator": int(sub["den"].sum()),
                }
            )

    for band in ("1864", "65ov"):
        add("ascof_2e_all", band, p[p["band"] == band])
    add("ascof_2e", "total", p[(p["band"] == "1864") & (codes.fold_all(p["psr"]) == codes.LD)])
    return rows, p


# ------------------------------------------------------------------------------- 3D
def ascof_3d(ev, people, start, end, options: Options = Options()):
    rows = []
    x = ev[
        (ev["Client_Type"] == "Service user")
        & ev["Service_Type"].isin(codes.LTS)
        & (ev["Event_Start_Date"] <= end)
        & (ev["end"].isna() | (ev["end"] >= end))
        & (ev["end"].isna() | (ev["end"] >= ev["Event_Start_Date"]))
    ].copy()
    x = x.join(people[["birth", "death"]], on="person")
    x = x[x["death"].isna() | (x["death"] >= end)]
    dp = x["Service_Component"] == "Direct payment"
    mech = x["Delivery_Mechanism"].where(~dp, "Direct payment").fillna("")
    allowed = {
        (codes.COMMUNITY, "Direct payment"),
        (codes.COMMUNITY, "CASSR managed personal budget"),
        (codes.COMMUNITY, "CASSR commissioned support"),
        (codes.PRISON, "CASSR managed personal budget"),
        (codes.PRISON, "CASSR commissioned support"),
    }
    pair_ok = pd.Series([(t, m) in allowed for t, m in zip(x["Service_Type"], mech, strict=True)], index=x.index)
    mech = mech.where(pair_ok, "")
    rank_table = {
        (codes.NURSING, ""): 1,
        (codes.RESIDENTIAL, ""): 2,
        (codes.COMMUNITY, "Direct payment"): 3,
        (codes.COMMUNITY, "CASSR managed personal budget"): 4,
        (codes.COMMUNITY, "CASSR commissioned support"): 5,
        (codes.COMMUNITY, ""): 6,
        (codes.PRISON, "CASSR managed personal budget"): 7,
        (codes.PRISON, "CASSR commissioned support"): 8,
        (codes.PRISON, ""): 9,
    }
    x["rank3d"] = [rank_table.get((t, m), 99) for t, m in zip(x["Service_Type"], mech, strict=True)]
    p = x.groupby("person").agg(rank=("rank3d", "min"), birth=("birth", "first"))
    p["age"] = age_at(p["birth"], pd.Series(end, index=p.index))
    p = p[~(p["age"] < 18)].copy()
    p["band"] = _band(p["age"].fillna(-1))
    p["den"] = p["rank"].between(3, 6).astype(int)
    for name, ranks in (("ascof_3d1a", (3, 4)), ("ascof_3d2a", (3,))):
        p["num"] = (p["den"].astype(bool) & p["rank"].isin(ranks)).astype(int)
        rows += _groups(p, name)
    carers = _carers_3d(ev, people, start, end, options)
    for name, ranks in (("ascof_3d1b", (1, 2)), ("ascof_3d2b", (1,))):
        carers["num"] = carers["rank"].isin(ranks).astype(int)
        rows += _groups(carers, name)
    return rows, p


def _carers_3d(ev, people, start, end, options: Options):
    x = ev[
        ev["Client_Type"].isin(codes.CARER_TYPES)
        & (ev["Event_Start_Date"] <= end)
        & (ev["end"].isna() | (ev["end"] >= start))
        & (ev["end"].isna() | (ev["end"] >= ev["Event_Start_Date"]))
    ].copy()
    x = x.join(people[["birth", "death"]], on="person")
    x = x[x["death"].isna() | (x["death"] >= start)]
    no_type = x["Service_Type"].fillna("") == ""
    ia = x["Event_Outcome"] == "NFA: Information and advice or signposting"
    assess = x["Event_Type"].isin(["Assessment", "Review"])
    x = x[(no_type & ia) | x["Service_Type"].isin([codes.CARER_DIRECT, codes.CARER_INVOLVING]) | (assess & no_type)]
    direct = x["Service_Type"] == codes.CARER_DIRECT
    mech = x["Delivery_Mechanism"].fillna("")
    comp = x["Service_Component"].fillna("")
    not_dp = comp != "Direct payment"
    if options.carer_blank_component == "exclude":
        not_dp &= comp != ""  # SQL null logic: a blank component is not 'not DP' (DHSC parity)
    no_type_x = x["Service_Type"].fillna("") == ""
    assess_x = x["Event_Type"].isin(["Assessment", "Review"])
    category = np.select(
        [
            direct & ((mech == "Direct payment") | (comp == "Direct payment")),
            direct & (mech == "CASSR managed personal budget") & not_dp,
            direct & (mech == "CASSR commissioned support") & not_dp,
            direct
            & ~mech.isin(["Direct payment", "CASSR managed personal budget", "CASSR commissioned support"])
            & not_dp,
            (assess_x & no_type_x & (x["Event_Outcome"] == "NFA: Information and advice or signposting"))
            | (x["Event_Type"] == "Request"),
            (x["Service_Type"] == codes.CARER_INVOLVING) | (assess_x & no_type_x),
        ],
        [1, 2, 3, 4, 5, 6],
        0,
    )
    x["rank"] = category
    x = x[x["rank"] > 0]
    c = x.groupby("person").agg(rank=("rank", "min"), birth=("birth", "first"))
    c["age"] = age_at(c["birth"], pd.Series(end, index=c.index))
    c = c[~(c["age"] < 18)].copy()
    c["band"] = _band(c["age"].fillna(-1))
    c["den"] = c["rank"].isin([1, 2, 3]).astype(int)
    return c
