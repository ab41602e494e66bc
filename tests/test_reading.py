"""The fast reading path (floats from pandas' C parser, text only for the cells it could not
read) gives exactly what the text path gives."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ascbench.io.dataset import _line_bounds, load_dataset

ROWS = [
    ("E1", "2024-25", "a.num", "12"),
    ("E1", "2024-25", "a.den", " 40 "),
    ("E2", "2024-25", "a.num", "c"),
    ("E2", "2024-25", "a.den", "[x]"),
    ("E1", "2023-24", "a.num", ""),
    ("E1", "2023-24", "a.den", "7"),
    ("E2", "2023-24", "a.num", "-"),
    ("E2", "2023-24", "a.den", "1e3"),
    ("E1", "2022-23", "a.num", ".."),
]


@pytest.mark.parametrize("chunk", [1, 3, 7, 64, 1 << 24])
def test_line_bounds_across_chunk_edges(chunk):
    text = b"head\nalpha\n\nbe,ta\ngamma-delta\nz"
    lines = text.split(b"\n")
    wanted = np.array([1, 2, 3, 5])
    starts, ends = _line_bounds(text, wanted, chunk=chunk)
    assert [text[s:e] for s, e in zip(starts, ends, strict=True)] == [lines[i] for i in wanted]


def _write(directory, quoted: bool):
    directory.mkdir()
    (directory / "areas.csv").write_text("area_code,area_name,area_type\nE1,One,county\nE2,Two,county\n")
    note = '"a note, quoted"' if quoted else "plain"
    body = "area_code,period,measure,value,note\n" + "".join(f"{a},{p},{m},{v},{note}\n" for a, p, m, v in ROWS)
    (directory / "observations.csv").write_text(body)


def test_fast_and_text_paths_agree(tmp_path, monkeypatch):
    import ascbench.io.dataset as dataset

    calls = []
    original = dataset._attach_cell_text
    monkeypatch.setattr(dataset, "_attach_cell_text", lambda *a: calls.append(1) or original(*a))
    _write(tmp_path / "fast", quoted=False)  # no quotes: the value column is parsed as floats
    _write(tmp_path / "text", quoted=True)  # a quoted cell: everything is read as text
    fast = load_dataset(tmp_path / "fast").observations
    assert calls == [1]  # the fast path ran
    text = load_dataset(tmp_path / "text").observations
    assert calls == [1]  # and the text path did not use it
    columns = ["area_code", "period", "measure", "value", "status", "line"]
    a = fast[columns].astype({"area_code": str, "period": str, "measure": str, "status": str})
    b = text[columns].astype({"area_code": str, "period": str, "measure": str, "status": str})
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))
    got = dict(
        zip(
            zip(a["area_code"], a["period"], a["measure"], strict=False),
            zip(a["value"], a["status"], strict=False),
            strict=True,
        )
    )
    assert got[("E1", "2024-25", "a.den")] == (40.0, "")
    assert got[("E2", "2024-25", "a.num")][1] == "suppressed" and np.isnan(got[("E2", "2024-25", "a.num")][0])
    assert got[("E2", "2024-25", "a.den")][1] == "not available"
    assert got[("E1", "2023-24", "a.num")][1] == "missing"
    assert got[("E1", "2023-24", "a.den")] == (7.0, "")
    assert got[("E2", "2023-24", "a.num")][1] == "not applicable" and got[("E2", "2023-24", "a.den")][0] == 1000.0


def test_a_flagged_value_falls_back_to_text_and_keeps_its_flag(tmp_path):
    _write(tmp_path / "d", quoted=False)
    path = tmp_path / "d" / "observations.csv"
    path.write_text(path.read_text().replace("a.den,7,", "a.den,7 [u],"))
    obs = load_dataset(tmp_path / "d").observations
    row = obs[(obs["area_code"] == "E1") & (obs["period"] == "2023-24") & (obs["measure"] == "a.den")].iloc[0]
    assert row["value"] == 7.0 and row["status"] == "low reliability"
