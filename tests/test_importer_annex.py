"""ASCOF time-series tables (DHSC, 2024-25): sheets cut from the real workbook
(tests/fixtures/official/PROVENANCE.md), read as CSV, as an .xlsx and as an .ods workbook,
with every value as the tables publish it."""

from __future__ import annotations

import csv
import re

import pandas as pd
import pytest
from click.testing import CliRunner

from ascbench.cli import cli
from tests.conftest import FIXTURES

OFFICIAL = FIXTURES / "official"
SHEETS = {
    name: OFFICIAL / f"ascof-2024-25-annex-{name.lower().replace('_', '-')}.csv"
    for name in ("Table_4b", "Table_1c", "Table_6a", "Table_6b")
}
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def _import(out, *paths):
    result = CliRunner().invoke(cli, ["import", "ascof", *map(str, paths), "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    obs = pd.read_csv(out / "observations-ascof.csv", keep_default_na=False, dtype={"value": str})
    return result, obs.set_index(["area_code", "period", "measure"])


def _check(obs):
    v = obs["value"]
    assert v[("E92000001", "2024-25", "ascof_4b.num")] == "130610"
    assert v[("E92000001", "2024-25", "ascof_4b.published")] == "91.2"
    assert v[("E08000023", "2024-25", "ascof_4b.num")] == "390"  # South Tyneside, as published
    assert obs.loc[("E08000023", "2024-25", "ascof_4b.published"), "status"] == "not applicable"  # [z]
    assert v[("E10000018", "2024-25", "ascof_4b.published")] == "95.3"  # 650 / 680, as the Q3 report prints it
    assert v[("CT-COUNTY", "2023-24", "ascof_4b.den")] == "46060"
    assert v[("E12000004", "2024-25", "ascof_4b.published")] == "92.2"
    # 1C (old 1D): the 2016-17 official value outside the brackets, the respondents as the Base
    assert (
        v[("E10000018", "2016-17", "ascof_pre2023_1c.published")] == "7.5"
        or v[("E10000018", "2016-17", "ascof_1c.published")] == "7.5"
    )
    # 6B by rating (the disaggregation) and its total
    assert any(m.startswith("ascof_6b_good.") for m in obs.index.get_level_values("measure"))
    assert v[("E92000001", "2024-25", "ascof_6b.num")] == "11287"


def test_annex_sheets_saved_as_csv(tmp_path):
    result, obs = _import(tmp_path / "o", *SHEETS.values())
    _check(obs)
    assert "ASCOF time-series table 4B (header at row 7)" in result.stderr
    assert "1 row(s) with no area code left out" in result.stderr and "Cornwall and Isles of Scilly" in result.stderr
    assert "3 numerators above their denominators kept as published" in result.stderr
    check = CliRunner().invoke(
        cli, ["validate", "--data", str(tmp_path / "o"), "--catalogue", str(tmp_path / "o" / "catalogue-ascof.yaml")]
    )
    assert check.exit_code == 0, check.stderr


def _rows(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def _xlsx(path):
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("Cover").write(0, 0, "Measures from the adult social care outcomes framework")
    for name, source in SHEETS.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(_rows(source)):
            for c, cell in enumerate(row):
                if NUMBER.match(cell):
                    sheet.write_number(r, c, float(cell))
                elif cell:
                    sheet.write_string(r, c, cell)
    book.close()


def _ods(path):
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    for name, source in SHEETS.items():
        table = Table(name=name)
        for row in _rows(source):
            tr = TableRow()
            for cell in row:
                if NUMBER.match(cell):
                    tc = TableCell(valuetype="float", value=cell)
                else:
                    tc = TableCell(valuetype="string")
                tc.addElement(P(text=cell))
                tr.addElement(tc)
            table.addElement(tr)
        doc.spreadsheet.addElement(table)
    doc.save(str(path))


@pytest.mark.parametrize("kind", ["xlsx", "ods"])
def test_annex_workbook(tmp_path, kind):
    path = tmp_path / f"ascof_2024_25.{kind}"
    (_xlsx if kind == "xlsx" else _ods)(path)
    result, obs = _import(tmp_path / "o", path)
    _check(obs)
    assert f"{path} [Table_4b]:11 E08000023 2024-25 ascof_4b 390 / 330" in result.stderr
    _, from_csv = _import(tmp_path / "c", *SHEETS.values())
    assert obs["value"].equals(from_csv["value"]) and obs["status"].equals(from_csv["status"])


def test_annex_unknown_column_is_located(tmp_path):
    rows = _rows(SHEETS["Table_4b"])
    rows[6][4] = "2023 to 2024 - mean"
    path = tmp_path / "table_4b.csv"
    with open(path, "w", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    result = CliRunner().invoke(cli, ["import", "ascof", str(path), "--out", str(tmp_path / "x")])
    assert result.exit_code == 1
    assert f"{path}:7: 2023 to 2024 - mean: unknown kind of value 'mean'" in result.stderr
