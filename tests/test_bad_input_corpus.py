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


def _filled(text: str, catalogue: Path, data: Path, tmp: Path) -> str:
    return text.replace("{catalogue}", str(catalogue)).replace("{data}", str(data)).replace("{tmp}", str(tmp))


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case(case, tmp_path):
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
