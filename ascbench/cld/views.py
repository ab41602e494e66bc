"""DHSC's CLD dashboard views beside the ASCOF counts: data quality by field and quarter,
and waiting times from request to first response and to first service, by quarter.

Both are SQL over the run's tables (``rows``, ``events``, ``people``), so one definition
serves both engines: the DuckDB engine runs it in its own database, the pandas engine in a
small in-memory DuckDB over its frames (:func:`views_from_frames`).

**Data quality** follows DHSC's ``Stored_procedures/create_GetDQValues_procedure.sql`` and
``8.DQ_Values_table.sql`` (DataS-DHSC/ASC-CLD-LA-Dashboard): per module and field, each
value counted as valid, blank or invalid (DHSC: "Passed: Valid", "Passed: Blank (Not
Mandatory)", "Failed: Blank (Mandatory)", "Failed: Invalid"). DHSC's field statuses come
from NHS England's DQ items, which are not public: here a field is mandatory or applicable by
the event types it belongs to (:data:`DQ_FIELDS`). Rows are the accepted rows whose event
starts in the reporting period, by financial quarter of the start.

**Waiting times** follow DHSC's ``Waiting_times/waiting_times_method.sql`` (version 1.1,
provisional): service users' requests from people aged 25 and over who are not existing
clients (no long-term service ending in the 12 months before, no ST-Max or other short-term
service in the 3 months before) and whose outcome is not NFA or admission to hospital; each
person's requests, assessments (short or long term) and services in order (start, then
request, assessment, service); the first response is the first assessment after the
request, or the first service when that comes first; the first service counts only when the
first response did not end without progress to services; a request that starts while an
earlier request's follow-up is still open is left out. Waits are days from the request's
start, by quarter of the response (or service) start and age band (25 to 64, 65 and above).
DHSC reports the median; the 90th percentile is added here. Left out, as the local extract
cannot give them: the Release 1 "conversation 1" override (NHS England's derived
``Der_Conversation``) and consecutive-assessment blocks (only the first response's own
outcome is read).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ascbench.cld import codes
from ascbench.cld.duck_read import fold, lit, q

NFA_OR_HOSPITAL = tuple(o for o in codes.OUTCOMES if o.startswith("NFA")) + ("Admitted to hospital",)
PROGRESS_TO_SERVICE = (
    "Progress to reablement/ST-Max",
    "Progress to support planning or services",
    "Continuation of support or services",
)
WAIT_SERVICES = codes.LTS + (codes.STMAX, codes.ST_LOW, codes.ST_OTHER)
# module, field, the event types it applies to (None: all), mandatory, the check of a value
DQ_FIELDS = [
    ("Submission information", "LA_Code", None, True, "identifier"),
    ("Person details", "NHS_Number", None, False, "nhs"),
    ("Person details", "LA_Person_Unique_Identifier", None, False, "identifier"),
    ("Person details", "Date_of_Birth", None, False, "birth"),
    ("Person details", "Date_of_Death", None, False, "death"),
    ("Person details", "Gender", None, False, "text"),
    ("Person details", "Client_Type", None, True, "coded"),
    ("Person details", "Primary_Support_Reason", None, False, "text"),
    ("Person details", "Accommodation_Status", None, False, "coded"),
    ("Events (all)", "Event_Type", None, True, "coded"),
    ("Events (all)", "Event_Start_Date", None, True, "date"),
    ("Events (all)", "Event_End_Date", ("Request", "Assessment", "Review"), True, "end"),
    ("Events (all)", "Event_Outcome", None, False, "coded"),
    ("Events (requests only)", "Request_Route_of_Access", ("Request",), False, "text"),
    ("Events (assessments only)", "Assessment_Type", ("Assessment",), False, "text"),
    ("Events (services only)", "Service_Type", ("Service",), True, "coded"),
    ("Events (services only)", "Service_Component", ("Service",), False, "coded"),
    ("Events (services only)", "Delivery_Mechanism", ("Service",), False, "coded"),
    ("Events (services only)", "Event_End_Date", ("Service",), False, "end"),
]
INVALID = "Invalid and not mapped"


def _quarter(date: str) -> str:
    return f"date_trunc('quarter', {date})::DATE"


def data_quality(con, start, end) -> pd.DataFrame:
    """Per council, financial quarter (of the event start, within [start, end]), module and
    field: rows the field applies to, valid, blank and invalid values, completeness and
    validity (% of the rows). One scan of the rows: every field's counts are aggregates of
    one group per council and quarter."""
    s, e = f"DATE '{pd.Timestamp(start).date()}'", f"DATE '{pd.Timestamp(end).date()}'"
    aggregates, labels = [], []
    for k, (module, field_, types, mandatory, kind) in enumerate(DQ_FIELDS):
        c = q(field_)
        blank = f"{c} IS NULL" if kind in ("birth", "death", "date", "end") else f"({c} IS NULL OR {c} = '')"
        plain = f"regexp_replace({c}, '[\\s\\-]', '', 'g')"
        invalid = {
            "coded": f"{c} = {lit(INVALID)}",
            # ten digits as they are need no folding (nearly every row)
            "nhs": f"CASE WHEN regexp_full_match({c}, '\\d{{10}}') THEN false "
            f"ELSE NOT regexp_full_match({plain}, '\\d{{10}}') END",
            "birth": f"{c} > Event_Start_Date",
            "death": f"{c} < Date_of_Birth",
            "end": f"{c} < Event_Start_Date",
        }.get(kind)
        applies = "true" if types is None else f"Event_Type IN ({', '.join(lit(t) for t in types)})"
        aggregates += [  # rows, blank and invalid values (valid: the rest)
            f"count(*) FILTER (WHERE {applies}) AS r{k}",
            f"count(*) FILTER (WHERE {applies} AND {blank}) AS b{k}",
            f"count(*) FILTER (WHERE {applies} AND NOT ({blank}) AND coalesce({invalid}, false)) AS i{k}"
            if invalid
            else f"0 AS i{k}",
        ]
        name = field_ + (" (" + "/".join(types) + ")" if types and field_ == "Event_End_Date" else "")
        labels.append((module, name, "Mandatory" if mandatory else "Applicable but not mandatory"))
    wide = con.execute(
        f"""SELECT LA_Code::VARCHAR AS LA_Code, {_quarter("Event_Start_Date")} AS quarter_start, {", ".join(aggregates)}
            FROM rows WHERE Event_Start_Date BETWEEN {s} AND {e} GROUP BY ALL"""
    ).df()
    n, k = len(wide), len(labels)  # one line per group and field, fields in turn (long from wide)
    counts = {x: np.concatenate([wide[f"{x}{i}"].to_numpy(dtype="int64") for i in range(k)]) for x in "rbi"}
    frame = pd.DataFrame(
        {
            "LA_Code": np.tile(wide["LA_Code"].to_numpy(dtype=object), k),
            "quarter_start": np.tile(wide["quarter_start"].to_numpy(), k),
            "module": np.repeat([m for m, _, _ in labels], n),
            "field": np.repeat([f for _, f, _ in labels], n),
            "status": np.repeat([st for _, _, st in labels], n),
            "rows": counts["r"],
            "valid": counts["r"] - counts["b"] - counts["i"],
            "blank": counts["b"],
            "invalid": counts["i"],
        }
    )
    frame = frame[frame["rows"] > 0]  # a field with no rows in a quarter has no line
    frame = frame.sort_values(["LA_Code", "quarter_start", "module", "field"], kind="stable").reset_index(drop=True)
    frame["completeness"] = (100 * (frame["rows"] - frame["blank"]) / frame["rows"]).round(1)
    frame["validity"] = (100 * frame["valid"] / frame["rows"]).round(1)
    return _quarter_labels(frame)


def _quarter_labels(frame: pd.DataFrame) -> pd.DataFrame:
    starts = pd.to_datetime(frame["quarter_start"])
    fy = starts.dt.year - (starts.dt.month < 4)
    label = (
        fy.astype(str)
        + "-"
        + ((fy + 1) % 100).astype(str).str.zfill(2)
        + " Q"
        + (((starts.dt.month - 4) % 12) // 3 + 1).astype(str)
    )
    frame = frame.assign(
        quarter=label,
        quarter_start=starts.dt.strftime("%Y-%m-%d"),
        quarter_end=(starts + pd.offsets.QuarterEnd(0)).dt.strftime("%Y-%m-%d"),
    )
    first = ["LA_Code", "quarter", "quarter_start", "quarter_end"]
    return frame[first + [c for c in frame.columns if c not in first]]


def waiting_times(con, start, end) -> pd.DataFrame:
    """Per council, quarter (within [start, end]), measure and age band: the number of waits,
    their median and 90th percentile in days (DHSC's method, see the module docstring)."""
    s, e = f"DATE '{pd.Timestamp(start).date()}'", f"DATE '{pd.Timestamp(end).date()}'"
    lts = ", ".join(lit(t) for t in codes.LTS)
    short = ", ".join(lit(t) for t in (codes.STMAX, codes.ST_OTHER))
    services = ", ".join(lit(t) for t in WAIT_SERVICES)
    nfa = ", ".join(lit(o) for o in NFA_OR_HOSPITAL)
    progress = ", ".join(lit(o) for o in PROGRESS_TO_SERVICE)
    age = "floor(datediff('day', p.birth, e.Event_Start_Date) / 365.25)"
    columns = "e.LA_Code, e.person, e.record, e.Event_Type, e.Event_Start_Date, e.Event_Outcome, e.Service_Type"
    band = f"CASE WHEN {age} >= 65 THEN '65 and above' ELSE '25 to 64' END AS band"
    adults = "FROM events e JOIN people p USING (LA_Code, person)"
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE wt_events AS
        SELECT {columns}, {band} {adults}
        WHERE {age} >= 25 AND e.Event_Type = 'Request' AND e.Client_Type = 'Service user'
          AND e.Event_Outcome NOT IN ({nfa})
          AND NOT EXISTS (SELECT 1 FROM events x WHERE x.LA_Code = e.LA_Code AND x.person = e.person
                  AND x.Event_Type = 'Service' AND x.Event_Start_Date < e.Event_Start_Date
                  AND ((x.Service_Type IN ({lts}) AND (x."end" IS NULL OR x."end" >= e.Event_Start_Date - INTERVAL 12 MONTH))
                    OR (x.Service_Type IN ({short}) AND (x."end" IS NULL OR x."end" >= e.Event_Start_Date - INTERVAL 3 MONTH))))
        UNION ALL
        SELECT {columns}, {band} {adults}
        WHERE {age} >= 25 AND e.Event_Type = 'Assessment'
          AND {fold("e.Assessment_Type")} IN ('short term assessment', 'long term assessment')
        UNION ALL
        SELECT {columns}, {band} {adults}
        WHERE {age} >= 25 AND e.Event_Type = 'Service' AND e.Service_Type IN ({services})"""
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE wt_ordered AS
        SELECT *, row_number() OVER (PARTITION BY LA_Code, person ORDER BY Event_Start_Date,
               CASE Event_Type WHEN 'Request' THEN 1 WHEN 'Assessment' THEN 2 ELSE 3 END, record DESC) AS k
        FROM wt_events
        WHERE (LA_Code, person) IN (SELECT LA_Code, person FROM wt_events WHERE Event_Type = 'Request')"""
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE wt_requests AS
        WITH r AS (SELECT * FROM wt_ordered WHERE Event_Type = 'Request'),
        nexts AS (SELECT r.LA_Code, r.person, r.k,
                         min(o.k) FILTER (WHERE o.Event_Type = 'Assessment') AS a_k,
                         min(o.k) FILTER (WHERE o.Event_Type = 'Service') AS s_k
                  FROM r JOIN wt_ordered o ON o.LA_Code = r.LA_Code AND o.person = r.person AND o.k > r.k
                  GROUP BY r.LA_Code, r.person, r.k),
        linked AS (SELECT r.LA_Code, r.person, r.k, r.Event_Start_Date AS request_start,
                          CASE WHEN n.s_k IS NOT NULL AND (n.a_k IS NULL OR n.a_k > n.s_k) THEN n.s_k ELSE n.a_k END AS resp_k,
                          n.s_k
                   FROM r LEFT JOIN nexts n USING (LA_Code, person, k)),
        resp AS (SELECT l.*, o.Event_Start_Date AS resp_start, o.band AS resp_band, o.Event_Type AS resp_type,
                        o.Event_Outcome AS resp_outcome
                 FROM linked l LEFT JOIN wt_ordered o ON o.LA_Code = l.LA_Code AND o.person = l.person AND o.k = l.resp_k),
        svc AS (SELECT r.*, CASE WHEN r.resp_type = 'Assessment' AND r.resp_outcome NOT IN ({progress}) THEN NULL
                                 ELSE r.s_k END AS svc_k
                FROM resp r),
        linked2 AS (SELECT v.*, o.Event_Start_Date AS svc_start, o.band AS svc_band,
                        lag(greatest(v.resp_k, v.svc_k)) OVER w > v.k
                        OR v.resp_k <= coalesce(max(v.resp_k) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
                        OR v.svc_k <= coalesce(max(v.svc_k) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
                        AS "overlaps"
                 FROM svc v LEFT JOIN wt_ordered o ON o.LA_Code = v.LA_Code AND o.person = v.person AND o.k = v.svc_k
                 WINDOW w AS (PARTITION BY v.LA_Code, v.person ORDER BY v.k))
        SELECT * FROM linked2 WHERE NOT coalesce("overlaps", false)"""
    )
    frame = con.execute(
        f"""WITH w AS (
            SELECT LA_Code, 'Wait time to first response' AS measure, {_quarter("resp_start")} AS quarter_start,
                   resp_band AS band, datediff('day', request_start, resp_start) AS days
            FROM wt_requests WHERE resp_start IS NOT NULL
            UNION ALL
            SELECT LA_Code, 'Wait time to first service', {_quarter("svc_start")}, svc_band,
                   datediff('day', request_start, svc_start)
            FROM wt_requests WHERE svc_start IS NOT NULL),
        bands AS (SELECT * FROM w UNION ALL SELECT * REPLACE ('all' AS band) FROM w)
        SELECT LA_Code, quarter_start, measure, band AS age_band, count(*) AS waits,
               quantile_cont(days, 0.5) AS median_days, quantile_cont(days, 0.9) AS p90_days
        FROM bands WHERE quarter_start BETWEEN date_trunc('quarter', {s}) AND {e}
        GROUP BY ALL ORDER BY LA_Code, quarter_start, measure, age_band"""
    ).df()
    frame["waits"] = frame["waits"].astype("int64")
    return _quarter_labels(frame)


def views_from_frames(rows, events, people, start, end) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The two views for the pandas engine: its frames in an in-memory DuckDB."""
    import duckdb

    con = duckdb.connect()
    try:
        columns = ["LA_Code", "person", "record", "Event_Type", "Client_Type", "Event_Start_Date", "end"]
        frames = {
            "rows": rows,
            "events": events[columns + ["Event_Outcome", "Service_Type", "Assessment_Type"]],
            "people": people.reset_index()[["LA_Code", "person", "birth"]],
        }
        for name, frame in frames.items():  # datetimes read as dates, as the DuckDB engine stores them
            con.register(f"{name}_f", frame)
            dates = [q(c) for c in frame.columns if frame[c].dtype.kind == "M"]
            replace = f" REPLACE ({', '.join(f'{c}::DATE AS {c}' for c in dates)})" if dates else ""
            con.execute(f"CREATE VIEW {name} AS SELECT *{replace} FROM {name}_f")
        return data_quality(con, start, end), waiting_times(con, start, end)
    finally:
        con.close()
