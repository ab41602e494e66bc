"""Reading the sheets of an ``.xlsx`` or ``.ods`` workbook safely, as rows of text cells.

Both are zip archives of XML. Before any XML is parsed the archive is checked by real
expansion: every member is decompressed as a stream and the bytes it gives are counted, so a
decompression bomb stops at the limit, whatever its headers declare (:data:`MAX_EXPANDED`
in all; a member, or the archive so far, that expands more than :data:`MAX_RATIO` times once
past :data:`RATIO_FROM`, so many small members count as much as one large one). The XML itself is parsed with entity and DTD declarations forbidden
(``defusedxml``: openpyxl uses it when it is installed, and the ``.ods`` reader here calls it
directly), so an entity bomb is refused. A truncated or damaged archive is a located error.
Every refusal is an :class:`~ascbench.errors.AscbenchError` naming the file (exit 1).

Cells come back as text: a whole number as ``1234``, any other number to 15 significant
digits (a spreadsheet's precision: a stored ``91.10000000000001`` is ``91.1``), an empty cell
as ``''``; each row with its 1-based row number in the sheet.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from ascbench.errors import AscbenchError

MAX_EXPANDED = 512 * 2**20  # bytes of XML a workbook may expand to, all members together
MAX_RATIO = 200  # expansion ratio of one member allowed once it is past RATIO_FROM bytes
RATIO_FROM = 32 * 2**20
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".ods")
CHUNK = 2**20

Rows = list[tuple[int, list[str]]]


def is_workbook(path) -> bool:
    return str(path).lower().endswith(WORKBOOK_SUFFIXES)


def _refuse(path, message: str, expected: str = "an .xlsx or .ods workbook as the publisher wrote it") -> AscbenchError:
    return AscbenchError(message, file=str(path), field="workbook", expected=expected)


def check_archive(path: Path) -> None:
    """Refuse a workbook that is not a whole zip archive or that expands past the limits
    (counted by decompressing, never from the sizes the archive declares)."""
    total, packed = 0, 0
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                expanded = 0
                packed += info.compress_size
                with archive.open(info) as member:
                    while chunk := member.read(CHUNK):
                        expanded += len(chunk)
                        total += len(chunk)
                        if total > MAX_EXPANDED:
                            raise _refuse(
                                path,
                                f"the workbook expands to more than {MAX_EXPANDED // 2**20} MiB (a decompression bomb?)",
                                f"a workbook of at most {MAX_EXPANDED // 2**20} MiB of XML",
                            )
                        if expanded > RATIO_FROM and expanded > MAX_RATIO * max(info.compress_size, 1):
                            raise _refuse(
                                path,
                                f"'{info.filename}' expands more than {MAX_RATIO} times (a decompression bomb?)",
                                f"a workbook whose parts expand at most {MAX_RATIO} times",
                            )
                        if total > RATIO_FROM and total > MAX_RATIO * max(packed, 1):
                            raise _refuse(
                                path,
                                f"the workbook expands more than {MAX_RATIO} times (a decompression bomb?)",
                                f"a workbook that expands at most {MAX_RATIO} times",
                            )
    except AscbenchError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error, OSError, ValueError, KeyError) as exc:
        if _starts_with(path, OLE_MAGIC):  # a compound file: Excel's password protection, or a .xls renamed
            raise _refuse(
                path,
                "the workbook is password-protected (encrypted) or an old .xls file, not an .xlsx archive",
                "an .xlsx or .ods workbook without a password to open it (save a copy without one)",
            ) from None
        raise _refuse(path, f"the workbook is damaged or truncated ({type(exc).__name__}: {exc})") from None
    except NotImplementedError as exc:  # a compression method zipfile does not know
        raise _refuse(path, f"the workbook cannot be unpacked ({exc})") from None


OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")  # the compound file an encrypted .xlsx or a .xls is


def _starts_with(path: Path, magic: bytes) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(len(magic)) == magic
    except OSError:
        return False


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float):  # 15 significant digits: a spreadsheet's own precision, without binary noise
        return f"{value:.0f}" if value.is_integer() else f"{value:.15g}"
    return str(value).strip()


def sheets(path) -> dict[str, Rows]:
    """Every sheet of the workbook at ``path`` (``.xlsx``/``.xlsm`` or ``.ods``) as rows of text."""
    path = Path(path)
    check_archive(path)
    if path.suffix.lower() == ".ods":
        return _ods_sheets(path)
    return _xlsx_sheets(path)


def _xlsx_sheets(path: Path) -> dict[str, Rows]:
    import openpyxl
    from defusedxml.common import DefusedXmlException

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            out = {}
            for sheet in book.worksheets:
                rows = []
                for n, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                    cells = [_text(v) for v in row]
                    while cells and cells[-1] == "":
                        cells.pop()
                    if cells:
                        rows.append((n, cells))
                out[sheet.title] = rows
            return out
        finally:
            book.close()
    except DefusedXmlException as exc:
        raise _refuse(path, f"the workbook's XML declares entities or a DTD, which are refused ({exc})") from None
    except AscbenchError:
        raise
    except Exception as exc:  # a damaged part: the reader's own words, located on the file
        cause: BaseException | None = exc
        while cause is not None and not isinstance(cause, DefusedXmlException):
            cause = cause.__cause__ or cause.__context__
        if cause is not None:  # openpyxl wraps the refusal in its own error
            raise _refuse(path, f"the workbook's XML declares entities or a DTD, which are refused ({cause})") from None
        first = str(exc).split(". ")[0]
        raise _refuse(path, f"cannot read the workbook ({type(exc).__name__}: {first})") from None


TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
MAX_REPEAT = 1000  # a repeated cell or row with content is expanded at most this many times


def _ods_cell(cell) -> str:
    kind = cell.get(f"{OFFICE}value-type")
    if kind in ("float", "percentage", "currency"):
        value = cell.get(f"{OFFICE}value")
        try:
            return _text(float(value))
        except (TypeError, ValueError):
            return str(value or "")
    if kind == "boolean":
        return str(cell.get(f"{OFFICE}boolean-value", "")).upper()
    paragraphs = []
    for p in cell.iter(f"{TEXT}p"):
        paragraphs.append("".join(p.itertext()))
    return "\n".join(paragraphs).strip()


def _ods_sheets(path: Path) -> dict[str, Rows]:
    from defusedxml.common import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        with zipfile.ZipFile(path) as archive:
            content = archive.read("content.xml")
        root = fromstring(content)
    except DefusedXmlException as exc:
        raise _refuse(path, f"the workbook's XML declares entities or a DTD, which are refused ({exc})") from None
    except (KeyError, ParseError, zipfile.BadZipFile, EOFError, zlib.error) as exc:
        raise _refuse(path, f"the workbook is damaged or truncated ({type(exc).__name__}: {exc})") from None
    out: dict[str, Rows] = {}
    for table in root.iter(f"{TABLE}table"):
        rows, n = [], 0
        for row in table.iter(f"{TABLE}table-row"):
            repeat_rows = int(row.get(f"{TABLE}number-rows-repeated", "1") or 1)
            cells = []
            for cell in row:
                if cell.tag not in (f"{TABLE}table-cell", f"{TABLE}covered-table-cell"):
                    continue
                text = _ods_cell(cell)
                repeat = int(cell.get(f"{TABLE}number-columns-repeated", "1") or 1)
                cells.extend([text] * (min(repeat, MAX_REPEAT) if text else min(repeat, 2 * MAX_REPEAT)))
            while cells and cells[-1] == "":
                cells.pop()
            if cells:
                for _ in range(min(repeat_rows, MAX_REPEAT)):
                    n += 1
                    rows.append((n, list(cells)))
            else:
                n += repeat_rows
        out[table.get(f"{TABLE}name", f"Sheet{len(out) + 1}")] = rows
    return out
