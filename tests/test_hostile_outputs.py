"""Outputs under hostile conditions: never onto an input or a special file, never half a set,
never markup or terminal control from the data; the reporting period never chosen silently."""

from __future__ import annotations

import os
import shutil

import pytest
from click.testing import CliRunner

from ascbench.cli import cli
from tests.conftest import FIXTURES

OTHER = FIXTURES / "othertown"


def _copy(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(OTHER / "data", data)
    catalogue = tmp_path / "metrics.yaml"
    shutil.copy(OTHER / "metrics.yaml", catalogue)
    return catalogue, data


def _run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_output_onto_an_input_file_is_refused_and_the_input_kept(tmp_path):
    catalogue, data = _copy(tmp_path)
    before = (data / "observations.csv").read_bytes()
    for target in (data / "observations.csv", catalogue):
        out = _run("rate", "--catalogue", catalogue, "--data", data, "--format", "csv", "-o", target)
        assert out.exit_code == 1 and "would overwrite an input of this command" in out.stderr
    assert (data / "observations.csv").read_bytes() == before


def test_output_onto_a_fifo_or_directory_is_refused(tmp_path):
    catalogue, data = _copy(tmp_path)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    for target in (fifo, tmp_path):
        out = _run("rate", "--catalogue", catalogue, "--data", data, "--format", "csv", "-o", target)
        assert out.exit_code in (1, 2) and "Traceback" not in out.output
    assert fifo.is_fifo()


def test_a_failed_dashboard_leaves_the_previous_set_whole(tmp_path, monkeypatch):
    catalogue, data = _copy(tmp_path)
    out = tmp_path / "dash"
    assert _run("dashboard", "--catalogue", catalogue, "--data", data, "--out", out).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (data / "dataset.yaml").write_text((data / "dataset.yaml").read_text().replace("title:", "title: Changed"))

    import ascbench.io.atomic as atomic

    real = os.replace
    calls = []

    def failing_replace(src, dst):
        calls.append(dst)
        if len(calls) == 3:  # the third rename of the set fails
            raise OSError(28, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(atomic.os, "replace", failing_replace)
    result = _run("dashboard", "--catalogue", catalogue, "--data", data, "--out", out)
    monkeypatch.setattr(atomic.os, "replace", real)
    assert result.exit_code != 0
    after = {p.name: p.read_bytes() for p in out.iterdir()}
    assert after == before  # the two files already renamed were put back; nothing staged is left


def test_markdown_escapes_markup_and_line_breaks_from_the_data(tmp_path):
    catalogue, data = _copy(tmp_path)
    text = catalogue.read_text().replace(
        "title: Falls admissions per 1,000 people aged 80+", 'title: "<script>alert(1)</script> Falls\\nnew line"'
    )
    catalogue.write_text(text)
    out = _run("rate", "--catalogue", catalogue, "--data", data, "--format", "markdown")
    assert out.exit_code == 0, out.stderr
    assert "<script>" not in out.stdout and "&lt;script&gt;alert(1)&lt;/script&gt; Falls new line" in out.stdout


def test_terminal_escape_sequences_from_the_data_never_reach_the_terminal(tmp_path):
    catalogue, data = _copy(tmp_path)
    catalogue.write_text(
        catalogue.read_text().replace(
            "title: Falls admissions per 1,000 people aged 80+", 'title: "\\e[2J\\e]0;owned\\a Falls"'
        )
    )
    out = _run("rate", "--catalogue", catalogue, "--data", data, "--no-color")
    assert out.exit_code == 0, out.stderr
    assert "\x1b" not in out.stdout and "\x07" not in out.stdout and "Falls" in out.stdout
    bad = _run("rate", "--catalogue", catalogue, "--data", data, "--metric", "\x1b[31mnope")
    assert bad.exit_code == 1 and "\x1b" not in bad.stderr


def test_the_reporting_period_is_never_chosen_silently(tmp_path):
    catalogue, data = _copy(tmp_path)
    out = _run("rate", "--catalogue", catalogue, "--data", data, "--format", "csv")
    assert "the latest period in the data, as no --period or default_period is given" in out.stderr
    # a withheld latest count does not move the dashboard back a period
    obs = data / "observations.csv"
    obs.write_text(obs.read_text().replace("X99000001,2031-32,falls,45,,made up", "X99000001,2031-32,falls,c,,made up"))
    out = _run("rate", "--catalogue", catalogue, "--data", data, "--format", "csv", "--metric", "falls")
    assert out.exit_code == 0, out.stderr
    assert "as at 2031-32" in out.stderr and ",suppressed," in out.stdout
    late = _run("rate", "--catalogue", catalogue, "--data", data, "--period", "2040-41")
    assert late.exit_code == 1 and "no data as at 2040-41: the latest period in the data is" in late.stderr


@pytest.mark.parametrize("value", ["1e28", "1e300"])
def test_huge_values_render(tmp_path, value):
    catalogue, data = _copy(tmp_path)
    obs = data / "observations.csv"
    obs.write_text(obs.read_text().replace("X99000001,2031-32,falls,45,", f"X99000001,2031-32,falls,{value},"))
    for fmt in ("table", "markdown", "csv", "json"):
        out = _run("rate", "--catalogue", catalogue, "--data", data, "--format", fmt, "--metric", "falls")
        assert out.exit_code == 0 and "Traceback" not in out.output, out.stderr


@pytest.mark.parametrize("option", ["--chart", "--funnel"])
def test_rank_charts_never_overwrite_an_input(tmp_path, option):
    import shutil

    from click.testing import CliRunner

    from ascbench.cli import cli
    from ascbench.sources import embedded_root

    root = tmp_path / "copy"
    shutil.copytree(embedded_root(), root)
    catalogue = root / "metrics.yaml"
    before = catalogue.read_bytes()
    out = CliRunner().invoke(
        cli,
        [
            "rank",
            "--catalogue",
            str(catalogue),
            "--data",
            str(root / "data"),
            "--metric",
            "ASCOF_2B",
            "--period",
            "2023-24",
            option,
            str(catalogue),
        ],
    )
    assert out.exit_code == 1 and f"{option}: the output would overwrite an input" in out.stderr
    assert catalogue.read_bytes() == before
