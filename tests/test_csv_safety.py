"""Spreadsheet-safe CSV (OWASP CSV injection) and suppressed values shown as such."""

from __future__ import annotations

import csv
import io
import shutil

from click.testing import CliRunner

from ascbench.cli import cli
from ascbench.io.csv_safety import neutralise
from tests.conftest import FIXTURES


def test_formula_in_an_area_name_is_neutralised_while_numbers_stay_numbers(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "othertown" / "data", data)
    areas = (data / "areas.csv").read_text().replace("X99000001,Othertown,", 'X99000001,"=HYPERLINK(""x"")",')
    (data / "areas.csv").write_text(areas)
    out = CliRunner().invoke(
        cli,
        ["rate", "--catalogue", str(FIXTURES / "othertown" / "metrics.yaml"), "--data", str(data), "--format", "csv"],
    )
    assert out.exit_code == 0, out.stderr
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert {r["area_name"] for r in rows} == {'\'=HYPERLINK("x")'}
    falls = next(r for r in rows if r["metric_id"] == "falls")
    assert falls["diff"] == "-1.25"  # a negative number is not text: left alone


def test_neutralise_each_dangerous_start():
    import pandas as pd

    frame = pd.DataFrame({"t": ["=1+1", "+1", "-x", "@SUM(A1)", "\tx", "\rx", "ok", None], "n": [-3.5] * 8})
    out = neutralise(frame)
    assert out["t"].tolist()[:7] == ["'=1+1", "'+1", "'-x", "'@SUM(A1)", "'\tx", "'\rx", "ok"]
    assert out["n"].tolist() == [-3.5] * 8


def test_bom_option_for_excel():
    out = CliRunner().invoke(cli, ["rate", "--format", "csv", "--bom", "--metric", "ASCOF_2A"])
    assert out.stdout_bytes.startswith(b"\xef\xbb\xbfmetric_id,")


def test_suppressed_value_is_shown_as_suppressed_never_zero(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "othertown" / "data", data)
    body = (data / "observations.csv").read_text().replace("X99000001,2031-32,falls,45,", "X99000001,2031-32,falls,c,")
    (data / "observations.csv").write_text(body)
    args = [
        "rate",
        "--catalogue",
        str(FIXTURES / "othertown" / "metrics.yaml"),
        "--data",
        str(data),
        "--metric",
        "falls",
        "--period",
        "2031-32",
    ]
    table = CliRunner().invoke(cli, [*args, "--format", "markdown"]).stdout
    assert "| suppressed (2031/32) |" in table
    rows = list(csv.DictReader(io.StringIO(CliRunner().invoke(cli, [*args, "--format", "csv"]).stdout)))
    assert rows[0]["value"] == "" and rows[0]["status"] == "suppressed" and rows[0]["rating"] == "not compared"


def test_large_csv_written_by_polars_reads_back_the_same(monkeypatch):
    """Large outputs go through polars' writer: every cell must read back as pandas' writer
    gives it (text, quoting, empty cells, whole numbers, categoricals, formula guard)."""
    import numpy as np
    import pandas as pd

    from ascbench.render import csv_out

    frame = pd.DataFrame(
        {
            "metric_id": pd.Categorical(["=A", "B", "C", "B"]),
            "status": pd.Categorical(["", "suppressed", None, ""]),
            "value": [69.73444889050565, np.nan, -3.5, 1e-05],
            "numerator": [1917.0, np.nan, 3.0, 0.0],
            "rank_of": np.array([3, 2, 1, 0], dtype=np.int64),
            "quartile": pd.array([1, None, 4, 2], dtype="Int64"),
            "flag": [True, False, True, False],
            "label": ["x, y", 'say "hi"', "", None],
            "note": ["line\nbreak", "-1 (formula)", "@x", "plain"],
        }
    )
    slow = csv_out.render(frame)
    monkeypatch.setattr(csv_out, "LARGE", 0)
    fast = csv_out.render(frame)
    assert fast != slow  # the other writer really ran (it writes 1e-05 as 0.00001)
    a = pd.read_csv(io.StringIO(slow), keep_default_na=False, dtype=str)
    b = pd.read_csv(io.StringIO(fast), keep_default_na=False, dtype=str)
    numbers = ["value", "numerator"]
    pd.testing.assert_frame_equal(a.drop(columns=numbers), b.drop(columns=numbers))
    for column in numbers:
        assert [float(x) if x else None for x in a[column]] == [float(x) if x else None for x in b[column]]
    assert list(b["metric_id"]) == ["'=A", "B", "C", "B"] and list(b["numerator"]) == ["1917", "", "3", "0"]
    assert list(b["note"]) == ["line\nbreak", "'-1 (formula)", "'@x", "plain"]
    assert float(b["value"][0]) == 69.73444889050565
