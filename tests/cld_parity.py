"""The DuckDB engine against the pandas reference: the same extract through both, every
output compared (observations, the 2A outcome table, quarters, quality, rejections)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ascbench.cld.duck_read import connect, read_extracts_duckdb
from ascbench.cld.measures import Options
from ascbench.cld.read import read_extracts
from ascbench.cld.run import cld_run


def _sorted(frame) -> pd.DataFrame:
    frame = frame.astype(str)
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


def assert_engines_agree(
    paths, period: str = "2025-26", options: Options = Options(), invalid: str = "map", storage: str = "memory"
):
    """Both engines on ``paths``: equal outputs, or the same located error. ``storage``: the
    DuckDB engine's database in memory (as for any small extract) or in a ``file`` (as for a
    large one)."""
    try:
        reference = read_extracts(paths, invalid=invalid)
        expected = cld_run(reference, period, options=options) if len(reference.rows) else None
    except Exception as exc:  # noqa: BLE001 - the DuckDB engine must fail alike
        expected = exc
    session = connect(size=sum(Path(p).stat().st_size for p in paths) if storage == "memory" else None)
    try:
        duck = read_extracts_duckdb(session, paths, invalid=invalid)
        seen = (duck.rejected, duck.quality, duck.summary(), duck.warnings)
        got = cld_run(duck, period, options=options) if duck.rows_count else None
    except Exception as exc:  # noqa: BLE001
        got = exc
    finally:
        session.close()
    if isinstance(expected, Exception) or isinstance(got, Exception):
        assert type(got) is type(expected) and str(got) == str(expected), (expected, got)
        return None
    assert _sorted(reference.rejected).equals(_sorted(seen[0]))
    assert _sorted(reference.quality).equals(_sorted(seen[1]))
    assert reference.summary() == seen[2]
    assert reference.warnings == seen[3]
    if expected is None:
        assert got is None
        return None
    for name in ("observations", "outcomes_2a", "quarters", "data_quality", "waiting_times"):
        a, b = _sorted(getattr(expected, name)), _sorted(getattr(got, name))
        assert a.equals(b), f"{name} differ:\n{a.compare(b) if a.shape == b.shape else (a, b)}"
    return expected
