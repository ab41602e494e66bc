"""DHSC's stage 0 and the latest person details as SQL (DuckDB), every step partitioned by
council (``LA_Code``): the rules of :mod:`ascbench.cld.prepare` (the reference), one table
per step, so that a nation's rows pass through disk rather than memory.

Tables: ``rows`` (from :mod:`ascbench.cld.duck_read`) -> ``keyed`` (person key, derived end)
-> ``periods`` and ``quarters`` (each council's latest file per quarter) -> ``kept``
(events in their file's period, cropped) -> ``events`` (unique events) -> ``people``.
"""

from __future__ import annotations

from ascbench.cld import codes
from ascbench.cld.duck_read import fold, lit, q
from ascbench.cld.prepare import IMPUTE_COMPONENTS

OPEN = "DATE '9999-01-01'"
UNKNOWN = ", ".join(lit(v) for v in codes.UNKNOWN_VALUES)


def values(mapping: dict) -> str:
    return ", ".join(f"({lit(k)}, {v if isinstance(v, int) else lit(v)})" for k, v in mapping.items())


def in_list(items) -> str:
    return "(" + ", ".join(lit(i) for i in items) + ")"


def rank_case(column: str, mapping: dict, missing: int) -> str:
    return f"CASE {column} " + " ".join(f"WHEN {lit(k)} THEN {v}" for k, v in mapping.items()) + f" ELSE {missing} END"


def stage0(con, person_key: str = "row") -> None:
    """``rows`` -> ``events`` and ``quarters`` (:func:`ascbench.cld.prepare.stage0`)."""
    _keyed(con, person_key)
    _periods(con)
    _kept(con)
    _crop(con)
    _deduplicate(con)


def _keyed(con, mode: str) -> None:
    con.execute(
        """CREATE OR REPLACE TABLE nhs AS
        WITH t AS (SELECT DISTINCT NHS_Number AS t FROM rows),
        p AS (SELECT t, regexp_replace(t, '[\\s\\-]', '', 'g') AS plain FROM t),
        f AS (SELECT t, plain,
                     regexp_full_match(plain, '\\d(\\.\\d+)?[eE]\\+?\\d+|\\d+\\.0*') AS floaty,
                     TRY_CAST(plain AS DOUBLE) AS x FROM p),
        d AS (SELECT t, CASE WHEN floaty AND x IS NOT NULL AND x = floor(x) AND x < 1e10
                             THEN CAST(CAST(x AS BIGINT) AS VARCHAR) ELSE plain END AS digits FROM f)
        SELECT t, CASE WHEN regexp_full_match(digits, '\\d{10}') THEN digits ELSE trim(t) END AS nhs FROM d"""
    )
    key = "CASE WHEN n.nhs <> '' THEN n.nhs ELSE r.LA_Code || '_' || trim(r.LA_Person_Unique_Identifier) END"
    end = """CASE WHEN r.Date_of_Death IS NOT NULL AND ((r.Date_of_Death >= r.Event_Start_Date
                  AND r.Date_of_Death <= r.Event_End_Date) OR (r.Event_End_Date IS NULL
                  AND r.Date_of_Death > r.Event_Start_Date)) THEN r.Date_of_Death ELSE r.Event_End_Date END"""
    con.execute(
        f"""CREATE OR REPLACE TABLE keyed AS
        SELECT r.*, n.nhs AS _nhs, r.LA_Code || '_' || trim(r.LA_Person_Unique_Identifier) AS _la_id,
               {key} AS person, {end} AS "end"
        FROM rows r JOIN nhs n ON n.t = r.NHS_Number"""
    )
    if mode == "linked":
        con.execute(
            """CREATE OR REPLACE TABLE keyed AS
            WITH known AS (SELECT _la_id, arg_min(_nhs, record) AS linked FROM keyed
                           WHERE _nhs <> '' AND NOT suffix(_la_id, '_') GROUP BY _la_id)
            SELECT k.* REPLACE (CASE WHEN k._nhs <> '' THEN k._nhs ELSE coalesce(known.linked, k.person) END AS person)
            FROM keyed k LEFT JOIN known USING (_la_id)"""
        )


def _periods(con) -> None:
    """Each council's files' reference periods and which file supplied each quarter
    (:func:`ascbench.cld.prepare.submission_periods`)."""
    con.execute(
        """CREATE OR REPLACE TABLE subs AS
        WITH g AS (
            SELECT LA_Code, submission, min(file) AS file,
                   min(Reporting_Period_Start_Date) AS stated_start, max(Reporting_Period_End_Date) AS stated_end,
                   least(min(Event_Start_Date), min(Event_End_Date)) AS first_date,
                   greatest(max(Event_Start_Date), max(Event_End_Date)) AS last_date
            FROM keyed GROUP BY LA_Code, submission)
        SELECT *, stated_start IS NOT NULL AND stated_end IS NOT NULL AS stated,
               CASE WHEN stated_start IS NOT NULL AND stated_end IS NOT NULL THEN stated_start
                    ELSE date_trunc('month', first_date)::DATE END AS cover_start,
               CASE WHEN stated_start IS NOT NULL AND stated_end IS NOT NULL THEN stated_end
                    ELSE last_day(last_date) END AS cover_end,
               count(*) OVER (PARTITION BY LA_Code) AS n_files
        FROM g"""
    )
    con.execute(
        """CREATE OR REPLACE TABLE quarter_won AS
        WITH span AS (SELECT LA_Code, date_trunc('quarter', min(cover_start))::DATE AS q0,
                             date_trunc('quarter', max(cover_end))::DATE AS q1
                      FROM subs WHERE n_files > 1 GROUP BY LA_Code),
        qs AS (SELECT LA_Code, unnest(generate_series(q0, q1, INTERVAL 3 MONTH))::DATE AS quarter_start FROM span),
        qe AS (SELECT *, last_day(quarter_start + INTERVAL 2 MONTH) AS quarter_end FROM qs)
        SELECT qe.LA_Code, qe.quarter_start, qe.quarter_end, max(s.submission) AS submission
        FROM qe JOIN subs s ON s.LA_Code = qe.LA_Code AND s.cover_start <= qe.quarter_start
                           AND s.cover_end >= qe.quarter_end
        GROUP BY qe.LA_Code, qe.quarter_start, qe.quarter_end"""
    )
    con.execute(
        """CREATE OR REPLACE TABLE periods AS
        SELECT LA_Code, submission, stated_start AS ref_start,
               CASE WHEN stated THEN stated_end ELSE last_date END AS ref_end, stated
        FROM subs WHERE n_files = 1
        UNION ALL
        SELECT LA_Code, submission, min(quarter_start), max(quarter_end), true
        FROM quarter_won GROUP BY LA_Code, submission"""
    )
    con.execute(
        """CREATE OR REPLACE TABLE quarters AS
        SELECT LA_Code, cover_start AS quarter_start, cover_end AS quarter_end, submission, file
        FROM subs WHERE n_files = 1
        UNION ALL
        SELECT w.LA_Code, w.quarter_start, w.quarter_end, w.submission, s.file
        FROM quarter_won w JOIN subs s USING (LA_Code, submission)"""
    )


def _kept(con) -> None:
    con.execute(
        """CREATE OR REPLACE TABLE kept AS
        SELECT k.*, p.ref_start, p.ref_end, p.stated
        FROM keyed k JOIN periods p USING (LA_Code, submission)
        WHERE (coalesce(k.Event_Type <> 'Service' AND k."end" IS NOT NULL AND k."end" >= p.ref_start
                        AND k."end" <= p.ref_end AND k.Event_Start_Date <= p.ref_end, false)
               OR coalesce(k.Event_Type = 'Service' AND k.Event_Start_Date <= p.ref_end
                           AND (k."end" IS NULL OR k."end" >= p.ref_start), false)
               OR NOT p.stated)
          AND NOT coalesce(k.Date_of_Death IS NOT NULL AND ((coalesce(k.Date_of_Death < p.ref_start, false) AND p.stated)
                           OR k.Date_of_Death < k.Event_Start_Date), false)"""
    )
    con.execute("DROP TABLE keyed")


KEY = [
    "Event_Type",
    "LA_Code",
    "person",
    "Event_Start_Date",
    "Client_Type",
    "_end_key",
    "_route",
    "_assessment",
    "_service",
    "_component",
]


def _key_columns(end: str = '"end"') -> str:
    return f"""CASE WHEN Event_Type <> 'Service' THEN {end} END AS _end_key,
        CASE WHEN Event_Type = 'Request' THEN {fold("Request_Route_of_Access")} ELSE '' END AS _route,
        CASE WHEN Event_Type = 'Assessment' THEN {fold("Assessment_Type")} ELSE '' END AS _assessment,
        CASE WHEN Event_Type = 'Service' THEN coalesce(Service_Type, '') ELSE '' END AS _service,
        CASE WHEN Event_Type = 'Service' THEN coalesce(Service_Component, '') ELSE '' END AS _component"""


def _crop(con) -> None:
    """DHSC's cropping (:func:`ascbench.cld.prepare._crop`), per council with two or more
    reference periods."""
    same = " AND ".join(
        f"n.{q(c)} IS NOT DISTINCT FROM k.{q(c)}" if c == "_end_key" else f"n.{q(c)} = k.{q(c)}" for c in KEY
    )
    con.execute(f"CREATE OR REPLACE TABLE kept AS SELECT *, {_key_columns()} FROM kept")
    con.execute(
        f"""CREATE OR REPLACE TABLE cropped AS
        WITH la AS (SELECT LA_Code, max(ref_start) AS last_start,
                           count(DISTINCT (ref_start, ref_end)) AS n_periods FROM kept GROUP BY LA_Code),
        prior AS (SELECT k.* FROM kept k JOIN la USING (LA_Code)
                  WHERE la.n_periods >= 2 AND k.ref_start <> la.last_start AND (k."end" IS NULL OR k."end" > k.ref_end)),
        nexts AS (SELECT DISTINCT ref_start, {", ".join(q(c) for c in KEY)} FROM kept),
        crop AS (SELECT k.record FROM prior k
                 WHERE NOT EXISTS (SELECT 1 FROM nexts n WHERE n.ref_start = k.ref_end + INTERVAL 1 DAY AND {same}))
        SELECT k.* REPLACE (CASE WHEN c.record IS NOT NULL THEN k.ref_end ELSE k."end" END AS "end")
        FROM kept k LEFT JOIN crop c USING (record)"""
    )
    con.execute("DROP TABLE kept")


def _deduplicate(con) -> None:
    rank = rank_case("Event_Outcome", codes.OUTCOME_RANK, 999)
    con.execute(
        f"""CREATE OR REPLACE TABLE events AS
        SELECT * EXCLUDE (_rn) FROM (
            SELECT *, {rank} AS outcome_rank,
                   row_number() OVER (PARTITION BY {", ".join(q(c) for c in KEY)}
                                      ORDER BY ref_end DESC, coalesce("end", {OPEN}) DESC, {rank}, record DESC) AS _rn
            FROM cropped)
        WHERE _rn = 1"""
    )
    con.execute("DROP TABLE cropped")


def person_details(con) -> None:
    """``events`` -> ``people`` (:func:`ascbench.cld.prepare.person_details`): one row per
    council and person with ``birth`` (1st of the month), ``death``, ``gender``, ``psr`` and
    ``accommodation`` (imputed from services when unknown)."""
    settled = values({codes.fold(k): k for k in codes.SETTLED})

    def latest(column: str, unknown: str) -> str:
        return f"""(SELECT LA_Code, person,
                   CASE WHEN count(DISTINCT {fold(q(column))}) = 1 AND bool_and(_known) THEN min({q(column)})
                        ELSE 'Unknown' END AS value
            FROM (SELECT *, rank() OVER (PARTITION BY LA_Code, person
                                         ORDER BY _known DESC, ref_end DESC, coalesce("end", {OPEN}) DESC,
                                                  Event_Start_Date DESC) AS _r
                  FROM (SELECT LA_Code, person, ref_end, "end", Event_Start_Date, {q(column)},
                               {fold(q(column))} NOT IN ({unknown}) AS _known FROM events))
            WHERE _r = 1 GROUP BY LA_Code, person)"""

    carer = lit(codes.CARER_PSR)
    con.execute(
        f"""CREATE OR REPLACE TABLE people0 AS
        WITH persons AS (SELECT DISTINCT LA_Code, person FROM events),
        birth AS (SELECT LA_Code, person, date_trunc('month', arg_min(Date_of_Birth, (-epoch(ref_end), Date_of_Birth)))::DATE AS birth
                  FROM events WHERE Date_of_Birth IS NOT NULL GROUP BY LA_Code, person),
        death AS (SELECT LA_Code, person, arg_max(Date_of_Death, (ref_end, Date_of_Death)) AS death
                  FROM events WHERE Date_of_Death IS NOT NULL GROUP BY LA_Code, person),
        gender AS {latest("Gender", UNKNOWN)},
        psr AS {latest("Primary_Support_Reason", UNKNOWN + ", " + carer)},
        acc AS {latest("Accommodation_Status", UNKNOWN)},
        settled(k, v) AS (VALUES {settled})
        SELECT p.LA_Code, p.person, birth.birth, death.death, gender.value AS gender, psr.value AS psr,
               coalesce(settled.v, acc.value, 'Unknown') AS accommodation
        FROM persons p
        LEFT JOIN birth USING (LA_Code, person) LEFT JOIN death USING (LA_Code, person)
        LEFT JOIN gender USING (LA_Code, person) LEFT JOIN psr USING (LA_Code, person)
        LEFT JOIN acc USING (LA_Code, person) LEFT JOIN settled ON settled.k = {fold("acc.value")}"""
    )
    rank = rank_case("Service_Type", codes.SERVICE_RANK, 99)
    known_types = in_list(codes.SERVICE_RANK)
    comps = in_list(IMPUTE_COMPONENTS)
    con.execute(
        f"""CREATE OR REPLACE TABLE people AS
        WITH s AS (SELECT e.LA_Code, e.person, e.Service_Type, e.Service_Component,
                          rank() OVER (PARTITION BY e.LA_Code, e.person
                                       ORDER BY coalesce(e."end", {OPEN}) DESC, -({rank}) DESC,
                                                (e.Service_Component IN {comps})::INT DESC, e.Event_Start_Date DESC) AS _r
                   FROM events e JOIN people0 p USING (LA_Code, person)
                   WHERE p.accommodation = 'Unknown' AND e.Event_Type = 'Service'),
        g AS (SELECT LA_Code, person,
                     CASE WHEN count(DISTINCT Service_Type) FILTER (WHERE Service_Type IN {known_types}) = 1
                          THEN min(Service_Type) FILTER (WHERE Service_Type IN {known_types}) END AS t,
                     CASE WHEN count(DISTINCT Service_Component) FILTER (WHERE Service_Component IN {comps}) = 1
                          THEN min(Service_Component) FILTER (WHERE Service_Component IN {comps}) END AS c
              FROM s WHERE _r = 1 GROUP BY LA_Code, person),
        imputed AS (SELECT LA_Code, person, CASE
                WHEN t = {lit(codes.NURSING)} THEN 'Registered nursing home'
                WHEN t = {lit(codes.RESIDENTIAL)} THEN 'Registered care home'
                WHEN c = 'Shared Lives' THEN 'Shared Lives scheme'
                WHEN c = 'Extra care housing' THEN 'Sheltered housing, extra care housing or other sheltered housing'
                WHEN c = 'Community supported living'
                    THEN 'Supported accommodation, supported lodgings or supported group home'
                WHEN t = {lit(codes.COMMUNITY)} AND c = 'Home support or domiciliary care' THEN 'Unknown: Presumed at home'
                WHEN t = {lit(codes.COMMUNITY)} THEN 'Unknown: Presumed in community'
                WHEN t = {lit(codes.PRISON)} THEN 'Prison, young offenders institution or detention centre'
                ELSE 'Unknown' END AS status FROM g)
        SELECT p.* REPLACE (coalesce(i.status, p.accommodation) AS accommodation)
        FROM people0 p LEFT JOIN imputed i USING (LA_Code, person)"""
    )
    con.execute("DROP TABLE people0")


def age(birth: str, when: str) -> str:
    """DHSC's age in SQL: floor(days / 365.25) (:func:`ascbench.cld.prepare.age_at`)."""
    return f"floor(datediff('day', {birth}, {when}) / 365.25)"
