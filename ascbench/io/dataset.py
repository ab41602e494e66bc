"""Reading a data directory: settings, areas and observations.

A data directory holds (see ``docs/data-format.md``):

* ``dataset.yaml`` (optional): ``title``, ``default_area``, ``default_period`` and ``roles``
  (``national: E92000001``, ``peer: ...``) that catalogue comparators refer to by name;
  ``observations``: the observation files (globs), default ``observations*.csv`` and
  ``observations/*.csv``.
* ``areas.csv``: ``area_code, area_name, area_type`` (+ optional ``region``, ``parent``).
* observation files: long CSV ``area_code, period, measure, value`` (+ optional ``status``,
  ``source``, ``note``).

Every problem is an :class:`AscbenchError` naming the file, the line and the field. Files are
only read, never changed.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd

from ascbench.errors import AscbenchError, Problems, did_you_mean
from ascbench.identifiers import measure_name
from ascbench.io.cells import (
    DUE_STATUS,
    NUMBER_EXPECTED,
    STATUSES,
    SUPPRESSION_MARKERS,
    parse_cells,
)
from ascbench.keys import categorical, is_categorical, key_codes, per_category, recode
from ascbench.periods import NOTATION, parse_period
from ascbench.yaml_strict import LineDict, load_yaml

OBSERVATION_COLUMNS = ("area_code", "period", "measure", "value")
OPTIONAL_OBSERVATION_COLUMNS = ("status", "source", "note")
AREA_COLUMNS = ("area_code", "area_name", "area_type")
AGGREGATE_TYPES = ("national", "region", "group", "council_type", "aggregate")
COUNCIL_TYPES = ("county", "unitary", "metropolitan", "london", "council")
SETTINGS_KEYS = {"title", "default_area", "default_period", "roles", "observations", "source", "notes", "publish"}
DEFAULT_OBSERVATION_GLOBS = ("observations*.csv", "observations/*.csv")
TABLES = ("areas.csv", "groups.csv")  # the data directory's other tables
SETTINGS_FILE = "dataset.yaml"


@dataclass
class Dataset:
    """Everything read from a data directory."""

    path: str
    observations: pd.DataFrame  # area_code, period, measure, value, status, source, note, file, line
    areas: pd.DataFrame  # area_code, area_name, area_type, is_aggregate, ...
    settings: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    groups: pd.DataFrame | None = None  # group_code, member_code (groups.csv), or None
    rollup_rules: dict = field(default_factory=dict)  # measure -> the rule its derived rows were made by

    @property
    def roles(self) -> dict[str, str]:
        return dict(self.settings.get("roles") or {})


def read_text(path: Path, warnings: list[str] | None = None) -> str:
    """Read a text file as UTF-8 (a byte-order mark is allowed); fall back to Windows-1252,
    the encoding of CSV saved by Excel on Windows, with a warning."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise AscbenchError(f"cannot read file: {exc.strerror}", file=str(path)) from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise AscbenchError(
                "the file starts like UTF-16 text but is not", file=str(path), line=1, expected="a UTF-8 CSV file"
            ) from None
    try:
        text = raw.decode("utf-8-sig")
        if "\x00" in text:
            line = text[: text.index("\x00")].count("\n") + 1
            raise AscbenchError(
                "the file contains a NUL character (is it binary?)", file=str(path), line=line, expected="a text file"
            )
        return text
    except UnicodeDecodeError as exc:
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError:
            line = raw[: exc.start].count(b"\n") + 1
            raise AscbenchError(
                "the file is neither UTF-8 nor Windows-1252 text",
                file=str(path),
                line=line,
                expected="a UTF-8 CSV file",
            ) from None
        if warnings is not None:
            line = raw[: exc.start].count(b"\n") + 1
            warnings.append(f"{path}:{line}: not UTF-8; read as Windows-1252 (Excel) text")
        return text


def read_utf8(path: Path, warnings: list[str] | None = None) -> bytes:
    """The file as UTF-8 bytes with ``\n`` line ends and no byte-order mark: the bytes as
    they are when they already are that (a large file is not decoded and encoded again),
    else through :func:`read_text`, which reports NULs and falls back to Windows-1252."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise AscbenchError(f"cannot read file: {exc.strerror}", file=str(path)) from None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if b"\x00" not in raw:
        try:
            raw.isascii() or raw.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            return raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n") if b"\r" in raw else raw
    return read_text(path, warnings).replace("\r\n", "\n").replace("\r", "\n").encode("utf-8")


_COMMENT_LINE = re.compile(rb"(?m)^[ \t]*#[^\n]*")


def blank_comments(data: bytes) -> bytes:
    """Comment lines (the first character that is not a space is ``#``) after the header are
    emptied, so they are skipped like blank lines and every other row keeps its line number.
    A ``#`` anywhere else in a line is text (``source`` cells cite "para #14")."""
    if b"#" not in data:
        return data
    first = data.find(b"\n")
    if first < 0:
        return data
    return data[: first + 1] + _COMMENT_LINE.sub(b"", data[first + 1 :])


def _header(data: bytes, path, required, lower: bool):
    """The header as written and as folded; an empty file, an empty header or a column named
    twice is an error naming the file."""
    import csv

    if re.search(rb"\S", data) is None:
        raise AscbenchError(
            "the file is empty", file=str(path), line=1, expected="a header line: " + ",".join(required)
        )
    first = data.find(b"\n")
    given_header = next(csv.reader(io.StringIO(data[: first if first >= 0 else len(data)].decode("utf-8"))), [])
    header = [h.strip().lower() if lower else h.strip() for h in given_header]
    if not any(header):
        raise AscbenchError(
            "the header line is empty", file=str(path), line=1, expected="a header line: " + ",".join(required)
        )
    seen: set[str] = set()
    for name in header:
        if name in seen and name:
            raise AscbenchError(
                f"column '{name}' appears twice", file=str(path), line=1, field=name, expected="each column once"
            )
        seen.add(name)
    return given_header, header


def check_columns(path, given_header: list[str], columns: list[str], required) -> None:
    """A located error naming the ``required`` columns missing from ``columns`` (and, when the
    header is separated by semicolons or tabs, saying so); the one message of every reader."""
    missing = [c for c in required if c not in columns]
    if not missing:
        return
    first = given_header[0] if given_header else ""
    separator = next((name for sep, name in ((";", "semicolons"), ("\t", "tabs")) if sep in first), None)
    raise AscbenchError(
        f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}"
        + (f" (the header is separated by {separator}, not commas)" if separator else ""),
        file=str(path),
        line=1,
        field=missing[0],
        expected="a header with " + ", ".join(required),
    )


def _parse(data: bytes, path, given_header, header, categorical, fast):
    """The C parser's frame, or ``None`` when a ``fast`` (float) column holds text the parser
    cannot read as a number; a row that does not match the header is an error naming its line."""
    import csv
    import warnings as _warnings

    names = _column_names(given_header)
    dtype = {
        given: ("category" if name in categorical else "float64" if name in fast else object)
        for given, name in zip(names, header, strict=True)
    }
    na = {given: ["", *SUPPRESSION_MARKERS] for given, name in zip(names, header, strict=True) if name in fast}
    try:
        with _warnings.catch_warnings():
            _warnings.simplefilter("error", pd.errors.ParserWarning)
            return pd.read_csv(
                io.BytesIO(data),
                header=0,
                names=names,
                dtype=dtype,
                keep_default_na=False,
                na_values=na or None,
                skip_blank_lines=False,
                index_col=False,
                encoding="utf-8",
            )
    except pd.errors.ParserWarning:
        reader = csv.reader(io.StringIO(data.decode("utf-8")))
        line = 1
        for row in reader:
            if row and len(row) != len(header):
                raise AscbenchError(
                    f"the row has {len(row)} fields, the header {len(header)}",
                    file=str(path),
                    line=line,
                    expected="one value per column; quote text that contains commas",
                ) from None
            line = reader.line_num + 1  # the line the next row starts on (a quoted cell may span lines)
        raise AscbenchError("the rows do not match the header", file=str(path)) from None
    except pd.errors.ParserError as exc:
        found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if found:
            want, record, saw = (int(g) for g in found.groups())  # the parser counts rows, not lines
            lines = _record_lines(data)
            raise AscbenchError(
                f"the row has {saw} fields, the header {want}",
                file=str(path),
                line=int(lines[record - 1]) if record <= len(lines) else record,
                expected="one value per column; quote text that contains commas",
            ) from None
        raise AscbenchError(f"cannot parse the CSV: {str(exc).strip()}", file=str(path)) from None
    except ValueError:
        if not fast:
            raise
        return None


def read_csv(
    path: Path,
    required: tuple[str, ...],
    warnings: list[str] | None = None,
    lower: bool = True,
    categorical: tuple[str, ...] = (),
    numeric: tuple[str, ...] = (),
):
    """Read a CSV as text cells, with a ``line`` column giving each row's line in the file.

    Blank lines are skipped, cells are stripped, column names are stripped and lower-cased.
    A missing required column is an error naming the file and the column. Columns named in
    ``categorical`` (after lower-casing) are read as categoricals, the parser building the
    codes (key columns repeat a few hundred strings millions of times).

    Columns named in ``numeric`` are not stripped, and when the file has no quoted cells the
    parser reads them as floats, empty cells and the official suppression markers as NaN; a
    column ``<name>_text`` then holds the original text of every cell that is not a finite
    number ("" elsewhere), for :func:`~ascbench.io.cells.parse_cells`. Any other text in the
    column makes the parser give up and the column is read as text instead (same result,
    slower).
    """
    data = blank_comments(read_utf8(path, warnings))  # the C parser reads bytes faster than text
    given_header, header = _header(data, path, required, lower)
    fast = [name for name in header if name in numeric] if b'"' not in data else []
    frame = _parse(data, path, given_header, header, categorical, fast)
    if frame is None:  # text the parser cannot read as a number: read the columns as text
        fast = []
        frame = _parse(data, path, given_header, header, categorical, fast)
    short = _first_short_row(data, len(header))
    if short:
        line, fields = short
        raise AscbenchError(
            f"the row has {fields} field{'s' * (fields != 1)}, the header {len(header)}",
            file=str(path),
            line=line,
            expected="one value per column; quote text that contains commas",
        )
    frame = _without_unnamed(frame, header, path, warnings)
    frame.columns = [name for name in header if name]
    if fast:  # after the columns take their folded names ('Value' is 'value')
        _attach_cell_text(frame, data, header, fast)
    check_columns(path, given_header, list(frame.columns), required)
    frame["line"] = _row_lines(data, len(frame))
    content = [c for c in frame.columns if c != "line"]
    for column in content:
        if column not in numeric and not column.endswith("_text"):
            frame[column] = strip_cells(frame[column])
    blank = np.ones(len(frame), dtype=bool)
    for column in [c for c in content if not c.endswith("_text")]:  # a blank line: every cell empty
        cells = frame[column]
        if cells.dtype.kind == "f":
            blank &= cells.isna().to_numpy() & (frame[f"{column}_text"] == "").to_numpy()
        else:
            blank &= (cells == "").to_numpy()
        if not blank.any():
            break
    return frame.loc[~blank].reset_index(drop=True) if blank.any() else frame


def _first_short_row(data: bytes, n_fields: int):
    """(line, fields) of the first row with fewer fields than the header, or None. The parser
    reads such a row as missing cells without a word; a row cut short is an error. Blank and
    comment lines (already emptied) do not count. Quoted text (RFC 4180; a doubled quote is
    two quoted runs) is taken out first, so its commas and newlines neither split nor end a
    row; then the commas of every line are counted at once from their positions."""
    raw = _unquoted(data)
    ends = np.flatnonzero(raw == 10)
    if not len(ends) or ends[-1] != len(raw) - 1:
        ends = np.r_[ends, len(raw)]
    starts = np.r_[0, ends[:-1] + 1]
    commas = np.flatnonzero(raw == 44)
    fields = np.searchsorted(commas, ends) - np.searchsorted(commas, starts) + 1
    short = np.flatnonzero((fields < n_fields) & (ends > starts))
    for i in short[short > 0]:  # the header itself is not a row; lines of only spaces are blank
        if raw[starts[i] : ends[i]].tobytes().strip(b" \t\r"):
            return _line_at(data, int(starts[i])), int(fields[i])
    return None


def _unquoted(data: bytes) -> np.ndarray:
    """The bytes with every quoted run (RFC 4180; a doubled quote is two quoted runs), quotes
    included, overwritten by a letter, so that commas and newlines inside quotes neither split
    a field nor end a row; positions are unchanged."""
    raw = np.frombuffer(data, dtype=np.uint8)
    if b'"' not in data:
        return raw
    quote = raw == 34
    inside = (np.cumsum(quote) % 2 == 1) | quote
    return np.where(inside, np.uint8(113), raw)


def _line_at(data: bytes, offset: int) -> int:
    """The 1-based line of the file that byte ``offset`` is on."""
    return data.count(b"\n", 0, offset) + 1


def _record_lines(data: bytes) -> np.ndarray:
    """The line each row of the file (the header is row 0) starts on: a quoted cell that spans
    lines (a note of several paragraphs) makes one row of several lines."""
    raw = _unquoted(data)
    ends = np.flatnonzero(raw == 10)
    starts = np.r_[0, ends + 1]
    starts = starts[starts < len(raw)]
    newlines = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10)
    return np.asarray(np.searchsorted(newlines, starts) + 1)


def _row_lines(data: bytes, rows: int) -> np.ndarray:
    """The line of each of ``rows`` parsed rows (after the header): the row's number + 1 when
    no cell is quoted, else counted past quoted line breaks (:func:`_record_lines`), or by the
    csv module where a stray quote inside a cell makes the two counts disagree."""
    if b'"' not in data:
        return np.arange(rows) + 2
    lines = _record_lines(data)[1:]
    if len(lines) == rows:
        return lines
    import csv

    reader = csv.reader(io.StringIO(data.decode("utf-8")))
    out, line = [], 1
    for _ in reader:
        out.append(line)
        line = reader.line_num + 1
    out = out[1 : rows + 1]
    out += range(out[-1] + 1 if out else 2, (out[-1] + 1 if out else 2) + rows - len(out))
    return np.asarray(out, dtype=np.int64)


def _column_names(given_header: list[str]) -> list[str]:
    """Names for the parser: as given, with each column that has none (a row index written by
    pandas' ``to_csv`` or R's ``write.csv``) named by its position."""
    return [given if given.strip() else f"\x00unnamed {i}" for i, given in enumerate(given_header)]


def _without_unnamed(frame, header: list[str], path, warnings: list[str] | None):
    """The frame without the columns that have no name; a warning when such a column holds
    anything (pandas' ``to_csv`` and R's ``write.csv`` write the row numbers there)."""
    unnamed = [i for i, name in enumerate(header) if not name]
    if not unnamed:
        return frame
    held = [i + 1 for i in unnamed if (frame.iloc[:, i].astype(str).str.strip().replace("nan", "") != "").any()]
    if held and warnings is not None:
        which = ", ".join(map(str, held))
        warnings.append(
            f"{path}:1: column {which} has no name and is ignored (a row index written by pandas' to_csv or "
            "R's write.csv? write the file without it: index=False, row.names=FALSE)"
        )
    return frame.drop(columns=frame.columns[unnamed])


def _attach_cell_text(frame, data: bytes, header: list[str], columns: list[str]) -> None:
    """For float columns read by the parser: ``<column>_text``, the original text of each cell
    that is not a finite number, cut from its line (row r of the frame is line r + 1 of the
    file: the file has no quoted cells, so no cell spans lines)."""
    odd = {column: np.flatnonzero(~np.isfinite(frame[column].to_numpy(dtype="float64"))) for column in columns}
    wanted = np.unique(np.concatenate(list(odd.values()))) + 1  # line numbers (0 is the header)
    starts, ends = _line_bounds(data, wanted)
    where = {line: i for i, line in enumerate(wanted.tolist())}
    for column in columns:
        position = header.index(column)
        texts = {"": 0}
        codes = np.zeros(len(frame), dtype=np.int32)  # a categorical: "" for the numbers
        for row in odd[column].tolist():
            i = where[row + 1]
            fields = data[starts[i] : ends[i]].decode("utf-8").split(",")
            codes[row] = texts.setdefault(fields[position] if position < len(fields) else "", len(texts))
        frame[f"{column}_text"] = pd.Categorical.from_codes(codes, categories=pd.Index(list(texts), dtype=object))


def _line_bounds(data: bytes, lines, chunk: int = 1 << 24):
    """Byte offsets (start, end) of the given 0-based line numbers (sorted), scanning the
    newlines 16 MB at a time so that a large file needs no index of every line."""
    starts = np.zeros(len(lines), dtype=np.int64)
    ends = np.full(len(lines), len(data), dtype=np.int64)
    seen = 0  # newlines before this chunk
    for offset in range(0, len(data), chunk):
        view = np.frombuffer(data, dtype=np.uint8, count=min(chunk, len(data) - offset), offset=offset)
        newlines = np.flatnonzero(view == 10) + offset
        # line L starts after newline L - 1 and ends at newline L
        after = (lines - 1 >= seen) & (lines - 1 < seen + len(newlines))
        starts[after] = newlines[lines[after] - 1 - seen] + 1
        before = (lines >= seen) & (lines < seen + len(newlines))
        ends[before] = newlines[lines[before] - seen]
        seen += len(newlines)
    return starts, ends


def strip_cells(series):
    """Trim the cells of a text column, looking at each distinct value once (key columns of
    a long file repeat the same few hundred strings millions of times)."""

    if is_categorical(series):
        if series.isna().any():
            series = series.cat.add_categories([""]) if "" not in series.cat.categories else series
            series = series.fillna("")
        categories = series.cat.categories
        if (categories.str.strip() != categories).any():
            return recode(series, str.strip)
        return series
    series = series.fillna("")
    uniques = pd.unique(series)
    if len(uniques) > len(series) // 4:  # mostly distinct (numbers): trimming is one pass anyway
        return series.str.strip()
    changed = {u: u.strip() for u in uniques if isinstance(u, str) and u != u.strip()}
    return series.replace(changed) if changed else series


def unknown_area(code: str, known) -> str:
    """The message for an area code areas.csv does not list; where it is a listed code in
    other case or with spaces (``e08000025``), that code is suggested. No nearest code
    otherwise: codes one digit apart are different councils."""
    wanted = str(code).strip().casefold()
    same = sorted(str(k) for k in known if str(k).casefold() == wanted)
    return f"unknown area code '{code}'" + (f"; did you mean '{same[0]}'?" if same else "")


def report_rows(problems: Problems, path, frame, mask, field: str, message, expected: str, limit: int = 50) -> None:
    """One located problem per row of ``frame`` where ``mask`` holds (the first ``limit``,
    then a count of the rest); ``message`` is a text or a function of the row."""
    if not mask.any():
        return
    hits = frame[mask]
    for _, row in hits.head(limit).iterrows():
        text = message(row) if callable(message) else message
        problems.add(AscbenchError(text, file=str(path), line=int(row["line"]), field=field, expected=expected))
    if len(hits) > limit:
        problems.add(
            AscbenchError(f"... and {len(hits) - limit} more rows with the same problem", file=str(path), field=field)
        )


def _read_table(path: Path, columns, problems: Problems, warnings: list[str], **options):
    """A table of the data directory, or None (the problem recorded) when it cannot be read;
    ``options`` go to :func:`read_csv`."""
    try:
        return read_csv(path, columns, warnings, **options)
    except AscbenchError as exc:
        problems.add(exc)
        return None


def read_settings(directory: Path, problems: Problems) -> dict:
    path = directory / SETTINGS_FILE
    if not path.exists():
        return {}
    try:
        doc = load_yaml(read_text(path), str(path)) or {}
    except AscbenchError as exc:
        problems.add(exc)
        return {}
    if not isinstance(doc, dict):
        problems.add(
            AscbenchError(
                "dataset.yaml should be a mapping", file=str(path), line=1, expected="title:, default_area:, roles: ..."
            )
        )
        return {}
    doc = cast(LineDict, doc)  # a mapping of the strict reader: it knows its keys' lines
    for key in doc:
        if key not in SETTINGS_KEYS:
            hint = did_you_mean(key, SETTINGS_KEYS)
            problems.add(
                AscbenchError(
                    f"unknown key '{key}'{hint}",
                    file=str(path),
                    line=doc.line_of(key),
                    field=str(key),
                    expected="one of " + ", ".join(sorted(SETTINGS_KEYS)),
                )
            )
    roles = doc.get("roles") or {}
    if not isinstance(roles, dict):
        problems.add(
            AscbenchError(
                "'roles' should map a role to an area code",
                file=str(path),
                line=doc.line_of("roles"),
                field="roles",
                expected="national: E92000001",
            )
        )
        doc["roles"] = {}
    else:  # a code YAML reads as a number (010) is taken as written
        doc["roles"] = {str(k): str(_as_written(roles, k)) for k, v in roles.items()}
    for key in ("title", "default_area", "default_period"):
        if key in doc and doc[key] is not None:
            doc[key] = _as_written(doc, key)
    doc["_file"] = str(path)
    doc["_lines"] = dict(getattr(doc, "key_lines", {}))
    return dict(doc)


def _table_file(directory: Path, name: str, columns, problems: Problems, warnings: list[str], required: str = ""):
    """``(path, frame)`` of the table ``name`` of the data directory, or ``(path, None)`` when
    it is absent (an error when ``required`` says what it should hold) or cannot be read (the
    problem recorded)."""
    path = directory / name
    if not path.exists():
        if required:
            problems.add(AscbenchError(f"no {name} in the data directory", file=str(directory), expected=required))
        return path, None
    return path, _read_table(path, columns, problems, warnings)


def _as_written(mapping, key):
    """A setting as written in the file: YAML reads ``010`` as 8 and ``2.10`` as 2.1, but an area
    code or a title is text."""
    value = mapping[key]
    if isinstance(value, int | float) and not isinstance(value, bool) and hasattr(mapping, "text_of"):
        return mapping.text_of(key) or value
    return value


def read_areas(directory: Path, problems: Problems, warnings: list[str]):
    path, areas = _table_file(
        directory, "areas.csv", AREA_COLUMNS, problems, warnings, "areas.csv with area_code, area_name, area_type"
    )
    if areas is None:
        return pd.DataFrame(columns=[*AREA_COLUMNS, "is_aggregate", "line"])
    report_rows(
        problems,
        path,
        areas,
        areas["area_code"] == "",
        "area_code",
        "area_code is empty",
        "an area code such as E10000018",
    )
    report_rows(
        problems,
        path,
        areas,
        areas["area_code"].duplicated(keep="first") & (areas["area_code"] != ""),
        "area_code",
        lambda r: f"area '{r['area_code']}' is listed twice",
        "each area once",
    )
    known = set(AGGREGATE_TYPES) | set(COUNCIL_TYPES)
    report_rows(
        problems,
        path,
        areas,
        ~areas["area_type"].isin(known),
        "area_type",
        lambda r: f"'{r['area_type']}' is not an area type",
        "one of " + ", ".join(COUNCIL_TYPES + AGGREGATE_TYPES),
    )
    areas["is_aggregate"] = areas["area_type"].isin(AGGREGATE_TYPES)
    return _area_lifetimes(areas, path, problems)


LIFETIME_COLUMNS = ("valid_from", "valid_to", "successors")


def _area_lifetimes(areas, path: Path, problems: Problems):
    """The optional lifetime columns of areas.csv: ``valid_from`` and ``valid_to`` (the first
    and last period in which a council existed, e.g. ``2023-24`` and ``2022-23``; empty: no
    limit) and ``successors`` (the codes that replaced it, separated by ``;``). Each is
    checked; the engine reads them (:mod:`ascbench.engine.membership`)."""
    for column in LIFETIME_COLUMNS:
        if column not in areas.columns:
            areas[column] = ""
    for column in ("valid_from", "valid_to"):
        given = areas[column] != ""
        bad = pd.Series(False, index=areas.index)
        for text in pd.unique(areas.loc[given, column]):
            try:
                parse_period(text)
            except AscbenchError:
                bad |= areas[column] == text
        report_rows(
            problems,
            path,
            areas,
            bad,
            column,
            lambda r, c=column: f"'{r[c]}' is not a period",
            "a financial year such as 2023-24, or empty",
        )
    known = set(areas["area_code"])
    named = areas["successors"].str.split(";").explode().str.strip()
    unknown = named[(named != "") & ~named.isin(known)]
    report_rows(
        problems,
        path,
        areas,
        areas.index.isin(unknown.index),
        "successors",
        lambda r: f"a successor of {r['area_code']} is not an area of areas.csv",
        "area codes listed in areas.csv, separated by ;",
    )
    ended = (areas["successors"] != "") & (areas["valid_to"] == "")
    report_rows(
        problems,
        path,
        areas,
        ended,
        "valid_to",
        lambda r: f"{r['area_code']} has successors but no valid_to",
        "the last period in which the area existed",
    )
    return areas


GROUP_COLUMNS = ("group_code", "member_code")


def read_groups(directory: Path, known: set[str], problems: Problems, warnings: list[str]):
    """``groups.csv``: the members of each comparison group (a peer group, nearest
    neighbours ``NN-<code>``), one row per group and member. Optional. A group_code that is
    also in areas.csv is an aggregate area whose value can be computed from its members.
    Members are areas, not groups: a group listed as a member of a group (or of itself) is
    an error, since pooling it would count its members twice."""
    path, groups = _table_file(directory, "groups.csv", GROUP_COLUMNS, problems, warnings)
    if groups is None:
        return pd.DataFrame(columns=[*GROUP_COLUMNS, "line"])
    report_rows(
        problems, path, groups, groups["group_code"] == "", "group_code", "group_code is empty", "a name for the group"
    )
    report_rows(
        problems,
        path,
        groups,
        ~groups["member_code"].isin(known),
        "member_code",
        lambda r: unknown_area(r["member_code"], known),
        "an area_code listed in areas.csv",
    )
    report_rows(
        problems,
        path,
        groups,
        groups.duplicated(list(GROUP_COLUMNS)),
        "member_code",
        lambda r: f"{r['member_code']} is listed twice in group {r['group_code']}",
        "each member once per group",
    )
    nested = groups["member_code"].isin(set(groups["group_code"])) & (groups["member_code"] != "")
    report_rows(
        problems,
        path,
        groups,
        nested,
        "member_code",
        lambda r: (
            f"group {r['group_code']} lists itself as a member"
            if r["member_code"] == r["group_code"]
            else f"{r['member_code']} is a group, listed as a member of group {r['group_code']}"
        ),
        "the areas of a group, not another group (list the other group's members instead)",
    )
    keep = (groups["group_code"] != "") & groups["member_code"].isin(known) & ~nested
    return groups[keep].drop_duplicates(list(GROUP_COLUMNS))


OBSERVATIONS_EXPECTED = "a file name pattern inside the data directory, or a list of them, such as observations*.csv"


def _observation_patterns(settings: dict, problems: Problems) -> tuple[str, ...]:
    """The ``observations`` setting as a list of patterns relative to the data directory: text
    or a list of texts, each non-empty, not absolute and not leading out of the directory
    (anything else is a located error, and no files are read for it)."""
    given = settings.get("observations")
    if given is None:
        return DEFAULT_OBSERVATION_GLOBS
    file = settings.get("_file")
    line = settings.get("_lines", {}).get("observations")
    patterns = given if isinstance(given, list) else [given]
    if not patterns:
        problems.add(
            AscbenchError("an empty list", file=file, line=line, field="observations", expected=OBSERVATIONS_EXPECTED)
        )
    out = []
    for pattern in patterns:
        why = None
        if not isinstance(pattern, str):
            why = f"{pattern!r} is not a file name pattern"
        elif not pattern.strip():
            why = "an empty pattern"
        elif Path(pattern).is_absolute() or pattern.startswith(("~", "\\")) or re.match(r"^[A-Za-z]:", pattern):
            why = f"'{pattern}' is an absolute path"
        elif ".." in Path(pattern).parts:
            why = f"'{pattern}' leads out of the data directory"
        elif Path(pattern.strip()).name in ("", "."):
            why = f"'{pattern}' names a directory, not files"
        if why:
            problems.add(AscbenchError(why, file=file, line=line, field="observations", expected=OBSERVATIONS_EXPECTED))
        else:
            out.append(pattern.strip())
    return tuple(out)


def _observation_files(directory: Path, settings: dict, problems: Problems, warnings: list[str]) -> list[Path]:
    files: list[Path] = []
    given = settings.get("observations") is not None
    for pattern in _observation_patterns(settings, problems):
        try:
            found = sorted(directory.glob(pattern))
        except (ValueError, NotImplementedError, IndexError) as exc:  # a pattern pathlib cannot use
            problems.add(
                AscbenchError(
                    f"'{pattern}' is not a usable pattern ({exc})",
                    file=settings.get("_file"),
                    line=settings.get("_lines", {}).get("observations"),
                    field="observations",
                    expected=OBSERVATIONS_EXPECTED,
                )
            )
            continue
        # the directory's own tables and settings are never observations, even under "*.csv" or "*"
        own = (*TABLES, SETTINGS_FILE)
        matched = [path for path in found if path.is_file() and path.relative_to(directory).as_posix() not in own]
        if given and not matched:
            warnings.append(f"{settings.get('_file')}: observations: '{pattern}' matches no file")
        files.extend(path for path in matched if path not in files)
    return files


KEY_COLUMNS = ("area_code", "period", "measure", "status", "source", "note")


def read_observations(path: Path, known_areas: set[str], problems: Problems, warnings: list[str]):
    """Read one observation file, checking every row; rows with problems are reported and
    dropped (the run then fails: a problem is never silently skipped). The text columns come
    back as categoricals; ``value`` as floats."""

    frame = _read_table(path, OBSERVATION_COLUMNS, problems, warnings, categorical=KEY_COLUMNS, numeric=("value",))
    if frame is None:
        return None
    for column in OPTIONAL_OBSERVATION_COLUMNS:
        if column not in frame.columns:
            frame[column] = categorical(np.zeros(len(frame), dtype=np.int8), [""])
    frame["file"] = categorical(np.zeros(len(frame), dtype=np.int8), [str(path)])
    ok = np.ones(len(frame), dtype=bool)

    def report(mask, field, message, expected):
        nonlocal ok
        mask = np.asarray(mask, dtype=bool)
        report_rows(problems, path, frame, mask & ok, field, message, expected)
        ok &= ~mask

    for column in ("area_code", "period", "measure"):
        report(frame[column] == "", column, lambda r, c=column: f"{c} is empty", f"a value for {column}")
    if known_areas:
        report(
            ~frame["area_code"].isin(known_areas),
            "area_code",
            lambda r: unknown_area(r["area_code"], known_areas),
            "an area_code listed in areas.csv",
        )

    frame["measure"] = recode(frame["measure"], measure_name)  # 'Falls' is 'falls', as in the catalogue
    measure_ok = per_category(frame["measure"], lambda m: bool(re.fullmatch(r"[A-Za-z0-9_.+\-]+", m)), bool)
    report(
        ~measure_ok, "measure", lambda r: f"'{r['measure']}' is not a measure name", "letters, digits and _ . + - only"
    )
    # periods: each distinct string parsed once, written in its canonical form

    def canonical(text):
        try:
            return parse_period(text).text
        except AscbenchError:
            return None

    period_ok = per_category(frame["period"], lambda t: canonical(t) is not None, bool)
    report(~period_ok, "period", lambda r: f"'{r['period']}' is not a period", NOTATION)
    frame["period"] = recode(frame["period"], lambda t: canonical(t) or t)
    cell_text = frame.pop("value_text") if "value_text" in frame.columns else None
    values, odd, odd_status, odd_bad, odd_hint = parse_cells(frame["value"], cell_text)
    bad = np.zeros(len(frame), dtype=bool)
    bad[odd] = odd_bad
    if bad.any():
        hints = dict(zip(odd[odd_bad].tolist(), odd_hint[odd_bad].tolist(), strict=True))
        if cell_text is not None:
            frame["value"] = cell_text  # the text as written, for the messages
        report(bad, "value", lambda r: f"'{r['value']}' {hints[r.name]}", NUMBER_EXPECTED)
    given = recode(frame["status"], str.lower)
    due = given.astype(str).str.fullmatch(DUE_STATUS.pattern).to_numpy(dtype=bool)
    report(
        ~given.isin(STATUSES) & ~due,
        "status",
        lambda r: f"'{r['status']}' is not a status",
        "empty, 'due YYYY-MM' (a figure not yet published) or one of " + ", ".join(s for s in STATUSES if s),
    )
    report(
        (given.isin(("suppressed", "not available", "not applicable", "missing")) | due) & ~np.isnan(values),
        "value",
        lambda r: f"a value is given with status '{r['status']}'",
        "an empty value for a suppressed cell",
    )
    # a marker in the value cell sets the status where none is given
    blank = given.cat.categories.get_indexer([""])[0]  # -1 when no cell is blank
    take = (odd_status != "") & (given.cat.codes.to_numpy()[odd] == blank) & (blank >= 0)
    if take.any():
        marked = odd_status[take]
        categories = given.cat.categories.append(
            pd.Index([c for c in pd.unique(marked) if c not in given.cat.categories], dtype="str")
        )
        codes = given.cat.codes.to_numpy().copy()
        codes[odd[take]] = categories.get_indexer(marked)
        given = pd.Series(pd.Categorical.from_codes(codes, categories=categories), index=given.index)
    frame["status"] = given
    frame["value"] = values
    return frame.loc[ok] if not ok.all() else frame


def duplicated_keys(frame, key):
    """Rows whose ``key`` columns repeat another row's (every such row), over integer codes."""

    combined = np.zeros(len(frame), dtype=np.int64)
    for column in key:
        codes, categories = key_codes(frame[column])
        combined = combined * (len(categories) + 1) + (codes.astype(np.int64) + 1)
    space = int(combined.max()) + 1 if len(combined) else 0
    if space <= 8 * len(combined) + 1024:  # a dense count table: linear time
        return pd.Series(np.bincount(combined, minlength=space)[combined] > 1, index=frame.index)
    return pd.Series(combined, index=frame.index).duplicated(keep=False)


def as_keys(observations):
    """The text columns of an observations frame as categoricals (files read separately, or
    roll-ups added, come back from ``concat`` as plain text)."""
    for column in (*KEY_COLUMNS, "file"):
        if column in observations.columns and not is_categorical(observations[column]):
            observations[column] = observations[column].fillna("").astype("str").astype("category")
    return observations


def load_dataset(directory: str | Path, problems: Problems | None = None, derive=None) -> Dataset:
    """Read a data directory. Without ``problems`` the first problem is raised. ``derive``
    (observations -> observations) adds derived rows before the keys are encoded: the
    engine passes its roll-ups (:func:`ascbench.engine.data.load`); io knows nothing of them."""
    collect = problems is not None
    problems = Problems() if problems is None else problems
    directory = Path(directory)
    warnings: list[str] = []
    if not directory.is_dir():
        error = AscbenchError(
            "the data directory does not exist",
            file=str(directory),
            expected="a directory with areas.csv and observation CSV files",
        )
        if not collect:
            raise error
        problems.add(error)
        return Dataset(
            str(directory),
            pd.DataFrame(columns=[*OBSERVATION_COLUMNS, "status", "line", "file"]),
            pd.DataFrame(columns=[*AREA_COLUMNS, "is_aggregate"]),
            {},
            warnings,
        )
    settings = read_settings(directory, problems)
    areas = read_areas(directory, problems, warnings)
    known = set(areas["area_code"])
    files = _observation_files(directory, settings, problems, warnings)
    if not files:
        patterns = settings.get("observations") or DEFAULT_OBSERVATION_GLOBS
        patterns = patterns if isinstance(patterns, list | tuple) else [patterns]
        problems.add(
            AscbenchError(
                "no observation files",
                file=str(directory),
                expected="files matching " + " or ".join(str(p) for p in patterns),
            )
        )
    frames = [f for f in (read_observations(p, known, problems, warnings) for p in files) if f is not None]
    columns = [*OBSERVATION_COLUMNS, *OPTIONAL_OBSERVATION_COLUMNS, "file", "line"]
    observations = (
        pd.concat([f[columns] for f in frames], ignore_index=True) if frames else pd.DataFrame(columns=columns)
    )
    observations["value"] = observations["value"].astype("float64")
    observations = as_keys(observations)
    key = ["area_code", "period", "measure"]
    dup = duplicated_keys(observations, key)
    if dup.any():
        first = observations[dup].groupby(key, sort=False, observed=True)[["file", "line"]].first()
        later = observations[dup & observations.duplicated(key, keep="first")]
        for _, row in later.head(50).iterrows():
            f, ln = first.loc[(row["area_code"], row["period"], row["measure"])]
            problems.add(
                AscbenchError(
                    f"duplicate row for {row['area_code']} {row['period']} {row['measure']} (first at {f}:{ln})",
                    file=row["file"],
                    line=int(row["line"]),
                    field="measure",
                    expected="one row per area_code, period and measure",
                )
            )
        observations = observations.drop_duplicates(key, keep="first")
    if derive is not None:  # the engine's derived rows (roll-ups), before the keys are encoded
        observations = derive(observations)
    observations = as_keys(observations)
    for role, code in (settings.get("roles") or {}).items():
        if known and code not in known:
            problems.add(
                AscbenchError(
                    f"role '{role}' names unknown area '{code}'",
                    file=settings.get("_file"),
                    line=settings.get("_lines", {}).get("roles"),
                    field="roles",
                    expected="an area_code listed in areas.csv",
                )
            )
    default_area = settings.get("default_area")
    if default_area is not None and known and str(default_area) not in known:
        problems.add(
            AscbenchError(
                f"default_area '{default_area}' is not in areas.csv",
                file=settings.get("_file"),
                line=settings.get("_lines", {}).get("default_area"),
                field="default_area",
                expected="an area_code listed in areas.csv",
            )
        )
    if settings.get("default_period") is not None:
        try:
            settings["default_period"] = parse_period(str(settings["default_period"])).text
        except AscbenchError as exc:
            exc.location.file = settings.get("_file")
            exc.location.line = settings.get("_lines", {}).get("default_period")
            exc.location.field = "default_period"
            problems.add(exc)
    groups = read_groups(directory, known, problems, warnings)
    dataset = Dataset(str(directory), observations.reset_index(drop=True), areas, settings, warnings, groups)
    if not collect:
        problems.raise_first()
    return dataset
