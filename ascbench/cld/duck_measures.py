"""ASCOF 2A, 2B/2C, 2E and 3D as SQL (DuckDB) over the tables of
:mod:`ascbench.cld.duck_prepare`, for every council at once: the rules of
:mod:`ascbench.cld.measures` (the reference), partitioned by ``LA_Code``.

:func:`counts` returns ``LA_Code, measure, group, numerator, denominator`` rows and the 2A
outcome table, as the reference gives them per council.
"""

from __future__ import annotations

import pandas as pd

from ascbench.cld import codes
from ascbench.cld.duck_prepare import OPEN, age, in_list, lit, rank_case
from ascbench.cld.measures import SEQUEL_RULES, Options

SEVEN = "INTERVAL 7 DAY"


def _band(a: str) -> str:
    return f"CASE WHEN {a} >= 65 THEN '65ov' WHEN {a} >= 18 THEN '1864' ELSE '' END"


def _groups(table: str, measure: str, num: str = "num", den: str = "den") -> str:
    """Total (every row) and the two age bands, per council."""
    return f"""SELECT LA_Code, {lit(measure)} AS measure, 'total' AS "group", sum({num}) AS numerator,
                      sum({den}) AS denominator FROM {table} GROUP BY LA_Code
        UNION ALL SELECT LA_Code, {lit(measure)}, band, sum({num}), sum({den}) FROM {table}
                  WHERE band IN ('1864', '65ov') GROUP BY LA_Code, band"""


def counts(con, start, end, options: Options = Options()):
    """``(counts, outcomes)`` for every council of ``events`` and ``people``."""
    s, e = f"DATE '{pd.Timestamp(start).date()}'", f"DATE '{pd.Timestamp(end).date()}'"
    parts = [_2a(con, s, e), _2b_2c(con, s, e, options), *_2e(con, s, e), *_3d(con, s, e, options)]
    frame = con.execute(" UNION ALL ".join(f"SELECT * FROM ({p})" for p in parts)).df()
    frame.columns = ["LA_Code", "measure", "group", "numerator", "denominator"]
    outcomes = con.execute(
        """SELECT LA_Code, rule, coalesce(final, '') AS final_outcome,
                  CASE WHEN num = 1 THEN 'numerator and denominator' WHEN den = 1 THEN 'denominator only'
                       ELSE 'neither' END AS counts_in, count(*) AS clusters
           FROM c2a GROUP BY ALL ORDER BY LA_Code, rule, final_outcome, counts_in"""
    ).df()
    outcomes["rule"] = outcomes["rule"].map(SEQUEL_RULES)
    return frame, outcomes


# ------------------------------------------------------------------------------- 2A
def _2a(con, s: str, e: str) -> str:
    rank = rank_case("Event_Outcome", codes.OUTCOME_RANK, 999)
    unclassifiable = in_list(codes.UNCLASSIFIABLE)
    con.execute(
        f"""CREATE OR REPLACE TABLE build AS
        SELECT LA_Code, person, record, Event_Type, Service_Type, Service_Component, Event_Outcome, Event_Start_Date,
               coalesce("end", {OPEN}) AS end_f,
               {rank} + CASE WHEN Event_Outcome IN {unclassifiable} THEN 100 ELSE 0 END AS rank2a
        FROM events
        WHERE Client_Type = 'Service user' AND ("end" IS NULL OR "end" >= Event_Start_Date)"""
    )
    order = "Event_Start_Date, end_f, rank2a, record DESC"
    con.execute(
        f"""CREATE OR REPLACE TABLE st AS
        WITH a AS (SELECT *, max(end_f) OVER (PARTITION BY LA_Code, person ORDER BY {order}
                                             ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_max
                   FROM build WHERE Event_Type = 'Service' AND Service_Type = {lit(codes.STMAX)}),
        b AS (SELECT *, sum(CASE WHEN prev_max IS NULL OR Event_Start_Date > prev_max + {SEVEN} THEN 1 ELSE 0 END)
                        OVER (PARTITION BY LA_Code, person ORDER BY {order} ROWS UNBOUNDED PRECEDING) AS cnum
              FROM a)
        SELECT *, first_value(record) OVER (PARTITION BY LA_Code, person, cnum ORDER BY {order}) AS cid FROM b"""
    )
    con.execute(
        f"""CREATE OR REPLACE TABLE c2a AS
        WITH c AS (SELECT cid, LA_Code, person, min(Event_Start_Date) AS c_start, max(end_f) AS c_end,
                          arg_min(Event_Outcome, (-epoch(end_f), rank2a, -record)) AS c_outcome,
                          arg_min(rank2a, (-epoch(end_f), rank2a, -record)) AS c_rank
                   FROM st GROUP BY cid, LA_Code, person),
        d AS (SELECT c.*, p.birth, p.death, {age("p.birth", "c.c_end")} AS age
              FROM c LEFT JOIN people p USING (LA_Code, person)
              WHERE c.c_end >= {s} AND c.c_end <= {e} AND c.c_end <> {OPEN})
        SELECT * FROM d
        WHERE NOT coalesce(age < 18, false) AND NOT coalesce(death < c_start, false)
          AND NOT EXISTS (SELECT 1 FROM build l
                          WHERE l.LA_Code = d.LA_Code AND l.person = d.person AND l.Event_Type = 'Service'
                            AND l.Service_Type IN {in_list(codes.LTS)} AND l.Event_Start_Date < d.c_start
                            AND l.end_f > d.c_start - INTERVAL 91 DAY)"""
    )
    _sequel(con)
    success, failure = in_list(codes.SUCCESS_2A), in_list(codes.FAILURE_2A)
    con.execute(
        f"""CREATE OR REPLACE TABLE c2a AS
        SELECT c.*, f.final, f.rule, (f.final IN {success})::INT AS num,
               (f.final IN {success} OR f.final IN {failure})::INT AS den, {_band("c.age")} AS band
        FROM c2a c JOIN final2a f USING (cid)"""
    )
    return _with_all_councils(_groups("c2a", "ascof_2a"), "ascof_2a")


def _sequel(con) -> None:
    """The final outcome of each cluster by the first of DHSC's six rules that decides
    (:func:`ascbench.cld.measures._sequel_2a`): table ``final2a(cid, final, rule)``."""
    rank = codes.OUTCOME_RANK
    by_rank = "CASE r " + " ".join(f"WHEN {v} THEN {lit(k)}" for k, v in rank.items()) + " END"
    service_rank = rank_case("j.Service_Type", codes.SERVICE_RANK, 99)
    con.execute(
        f"""CREATE OR REPLACE TABLE joined AS
        SELECT c.cid, c.c_start, c.c_end, c.c_rank, b.*, m.cid AS cid_row
        FROM c2a c JOIN build b USING (LA_Code, person) LEFT JOIN st m ON m.record = b.record
        WHERE NOT (b.Event_Type = 'Service' AND b.Service_Type = {lit(codes.STMAX)}
                   AND b.Event_Start_Date >= c.c_start AND b.Event_Start_Date <= c.c_end)"""
    )
    con.execute(
        f"""CREATE OR REPLACE TABLE cand AS SELECT * FROM joined
        WHERE cid_row IS DISTINCT FROM cid AND Event_Start_Date >= c_start AND end_f > c_end
          AND Event_Start_Date <= c_end + {SEVEN}"""
    )
    con.execute(
        f"""CREATE OR REPLACE TABLE final2a AS
        WITH svc AS (
            SELECT cid, arg_min(CASE WHEN Service_Type = {lit(codes.ST_OTHER)} AND st_res THEN {lit(codes.ST_RES_NURSING)}
                                     ELSE Service_Type END, (type_rank, NOT st_res)) AS out
            FROM (SELECT j.*, {service_rank} AS type_rank,
                         j.Service_Component IN ('Short term residential care', 'Short term nursing care') AS st_res
                  FROM cand j WHERE j.Event_Type = 'Service' AND j.Service_Type IN {in_list(codes.SERVICE_RANK)})
            GROUP BY cid),
        has_cand AS (SELECT DISTINCT cid FROM cand),
        other AS (SELECT * FROM cand WHERE Event_Type <> 'Service' AND Event_Outcome <> 'NFA: Support ended as planned'
                                       AND (c_rank < 100 OR rank2a < 100)),
        nested AS (SELECT cid, arg_min(rank2a, (-epoch(end_f), rank2a, -record)) AS r FROM joined
                   WHERE Event_Type IN ('Assessment', 'Review') AND Event_Start_Date >= c_start AND end_f > c_start
                     AND end_f <= c_end AND end_f > c_end - INTERVAL 14 DAY AND rank2a < 100 GROUP BY cid),
        pool AS (SELECT c.cid, c.c_rank AS r FROM c2a c WHERE c.cid NOT IN (SELECT cid FROM has_cand) AND c.c_rank < 100
                 UNION ALL SELECT cid, c_rank FROM other UNION ALL SELECT cid, rank2a FROM other
                 UNION ALL SELECT cid, r FROM nested),
        best AS (SELECT cid, {by_rank} AS out FROM (SELECT cid, min(r) AS r FROM pool WHERE r < 100 GROUP BY cid)),
        equip AS (SELECT DISTINCT cid FROM joined WHERE Event_Type = 'Service' AND Service_Component = 'Equipment'
                    AND Event_Start_Date >= c_start AND end_f > c_start AND end_f <= c_end)
        SELECT c.cid,
            CASE WHEN c.death IS NOT NULL AND c.death <= c.c_end + {SEVEN} THEN 'NFA: Deceased'
                 WHEN c.c_outcome = 'Admitted to hospital' THEN 'Admitted to hospital'
                 WHEN svc.out IS NOT NULL THEN svc.out
                 WHEN best.out IS NOT NULL THEN best.out
                 WHEN equip.cid IS NOT NULL THEN {lit(codes.ST_LOW)}
                 ELSE c.c_outcome END AS final,
            CASE WHEN c.death IS NOT NULL AND c.death <= c.c_end + {SEVEN} THEN 1
                 WHEN c.c_outcome = 'Admitted to hospital' THEN 2
                 WHEN svc.out IS NOT NULL THEN 3 WHEN best.out IS NOT NULL THEN 4
                 WHEN equip.cid IS NOT NULL THEN 5 ELSE 6 END AS rule
        FROM c2a c LEFT JOIN svc USING (cid) LEFT JOIN best USING (cid) LEFT JOIN equip USING (cid)"""
    )
    con.execute("DROP TABLE joined")
    con.execute("DROP TABLE cand")


# ---------------------------------------------------------------------------- 2B / 2C
def _2b_2c(con, s: str, e: str, options: Options) -> str:
    component = "lower(coalesce(Service_Component, ''))"
    long = f"(contains({component}, 'residential') OR contains({component}, 'nursing')) AND NOT contains({component}, 'short')"
    if options.blank_component == "include":
        long = f"(({long}) OR {component} = '')"
    con.execute(
        f"""CREATE OR REPLACE TABLE b AS
        SELECT e.LA_Code, e.person, e.record, e.Event_Start_Date, e.Event_Outcome, coalesce(e."end", {OPEN}) AS end_f,
               p.birth
        FROM events e JOIN people p USING (LA_Code, person)
        WHERE e.Event_Type = 'Service' AND e.Client_Type = 'Service user'
          AND e.Service_Type IN ({lit(codes.RESIDENTIAL)}, {lit(codes.NURSING)})
          AND p.birth IS NOT NULL AND (p.death IS NULL OR p.death >= {s}) AND {long}"""
    )
    return f"""WITH adm AS (SELECT * FROM b WHERE Event_Start_Date >= {s} AND Event_Start_Date <= {e}
                                          AND Event_Outcome <> {lit(codes.SELF_FUNDED)}),
        new AS (SELECT a.*, {age("a.birth", "a.Event_Start_Date")} AS age FROM adm a
                WHERE NOT EXISTS (SELECT 1 FROM b p WHERE p.LA_Code = a.LA_Code AND p.person = a.person
                                  AND p.Event_Start_Date < a.Event_Start_Date
                                  AND p.end_f > a.Event_Start_Date - INTERVAL 365 DAY)),
        person_band AS (SELECT LA_Code, person, min(CASE WHEN age >= 65 THEN '65+' ELSE '18-64' END) AS band
                        FROM new WHERE age >= 18 GROUP BY LA_Code, person),
        la AS (SELECT DISTINCT LA_Code FROM rows)
        SELECT la.LA_Code, 'ascof_2b', 'total', count(pb.person) FILTER (WHERE pb.band = '18-64'), NULL::BIGINT
        FROM la LEFT JOIN person_band pb USING (LA_Code) GROUP BY la.LA_Code
        UNION ALL
        SELECT la.LA_Code, 'ascof_2c', 'total', count(pb.person) FILTER (WHERE pb.band = '65+'), NULL::BIGINT
        FROM la LEFT JOIN person_band pb USING (LA_Code) GROUP BY la.LA_Code"""


# ------------------------------------------------------------------------------- 2E
def _2e(con, s: str, e: str) -> list[str]:
    settled = " ".join(f"WHEN {lit(k)} THEN {v}" for k, v in codes.SETTLED.items())
    con.execute(
        f"""CREATE OR REPLACE TABLE p2e AS
        WITH x AS (SELECT LA_Code, person, max(least(coalesce("end", {e}), {e})) AS capped FROM events
                   WHERE Client_Type = 'Service user' AND Event_Type = 'Service' AND Service_Type IN {in_list(codes.LTS)}
                     AND Event_Start_Date <= {e} AND ("end" IS NULL OR "end" >= {s})
                     AND ("end" IS NULL OR "end" >= Event_Start_Date)
                   GROUP BY LA_Code, person),
        p AS (SELECT x.*, p.psr, lower(trim(regexp_replace(coalesce(p.gender, ''), '\\s+', ' ', 'g'))) AS gender,
                     {age("p.birth", "x.capped")} AS age,
                     CASE p.accommodation {settled} ELSE 0 END AS num, 1 AS den
              FROM x LEFT JOIN people p USING (LA_Code, person) WHERE NOT coalesce(p.death < {s}, false))
        SELECT *, {_band("age")} AS band,
               lower(trim(regexp_replace(coalesce(psr, ''), '\\s+', ' ', 'g'))) = {lit(codes.LD)} AS ld
        FROM p WHERE age >= 18"""
    )
    parts = []
    la = "(SELECT DISTINCT LA_Code FROM rows)"

    def add(measure: str, group: str, where: str) -> None:
        for sex in ("", "male", "female"):
            name = group if not sex else (group + "_" if group != "total" else "") + sex
            cond = where + (f" AND p.gender = '{sex}'" if sex else "")
            parts.append(
                f"""SELECT la.LA_Code, {lit(measure)}, {lit(name)}, coalesce(sum(p.num), 0), coalesce(sum(p.den), 0)
                FROM {la} la LEFT JOIN p2e p ON p.LA_Code = la.LA_Code AND {cond} GROUP BY la.LA_Code"""
            )

    for band in ("1864", "65ov"):
        add("ascof_2e_all", band, f"p.band = '{band}'")
    add("ascof_2e", "total", "p.band = '1864' AND p.ld")
    return parts


# ------------------------------------------------------------------------------- 3D
def _3d(con, s: str, e: str, options: Options) -> list[str]:
    allowed = {
        (codes.COMMUNITY, "Direct payment"): 3,
        (codes.COMMUNITY, "CASSR managed personal budget"): 4,
        (codes.COMMUNITY, "CASSR commissioned support"): 5,
        (codes.PRISON, "CASSR managed personal budget"): 7,
        (codes.PRISON, "CASSR commissioned support"): 8,
    }
    pair = " ".join(f"WHEN Service_Type = {lit(t)} AND mech = {lit(m)} THEN {r}" for (t, m), r in allowed.items())
    bare = {codes.NURSING: 1, codes.RESIDENTIAL: 2, codes.COMMUNITY: 6, codes.PRISON: 9}
    bare_case = " ".join(f"WHEN Service_Type = {lit(t)} THEN {r}" for t, r in bare.items())
    con.execute(
        f"""CREATE OR REPLACE TABLE p3d AS
        WITH x AS (SELECT e.LA_Code, e.person, e.Service_Type,
                          CASE WHEN e.Service_Component = 'Direct payment' THEN 'Direct payment'
                               ELSE coalesce(e.Delivery_Mechanism, '') END AS mech, p.birth
                   FROM events e JOIN people p USING (LA_Code, person)
                   WHERE e.Client_Type = 'Service user' AND e.Service_Type IN {in_list(codes.LTS)}
                     AND e.Event_Start_Date <= {e} AND (e."end" IS NULL OR e."end" >= {e})
                     AND (e."end" IS NULL OR e."end" >= e.Event_Start_Date)
                     AND (p.death IS NULL OR p.death >= {e})),
        r AS (SELECT LA_Code, person, birth, CASE {pair} ELSE CASE {bare_case} ELSE 99 END END AS rank3d FROM x),
        g AS (SELECT LA_Code, person, min(rank3d) AS rank, first(birth) AS birth FROM r GROUP BY LA_Code, person)
        SELECT *, {age("birth", e)} AS age, {_band(age("birth", e))} AS band,
               (rank BETWEEN 3 AND 6)::INT AS den
        FROM g WHERE NOT coalesce({age("birth", e)} < 18, false)"""
    )
    parts = []
    for name, ranks in (("ascof_3d1a", (3, 4)), ("ascof_3d2a", (3,))):
        con.execute(
            f"CREATE OR REPLACE TABLE {name} AS SELECT *, (den = 1 AND rank IN {tuple(ranks) if len(ranks) > 1 else f'({ranks[0]})'})::INT AS num FROM p3d"
        )
        parts.append(_with_all_councils(_groups(name, name), name))
    _carers(con, s, e, options)
    for name, ranks in (("ascof_3d1b", (1, 2)), ("ascof_3d2b", (1,))):
        con.execute(
            f"CREATE OR REPLACE TABLE {name} AS SELECT *, (rank IN {tuple(ranks) if len(ranks) > 1 else f'({ranks[0]})'})::INT AS num FROM c3d"
        )
        parts.append(_with_all_councils(_groups(name, name), name))
    return parts


def _with_all_councils(groups: str, measure: str) -> str:
    """The groups of every council, zeros where a council has no rows (as the reference)."""
    return f"""WITH g AS ({groups}),
        grid AS (SELECT la.LA_Code, b.grp FROM (SELECT DISTINCT LA_Code FROM rows) la,
                      (VALUES ('total'), ('1864'), ('65ov')) b(grp))
        SELECT grid.LA_Code, {lit(measure)}, grid.grp, coalesce(g.numerator, 0), coalesce(g.denominator, 0)
        FROM grid LEFT JOIN g ON g.LA_Code = grid.LA_Code AND g."group" = grid.grp"""


def _carers(con, s: str, e: str, options: Options) -> None:
    direct, involving = lit(codes.CARER_DIRECT), lit(codes.CARER_INVOLVING)
    not_dp = "comp <> 'Direct payment'" + (" AND comp <> ''" if options.carer_blank_component == "exclude" else "")
    ia = "Event_Outcome = 'NFA: Information and advice or signposting'"
    con.execute(
        f"""CREATE OR REPLACE TABLE c3d AS
        WITH x AS (SELECT e.LA_Code, e.person, e.Event_Type, e.Event_Outcome, coalesce(e.Service_Type, '') AS stype,
                          coalesce(e.Delivery_Mechanism, '') AS mech, coalesce(e.Service_Component, '') AS comp, p.birth
                   FROM events e JOIN people p USING (LA_Code, person)
                   WHERE e.Client_Type IN {in_list(codes.CARER_TYPES)} AND e.Event_Start_Date <= {e}
                     AND (e."end" IS NULL OR e."end" >= {s}) AND (e."end" IS NULL OR e."end" >= e.Event_Start_Date)
                     AND (p.death IS NULL OR p.death >= {s})),
        y AS (SELECT *, Event_Type IN ('Assessment', 'Review') AS assess, stype = '' AS no_type,
                     stype = {direct} AS direct FROM x
              WHERE (stype = '' AND {ia}) OR stype IN ({direct}, {involving})
                 OR (Event_Type IN ('Assessment', 'Review') AND stype = '')),
        r AS (SELECT LA_Code, person, birth, CASE
                WHEN direct AND (mech = 'Direct payment' OR comp = 'Direct payment') THEN 1
                WHEN direct AND mech = 'CASSR managed personal budget' AND {not_dp} THEN 2
                WHEN direct AND mech = 'CASSR commissioned support' AND {not_dp} THEN 3
                WHEN direct AND mech NOT IN ('Direct payment', 'CASSR managed personal budget',
                                             'CASSR commissioned support') AND {not_dp} THEN 4
                WHEN (assess AND no_type AND {ia}) OR Event_Type = 'Request' THEN 5
                WHEN stype = {involving} OR (assess AND no_type) THEN 6
                ELSE 0 END AS rank FROM y),
        g AS (SELECT LA_Code, person, min(rank) AS rank, first(birth) AS birth FROM r WHERE rank > 0
              GROUP BY LA_Code, person)
        SELECT *, {_band(age("birth", e))} AS band, (rank IN (1, 2, 3))::INT AS den
        FROM g WHERE NOT coalesce({age("birth", e)} < 18, false)"""
    )
