"""DHSC's stage 0 and the latest person details as SQL (DuckDB), every step partitioned by
council (``LA_Code``) and person: the rules of :mod:`ascbench.cld.prepare` (the reference),
in as few passes over the rows as the rules allow, so that a nation's rows stream through.

``rows`` (a view from :mod:`ascbench.cld.duck_read`) -> ``subs``, ``periods``, ``quarters``
(each council's latest file per quarter: small) -> ``kept`` (person key, derived end,
events in their file's period; one pass) -> ``crop`` (the records cropping ends, found only
for councils with two or more periods) -> ``events`` (unique events: the winner of each
event key by one aggregate, then its row) -> ``people`` (one aggregate per person).

"Latest" and "best" rows are found with ``max`` over one packed number (:func:`pack`)
rather than by sorting each person's rows: the dates as day numbers, the flags and ranks as
small integers, side by side, so that the largest number is the row that sorts first.
"""

from __future__ import annotations

from ascbench.cld import codes
from ascbench.cld.duck_read import fold, lit, q
from ascbench.cld.prepare import IMPUTE_COMPONENTS

OPEN = "DATE '9999-01-01'"
UNKNOWN = ", ".join(lit(v) for v in codes.UNKNOWN_VALUES)
DAY_BITS = 22  # days from 0001-01-01 to 9999-12-31 (3,652,058) fit in 22 bits


def values(mapping: dict) -> str:
    return ", ".join(f"({lit(k)}, {v if isinstance(v, int) else lit(v)})" for k, v in mapping.items())


def in_list(items) -> str:
    return "(" + ", ".join(lit(i) for i in items) + ")"


def rank_case(column: str, mapping: dict, missing: int) -> str:
    return f"CASE {column} " + " ".join(f"WHEN {lit(k)} THEN {v}" for k, v in mapping.items()) + f" ELSE {missing} END"


def day(date: str) -> str:
    """SQL: a date as its day number from 0001-01-01 (0 .. 2^22), for :func:`pack`."""
    return f"datediff('day', DATE '0001-01-01', {date})"


def pack(*parts: tuple[str, int]) -> str:
    """SQL: non-negative integers ``(expression, bits)`` side by side in one number, the
    first the most significant, so that ``max`` of it orders by each part in turn. Parts are
    added up in BIGINT while they fit in 63 bits; wider keys join those in one HUGEINT step."""
    chunks: list[list[tuple[str, int]]] = [[]]
    for expr, bits in parts:
        if chunks[-1] and sum(b for _, b in chunks[-1]) + bits > 63:
            chunks.append([])
        chunks[-1].append((expr, bits))

    def bigint(chunk: list[tuple[str, int]]) -> str:
        terms, shift = [], 0
        for expr, bits in reversed(chunk):
            terms.append(f"({expr})::BIGINT" + (f" * {2**shift}" if shift else ""))
            shift += bits
        return "(" + " + ".join(reversed(terms)) + ")"

    assert sum(b for _, b in parts) <= 126, "a packed key must fit in a signed 128-bit integer"
    out = bigint(chunks[0])
    for chunk in chunks[1:]:
        out = f"({out}::HUGEINT * {2 ** sum(b for _, b in chunk)}::HUGEINT + {bigint(chunk)})"
    return out


def unpack(packed: str, low_bits: int, bits: int) -> str:
    """SQL: the part of ``packed`` that starts ``low_bits`` from the right, ``bits`` wide."""
    return f"((({packed})::HUGEINT >> {low_bits}) & {2**bits - 1}::HUGEINT)::BIGINT"  # shifts: HUGEINT division is slow


def stage0(con, person_key: str = "row") -> None:
    """``rows`` -> ``events`` and ``quarters`` (:func:`ascbench.cld.prepare.stage0`)."""
    _periods(con)
    _kept(con, person_key)
    _crop(con)
    _deduplicate(con)


def _periods(con) -> None:
    """Each council's files' reference periods and which file supplied each quarter
    (:func:`ascbench.cld.prepare.submission_periods`)."""
    con.execute(
        """CREATE OR REPLACE TABLE subs AS
        WITH g AS (
            SELECT LA_Code, submission,
                   min(Reporting_Period_Start_Date) AS stated_start, max(Reporting_Period_End_Date) AS stated_end,
                   least(min(Event_Start_Date), min(Event_End_Date)) AS first_date,
                   greatest(max(Event_Start_Date), max(Event_End_Date)) AS last_date
            FROM rows GROUP BY LA_Code, submission)
        SELECT g.*, f.file, stated_start IS NOT NULL AND stated_end IS NOT NULL AS stated,
               CASE WHEN stated_start IS NOT NULL AND stated_end IS NOT NULL THEN stated_start
                    ELSE date_trunc('month', first_date)::DATE END AS cover_start,
               CASE WHEN stated_start IS NOT NULL AND stated_end IS NOT NULL THEN stated_end
                    ELSE last_day(last_date) END AS cover_end,
               count(*) OVER (PARTITION BY LA_Code) AS n_files
        FROM g JOIN files f ON f.sub = g.submission"""
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


def _nhs(t: str) -> str:
    """SQL for :func:`ascbench.identifiers.nhs_number` of a trimmed cell: ten digits as they
    are (every well-formed row, no further work); spaces and dashes removed and a
    spreadsheet's float (``9.434765919E+09``) written back as its digits; else as written."""
    plain = f"regexp_replace({t}, '[\\s\\-]', '', 'g')"
    x = f"TRY_CAST({plain} AS DOUBLE)"
    floaty = f"regexp_full_match({plain}, '\\d(\\.\\d+)?[eE]\\+?\\d+|\\d+\\.0*')"
    digits = f"""CASE WHEN {floaty} AND {x} IS NOT NULL AND {x} = floor({x}) AND {x} < 1e10
                      THEN CAST(CAST({x} AS BIGINT) AS VARCHAR) ELSE {plain} END"""
    slow = f"CASE WHEN regexp_full_match({digits}, '\\d{{10}}') THEN {digits} ELSE trim({t}) END"
    return f"CASE WHEN {t} = '' THEN '' WHEN regexp_full_match({t}, '\\d{{10}}') THEN {t} ELSE {slow} END"


def _key(prefix: str = "") -> list[str]:
    """DHSC's unique event key (``Der_Unique_Event_Ref``): LA, person, start, type and client
    type, and the end for requests, assessments and reviews, the route of access for
    requests, the assessment type for assessments (both stored folded), the service type and
    component for services; NULL where a part does not apply."""
    t = f"{prefix}Event_Type"
    return [
        t,
        f"{prefix}LA_Code",
        f"{prefix}person",
        f"{prefix}Event_Start_Date",
        f"{prefix}Client_Type",
        f"CASE WHEN {t} <> 'Service' THEN {prefix}\"end\" END",
        f"CASE WHEN {t} = 'Request' THEN {prefix}Request_Route_of_Access END",
        f"CASE WHEN {t} = 'Assessment' THEN {prefix}Assessment_Type END",
        f"CASE WHEN {t} = 'Service' THEN {prefix}Service_Type END",
        f"CASE WHEN {t} = 'Service' THEN {prefix}Service_Component END",
    ]


EVENT_COLUMNS = [
    "LA_Code",
    "person",
    "record",
    "submission",
    "Event_Type",
    "Client_Type",
    "Event_Start_Date",
    "end",
    "Event_Outcome",
    "Service_Type",
    "Service_Component",
    "Delivery_Mechanism",
    "Request_Route_of_Access",
    "Assessment_Type",
    "Date_of_Birth",
    "Date_of_Death",
    "Gender",
    "Primary_Support_Reason",
    "Accommodation_Status",
    "ref_start",
    "ref_end",
]
TEN_DIGITS = "'\\d{10}'"
PERSON_IDS = 10**10  # people without a ten-digit key are numbered from here


def _kept(con, mode: str) -> None:
    """View ``kept``: each accepted row of a file that supplies a quarter, with its person
    key, derived end (the death when it falls in the event) and its file's period, when the
    event belongs to that period (DHSC's ``FilterToEventsInPeriod``); one pass over the rows.

    The person key (an NHS number, else ``LA_Code_LAPersonID``) is kept as a number: an NHS
    number's ten digits as they read, any other key numbered from :data:`PERSON_IDS` by a
    table of the (few) keys that are not ten digits."""
    la_id = "r.LA_Code || '_' || trim(r.LA_Person_Unique_Identifier)"
    person = f"CASE WHEN _nhs <> '' THEN _nhs ELSE {la_id} END"
    linked_join = ""
    if mode == "linked":  # rows of one LA person ID share the NHS number its first such row has
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE linked AS
            SELECT _la_id, arg_min(_nhs, record) AS linked
            FROM (SELECT {la_id} AS _la_id, {_nhs("r.NHS_Number")} AS _nhs, record FROM rows r)
            WHERE _nhs <> '' AND NOT suffix(_la_id, '_') GROUP BY _la_id"""
        )
        person = f"CASE WHEN _nhs <> '' THEN _nhs ELSE coalesce(l.linked, {la_id}) END"
        linked_join = f"LEFT JOIN linked l ON l._la_id = {la_id}"
    keyed = f"""SELECT r.*, {person} AS _person
                FROM (SELECT *, {_nhs("NHS_Number")} AS _nhs FROM rows) r {linked_join}"""
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE person_ids AS
        SELECT _person, ({PERSON_IDS} + row_number() OVER ())::BIGINT AS id
        FROM (SELECT DISTINCT _person FROM ({keyed}) WHERE NOT regexp_full_match(_person, {TEN_DIGITS}))"""
    )
    end = """CASE WHEN r.Date_of_Death IS NOT NULL AND ((r.Date_of_Death >= r.Event_Start_Date
                  AND r.Date_of_Death <= r.Event_End_Date) OR (r.Event_End_Date IS NULL
                  AND r.Date_of_Death > r.Event_Start_Date)) THEN r.Date_of_Death ELSE r.Event_End_Date END"""
    columns = ", ".join(q(c) for c in EVENT_COLUMNS)
    con.execute(
        f"""CREATE OR REPLACE TEMP VIEW kept AS
        WITH k AS (SELECT r.*, CASE WHEN regexp_full_match(r._person, {TEN_DIGITS}) THEN r._person::BIGINT
                                    ELSE i.id END AS person,
                          {end} AS "end", p.ref_start, p.ref_end, p.stated
                   FROM ({keyed}) r JOIN periods p USING (LA_Code, submission)
                   LEFT JOIN person_ids i USING (_person))
        SELECT {columns}
        FROM k
        WHERE (coalesce(Event_Type <> 'Service' AND "end" IS NOT NULL AND "end" >= ref_start
                        AND "end" <= ref_end AND Event_Start_Date <= ref_end, false)
               OR coalesce(Event_Type = 'Service' AND Event_Start_Date <= ref_end
                           AND ("end" IS NULL OR "end" >= ref_start), false)
               OR NOT stated)
          AND NOT coalesce(Date_of_Death IS NOT NULL AND ((coalesce(Date_of_Death < ref_start, false) AND stated)
                           OR Date_of_Death < Event_Start_Date), false)"""
    )


def _crop(con) -> None:
    """Table ``crop``: the records whose end DHSC's cropping sets to their period's end
    (:func:`ascbench.cld.prepare._crop`) - events of a council's earlier period, open or
    ending after it, missing from the period that starts the next day. Only councils with
    two or more periods are looked at."""
    con.execute("CREATE OR REPLACE TEMP TABLE crop (record BIGINT)")
    several = "SELECT LA_Code FROM periods GROUP BY LA_Code HAVING count(DISTINCT (ref_start, ref_end)) >= 2"
    if not con.execute(f"SELECT count(*) FROM ({several})").fetchall()[0][0]:
        return  # every council has one period: nothing to crop (no pass over the rows)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE crop_las AS
        SELECT LA_Code, max(ref_start) AS last_start FROM kept WHERE LA_Code IN ({several}) GROUP BY LA_Code
        HAVING count(DISTINCT (ref_start, ref_end)) >= 2"""
    )
    keys = ", ".join(f"{k} AS _k{i}" for i, k in enumerate(_key()))
    same = " AND ".join(f"n._k{i} IS NOT DISTINCT FROM k._k{i}" for i in range(len(_key())))
    con.execute(
        f"""INSERT INTO crop
        WITH mine AS (SELECT record, ref_start, ref_end, "end", last_start, {keys}
                      FROM kept JOIN crop_las USING (LA_Code)),
        prior AS (SELECT * FROM mine WHERE ref_start <> last_start AND ("end" IS NULL OR "end" > ref_end)),
        nexts AS (SELECT DISTINCT ref_start, COLUMNS('_k[0-9]+') FROM mine)
        SELECT k.record FROM prior k
        WHERE NOT EXISTS (SELECT 1 FROM nexts n WHERE n.ref_start = k.ref_end + INTERVAL 1 DAY AND {same})"""
    )


def _deduplicate(con) -> None:
    """Table ``events``: per unique event (:func:`_key`) the row of the latest period, then
    open or latest end, then best outcome, then the later record. One aggregate finds each
    event's winning record (the largest packed order, :func:`pack`) and how many rows the
    event has; only the rows of events with two or more rows are then looked at again, and
    the others' rows (nearly all) pass straight through. A temporary table: scanned by every
    measure, spilled to disk only when memory runs short."""
    rank = rank_case("Event_Outcome", codes.OUTCOME_RANK, 999)
    end = 'CASE WHEN c.record IS NOT NULL THEN k.ref_end ELSE k."end" END'
    order = pack(
        (day("ref_end"), DAY_BITS),
        (day(f"coalesce(end_c, {OPEN})"), DAY_BITS),
        (f"1023 - {rank}", 10),
        ("record", 63),
    )
    cropped = f"(SELECT k.*, {end} AS end_c FROM kept k LEFT JOIN crop c USING (record))"
    keys = ", ".join(f"{k} AS _k{i}" for i, k in enumerate(_key()))
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE dups AS
        SELECT {keys}, max({order}) AS _top, min(record) AS low, max(record) AS high, count(*) AS n
        FROM {cropped} GROUP BY ALL HAVING count(*) > 1"""
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE losers AS
        SELECT CASE WHEN {unpack("_top", 0, 63)} = low THEN high ELSE low END AS record FROM dups WHERE n = 2"""
    )
    if con.execute("SELECT count(*) FROM dups WHERE n > 2").fetchall()[0][0]:  # rare: found by their key
        same = " AND ".join(f"m._k{i} IS NOT DISTINCT FROM x._k{i}" for i in range(len(_key())))
        con.execute(
            f"""INSERT INTO losers
            SELECT x.record FROM (SELECT {keys}, record, {order} AS _order FROM {cropped}) x
            JOIN (SELECT * FROM dups WHERE n > 2) m ON {same} WHERE x._order < m._top"""
        )
    columns = ", ".join(f"k.{q(c)}" for c in EVENT_COLUMNS if c != "end")
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE events AS
        SELECT {columns}, {end} AS "end", {rank.replace("Event_Outcome", "k.Event_Outcome")} AS outcome_rank
        FROM kept k ANTI JOIN losers l USING (record) LEFT JOIN crop c USING (record)"""
    )
    con.execute("DROP VIEW kept")
    for table in ("linked", "person_ids", "crop", "crop_las", "dups", "losers"):
        con.execute(f"DROP TABLE IF EXISTS {table}")


def _attribute(column: str, unknown: str, alias: str) -> tuple[str, list[str]]:
    """SQL for one of a person's latest attributes (DHSC: known first, latest period, open or
    latest end, latest start; "Unknown" when the top rows disagree): the lookup of each
    value's fold and knownness, and the aggregates that decide it in the person's group."""
    top = [(f"{alias}.known::INT", 1), ("_r", DAY_BITS), ("_n", DAY_BITS), ("_s", DAY_BITS)]
    low = 32
    aggregates = [
        f"max({pack(*top, (f'{alias}.f', low))}) AS {alias}_hi",  # the top key, the largest fold
        f"max({pack(*top, (f'{2**low - 1} - {alias}.f', low))}) AS {alias}_lo",  # the smallest fold
        f"max({pack(*top, (f'{2**low - 1} - enum_code({q(column)})', low))}) AS {alias}_min",  # the smallest value
    ]
    lookup = f"""SELECT v, {fold("v::VARCHAR")} NOT IN ({unknown}) AS known,
                    dense_rank() OVER (ORDER BY {fold("v::VARCHAR")})::BIGINT AS f
                  FROM (SELECT unnest(enum_range(NULL::{q("cld_" + column)}))::{q("cld_" + column)} AS v)"""
    return lookup, aggregates


def _decide(column: str, alias: str) -> str:
    low = 32
    key_of = f"({alias}_hi // {2**low}::HUGEINT)"
    known = f"({key_of} >= {2 ** (3 * DAY_BITS)}::HUGEINT)"
    same = f"({alias}_hi % {2**low}::HUGEINT) = ({2**low - 1} - ({alias}_lo % {2**low}::HUGEINT))"
    smallest = f"enum_range(NULL::{q('cld_' + column)})[({2**low - 1} - ({alias}_min % {2**low}::HUGEINT))::BIGINT + 1]"
    return f"CASE WHEN {known} AND {same} THEN {smallest}::VARCHAR ELSE 'Unknown' END"


def person_details(con) -> None:
    """``events`` -> ``people`` (:func:`ascbench.cld.prepare.person_details`): one row per
    council and person with ``birth`` (1st of the month), ``death``, ``gender``, ``psr`` and
    ``accommodation`` (imputed from services when unknown); one aggregate over the events."""
    carer = lit(codes.CARER_PSR)
    attributes = [
        ("Gender", UNKNOWN, "g"),
        ("Primary_Support_Reason", UNKNOWN + ", " + carer, "p"),
        ("Accommodation_Status", UNKNOWN, "a"),
    ]
    joins, aggregates = [], []
    for column, unknown, alias in attributes:
        lookup, parts = _attribute(column, unknown, alias)
        # each value's fold and knownness once, in a table (the planner would fold every row)
        con.execute(f"CREATE OR REPLACE TEMP TABLE fold_{alias} AS {lookup}")
        joins.append(f"JOIN fold_{alias} {alias} ON {alias}.v = e.{q(column)}")
        aggregates += parts
    type_rank = rank_case("e.Service_Type", codes.SERVICE_RANK, 99)
    comps = in_list(IMPUTE_COMPONENTS)
    known_type = f"e.Service_Type IN {in_list(codes.SERVICE_RANK)}"
    service = [
        ("_n", DAY_BITS),
        (f"99 - {type_rank}", 7),
        (f"(e.Service_Component IN {comps})::INT", 1),
        ("_s", DAY_BITS),
    ]
    aggregates += [
        f"max(_r * {2**DAY_BITS} + ({2**DAY_BITS - 1} - {day('e.Date_of_Birth')})) "
        "FILTER (WHERE e.Date_of_Birth IS NOT NULL) AS birth_key",  # the latest period, then the earliest birth
        f"max(_r::BIGINT * {2**DAY_BITS} + {day('e.Date_of_Death')}) FILTER (WHERE e.Date_of_Death IS NOT NULL) AS death_key",
        f"max({pack(*service)}) FILTER (WHERE e.Event_Type = 'Service') AS svc_top",
        f"max({pack(*service, ('enum_code(e.Service_Type)', 8))}) "
        f"FILTER (WHERE e.Event_Type = 'Service' AND {known_type}) AS t_hi",
        f"max({pack(*service, ('255 - enum_code(e.Service_Type)', 8))}) "
        f"FILTER (WHERE e.Event_Type = 'Service' AND {known_type}) AS t_lo",
        f"max({pack(*service, ('enum_code(e.Service_Component)', 8))}) "
        f"FILTER (WHERE e.Event_Type = 'Service' AND e.Service_Component IN {comps}) AS c_hi",
        f"max({pack(*service, ('255 - enum_code(e.Service_Component)', 8))}) "
        f"FILTER (WHERE e.Event_Type = 'Service' AND e.Service_Component IN {comps}) AS c_lo",
    ]
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE person_keys AS
        SELECT e.LA_Code, e.person, {", ".join(aggregates)}
        FROM (SELECT *, {day("ref_end")}::BIGINT AS _r, {day(f'coalesce("end", {OPEN})')}::BIGINT AS _n,
                     {day("Event_Start_Date")}::BIGINT AS _s FROM events) e
        {" ".join(joins)}
        GROUP BY e.LA_Code, e.person"""
    )

    def one(packed: str, top: str, enum: str) -> str:
        """The value of a known service type or component when the top rows hold exactly one."""
        return f"""CASE WHEN {packed}_hi // 256 = {top} AND {packed}_lo // 256 = {top}
                         AND {packed}_hi % 256 = 255 - {packed}_lo % 256
                    THEN enum_range(NULL::{q(enum)})[({packed}_hi % 256)::BIGINT + 1]::VARCHAR END"""

    t, c = one("t", "svc_top", "cld_Service_Type"), one("c", "svc_top", "cld_Service_Component")
    imputed = f"""CASE
        WHEN t = {lit(codes.NURSING)} THEN 'Registered nursing home'
        WHEN t = {lit(codes.RESIDENTIAL)} THEN 'Registered care home'
        WHEN c = 'Shared Lives' THEN 'Shared Lives scheme'
        WHEN c = 'Extra care housing' THEN 'Sheltered housing, extra care housing or other sheltered housing'
        WHEN c = 'Community supported living' THEN 'Supported accommodation, supported lodgings or supported group home'
        WHEN t = {lit(codes.COMMUNITY)} AND c = 'Home support or domiciliary care' THEN 'Unknown: Presumed at home'
        WHEN t = {lit(codes.COMMUNITY)} THEN 'Unknown: Presumed in community'
        WHEN t = {lit(codes.PRISON)} THEN 'Prison, young offenders institution or detention centre'
        ELSE 'Unknown' END"""
    mask = 2**DAY_BITS
    con.execute(
        f"""CREATE OR REPLACE TABLE people AS
        SELECT LA_Code, person, birth, death, gender, psr,
               CASE WHEN accommodation = 'Unknown' AND svc_top IS NOT NULL THEN {imputed} ELSE accommodation END
                   AS accommodation
        FROM (SELECT LA_Code, person, svc_top, {t} AS t, {c} AS c,
                     date_trunc('month', DATE '0001-01-01' + ({mask - 1} - birth_key % {mask})::INT)::DATE AS birth,
                     (DATE '0001-01-01' + (death_key % {mask})::INT)::DATE AS death,
                     {_decide("Gender", "g")} AS gender, {_decide("Primary_Support_Reason", "p")} AS psr,
                     {_decide("Accommodation_Status", "a")} AS accommodation
              FROM person_keys)"""
    )
    for table in ("person_keys", "fold_g", "fold_p", "fold_a"):
        con.execute(f"DROP TABLE {table}")


def age(birth: str, when: str) -> str:
    """DHSC's age in SQL: floor(days / 365.25) (:func:`ascbench.cld.prepare.age_at`)."""
    return f"floor(datediff('day', {birth}, {when}) / 365.25)"
