"""The CLI end to end: through click's runner, and as a real subprocess of the installed
console script (and ``python -m ascbench``)."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from ascbench.cli import cli
from tests.conftest import DEFAULT_DATA, FIXTURES, ROOT

REQUIRED = [
    "metric_id",
    "area_code",
    "period",
    "numerator",
    "denominator",
    "value",
    "unit",
    "comparator",
    "comparator_value",
    "rating",
    "rag",
    "dot",
    "previous_period",
    "previous_value",
]


def invoke(*args, **kwargs):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False, **kwargs)


def test_rate_csv_has_the_documented_columns_and_only_data_on_stdout():
    out = invoke("rate", "--format", "csv")
    assert out.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert set(REQUIRED) <= set(rows[0])
    by_id = {r["metric_id"]: r for r in rows}
    a = by_id["ASCOF_2A"]
    assert (a["numerator"], a["denominator"], a["comparator_value"], a["rating"]) == ("1917", "2749", "77.1", "worse")
    assert float(a["value"]) == pytest.approx(1917 / 2749 * 100)
    assert by_id["ASCOF_2C"]["rating"] == "better"
    assert "warning" not in out.stdout  # messages go to stderr


def test_rate_json_and_metric_filter():
    out = invoke("rate", "--format", "json", "--metric", "ASCOF_2A", "--metric", "local_annual_review")
    data = json.loads(out.stdout)
    assert [r["metric_id"] for r in data] == ["ASCOF_2A", "local_annual_review"]
    assert data[1]["numerator"] == 4140 and data[1]["comparator_value"] == 59.1
    assert data[0]["previous_value"] == pytest.approx(2067 / 2805 * 100)


def test_rate_table_and_markdown_show_the_dashboard():
    table = invoke("rate", "--long", "--tag", "appendix-a", "--width", "100").stdout
    for heading in ("PREVENT NEED", "REDUCE NEED", "DELAY NEED", "MEET NEED"):
        assert heading in table
    assert "69.7% (1,917 out of 2,749)" in table.replace("\n", " ") or "69.7%" in table
    assert max(len(line) for line in table.splitlines()) <= 100
    md = invoke("rate", "--format", "markdown", "--tag", "appendix-a").stdout
    assert (
        "| ASCOF 2A | % of people who had no need for ongoing services following reablement | High | 77.1% 24/25 Nat. Ave | worse (red) |"
        in md
    )
    assert md.count("\n| ") == 25 + 4  # 25 metric rows and 4 header rows


def test_unknown_metric_suggests_and_exits_1():
    out = CliRunner().invoke(cli, ["rate", "--metric", "ASCOF_4BB"])
    assert out.exit_code == 1
    assert out.stderr.strip() == (
        "ascbench: error: --metric: no metric 'ASCOF_4BB' in the catalogue; did you mean "
        "'ASCOF_4B'? (expected an id listed by 'ascbench metrics')"
    )


def test_bad_period_exits_1_and_usage_error_exits_2():
    out = CliRunner().invoke(cli, ["rate", "--period", "Q3"])
    assert out.exit_code == 1 and "--period: 'Q3' is not a period" in out.stderr
    out = CliRunner().invoke(cli, ["rate", "--format", "xml"])
    assert out.exit_code == 2


def test_fail_on_gate():
    out = CliRunner().invoke(cli, ["rate", "--format", "csv", "--fail-on", "red"])
    assert out.exit_code == 3 and "ASCOF_2A" in out.stderr
    out = CliRunner().invoke(cli, ["rate", "--format", "csv", "--metric", "ASCOF_2C", "--fail-on", "red"])
    assert out.exit_code == 0


def test_output_file_is_written_atomically(tmp_path):
    target = tmp_path / "out" / "dash.csv"
    out = invoke("rate", "--format", "csv", "-o", str(target))
    assert out.exit_code == 0 and out.stdout == ""
    assert target.read_text().startswith("metric_id,")
    assert [p.name for p in target.parent.iterdir()] == ["dash.csv"]


def test_metrics_lists_the_catalogue():
    out = invoke("metrics", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert len(rows) >= 25 and rows[0]["metric_id"] == "ASCOF_3C1"


def test_validate_passes_the_default_and_strict_fails_on_a_warning(tmp_path):
    out = invoke("validate")
    # the published ASCOF 2024-25 tables give three 4B numerators above their denominators
    # (outcome [z], their note 16): kept as published and said, never a value above 100%
    assert out.exit_code == 0 and "0 problems, 3 warnings" in out.stderr
    assert "ASCOF_4B: numerator 390 is above its denominator 330 for E08000023 2024-25" in out.stderr
    data = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA, data)
    own = data / "observations-national-ascof.csv"
    text = own.read_text()
    assert "E10000018,2024-25,ascof_2a.published,73.7," in text
    own.write_text(
        text.replace("E10000018,2024-25,ascof_2a.published,73.7,", "E10000018,2024-25,ascof_2a.published,75.7,")
    )
    out = invoke("validate", "--data", str(data))
    assert out.exit_code == 0 and "ASCOF_2A E10000018 2024-25: 2067 / 2805 gives 73.69" in out.stderr
    assert "0 problems, 4 warnings" in out.stderr
    assert invoke("validate", "--data", str(data), "--strict").exit_code == 1


def test_validate_lists_every_problem(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "othertown" / "data", data)
    with open(data / "observations.csv", "a") as f:
        f.write("X99000001,2031-32,meals,12a,,bad\nX99000009,2031-32,meals,1,,bad\n")
    out = CliRunner().invoke(
        cli, ["validate", "--catalogue", str(FIXTURES / "othertown" / "metrics.yaml"), "--data", str(data)]
    )
    assert out.exit_code == 1
    assert "observations.csv:21: value: '12a' is not a number" in out.stderr
    assert "observations.csv:22: area_code: unknown area code 'X99000009'" in out.stderr
    assert "2 problems" in out.stderr


# ---------------------------------------------------------------------------- subprocesses
def _console_script() -> str:
    exe = shutil.which("ascbench", path=os.path.dirname(sys.executable)) or shutil.which("ascbench")
    if not exe:
        pytest.skip("the ascbench console script is not installed")
    return exe


def test_console_script_runs_as_a_real_process():
    proc = subprocess.run(
        [_console_script(), "rate", "--format", "csv", "--metric", "ASCOF_2A"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    row = next(csv.DictReader(io.StringIO(proc.stdout)))
    assert row["metric_id"] == "ASCOF_2A" and row["rating"] == "worse"


def test_console_script_finds_the_default_data_from_any_directory(tmp_path):
    proc = subprocess.run(
        [_console_script(), "rate", "--format", "csv", "--metric", "ASCOF_2C"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "ASCOF_2C" in proc.stdout


def test_python_dash_m_and_error_is_one_line_without_traceback(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "ascbench", "rate", "--data", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert "no areas.csv in the data directory" in proc.stderr


def test_help_does_not_import_pandas():
    code = (
        "import sys\nfrom ascbench.cli import cli\n"
        "try:\n    cli(['--help'], prog_name='ascbench')\nexcept SystemExit:\n    pass\n"
        "for cmd in ('rate', 'validate', 'metrics'):\n"
        "    try:\n        cli([cmd, '--help'], prog_name='ascbench')\n    except SystemExit:\n        pass\n"
        "print('PANDAS' if 'pandas' in sys.modules else 'NO-PANDAS', file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.stderr.strip().endswith("NO-PANDAS")
    assert "Commands:" in proc.stdout


def test_a_real_process_writes_its_file_and_status_before_it_ends(tmp_path):
    """main() ends the process with os._exit after flushing: the output file must be
    complete, the message on stderr, and --fail-on's exit status kept."""
    out = tmp_path / "r.csv"
    proc = subprocess.run(
        [
            _console_script(),
            "rate",
            "--format",
            "csv",
            "--output",
            str(out),
            "--fail-on",
            "worse",
            "--tag",
            "appendix-a",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 3
    assert f"wrote {out}" in proc.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert len(rows) == 25 and rows[-1]["metric_id"]


def test_a_closed_pipe_ends_quietly():
    """``ascbench rate | head -1``: the reader goes away; no traceback, no 'Exception ignored'."""
    proc = subprocess.Popen(
        [_console_script(), "rate", "--format", "csv"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    proc.stdout.read(10)
    proc.stdout.close()
    _, err = proc.communicate(timeout=120)
    assert proc.returncode in (0, 1) and b"Traceback" not in err and b"Exception ignored" not in err


@pytest.mark.parametrize("width", [80, 100, 120, 160])
def test_rate_table_fits_the_width_and_never_breaks_a_word(width):
    out = CliRunner().invoke(cli, ["rate", "--long", "--width", str(width), "--no-color"])
    assert out.exit_code == 0, out.stderr
    lines = out.stdout.splitlines()
    assert max(len(line) for line in lines) <= width
    words = set(out.stdout.split())
    for token in ("1,939.7k", "ASCOF", "E-loans", "69.7%", "2,749)"):  # whole numbers and codes
        assert token in words, token
    assert "68.0" in words and "71.4" in words  # ASCOF 2A's interval wraps between its ends only


def test_rate_table_is_80_columns_when_piped():
    proc = subprocess.run(
        [_console_script(), "rate"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={k: v for k, v in __import__("os").environ.items() if k != "COLUMNS"},
    )
    assert proc.returncode == 0, proc.stderr
    assert max(len(line) for line in proc.stdout.splitlines()) <= 80


def test_output_format_follows_the_extension_and_a_mismatch_is_refused(tmp_path):
    out = CliRunner().invoke(cli, ["rate", "--metric", "ASCOF_2A", "-o", str(tmp_path / "r.csv")])
    assert out.exit_code == 0 and (tmp_path / "r.csv").read_text().startswith("metric_id,")
    out = CliRunner().invoke(cli, ["rate", "--metric", "ASCOF_2A", "-o", str(tmp_path / "r.json")])
    assert out.exit_code == 0 and json.loads((tmp_path / "r.json").read_text())[0]["numerator"] == 1917
    bad = CliRunner().invoke(cli, ["rate", "-o", str(tmp_path / "t.csv"), "--format", "table"])
    assert bad.exit_code == 1 and "--format table does not match the extension" in bad.stderr
    assert not (tmp_path / "t.csv").exists()


def test_json_counts_are_integers():
    rows = json.loads(CliRunner().invoke(cli, ["rate", "--format", "json", "--metric", "ASCOF_2A"]).stdout)
    assert isinstance(rows[0]["numerator"], int) and isinstance(rows[0]["denominator"], int)
    assert isinstance(rows[0]["rank"], int) and isinstance(rows[0]["value"], float)


def test_a_measure_without_polarity_is_never_amber_and_never_trips_a_gate(tmp_path):
    catalogue = tmp_path / "m.yaml"
    catalogue.write_text("""metrics:
  - {id: contacts, title: New contacts, statistic: count, value: contacts, polarity: none,
     comparators: [{area: national}]}
""")
    data = tmp_path / "data"
    data.mkdir()
    (data / "areas.csv").write_text("area_code,area_name,area_type\nX1,Town,council\nE92000001,England,national\n")
    (data / "dataset.yaml").write_text("default_area: X1\nroles: {national: E92000001}\n")
    (data / "observations.csv").write_text(
        "area_code,period,measure,value\nX1,2024-25,contacts,100\nE92000001,2024-25,contacts,100\n"
    )
    out = CliRunner().invoke(
        cli,
        [
            "rate",
            "--catalogue",
            str(catalogue),
            "--data",
            str(data),
            "--format",
            "csv",
            "--fail-on",
            "amber",
            "--fail-on",
            "red",
        ],
    )
    assert out.exit_code == 0, out.stderr
    row = next(csv.DictReader(io.StringIO(out.stdout)))
    assert (row["rating"], row["rag"]) == ("similar", "blue")


def test_rate_table_has_a_title_numbered_footnotes_and_a_legend_of_the_symbols_used():
    out = (
        CliRunner()
        .invoke(cli, ["rate", "--long", "--width", "80", "--metric", "ASCOF_2A", "--metric", "ASCOF_5A1"])
        .stdout
    )
    lines = out.splitlines()
    assert lines[0] == "Leicestershire (E10000018) - as at 2025-26-YTD-Q3 (Apr-Dec 2025)"
    assert "reablement (aim: high) [1]" in out.replace("\n", " ").replace("  ", " ") or "[1]" in out
    assert any(line.startswith("[1] Performance relates to the twelve-month period") for line in lines)
    assert "Rating: ✖ worse (red)" in out and "Direction of travel: ▼ worse (or decreased)" in out
    assert "◐" not in out  # only the symbols the table uses are explained


def test_one_vocabulary_of_symbols_and_no_symbol_with_two_meanings(tmp_path):
    from ascbench.render.display import DOT_SYMBOLS, RAG_SYMBOLS
    from ascbench.render.html import RAG_STYLE

    assert {k: v[2] for k, v in RAG_STYLE.items() if k != "none"} == {
        k: v for k, v in RAG_SYMBOLS.items() if k != "none"
    }
    rating_shapes = {v for v in RAG_SYMBOLS.values() if v}
    direction_shapes = {v for v in DOT_SYMBOLS.values() if v}
    assert not rating_shapes & direction_shapes  # never ▲ for a red rating beside ▲ improved
    assert CliRunner().invoke(cli, ["dashboard", "--out", str(tmp_path)]).exit_code == 0
    page = (tmp_path / "dashboard.html").read_text()
    assert (
        "▲</span> worse" not in page and "✖</span> worse" in page
    )  # the red badge is a cross, not a hollow circle among filled ones


def test_validate_summarises_follow_on_errors(tmp_path):
    """Forty metrics naming measures the data lack: a few lines per kind, and the total."""
    catalogue = tmp_path / "metrics.yaml"
    metrics = "".join(
        f"  - {{id: M{i}, title: Missing {i}, statistic: proportion, numerator: gone{i}.num, "
        f"denominator: gone{i}.den}}\n"
        for i in range(40)
    )
    catalogue.write_text("metrics:\n" + metrics)
    out = CliRunner().invoke(cli, ["validate", "--catalogue", str(catalogue)])
    lines = out.stderr.splitlines()
    assert out.exit_code == 1 and len(lines) < 25  # 80 problems, a few lines each kind
    assert any("more of the same kind as:" in line for line in lines)
    assert lines[-1].endswith("80 problems, 0 warnings")


@pytest.mark.parametrize(
    "args",
    [
        ["rate"],
        ["metrics"],
        ["rank", "--metric", "ASCOF_2B", "--period", "2023-24"],
        ["rank", "--composite", "layer", "--metric", "all"],
        ["forecast"],
        ["explain", "ASCOF_2A"],
        ["narrate", "--width", "80"],
        ["gap", "--to", "england", "--to", "top-quartile"],
    ],
)
def test_every_command_fits_80_columns_when_piped_and_breaks_no_id(args):
    from ascbench.catalogue import load_catalogue
    from ascbench.sources import catalogue_source

    out = CliRunner().invoke(cli, args)
    assert out.exit_code == 0, out.output
    lines = out.stdout.splitlines()
    assert lines and max(len(line) for line in lines) <= 80, max(lines, key=len)
    if args[0] == "metrics":
        ids = [m.id for m in load_catalogue(catalogue_source(None).path).metrics]
        words = set(out.stdout.split())
        assert all(i in words for i in ids)  # every id whole, on one line


@pytest.mark.parametrize(
    "words, expected",
    [
        ("ascbench rate --metric ASCOF_2", "ASCOF_2A"),
        ("ascbench rank --metric ASCOF_4", "ASCOF_4A"),
        ("ascbench rate --tag asc", "ascof"),
        ("ascbench rate --area E1000001", "E10000018"),
    ],
)
def test_shell_completion_offers_metric_ids_tags_and_areas(words, expected, tmp_path):
    """As the shell calls it: a real subprocess with click's completion variables."""
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - 1),
        "_ASCBENCH_COMPLETE": "bash_complete",
    }
    out = subprocess.run(
        [sys.executable, "-m", "ascbench"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    offered = [line.split(",", 1)[1] for line in out.stdout.splitlines() if "," in line]
    assert expected in offered and all(o.startswith(words.split()[-1]) for o in offered)
