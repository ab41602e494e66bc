"""Reading and validating CLD extracts with DuckDB, out of core: the rules of
:mod:`ascbench.cld.read` (the reference) as SQL over the files read straight from CSV.

Each file's header is checked in Python (the same located errors as the reference); DuckDB
then reads the file twice, in parallel, without keeping its text:

1. **Dictionary pass**: the row count and, per column that repeats a few hundred values
   (dates, coded fields, ``LA_Code``, gender, support reason, route, assessment type), its
   distinct texts. Each distinct text is parsed, folded and checked once (:func:`_dictionaries`).
   A file's month-first dates are found here, before any row is kept.
2. **Row pass**: every cell looked up in the dictionaries, the row's first failing check
   (``stage``) found, and the row appended to table ``checked_t`` in file order by a parallel
   insert (``preserve_insertion_order`` on for this statement only): its position there gives
   its line (a file has one physical line per row, else the reference reader reads it) and
   its record number. Dates are stored as ``DATE``, coded fields as ``ENUM`` (one byte),
   person identifiers as text; a rejected row keeps the text of the field that failed.

The database is a file in the run's work folder (in memory for a small extract), so the rows
are stored compressed and leave memory without being written again; view ``checked`` adds
each row's line and record, view ``rows`` is the accepted rows as the reference's frame holds
them. A file DuckDB cannot read as CSV, or one with blank or comment lines or line breaks
inside quotes, is read by the reference reader and goes through the same two passes, so every
message names the same line.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ascbench.cld import codes
from ascbench.cld.read import (
    CODE_LISTS,
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
    no_person_column,
    refuse_month_first,
)
from ascbench.errors import AscbenchError
from ascbench.identifiers import CASSR_NUMBER
from ascbench.io.dataset import _header, check_columns, read_csv

if TYPE_CHECKING:
    import duckdb

WS = "' \t\n\r\x0b\x0c'"  # what Python's str.strip() takes off (the ASCII part)
ALL = REQUIRED + [c for c in TEXT_FIELDS + DATE_FIELDS if c not in REQUIRED]
REJECT_CODED = ("Event_Type", "Client_Type", "Service_Type", "Event_Outcome")
# free-text columns that repeat a few values: looked up once per distinct text, stored as ENUM
LOOKED_UP = ("LA_Code", "Gender", "Primary_Support_Reason", "Request_Route_of_Access", "Assessment_Type")
IDENTIFIERS = ("NHS_Number", "LA_Person_Unique_Identifier")  # as many values as people: per row
FOLDED = ("Request_Route_of_Access", "Assessment_Type")  # only ever compared folded: stored folded
LISTS = CODE_LISTS  # the valid values of each coded field (one definition: cld/read.py)


def q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def lit(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def fold(x: str) -> str:
    """SQL for :func:`ascbench.cld.codes.fold`: trimmed, inner spaces single, lower case."""
    return f"lower(trim(regexp_replace({x}, '\\s+', ' ', 'g')))"


def strip(x: str) -> str:
    """SQL: ``x`` trimmed as Python's ``str.strip()`` trims ASCII spaces; a cell that neither
    starts nor ends with one (nearly all) is not passed through trim's slower character set."""
    spaces = "(9, 10, 11, 12, 13, 32)"
    return f"CASE WHEN ascii({x}) IN {spaces} OR ascii({x}[-1]) IN {spaces} THEN trim({x}, {WS}) ELSE {x} END"


def missing_as_blank(x: str) -> str:
    """SQL: a trimmed cell, ``''`` when it is a missing marker (``NULL``, ``NA``, ...)."""
    markers = ", ".join(lit(m) for m in MISSING)
    longest = max(len(m) for m in MISSING)
    return f"CASE WHEN length({x}) <= {longest} AND lower({x}) IN ({markers}) THEN '' ELSE {x} END"


def coded_values(column: str) -> list[str]:
    """The canonical values a coded column can hold (with ``''`` and the invalid marker), in
    text order so that an ENUM sorts as its text does."""
    table = codes.lookup(LISTS[column])
    values = {codes.CLIENT_TYPES[k] for k in table} if column == "Client_Type" else set(table.values())
    return sorted(values | {"", INVALID})


@dataclass
class DuckExtract:
    """The validated extract inside a DuckDB connection: view ``checked`` (every row, typed,
    with ``stage``, ``line`` and ``record``), view ``rows`` (accepted rows, with
    ``submission``, ``line``, ``record``) and table ``rejected``; the same summary, warnings, quality and per-file counts as
    :class:`ascbench.cld.read.Extract`."""

    con: duckdb.DuckDBPyConnection
    warnings: list[str] = field(default_factory=list)
    quality: pd.DataFrame = field(default_factory=pd.DataFrame)
    files: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def rows_count(self) -> int:
        return int(self.con.execute("SELECT count(*) FROM checked_t WHERE stage = 0").fetchall()[0][0])

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


SMALL = 64 * 2**20  # extracts up to this size (bytes) are worked on in memory: no database file


def connect(
    memory_limit: str | None = None,
    temp_directory: str | Path | None = None,
    threads: int | None = None,
    size: int | None = None,
):
    """A DuckDB connection for one run, with a work folder inside ``temp_directory`` (removed
    with it) where intermediate results spill to disk past ``memory_limit``. The database is
    a file in that folder, so that tables are stored compressed and leave memory without being
    written again; extracts of a known ``size`` (bytes) up to :data:`SMALL` are worked on in
    an in-memory database instead (the same SQL, without a file's commits)."""
    import tempfile

    import duckdb

    base = Path(temp_directory) if temp_directory else None
    if base is not None:
        base.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="ascbench-cld-", dir=base))
    database = ":memory:" if size is not None and size <= SMALL else str(work / "cld.duckdb")
    con = duckdb.connect(database, config={"preserve_insertion_order": False})
    con.execute(f"SET temp_directory = {lit(str(work / 'spill'))}")
    if memory_limit:
        try:
            con.execute(f"SET memory_limit = {lit(memory_limit)}")
        except Exception as exc:  # duckdb's own error: a limit it cannot read
            con.close()
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


@dataclass
class _Source:
    """One file as DuckDB reads it: ``scan`` (cells as written, untrimmed; ``''`` for a
    column the file lacks), ``numbered`` (the same with ``line``: only to name a line in an
    error) and ``rows`` (the cells with ``line``, NULL where the row's position in the table
    gives it, and ``_blank``, a row to skip)."""

    sub: int
    path: Path
    scan: str
    numbered: str
    rows: str
    frame: object = None  # the reference reader's frame, when it read the file

    def register(self, con) -> None:
        if self.frame is not None:
            con.register(f"frame_{self.sub}", self.frame)

    def unregister(self, con) -> None:
        if self.frame is not None:
            con.unregister(f"frame_{self.sub}")


def _open(con, path: Path, sub: int, warnings: list[str]) -> _Source:
    """The file's header checked (located errors as the reference) and its dictionary pass
    (:func:`_seen`) run; DuckDB reads the file when it has one physical line per row, else
    the reference reader does."""
    try:
        given_header, header = _header(_first_line(path), path, REQUIRED, False)
    except UnicodeDecodeError:
        given_header, header = [], None  # not UTF-8: the reference reader reports or decodes it
    ok = header is not None and b"\r" not in _first_line(path) and not any("\x00" in h for h in header)
    if ok:
        check_columns(path, given_header, header, REQUIRED)
        if "NHS_Number" not in header and "LA_Person_Unique_Identifier" not in header:
            no_person_column(path)
        source = _csv_source(path, sub, header)
        rows = _seen(con, source)
        if rows >= 0 and rows == _physical_lines(path) - 1:
            return source
    frame = read_csv(path, tuple(REQUIRED), warnings, lower=False)
    if "NHS_Number" not in frame.columns and "LA_Person_Unique_Identifier" not in frame.columns:
        no_person_column(path)
    cells = pd.DataFrame({c: frame[c].astype(str) if c in frame.columns else "" for c in ALL})
    cells.insert(0, "line", frame["line"].astype("int64"))
    name = f"frame_{sub}"
    columns = ", ".join(q(c) for c in ALL)
    numbered = f"SELECT line, {columns} FROM {name}"
    source = _Source(
        sub, path, f"SELECT {columns} FROM {name}", numbered, numbered.replace(", ", ", false AS _blank, ", 1), cells
    )
    _seen(con, source)
    return source


def _csv_source(path: Path, sub: int, header: list[str]) -> _Source:
    """DuckDB's reading of the file: every column as text, empty cells as ``''``."""
    names = [f"c{i}" for i in range(len(header))]
    columns = "{" + ", ".join(f"{lit(n)}: 'VARCHAR'" for n in names) + "}"
    given = dict(zip(header, names, strict=True))
    reader = f"""read_csv({lit(str(path))}, columns = {columns}, header = true, auto_detect = false, delim = ',',
        quote = '"', escape = '"', strict_mode = true, null_padding = false, encoding = 'utf-8',
        ignore_errors = false, force_not_null = [{", ".join(lit(n) for n in names)}])"""
    cells = ", ".join(f"{given[c]} AS {q(c)}" if c in given else f"'' AS {q(c)}" for c in ALL)
    # a blank row (every cell empty once trimmed) is skipped, as the reference reader skips it;
    # a cell that starts with a character other than a space is not blank (no trimming), and
    # a row's first such cell ends the test
    blank = " ".join(
        f"WHEN NOT ({n} = '' OR (ascii({n}) IN (9, 10, 11, 12, 13, 32) AND trim({n}, {WS}) = '')) THEN false"
        for n in names
    )
    numbered = f"SELECT row_number() OVER () + 1 AS line, * FROM {reader}"
    return _Source(
        sub,
        path,
        f"SELECT {cells} FROM {reader}",
        f"SELECT line, {cells} FROM ({numbered})",
        f"SELECT NULL::BIGINT AS line, CASE {blank} ELSE true END AS _blank, {cells} FROM {reader}",
    )


SEEN = [*LOOKED_UP, *DATE_FIELDS, *CODED_FIELDS]  # the columns whose distinct texts are looked up


def _create_seen(con) -> None:
    columns = ", ".join(f"{q(c)} VARCHAR[]" for c in SEEN)
    con.execute(f"CREATE OR REPLACE TEMP TABLE seen (sub INTEGER, n BIGINT, {columns})")


def _seen(con, source: _Source) -> int:
    """The dictionary pass: a row of table ``seen`` holds the file's distinct texts of each
    looked-up column; returns the rows read (-1 when DuckDB cannot read the file as CSV)."""
    import duckdb

    lists = ", ".join(f"list(DISTINCT {q(c)})" for c in SEEN)
    con.execute(f"DELETE FROM seen WHERE sub = {source.sub}")
    source.register(con)
    try:
        con.execute(f"INSERT INTO seen SELECT {source.sub}, count(*), {lists} FROM ({source.scan})")
    except duckdb.Error:
        if source.frame is not None:
            raise
        return -1
    finally:
        source.unregister(con)
    return int(con.execute(f"SELECT n FROM seen WHERE sub = {source.sub}").fetchall()[0][0])


def _us_dates(values: str) -> str:
    """SQL: the texts of ``values`` (a relation of ``t``) that can only be month-first dates."""
    return f"""SELECT t FROM ({values}) WHERE coalesce(
        TRY_CAST(regexp_extract(trim(t, {WS}), {lit(UK_DATE)}, 2) AS INT) > 12
        AND TRY_CAST(regexp_extract(trim(t, {WS}), {lit(UK_DATE)}, 1) AS INT) <= 12, false)"""


def _check_month_first(con, source: _Source) -> None:
    """Refuse a file with a month-first date, naming its first line (column by column, as the
    reference); only a file that has one is scanned for the line."""
    for column in DATE_FIELDS:
        us = _us_dates(f"SELECT unnest({q(column)}) AS t FROM seen WHERE sub = {source.sub}")
        if not con.execute(f"SELECT count(*) FROM ({us})").fetchall()[0][0]:
            continue
        source.register(con)
        try:
            line, value = con.execute(
                f"""SELECT line, trim({q(column)}, {WS}) FROM ({source.numbered})
                    WHERE {q(column)} IN ({us}) ORDER BY line LIMIT 1"""
            ).fetchall()[0]
        finally:
            source.unregister(con)
        refuse_month_first(source.path, line, column, value)


def _dictionaries(con) -> None:
    """Every distinct text of the files once: ``dates(t, d, bad, w)`` (``w`` the text as
    written, for a rejection), ``map_<field>(t, v, w)`` per coded field (``v`` the canonical
    spelling, ``''`` for a blank, NULL outside the list) and ``text_<column>(t, v)`` per
    looked-up free-text column; an ``ENUM`` type per column for the stored values."""

    def distinct(columns) -> str:
        return " UNION ".join(f"SELECT DISTINCT unnest({q(c)}) AS t FROM seen" for c in columns)

    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE dates AS
        WITH t AS ({distinct(DATE_FIELDS)}),
        p AS (SELECT t, trim(t, {WS}) AS c FROM t),
        w AS (SELECT t, c, {missing_as_blank("c")} AS w, c = '' OR lower(c) IN ({", ".join(lit(m) for m in MISSING)}) AS missing,
                     regexp_extract(c, {lit(ISO_DATE)}, ['y', 'm', 'd']) AS iso,
                     regexp_extract(c, {lit(UK_DATE)}, ['d', 'm', 'y']) AS uk FROM p),
        s AS (SELECT t, w, missing,
                     CASE WHEN iso.y <> '' THEN iso.y ELSE uk.y END AS y,
                     CASE WHEN iso.y <> '' THEN iso.m ELSE uk.m END AS m,
                     CASE WHEN iso.y <> '' THEN iso.d ELSE uk.d END AS d FROM w)
        SELECT t, w, missing, CASE WHEN y <> '' AND TRY_CAST(y AS INT) > 0
                    THEN try_strptime(y || '-' || lpad(m, 2, '0') || '-' || lpad(d, 2, '0'), '%Y-%m-%d')::DATE END AS d
        FROM s"""
    )
    con.execute("CREATE OR REPLACE TEMP TABLE dates AS SELECT t, w, d, NOT missing AND d IS NULL AS bad FROM dates")
    for column in CODED_FIELDS:
        table = codes.lookup(LISTS[column])
        if column == "Client_Type":  # Release 1 names mapped forward
            table = {k: codes.CLIENT_TYPES[k] for k in table}
        pairs = ", ".join(f"({lit(k)}, {lit(v)})" for k, v in table.items())
        type_ = q("cld_" + column)
        con.execute(f"DROP TYPE IF EXISTS {type_}")
        con.execute(f"CREATE TYPE {type_} AS ENUM ({', '.join(lit(v) for v in coded_values(column))})")
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE {q("map_" + column)} AS
            WITH t AS ({distinct([column])}), w AS (SELECT t, {missing_as_blank(f"trim(t, {WS})")} AS w FROM t),
            l(k, v) AS (VALUES {pairs})
            SELECT w.t, w.w, (CASE WHEN {fold("w.w")} = '' THEN '' ELSE l.v END)::{type_} AS v
            FROM w LEFT JOIN l ON l.k = {fold("w.w")}"""
        )
    la = f"regexp_replace(upper(regexp_replace(w, '\\s+', '', 'g')), {lit(CASSR_NUMBER)}, '\\1')"
    for column in LOOKED_UP:
        type_ = q("cld_" + column)
        value = la if column == "LA_Code" else fold("w") if column in FOLDED else "w"
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE {q("text_" + column)} AS
            WITH t AS ({distinct([column])}), w AS (SELECT t, {missing_as_blank(f"trim(t, {WS})")} AS w FROM t)
            SELECT t, {value} AS v FROM w"""
        )
        con.execute(f"DROP TYPE IF EXISTS {type_}")
        con.execute(f"CREATE TYPE {type_} AS ENUM (SELECT DISTINCT v FROM {q('text_' + column)} ORDER BY v)")
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {q('text_' + column)} AS SELECT t, v::{type_} AS v FROM {q('text_' + column)}"
        )


def _stages(invalid: str) -> list[tuple[str, str, str, str]]:
    """The row checks in the reference's order: (condition, field, value, reason)."""
    stages = [(f"{c}_bad", c, f"w_{c}", f"{c} is not a date (expected YYYY-MM-DD)") for c in DATE_FIELDS]
    stages.append(("Event_Start_Date IS NULL", "Event_Start_Date", "w_Event_Start_Date", "Event_Start_Date is missing"))
    stages.append(("no_person", "NHS_Number", "NHS_Number", "no NHS_Number and no LA_Person_Unique_Identifier"))
    if invalid == "reject":
        for c in REJECT_CODED:
            reason = (
                f"{c} is not one of " + ", ".join(codes.EVENT_TYPES if c == "Event_Type" else codes.CLIENT_TYPES)
                if c in ("Event_Type", "Client_Type")
                else f"{c} is not a CLD value"
            )
            stages.append((f"m_{c} IS NULL", c, f"w_{c}", reason))
        stages.append(
            (
                "coalesce(m_Event_Type, 'Invalid and not mapped') = '' OR coalesce(m_Client_Type, 'Invalid and not mapped') = ''",
                "Event_Type",
                "coalesce(m_Event_Type::VARCHAR, 'Invalid and not mapped')",
                "Event_Type or Client_Type is blank",
            )
        )
        stages.append(
            (
                "coalesce(m_Event_Type, '') = 'Service' AND coalesce(m_Service_Type, 'x') = ''",
                "Service_Type",
                "coalesce(m_Service_Type::VARCHAR, 'Invalid and not mapped')",
                "a service has no Service_Type",
            )
        )
    return stages


def _create_checked(con) -> None:
    """Table ``checked_t``, filled file by file in file order (its ``rowid`` numbers the rows:
    a row's line is its position after its file's first row, ``bases``), and view ``checked``
    of its rows with their ``line`` and ``record`` (the position: file, then row)."""
    typed = [
        "sub INTEGER",
        "line BIGINT",  # given only by the reference reader (a file with blank lines)
        *(f"{q(c)} {q('cld_' + c)}" for c in LOOKED_UP),
        *(f"{q(c)} VARCHAR" for c in IDENTIFIERS),
        *(f"{q(c)} DATE" for c in DATE_FIELDS),
        *(f"m_{c} {q('cld_' + c)}" for c in CODED_FIELDS),
        "x VARCHAR[]",  # a row with a value outside its list: the values as written, by coded field
        "stage TINYINT",  # -1 a blank row, 0 accepted, else the check that rejected it
        "reject_value VARCHAR",
    ]
    con.execute(f"CREATE OR REPLACE TABLE checked_t ({', '.join(typed)})")
    con.execute("CREATE OR REPLACE TABLE bases (sub INTEGER, base BIGINT)")
    con.execute(
        """CREATE OR REPLACE VIEW checked AS
        SELECT t.* REPLACE (coalesce(t.line, t.rowid - b.base + 2) AS line), t.rowid AS record
        FROM checked_t t JOIN bases b USING (sub) WHERE t.stage >= 0"""
    )


def _row_pass(con, source: _Source, invalid: str) -> None:
    """Append the file's rows to ``checked``: cells looked up in the dictionaries, the first
    failing check of each row (``stage``, 0 when accepted) and, for a rejected row, the text
    of the failing field; for a value outside its list, the value (the quality's example)."""
    joins, cols = [], []
    for i, c in enumerate(DATE_FIELDS):
        joins.append(f"JOIN dates d{i} ON d{i}.t = r.{q(c)}")
        cols += [f"d{i}.d AS {q(c)}", f"d{i}.bad AS {q(c + '_bad')}", f"d{i}.w AS w_{c}"]
    for i, c in enumerate(CODED_FIELDS):
        joins.append(f"JOIN {q('map_' + c)} m{i} ON m{i}.t = r.{q(c)}")
        cols += [f"m{i}.v AS m_{c}", f"m{i}.w AS w_{c}"]
    for i, c in enumerate(LOOKED_UP):
        joins.append(f"JOIN {q('text_' + c)} t{i} ON t{i}.t = r.{q(c)}")
        cols.append(f"t{i}.v AS {q(c)}")
    for c in IDENTIFIERS:
        cols.append(f"{missing_as_blank(strip(f'r.{q(c)}'))} AS {q(c)}")
    stages = _stages(invalid)
    stage = (
        "CASE WHEN _blank THEN -1 "
        + " ".join(f"WHEN {cond} THEN {i + 1}" for i, (cond, *_r) in enumerate(stages))
        + " ELSE 0 END"
    )
    value = "CASE stage " + " ".join(f"WHEN {i + 1} THEN {s[2]}" for i, s in enumerate(stages)) + " END"
    # a trimmed identifier folds to '' only when it is '' (Python's and RE2's spaces are trimmed)
    person = "(NHS_Number = '' AND LA_Person_Unique_Identifier = '') AS no_person"
    kept = [
        "sub",
        "line",
        *(q(c) for c in LOOKED_UP),
        *(q(c) for c in IDENTIFIERS),
        *(q(c) for c in DATE_FIELDS),
        *(f"m_{c}" for c in CODED_FIELDS),
        f"CASE WHEN {' OR '.join(f'm_{c} IS NULL' for c in CODED_FIELDS)} THEN "
        f"[{', '.join(f'CASE WHEN m_{c} IS NULL THEN w_{c} END' for c in CODED_FIELDS)}] END",
        "stage",
        f"CASE WHEN stage > 0 THEN {value} END",
    ]
    base = con.execute("SELECT count(*) FROM checked_t").fetchall()[0][0]
    con.execute(f"INSERT INTO bases VALUES ({source.sub}, {base})")
    source.register(con)
    try:
        con.execute("SET preserve_insertion_order = true")  # rows stored in file order: rowid gives the line
        # the dictionaries as the hash tables, the rows streaming past them (the planner cannot
        # know the file's size and would otherwise build a table of the rows)
        con.execute("SET disabled_optimizers = 'join_order,build_side_probe_side'")
        con.execute(
            f"""INSERT INTO checked_t
            WITH r AS ({source.rows}),
            c AS (SELECT {source.sub} AS sub, r.line, r._blank, {", ".join(cols)} FROM r {" ".join(joins)}),
            s AS (SELECT *, {stage} AS stage FROM (SELECT *, {person} FROM c))
            SELECT {", ".join(kept)} FROM s"""
        )
    finally:
        con.execute("SET preserve_insertion_order = false")
        con.execute("RESET disabled_optimizers")
        source.unregister(con)


def read_extracts_duckdb(con, paths, invalid: str = "map", max_rejected: float | None = None) -> DuckExtract:
    """:func:`ascbench.cld.read.read_extracts` in DuckDB (``con`` from :func:`connect`)."""
    if invalid not in INVALID_RULES:
        raise AscbenchError(
            f"invalid-value rule {invalid!r} is not known", field="--invalid-values", expected="map or reject"
        )
    warnings: list[str] = []
    for view in ("rows", "checked"):
        con.execute(f"DROP VIEW IF EXISTS {view}")
    con.execute("DROP TABLE IF EXISTS checked_t")
    sources = []
    _create_seen(con)
    for sub, path in enumerate(paths):
        source = _open(con, Path(path), sub, warnings)
        _check_month_first(con, source)
        sources.append(source)
    files = pd.DataFrame({"sub": range(len(paths)), "file": [str(p) for p in paths]})
    con.register("files_in", files)
    con.execute("CREATE OR REPLACE TABLE files AS SELECT sub::INTEGER AS sub, file FROM files_in")
    con.unregister("files_in")
    _dictionaries(con)
    _create_checked(con)
    for source in sources:
        _row_pass(con, source, invalid)
    con.execute("DROP TABLE seen")
    _rejected(con, invalid)
    _rows_view(con)
    extract = DuckExtract(con, warnings)
    extract.quality = _quality(con, invalid)
    extract.warnings += _warnings(con)
    extract.files = con.execute(
        """SELECT f.file, coalesce(c.n, 0)::BIGINT AS rows, coalesce(c.rejected, 0)::BIGINT AS rejected
           FROM files f LEFT JOIN (SELECT sub, count(*) AS n, count(*) FILTER (WHERE stage > 0) AS rejected
                                   FROM checked GROUP BY sub) c USING (sub) ORDER BY f.sub"""
    ).df()
    if max_rejected is not None:
        check_rejections(extract, max_rejected)
    return extract


def _rejected(con, invalid: str) -> None:
    stages = _stages(invalid)
    field_ = "CASE stage " + " ".join(f"WHEN {i + 1} THEN {lit(s[1])}" for i, s in enumerate(stages)) + " END"
    reason = "CASE stage " + " ".join(f"WHEN {i + 1} THEN {lit(s[3])}" for i, s in enumerate(stages)) + " END"
    con.execute(
        f"""CREATE OR REPLACE TABLE rejected AS
        SELECT c.sub, f.file, c.line, {field_} AS field, c.reject_value AS value, {reason} AS reason
        FROM checked c JOIN files f USING (sub) WHERE stage > 0"""
    )


def _rows_view(con) -> None:
    """View ``rows``: the accepted rows as the reference's frame holds them (coded values
    outside their list as "Invalid and not mapped")."""
    coded = ", ".join(f"coalesce(m_{c}, {lit(INVALID)}::{q('cld_' + c)}) AS {q(c)}" for c in CODED_FIELDS)
    plain = ", ".join(q(c) for c in (*LOOKED_UP, *IDENTIFIERS, *DATE_FIELDS))
    con.execute(
        f"""CREATE OR REPLACE VIEW rows AS
        SELECT {plain}, {coded}, sub AS submission, line, record FROM checked WHERE stage = 0"""
    )


def _quality(con, invalid: str):
    """:attr:`Extract.quality`: per coded field the rows that had passed the checks before
    its own (the reference checks in turn), the invalid and blank values, the first invalid
    value; then the date rules over the accepted rows. One scan of ``checked``."""
    stages = _stages(invalid)
    stage_of = {s[1]: i + 1 for i, s in enumerate(stages) if s[0].startswith("m_")}
    after = len([s for s in stages if not s[0].startswith(("m_", "coalesce"))]) + 1
    aggregates, labels = [], []
    for k, c in enumerate(CODED_FIELDS):
        point = stage_of.get(c, after + len(REJECT_CODED) if invalid == "reject" else after)
        ok = f"(stage = 0 OR stage >= {point})"
        aggregates += [
            f"count(*) FILTER (WHERE {ok}) AS r{k}",
            f"count(*) FILTER (WHERE {ok} AND m_{c} IS NULL) AS i{k}",
            f"count(*) FILTER (WHERE {ok} AND m_{c} = '') AS b{k}",
            f"coalesce(arg_min(x[{k + 1}], (sub, line)) FILTER (WHERE {ok} AND m_{c} IS NULL), '') AS e{k}",
        ]
        labels.append((c, "in the CLD list"))
    for j, (field_, check, later, earlier) in enumerate(DATE_RULES, start=len(CODED_FIELDS)):
        broken = f"stage = 0 AND {q(later)} < {q(earlier)}"
        aggregates += [
            f"count(*) FILTER (WHERE stage = 0) AS r{j}",
            f"count(*) FILTER (WHERE {broken}) AS i{j}",
            f"0 AS b{j}",
            f"coalesce('line ' || arg_min(line, (sub, line)) FILTER (WHERE {broken}), '') AS e{j}",
        ]
        labels.append((field_, check))
    values = con.execute(f"SELECT {', '.join(aggregates)} FROM checked").fetchall()[0]
    frame = pd.DataFrame(
        [(f, c, *values[4 * k : 4 * k + 4]) for k, (f, c) in enumerate(labels)],
        columns=["field", "check", "rows", "invalid", "blank", "example"],
    )
    for column in ("rows", "invalid", "blank"):
        frame[column] = frame[column].astype("int64")
    return frame


def _warnings(con) -> list[str]:
    """Per file and field, accepted rows whose value is outside its list (one scan)."""
    fields = ("Service_Component", "Delivery_Mechanism", "Event_Type", "Service_Type")
    aggregates = ", ".join(
        f"count(*) FILTER (WHERE m_{c} IS NULL OR m_{c} = {lit(INVALID)}) AS n{k}, "
        f"min(line) FILTER (WHERE m_{c} IS NULL OR m_{c} = {lit(INVALID)}) AS l{k}"
        for k, c in enumerate(fields)
    )
    found = con.execute(
        f"""SELECT f.file, c.* EXCLUDE (sub) FROM files f
            JOIN (SELECT sub, {aggregates} FROM checked WHERE stage = 0 GROUP BY sub) c USING (sub) ORDER BY f.sub"""
    ).fetchall()
    out = []
    for file, *counts in found:
        for k, c in enumerate(fields):
            n, line = counts[2 * k], counts[2 * k + 1]
            if n:
                out.append(
                    f"{file}: {n} rows have a {c} not in the code list (kept as '{INVALID}', as DHSC), e.g. line {line}"
                )
    return out


def memory_setting() -> str | None:
    """The memory limit from ``$ASCBENCH_MEMORY_LIMIT`` (DuckDB's default otherwise: 80% of RAM)."""
    return os.environ.get("ASCBENCH_MEMORY_LIMIT") or None
