"""The corpus of bad and messy inputs (tests/corpus/cases.yaml): each case gives its exact
located message and exit status through ``ascbench validate`` (or the command in its ``run``,
with text its stdout must hold in ``stdout``), and never a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from ascbench.cli import cli
from tests.conftest import FIXTURES

CASES = yaml.safe_load((Path(__file__).parent / "corpus" / "cases.yaml").read_text())
BASE = FIXTURES / "othertown"


def prepare(case: dict, tmp: Path) -> tuple[Path, Path]:
    data = tmp / "data"
    shutil.copytree(BASE / "data", data)
    catalogue = tmp / "metrics.yaml"
    text = (BASE / "metrics.yaml").read_text()
    if "catalogue" in case:
        text = case["catalogue"]
    for old, new in case.get("catalogue_replace", []):
        assert old in text, f"case {case['name']}: {old!r} not in the base catalogue"
        text = text.replace(old, new, 1)
    catalogue.write_text(text)
    if "write_catalogue_bytes" in case:
        catalogue.write_bytes(case["write_catalogue_bytes"].encode("latin-1"))
    for name, content in (case.get("write") or {}).items():
        (data / name).write_text(content)
    for name, content in (case.get("write_bytes") or {}).items():
        (data / name).write_bytes(content.encode("latin-1"))  # \x96 etc. are the file's bytes
    for name, content in (case.get("append") or {}).items():
        with open(data / name, "a") as handle:
            handle.write(content)
    for name, pairs in (case.get("replace") or {}).items():
        body = (data / name).read_text()
        for old, new in pairs:
            assert old in body, f"case {case['name']}: {old!r} not in {name}"
            body = body.replace(old, new, 1)
        (data / name).write_text(body)
    if "bom" in case:
        path = data / case["bom"]
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    if "crlf" in case:
        path = data / case["crlf"]
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    if "delete" in case:
        (data / case["delete"]).unlink()
    return catalogue, data


def test_corpus_is_large_enough():
    assert len(CASES) >= 60
    assert len({c["name"] for c in CASES}) == len(CASES)


VALIDATE_CASES = [c for c in CASES if "import" not in c]
IMPORT_CASES = [c for c in CASES if "import" in c]


def _filled(text: str, catalogue: Path, data: Path, tmp: Path) -> str:
    return text.replace("{catalogue}", str(catalogue)).replace("{data}", str(data)).replace("{tmp}", str(tmp))


@pytest.mark.parametrize("case", VALIDATE_CASES, ids=[c["name"] for c in VALIDATE_CASES])
def test_case(case, tmp_path):
    if case.get("command") == "cld":
        return cld_case(case, tmp_path)
    catalogue, data = prepare(case, tmp_path)
    before = {p: p.read_bytes() for p in data.iterdir()}
    command = [_filled(a, catalogue, data, tmp_path) for a in case.get("run", ["validate"])]
    out = CliRunner().invoke(cli, [*command, "--catalogue", str(catalogue), "--data", str(data)])
    assert "Traceback" not in out.output
    assert out.exception is None or isinstance(out.exception, SystemExit)
    lines = out.stderr.splitlines()
    for expected in case["expect"]:
        assert _filled(expected, catalogue, data, tmp_path) in lines, "\n".join(lines)
    for expected in case.get("stdout", []):
        assert _filled(expected, catalogue, data, tmp_path) in out.stdout, out.stdout
    assert out.exit_code == case["exit"], out.stderr
    assert {p: p.read_bytes() for p in data.iterdir()} == before  # inputs are never modified
    if case["exit"] == 1 and "run" not in case:
        # the same problem stops `rate` with one located line and status 1
        rate = CliRunner().invoke(
            cli,
            [
                "rate",
                "--catalogue",
                str(catalogue),
                "--data",
                str(data),
                "-o",
                str(tmp_path / "out.csv"),
                "--format",
                "csv",
            ],
        )
        assert rate.exit_code == 1 and rate.stderr.startswith("ascbench: error: ")
        assert len(rate.stderr.strip().splitlines()) == 1
        assert not (tmp_path / "out.csv").exists()


def _hostile_workbook(kind: str, path: Path) -> None:
    """Workbooks that must be refused with one located line: an XML entity bomb (.xlsx,
    .ods), a truncated archive, a decompression bomb (200 MiB of zeros in 200 KB), a
    password-protected workbook (a compound file, not a zip)."""
    import zipfile

    laughs = (
        '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
        + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
        + "]>"
    )
    if kind == "encrypted-xlsx":  # Excel's "Encrypt with password" writes a compound (OLE) file
        path.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504 + b"EncryptionInfo" + b"\0" * 1522)
        return
    if kind == "entity-bomb-ods":
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
            z.writestr("content.xml", laughs + "<doc>&i;</doc>")
        return
    import xlsxwriter

    good = path.with_suffix(".good.xlsx")
    book = xlsxwriter.Workbook(str(good))
    book.add_worksheet("MYE2 - Persons").write_row(0, 0, ["Code", "Name", "All ages"])
    book.close()
    data = good.read_bytes()
    if kind == "truncated-xlsx":
        path.write_bytes(data[: len(data) // 2])
        return
    with zipfile.ZipFile(good) as a, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as b:
        for info in a.infolist():
            body = a.read(info.filename)
            if kind == "entity-bomb-xlsx" and info.filename == "xl/worksheets/sheet1.xml":
                body = (
                    laughs
                    + '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/>&i;</worksheet>'
                ).encode()
            b.writestr(info.filename, body)
        if kind == "zip-bomb-xlsx":
            with b.open("xl/media/padding.bin", "w") as handle:
                for _ in range(200):
                    handle.write(b"\0" * 2**20)


@pytest.mark.parametrize("case", IMPORT_CASES, ids=[c["name"] for c in IMPORT_CASES])
def test_import_case(case, tmp_path):
    spec = case["import"]
    official = FIXTURES / "official"
    path = tmp_path / spec.get("name", spec.get("from", "input.csv"))
    if "build" in spec:
        _hostile_workbook(spec["build"], path)
    else:
        text = spec["text"] if "text" in spec else (official / spec["from"]).read_text(encoding="utf-8")
        lines = text.splitlines(keepends=True)
        if "drop_lines" in spec:
            lines = [x for x in lines if not any(d in x for d in spec["drop_lines"])]
        if "repeat_line" in spec:
            lines.append(next(x for x in lines if spec["repeat_line"] in x))
        path.write_text("".join(lines), encoding="utf-8")
    out = tmp_path / "out"
    for name, content in (spec.get("existing") or {}).items():
        out.mkdir(exist_ok=True)
        (out / name).write_bytes(content.encode("latin-1"))
    before = {p.name: p.read_bytes() for p in out.iterdir()} if out.exists() else {}
    result = CliRunner().invoke(cli, ["import", spec["source"], str(path), "--out", str(out)])
    assert "Traceback" not in result.output and "internal error" not in result.stderr, result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.stderr.splitlines()
    fill = {"{file}": str(path), "{out}": str(out)}

    def filled(text):
        for k, v in fill.items():
            text = text.replace(k, v)
        return text

    for expected in case["expect"]:
        assert filled(expected) in lines, "\n".join(lines)
    if "expect_start" in case:
        assert len(lines) == 1 and lines[0].startswith(filled(case["expect_start"])), result.stderr
    if "expect_in" in case:
        assert case["expect_in"] in result.stderr
    assert result.exit_code == case["exit"], result.stderr
    if case["exit"] == 1:
        assert len(lines) == 1 and lines[0].startswith("ascbench: error: ")
        after = {p.name: p.read_bytes() for p in out.iterdir()} if out.exists() else {}
        assert after == before  # nothing half-written
    else:
        check = CliRunner().invoke(
            cli, ["validate", "--data", str(out), "--catalogue", str(out / f"catalogue-{spec['source']}.yaml")]
        )
        assert check.exit_code == 0, check.stderr
    for name, start in (case.get("written") or {}).items():  # a row of the written file, from its start
        assert any(x.startswith(start) for x in (out / name).read_text(encoding="utf-8").splitlines())


def cld_case(case, tmp_path, engine=None):
    """A CLD extract case (``command: cld``): ``files`` written into the folder ``{dir}``,
    ``ascbench cld FILES --period P`` through both engines, the same lines and status."""
    for name, content in case["files"].items():
        (tmp_path / name).write_text(content)
    for engine in ("duckdb", "pandas"):
        out_dir = tmp_path / f"out-{engine}"
        args = ["cld", *(str(tmp_path / f) for f in case["files"]), *case.get("args", ["--period", "2025-26"])]
        out = CliRunner().invoke(cli, [*args, "--engine", engine, "--out", str(out_dir)])
        assert "Traceback" not in out.output
        assert out.exception is None or isinstance(out.exception, SystemExit)
        lines = out.stderr.splitlines()
        for expected in case["expect"]:
            assert expected.replace("{dir}", str(tmp_path)) in lines, "\n".join(lines)
        assert out.exit_code == case["exit"], out.stderr
        assert out_dir.exists() == (case["exit"] == 0)  # all outputs or none
        for name, value in (case.get("counts") or {}).items():
            obs = {
                r.split(",")[2]: r.split(",")[3] for r in (out_dir / "observations-cld.csv").read_text().splitlines()
            }
            assert obs[name] == str(value), (engine, name, obs.get(name))
