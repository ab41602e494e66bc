"""Hostile and damaged inputs to the importers: workbooks that are entity or decompression
bombs or truncated, an existing areas.csv saved by Excel (Windows-1252), and re-imports that
would drop earlier rows. Each is exit 1 with one located line, never exit 70, nothing written."""

from __future__ import annotations

import time
import zipfile

import pandas as pd
import pytest
from click.testing import CliRunner

from ascbench.cli import cli
from tests.conftest import FIXTURES

OFFICIAL = FIXTURES / "official"
LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    + "]>\n"
)


def _refused(tmp_path, source, path, words):
    out = tmp_path / "out"
    started = time.monotonic()
    result = CliRunner().invoke(cli, ["import", source, str(path), "--out", str(out)])
    assert time.monotonic() - started < 20
    assert result.exit_code == 1, result.stderr
    assert "Traceback" not in result.output and "internal error" not in result.stderr
    assert result.stderr.count("\n") == 1 and str(path) in result.stderr and words in result.stderr, result.stderr
    assert not out.exists()


def _workbook(path):
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("MYE2 - Persons")
    sheet.write_row(0, 0, ["Code", "Name", "Geography", "All ages", *map(str, range(90)), "90+"])
    sheet.write_row(1, 0, ["E06000016", "Leicester", "Unitary", 91, *([1] * 91)])
    book.close()


def _rewrite(src, dst, replace: dict):
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as b:
        for info in a.infolist():
            b.writestr(info.filename, replace.get(info.filename, a.read(info.filename)))


def test_an_xlsx_entity_bomb_is_refused(tmp_path):
    good = tmp_path / "good-mid2023.xlsx"
    _workbook(good)
    bad = tmp_path / "bomb-mid2023.xlsx"
    body = (
        LAUGHS
        + '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
    )
    _rewrite(good, bad, {"xl/worksheets/sheet1.xml": body.encode()})
    _refused(tmp_path, "ons", bad, "declares entities or a DTD")


def test_an_ods_entity_bomb_is_refused(tmp_path):
    bad = tmp_path / "ascof_2024_25.ods"
    content = (
        LAUGHS
        + '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"><x>&lol9;</x></office:document-content>'
    )
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
    _refused(tmp_path, "ascof", bad, "declares entities or a DTD")


def test_a_truncated_workbook_is_refused(tmp_path):
    good = tmp_path / "good-mid2023.xlsx"
    _workbook(good)
    bad = tmp_path / "cut-mid2023.xlsx"
    bad.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    _refused(tmp_path, "ons", bad, "damaged or truncated")


@pytest.mark.parametrize("members", [1, 400])
def test_a_decompression_bomb_is_refused_by_what_it_expands_to(tmp_path, members):
    """One member of 200 MiB of zeros, or 400 members of 0.5 MiB: the same real expansion,
    refused before any XML is parsed, quickly and without the memory it would take."""
    good = tmp_path / "good-mid2023.xlsx"
    _workbook(good)
    bad = tmp_path / "bomb-mid2023.xlsx"
    size = 200 * 2**20 // members
    with zipfile.ZipFile(good) as a, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as b:
        for info in a.infolist():
            b.writestr(info.filename, a.read(info.filename))
        for i in range(members):
            with b.open(f"xl/media/padding{i}.xml", "w") as handle:
                chunk = b"\0" * min(size, 2**20)
                for _ in range(size // len(chunk)):
                    handle.write(chunk)
    _refused(tmp_path, "ons", bad, "decompression bomb")


def test_an_existing_areas_csv_in_windows_1252_is_merged(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "areas.csv").write_bytes(
        "area_code,area_name,area_type,region\nW99000001,Caf\xe9 Town,council,\n".encode("cp1252")
    )
    result = CliRunner().invoke(cli, ["import", "ascof", str(OFFICIAL / "ascof-2024-25.csv"), "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    areas = pd.read_csv(out / "areas.csv", dtype=str, keep_default_na=False).set_index("area_code")
    assert areas.loc["W99000001", "area_name"] == "Café Town" and "E10000018" in areas.index


def test_a_reimport_that_would_drop_rows_says_so(tmp_path):
    out = tmp_path / "out"
    stacked, later = OFFICIAL / "ascof-stacked-2017-2024.csv", OFFICIAL / "ascof-2024-25.csv"
    first = CliRunner().invoke(cli, ["import", "ascof", str(stacked), "--out", str(out)])
    assert first.exit_code == 0, first.stderr
    before = (out / "observations-ascof.csv").read_bytes()
    refused = CliRunner().invoke(cli, ["import", "ascof", str(later), "--out", str(out)])
    assert refused.exit_code == 1
    assert (
        "observations-ascof.csv holds 81 rows this import does not have (periods 2017-18, 2019-20, 2022-23, 2023-24)"
        in refused.stderr
    )
    assert "--append to keep them beside the new rows, or --replace to drop them" in refused.stderr
    assert (out / "observations-ascof.csv").read_bytes() == before
    kept = CliRunner().invoke(cli, ["import", "ascof", str(later), "--out", str(out), "--append"])
    assert kept.exit_code == 0, kept.stderr
    assert "kept 81 earlier rows (periods 2017-18, 2019-20, 2022-23, 2023-24); 0 rows given again" in kept.stderr
    obs = pd.read_csv(out / "observations-ascof.csv", keep_default_na=False)
    assert len(obs) == 81 + 29 and {"2017-18", "2024-25"} <= set(obs["period"])
    fragment = (out / "catalogue-ascof.yaml").read_text()
    assert "id: ASCOF_PRE2023_4B," in fragment and "id: ASCOF_2A," in fragment  # metrics of both files
    check = CliRunner().invoke(cli, ["validate", "--data", str(out), "--catalogue", str(out / "catalogue-ascof.yaml")])
    assert check.exit_code == 0, check.stderr
    again = CliRunner().invoke(cli, ["import", "ascof", str(later), "--out", str(out)])
    assert again.exit_code == 1  # the 81 are still not in the new file
    dropped = CliRunner().invoke(cli, ["import", "ascof", str(later), "--out", str(out), "--replace"])
    assert dropped.exit_code == 0 and "81 earlier rows dropped" in dropped.stderr
    assert len(pd.read_csv(out / "observations-ascof.csv")) == 29
    same = CliRunner().invoke(cli, ["import", "ascof", str(later), "--out", str(out)])
    assert same.exit_code == 0 and "29 earlier rows given again (0 with a new value), 0 new rows" in same.stderr
