"""Reading and validating CLD extracts with DuckDB, out of core: the rules of
:mod:`ascbench.cld.read` (the reference) as SQL over the files read straight from CSV.

Each file's header is checked in Python (the same located errors as the reference), then
DuckDB reads the file as text, in parallel and spilling to disk. A row's line is its row
number + 2 when the file has one physical line per row; a file that does not (blank lines,
comment lines, text with line breaks inside quotes) or that DuckDB cannot read as CSV is read
by the reference reader instead, so every message names the same line. The checks then run
as SQL, each distinct date or code text parsed once: missing markers, dates, month-first
files, LA codes, code lists, rejected rows (the first failing check of a row names it, as in
the reference), the quality counts and the date rules.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ascbench.cld import codes
from ascbench.cld.read import (
    CODED_FIELDS,
    DATE_FIELDS,
    DATE_RULES,
    INVALID,
    INVALID_RULES,
    ISO_DATE,
    MISSING,
    REQUIRED,
    TEXT_FIELDS,
    UK_DATE,
    check_rejections,
    refuse_month_first,
)
from ascbench.errors import AscbenchError
from ascbench.identifiers import CASSR_NUMBER
from ascbench.io.dataset import _header, read_csv

WS = "' \t\n\r\x0b\x0c'"  # what Python's str.strip() takes off (the ASCII part)
ALL = REQUIRED + [c for c in TEXT_FIELDS + DATE_FIELDS if c not in REQUIRED]
REJECT_CODED = ("Event_Type", "Client_Type", "Service_Type", "Event_Outcome")


def q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def lit(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def fold(x: str) -> str:
    """SQL for :func:`ascbench.cld.codes.fold`: trimmed, inner spaces single, lower case."""
    return f"lower(trim(regexp_replace({x}, '\\s+', ' ', 'g')))"


@dataclass
class DuckExtract:
    """The validated extract inside a DuckDB connection: table ``rows`` (accepted rows, typed,
    with ``file``, ``submission``, ``line``, ``record``) and ``rejected``; the same summary,
    warnings, quality and per-file counts as :class:`ascbench.cld.read.Extract`."""

    con: object
    warnings: list[str] = field(default_factory=list)
    quality: object = None
    files: object = None

    @property
    def rows_count(self) -> int:
        return int(self.con.execute("SELECT count(*) FROM rows").fetchone()[0])

    @property
    def rejected(self):
        return self.con.execute("SELECT file, line, field, value, reason FROM rejected ORDER BY sub, line").df()

    def rejected_head(self, n: int):
        return self.con.execute(
            f"SELECT file, line, field, value, reason FROM rejected ORDER BY sub, line LIMIT {int(n)}"
        ).df()

    def first_rejected(self, file: str):
        return (
            self.con.execute(
                "SELECT file, line, field, value, reason FROM rejected WHERE file = ? ORDER BY line LIMIT 1", [file]
            )
            .df()
            .iloc[0]
        )

    def summary(self) -> str:
        n = self.rows_count
        by = self.con.execute(
            "SELECT reason, count(*) AS n FROM rejected GROUP BY reason ORDER BY n DESC, reason"
        ).fetchall()
        if not by:
            return f"{n:,} rows read, none rejected"
        total = sum(k for _, k in by)
        return f"{n:,} rows read, {total:,} rejected: " + "; ".join(f"{k:,} {reason}" for reason, k in by)


def connect(memory_limit: str | None = None, temp_directory: str | Path | None = None, threads: int | None = None):
    """A DuckDB connection for one run: a database file in ``temp_directory`` (removed with
    it), so tables and intermediate results spill to disk past ``memory_limit``."""
    import tempfile

    import duckdb

    base = Path(temp_directory) if temp_directory else None
    if base is not None:
        base.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="ascbench-cld-", dir=base))
    con = duckdb.connect(":memory:", config={"preserve_insertion_order": True})
    con.execute(f"SET temp_directory = {lit(str(work / 'spill'))}")
    if memory_limit:
        try:
            con.execute(f"SET memory_limit = {lit(memory_limit)}")
        except Exception as exc:  # duckdb's own error: a limit it cannot read
            raise AscbenchError(
                f"memory limit {memory_limit!r} is not a size", field="--memory-limit", expected="e.g. 1GB or 800MB"
            ) from exc
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    con.execute("SET enable_progress_bar = false")
    return Session(con, work)


class Session:
    """A DuckDB connection and its work folder (database file and spill), removed on close."""

    def __init__(self, con, work: Path):
        self.con, self.work = con, work

    def __getattr__(self, name):
        return getattr(self.con, name)

    def close(self) -> None:
        import shutil

        self.con.close()
        shutil.rmtree(self.work, ignore_errors=True)


def close(session) -> None:
    session.close()


def _first_line(path: Path) -> bytes:
    try:
        with open(path, "rb") as f:
            head = f.read(1 << 16)
    except OSError as exc:
        raise AscbenchError(f"cannot read file: {exc.strerror}", file=str(path)) from None
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    end = head.find(b"\n")
    return head[: end if end >= 0 else len(head)].rstrip(b"\r")


def _physical_lines(path: Path) -> int:
    """Lines in the file (a last line without a line end counts)."""
    n, last = 0, b"\n"
    with open(path, "rb") as f:
        while chunk := f.read(1 << 24):
            n += chunk.count(b"\n")
            last = chunk[-1:]
    return n + (last != b"\n")


def _load_file(con, path: Path, order: int, warnings: list[str]) -> None:
    """Append the file's cells (trimmed text, ``''`` for a missing column) to table ``raw``."""
    try:
        header = _header(_first_line(path), path, REQUIRED, False)[1]
    except UnicodeDecodeError:
        header = None  # not UTF-8: the reference reader reports or decodes it
    ok = header is not None and b"\r" not in _first_line(path) and not any("\x00" in h for h in header)
    if ok:
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise AscbenchError(
                f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}",
                file=str(path),
                line=1,
                field=missing[0],
                expected="a header with " + ", ".join(REQUIRED),
            )
        if "NHS_Number" not in header and "LA_Person_Unique_Identifier" not in header:
            _no_person(path)
        ok = _load_with_duckdb(con, path, order, header)
    if not ok:
        frame = read_csv(path, tuple(REQUIRED), warnings, lower=False)
        if "NHS_Number" not in frame.columns and "LA_Person_Unique_Identifier" not in frame.columns:
            _no_person(path)
        cells = pd.DataFrame({c: frame[c] if c in frame.columns else "" for c in ALL})
        cells.insert(0, "line", frame["line"].astype("int64"))
        cells.insert(0, "sub", order)
        con.register("frame_in", cells)
        con.execute(f"INSERT INTO raw SELECT sub, line, {', '.join(q(c) for c in ALL)} FROM frame_in")
        con.unregister("frame_in")


def _no_person(path):
    raise AscbenchError(
        "neither NHS_Number nor LA_Person_Unique_Identifier is a column",
        file=str(path),
        line=1,
        field="NHS_Number",
        expected="a person identifier column",
    )


def _load_with_duckdb(con, path: Path, order: int, header: list[str]) -> bool:
    """Read the file with DuckDB into ``raw``; False (nothing added) when the file is not one
    physical line per row or DuckDB cannot read it, so the reference reader takes it."""
    import duckdb

    names = [f"c{i}" for i in range(len(header))]
    columns = "{" + ", ".join(f"{lit(n)}: 'VARCHAR'" for n in names) + "}"
    given = dict(zip(header, names, strict=True))
    cells = ", ".join(f"coalesce(trim({given[c]}, {WS}), '') AS {q(c)}" if c in given else f"'' AS {q(c)}" for c in ALL)
    blank = " AND ".join(f"coalesce(trim({n}, {WS}), '') = ''" for n in names)
    try:
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE one AS SELECT * FROM read_csv({lit(str(path))}, columns = {columns},
                header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', strict_mode = true,
                null_padding = false, encoding = 'utf-8', ignore_errors = false)"""
        )
        rows = con.execute("SELECT count(*) FROM one").fetchone()[0]
    except duckdb.Error:
        return False
    if _physical_lines(path) != rows + 1:
        con.execute("DROP TABLE one")
        return False
    con.execute(f"INSERT INTO raw SELECT {order}, rowid + 2, {cells} FROM one WHERE NOT ({blank})")
    con.execute("DROP TABLE one")
    return True


def _date_dictionary(con) -> None:
    """Every distinct date text once: ``dates(t, d, bad, us)``."""
    union = " UNION ".join(f"SELECT DISTINCT {q(c)} AS t FROM raw" for c in DATE_FIELDS)
    missing = ", ".join(lit(m) for m in MISSING)
    con.execute(
        f"""CREATE OR REPLACE TABLE dates AS
        WITH t AS ({union}),
        p AS (SELECT t, lower(t) IN ({missing}) AS missing,
                     regexp_extract(t, {lit(ISO_DATE)}, ['y', 'm', 'd']) AS iso,
                     regexp_extract(t, {lit(UK_DATE)}, ['d', 'm', 'y']) AS uk FROM t),
        s AS (SELECT t, missing, uk,
                     CASE WHEN iso.y <> '' THEN iso.y ELSE uk.y END AS y,
                     CASE WHEN iso.y <> '' THEN iso.m ELSE uk.m END AS m,
                     CASE WHEN iso.y <> '' THEN iso.d ELSE uk.d END AS d FROM p)
        SELECT t,
               CASE WHEN y <> '' AND TRY_CAST(y AS INT) > 0
                    THEN try_strptime(y || '-' || lpad(m, 2, '0') || '-' || lpad(d, 2, '0'), '%Y-%m-%d')::DATE END AS d,
               coalesce(TRY_CAST(uk.m AS INT) > 12 AND TRY_CAST(uk.d AS INT) <= 12, false) AS us,
               missing
        FROM s"""
    )
    con.execute("UPDATE dates SET missing = missing OR t = ''")


def _code_maps(con) -> None:
    """Per coded field, every distinct text once: ``map_<field>(t, v)``, ``v`` the canonical
    spelling, ``''`` for a blank and NULL for a value outside the list."""
    lists = {
        "Event_Type": codes.EVENT_TYPES,
        "Client_Type": list(codes.CLIENT_TYPES),
        "Service_Type": codes.SERVICE_TYPES,
        "Event_Outcome": codes.OUTCOMES + [INVALID],
        "Service_Component": codes.COMPONENTS,
        "Delivery_Mechanism": codes.MECHANISMS,
        "Accommodation_Status": list(codes.SETTLED) + [INVALID],
    }
    missing = ", ".join(lit(m) for m in MISSING)
    for column in CODED_FIELDS:
        table = codes.lookup(lists[column])
        if column == "Client_Type":  # Release 1 names mapped forward
            table = {k: codes.CLIENT_TYPES[k] for k in table}
        values = ", ".join(f"({lit(k)}, {lit(v)})" for k, v in table.items())
        con.execute(
            f"""CREATE OR REPLACE TABLE {q("map_" + column)} AS
            WITH t AS (SELECT DISTINCT {q(column)} AS t FROM raw), l(k, v) AS (VALUES {values})
            SELECT t, CASE WHEN {fold("t")} = '' OR lower(t) IN ({missing}) THEN '' ELSE l.v END AS v
            FROM t LEFT JOIN l ON l.k = {fold("t")}"""
        )


def _check_month_first(con, order: int, path: Path) -> None:
    for column in DATE_FIELDS:
        hit = con.execute(
            f"""SELECT r.line, r.{q(column)} FROM raw r JOIN dates d ON d.t = r.{q(column)}
                WHERE r.sub = ? AND d.us ORDER BY r.line LIMIT 1""",
            [order],
        ).fetchone()
        if hit:
            refuse_month_first(path, hit[0], column, hit[1])


def read_extracts_duckdb(con, paths, invalid: str = "map", max_rejected: float | None = None) -> DuckExtract:
    """:func:`ascbench.cld.read.read_extracts` in DuckDB (``con`` from :func:`connect`)."""
    if invalid not in INVALID_RULES:
        raise AscbenchError(
            f"invalid-value rule {invalid!r} is not known", field="--invalid-values", expected="map or reject"
        )
    warnings: list[str] = []
    con.execute(
        "CREATE OR REPLACE TABLE raw (sub INTEGER, line BIGINT, " + ", ".join(f"{q(c)} VARCHAR" for c in ALL) + ")"
    )
    for order, path in enumerate(paths):
        _load_file(con, Path(path), order, warnings)
        _date_dictionary(con)  # the dictionary of the files so far: month-first checked file by file
        _check_month_first(con, order, Path(path))
    files = pd.DataFrame({"sub": range(len(paths)), "file": [str(p) for p in paths]})
    con.register("files_in", files)
    con.execute("CREATE OR REPLACE TABLE files AS SELECT * FROM files_in")
    con.unregister("files_in")
    _code_maps(con)
    _checked(con, invalid)
    extract = DuckExtract(con, warnings)
    extract.quality = _quality(con, invalid)
    extract.warnings += _warnings(con)
    extract.files = con.execute(
        """SELECT f.file, count(c.sub)::BIGINT AS rows, coalesce(sum((c.stage > 0)::INT), 0)::BIGINT AS rejected
           FROM files f LEFT JOIN checked c ON c.sub = f.sub GROUP BY f.sub, f.file ORDER BY f.sub"""
    ).df()
    _accepted(con)
    if max_rejected is not None:
        check_rejections(extract, max_rejected)
    return extract


def _stages(invalid: str) -> list[tuple[str, str, str, str]]:
    """The row checks in the reference's order: (condition, field, value, reason)."""
    stages = [(f"{c}_bad", c, f"raw_{c}", f"{c} is not a date (expected YYYY-MM-DD)") for c in DATE_FIELDS]
    stages.append(
        ("Event_Start_Date IS NULL", "Event_Start_Date", "raw_Event_Start_Date", "Event_Start_Date is missing")
    )
    stages.append(("no_person", "NHS_Number", "NHS_Number", "no NHS_Number and no LA_Person_Unique_Identifier"))
    if invalid == "reject":
        for c in REJECT_CODED:
            reason = (
                f"{c} is not one of " + ", ".join(codes.EVENT_TYPES if c == "Event_Type" else codes.CLIENT_TYPES)
                if c in ("Event_Type", "Client_Type")
                else f"{c} is not a CLD value"
            )
            stages.append((f"m_{c} IS NULL", c, f"raw_{c}", reason))
        stages.append(
            (
                "coalesce(m_Event_Type, 'Invalid and not mapped') = '' OR coalesce(m_Client_Type, 'Invalid and not mapped') = ''",
                "Event_Type",
                "coalesce(m_Event_Type, 'Invalid and not mapped')",
                "Event_Type or Client_Type is blank",
            )
        )
        stages.append(
            (
                "coalesce(m_Event_Type, '') = 'Service' AND coalesce(m_Service_Type, 'x') = ''",
                "Service_Type",
                "coalesce(m_Service_Type, 'Invalid and not mapped')",
                "a service has no Service_Type",
            )
        )
    return stages


def _checked(con, invalid: str) -> None:
    """Table ``checked``: every row with its parsed dates, mapped codes and ``stage`` (0
    accepted, else the number of the first check it failed, which names field and reason)."""
    missing = ", ".join(lit(m) for m in MISSING)
    text = {c: f"CASE WHEN lower(r.{q(c)}) IN ({missing}) THEN '' ELSE r.{q(c)} END" for c in REQUIRED + TEXT_FIELDS}
    text["LA_Code"] = (
        f"regexp_replace(upper(regexp_replace({text['LA_Code']}, '\\s+', '', 'g')), {lit(CASSR_NUMBER)}, '\\1')"
    )
    joins, cols = [], []
    for i, c in enumerate(DATE_FIELDS):
        joins.append(f"JOIN dates d{i} ON d{i}.t = r.{q(c)}")
        written = text[c] if c in text else f"r.{q(c)}"
        cols += [
            f"d{i}.d AS {q(c)}",
            f"(NOT d{i}.missing AND d{i}.d IS NULL) AS {q(c + '_bad')}",
            f"{written} AS raw_{c}",
        ]
    for c in CODED_FIELDS:
        joins.append(f"JOIN {q('map_' + c)} {q('m' + c)} ON {q('m' + c)}.t = r.{q(c)}")
        cols += [f"{q('m' + c)}.v AS m_{c}", f"{text[c]} AS raw_{c}"]
    plain = [c for c in REQUIRED + TEXT_FIELDS if c not in CODED_FIELDS]
    cols += [f"{text[c]} AS {q(c)}" for c in plain]
    nhs, la_id = text["NHS_Number"], text["LA_Person_Unique_Identifier"]
    cols.append(f"({fold(nhs)} = '' AND {fold(la_id)} = '') AS no_person")
    con.execute(
        f"CREATE OR REPLACE TABLE cells AS SELECT r.sub, r.line, {', '.join(cols)} FROM raw r {' '.join(joins)}"
    )
    stages = _stages(invalid)
    stage = "CASE " + " ".join(f"WHEN {cond} THEN {i + 1}" for i, (cond, *_rest) in enumerate(stages)) + " ELSE 0 END"
    con.execute(f"CREATE OR REPLACE TABLE checked AS SELECT *, {stage} AS stage FROM cells")
    con.execute("DROP TABLE cells")
    field_ = "CASE stage " + " ".join(f"WHEN {i + 1} THEN {lit(s[1])}" for i, s in enumerate(stages)) + " END"
    value = "CASE stage " + " ".join(f"WHEN {i + 1} THEN {s[2]}" for i, s in enumerate(stages)) + " END"
    reason = "CASE stage " + " ".join(f"WHEN {i + 1} THEN {lit(s[3])}" for i, s in enumerate(stages)) + " END"
    con.execute(
        f"""CREATE OR REPLACE TABLE rejected AS
        SELECT c.sub, f.file, c.line, {field_} AS field, {value} AS value, {reason} AS reason
        FROM checked c JOIN files f USING (sub) WHERE stage > 0"""
    )


def _quality(con, invalid: str):
    """:attr:`Extract.quality`: per coded field the rows that had passed the checks before
    its own (the reference checks in turn), the invalid and blank values, the first invalid
    value; then the date rules over the accepted rows."""
    stages = _stages(invalid)
    stage_of = {s[1]: i + 1 for i, s in enumerate(stages) if s[0].startswith("m_")}
    after = len([s for s in stages if not s[0].startswith(("m_", "coalesce"))]) + 1
    parts = []
    for c in CODED_FIELDS:
        point = stage_of.get(c, after + len(REJECT_CODED) if invalid == "reject" else after)
        ok = f"(stage = 0 OR stage >= {point})"
        parts.append(
            f"""SELECT {lit(c)} AS field, 'in the CLD list' AS "check", count(*) FILTER (WHERE {ok}) AS rows,
                   count(*) FILTER (WHERE {ok} AND m_{c} IS NULL) AS invalid,
                   count(*) FILTER (WHERE {ok} AND m_{c} = '') AS blank,
                   coalesce(arg_min(trim(raw_{c}, {WS}), (sub, line)) FILTER (WHERE {ok} AND m_{c} IS NULL), '') AS example,
                   {len(parts)} AS k
                FROM checked"""
        )
    for field_, check, later, earlier in DATE_RULES:
        broken = f"stage = 0 AND {q(later)} < {q(earlier)}"
        parts.append(
            f"""SELECT {lit(field_)}, {lit(check)}, count(*) FILTER (WHERE stage = 0),
                   count(*) FILTER (WHERE {broken}), 0,
                   coalesce('line ' || arg_min(line, (sub, line)) FILTER (WHERE {broken}), ''), {len(parts)}
                FROM checked"""
        )
    frame = con.execute(" UNION ALL ".join(parts) + " ORDER BY k").df().drop(columns="k")
    for column in ("rows", "invalid", "blank"):
        frame[column] = frame[column].astype("int64")
    return frame


def _warnings(con) -> list[str]:
    out = []
    files = con.execute("SELECT sub, file FROM files ORDER BY sub").fetchall()
    for sub, file in files:
        for c in ("Service_Component", "Delivery_Mechanism", "Event_Type", "Service_Type"):
            n, line = con.execute(
                f"SELECT count(*), min(line) FROM checked WHERE sub = ? AND stage = 0 AND coalesce(m_{c}, ?) = ?",
                [sub, INVALID, INVALID],
            ).fetchone()
            if n:
                out.append(
                    f"{file}: {n} rows have a {c} not in the code list (kept as '{INVALID}', as DHSC), e.g. line {line}"
                )
    return out


def _accepted(con) -> None:
    """Table ``rows``: the accepted rows as the reference's frame holds them."""
    coded = []
    for c in CODED_FIELDS:
        value = f"coalesce(m_{c}, {lit(INVALID)})"
        coded.append(f"{value} AS {q(c)}")
    plain = [c for c in REQUIRED + TEXT_FIELDS if c not in CODED_FIELDS]
    con.execute(
        f"""CREATE OR REPLACE TABLE rows AS
        SELECT {", ".join(q(c) for c in plain)}, {", ".join(coded)}, {", ".join(q(c) for c in DATE_FIELDS)},
               f.file, c.sub AS submission, c.line, (row_number() OVER (ORDER BY c.sub, c.line) - 1)::BIGINT AS record
        FROM checked c JOIN files f USING (sub) WHERE stage = 0"""
    )


def memory_setting() -> str | None:
    """The memory limit from ``$ASCBENCH_MEMORY_LIMIT`` (DuckDB's default otherwise: 80% of RAM)."""
    return os.environ.get("ASCBENCH_MEMORY_LIMIT") or None
