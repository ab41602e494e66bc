"""The DuckDB engine's run: :mod:`ascbench.cld.duck_prepare` and
:mod:`ascbench.cld.duck_measures` over a :class:`~ascbench.cld.duck_read.DuckExtract`, ending
in the same :func:`ascbench.cld.run.assemble` as the reference engine."""

from __future__ import annotations

import pandas as pd

from ascbench.cld import duck_measures, duck_prepare
from ascbench.cld.measures import Options


def council_tables(extract, start, end, options: Options = Options(), step=lambda name: None):
    """``(counts, outcomes, quarters)`` for every council of the extract, each a list of
    per-council pieces as :func:`ascbench.cld.run.council_counts` gives them."""
    con = extract.con
    step("submissions and unique events")
    duck_prepare.stage0(con, options.person_key)
    step("person details")
    duck_prepare.person_details(con)
    step("2A, 2B, 2C, 2E, 3D")
    frame, outcomes = duck_measures.counts(con, start, end, options)
    frame["denominator"] = frame["denominator"].astype(object).where(frame["denominator"].notna(), None)
    counts = [
        {
            "LA_Code": r.LA_Code,
            "measure": r.measure,
            "group": r.group,
            "numerator": int(r.numerator),
            "denominator": None if r.denominator is None else int(r.denominator),
        }
        for r in frame.itertuples()
    ]
    quarters = con.execute(
        "SELECT LA_Code, quarter_start, quarter_end, file FROM quarters ORDER BY LA_Code, quarter_start"
    ).df()
    quarters["quarter_start"] = pd.to_datetime(quarters["quarter_start"])
    quarters["quarter_end"] = pd.to_datetime(quarters["quarter_end"])
    return counts, [outcomes], [quarters]
