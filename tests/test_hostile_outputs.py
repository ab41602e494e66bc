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
    out = _run("rate", "--catalogue", catalogue, "--data", data, "--format", "csv", "-o", catalogue)
    assert out.exit_code == 1 and "ascbench rate cannot write a .yaml file" in out.stderr
    plain = tmp_path / "catalogue"  # no extension, so only the input rule refuses it
    plain.write_bytes(catalogue.read_bytes())
    out = _run("rate", "--catalogue", plain, "--data", data, "--format", "csv", "-o", plain)
    assert out.exit_code == 1 and "would overwrite an input of this command" in out.stderr
    assert plain.read_bytes() == catalogue.read_bytes()
    for target in (data / "observations.csv", data / "observations-new.csv", data / "sub" / "x.csv"):
        out = _run("rate", "--catalogue", catalogue, "--data", data, "--format", "csv", "-o", target)
        assert (
            out.exit_code == 1 and f"is inside the data directory {data}, where later runs would read it" in out.stderr
        )
    assert (data / "observations.csv").read_bytes() == before
    assert sorted(p.name for p in data.iterdir()) == ["areas.csv", "dataset.yaml", "observations.csv"]


def test_output_onto_a_fifo_or_directory_is_refused(tmp_path):
    catalogue, data = _copy(tmp_path)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    for target, what in ((fifo, "not a regular file"), (tmp_path, "a directory")):
        out = _run("rate", "--catalogue", catalogue, "--data", data, "--format", "csv", "-o", target)
        assert out.exit_code == 1 and f"{target}: --output: the output is {what}" in out.stderr
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
    assert out.exit_code == 1 and f"{option}: ascbench rank cannot write a .yaml file" in out.stderr
    assert catalogue.read_bytes() == before
    inside = root / "data" / "league.svg"  # an SVG, but inside the data directory
    args = ["rank", "--catalogue", str(catalogue), "--data", str(root / "data"), "--metric", "ASCOF_2B"]
    out = CliRunner().invoke(cli, [*args, "--period", "2023-24", option, str(inside)])
    assert out.exit_code == 1 and f"{option}: the output is inside the data directory" in out.stderr
    assert not inside.exists()


def test_two_invocations_in_one_process_keep_their_own_inputs(tmp_path):
    """The inputs an output must keep out of belong to one invocation: reading one data
    directory does not forbid writing into another directory in the next command."""
    first_catalogue, first = _copy(tmp_path / "one")
    second_catalogue, second = _copy(tmp_path / "two")
    out = _run("rate", "--catalogue", first_catalogue, "--data", first, "-o", tmp_path / "a.csv")
    assert out.exit_code == 0, out.stderr
    report = first / "reports" / "b.csv"  # inside the first call's data, not this one's
    out = _run("rate", "--catalogue", second_catalogue, "--data", second, "-o", report)
    assert out.exit_code == 0, out.stderr
    assert report.read_text().startswith("metric_id,")
    out = _run("rate", "--catalogue", second_catalogue, "--data", second, "-o", second / "b.csv")
    assert out.exit_code == 1 and "is inside the data directory" in out.stderr


def test_an_output_extension_names_its_format(tmp_path):
    import openpyxl

    catalogue, data = _copy(tmp_path)
    book = tmp_path / "rates.xlsx"
    out = _run("rate", "--catalogue", catalogue, "--data", data, "-o", book)
    assert out.exit_code == 0, out.stderr
    workbook = openpyxl.load_workbook(book)
    assert workbook.sheetnames[:2] == ["Headline", "Dashboard"]  # the headline first
    sheet = workbook["Dashboard"]
    cells = [c.value for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "Othertown (made up)" in cells and "Falls admissions per 1,000 people aged 80+" in cells
    refused = {
        ("rank", "--metric", "falls", "-o", tmp_path / "league.xlsx"): (
            "ascbench rank cannot write a .xlsx file (expected a file name ending .csv, .json, .md, .markdown, "
            ".txt, or without an extension)"
        ),
        ("rate", "-o", tmp_path / "rates.pdf"): "ascbench rate cannot write a .pdf file",
        ("narrate", "-o", tmp_path / "story.html"): (
            "ascbench narrate cannot write a .html file (expected a file name ending .txt, .md, .markdown, or "
            "without an extension)"
        ),
        ("rate", "--format", "xlsx"): "--format: --format xlsx writes a file, not the terminal (expected -o NAME.xlsx)",
    }
    for args, message in refused.items():
        out = _run(args[0], "--catalogue", catalogue, "--data", data, *args[1:])
        assert out.exit_code == 1 and message in out.stderr, out.stderr
        assert len(out.stderr.strip().splitlines()) <= 2  # the as-at line at most, then the one error
    assert not (tmp_path / "league.xlsx").exists() and not (tmp_path / "rates.pdf").exists()


def test_metrics_never_writes_onto_its_catalogue(tmp_path):
    catalogue, _ = _copy(tmp_path)
    plain = tmp_path / "catalogue"
    plain.write_bytes(catalogue.read_bytes())
    out = _run("metrics", "--catalogue", plain, "-o", plain)
    assert out.exit_code == 1 and "would overwrite an input of this command" in out.stderr
    assert plain.read_bytes() == catalogue.read_bytes()


def test_a_dashboard_directory_that_is_a_file_is_exit_1(tmp_path):
    catalogue, data = _copy(tmp_path)
    (tmp_path / "dash").write_text("not a directory")
    out = _run("dashboard", "--catalogue", catalogue, "--data", data, "--out", tmp_path / "dash")
    assert out.exit_code == 1 and "--out: --out is a file, not a directory" in out.stderr
    out = _run("dashboard", "--catalogue", catalogue, "--data", data, "--out", data)
    assert out.exit_code == 1 and "--out: the output is inside the data directory" in out.stderr
    assert sorted(p.name for p in data.iterdir()) == ["areas.csv", "dataset.yaml", "observations.csv"]


def test_links_and_images_from_the_data_are_text_in_markdown(tmp_path):
    catalogue, data = _copy(tmp_path)
    catalogue.write_text(
        catalogue.read_text()
        .replace(
            "title: Falls admissions per 1,000 people aged 80+",
            'title: "Falls [click here](https://evil.example) ![x](https://evil.example/p.png) `code`"',
        )
        .replace("  first: Our first priority", "  first: '[priority](javascript:alert(1))'")
    )
    areas = data / "areas.csv"
    areas.write_text(areas.read_text().replace("X99000001,Othertown,", "X99000001,[Othertown](https://evil.example),"))
    out = tmp_path / "dash"
    assert _run("dashboard", "--catalogue", catalogue, "--data", data, "--out", out).exit_code == 0
    text = (out / "dashboard.md").read_text()
    assert "](" not in text.replace("\\](", "")  # no [text](url) or ![alt](src) left to render
    assert "Falls \\[click here\\](https://evil.example) !\\[x\\](https://evil.example/p.png) \\`code\\`" in text
    assert "## \\[priority\\](javascript:alert(1))" in text
    rank = _run("rank", "--catalogue", catalogue, "--data", data, "--metric", "falls", "--format", "markdown")
    assert rank.exit_code == 0, rank.stderr
    assert "| \\[Othertown\\](https://evil.example) |" in rank.stdout


def test_bidi_controls_are_removed_from_html_as_from_the_terminal(tmp_path):
    from ascbench.errors import printable

    catalogue, data = _copy(tmp_path)
    title = "Falls \u202eevil\u202c \u2066isolate\u2069 \u200emark\u200f"
    catalogue.write_text(
        catalogue.read_text().replace("title: Falls admissions per 1,000 people aged 80+", f'title: "{title}"')
    )
    out = tmp_path / "dash"
    assert _run("dashboard", "--catalogue", catalogue, "--data", data, "--out", out).exit_code == 0
    html = (out / "dashboard.html").read_text()
    for control in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f":
        assert control not in html
    assert printable(title) in html  # the terminal's rule: the same text, controls out
    assert "Falls evil isolate mark" in html


def test_rank_and_forecast_write_markdown(tmp_path):
    """The README's own example: rank and forecast --format markdown (a KeyError before)."""
    catalogue, data = _copy(tmp_path)
    rank = _run("rank", "--catalogue", catalogue, "--data", data, "--metric", "falls", "--format", "markdown")
    assert rank.exit_code == 0, rank.stderr
    lines = rank.stdout.splitlines()
    assert lines[0].startswith("| metric_id | period | group | area_code | area_name | value |")
    assert "| falls | 2031-32 | all | X99000001 | Othertown | 3.75 |" in rank.stdout  # 45 per 12,000 x 1,000
    forecast = _run("forecast", "--catalogue", catalogue, "--data", data, "--format", "markdown")
    assert forecast.exit_code == 0, forecast.stderr
    assert forecast.stdout.startswith("| metric_id | area_code | period | value |")


def test_a_period_before_the_first_data_is_a_located_error(tmp_path):
    catalogue, data = _copy(tmp_path)
    for command in (["rate"], ["dashboard", "--out", tmp_path / "dash"], ["narrate"], ["forecast"]):
        out = _run(*command, "--catalogue", catalogue, "--data", data, "--period", "2010-11")
        assert out.exit_code == 1, out.stderr
        assert out.stderr.strip().splitlines()[-1] == (
            "ascbench: error: --period: no data as at 2010-11 (2010/11): the earliest period in the data is "
            "2030-31-YTD-Q2 (to 2030-09-30) (expected a reporting period ending on or after 2030-09-30)"
        )
    assert not (tmp_path / "dash").exists()
    settings = data / "dataset.yaml"
    settings.write_text(settings.read_text() + "default_period: 2029-30\n")
    out = _run("rate", "--catalogue", catalogue, "--data", data)
    assert out.exit_code == 1 and f"error: {settings}: default_period: no data as at 2029-30" in out.stderr
