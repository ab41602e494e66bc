"""Turn CLD extracts into ascbench observations for one reporting period."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ascbench.cld.measures import (
    Options,
    ascof_2a,
    ascof_2b_2c,
    ascof_2e,
    ascof_3d,
    outcomes_2a,
)
from ascbench.cld.prepare import person_details, stage0
from ascbench.errors import AscbenchError
from ascbench.periods import parse_period


def _suffix(group: str) -> str:
    """The measure-name suffix of an output group: none for the total, else ``_<group>``
    (``_1864``, ``_65ov``, ``_male``, ``_1864_female``, ...)."""
    return "" if group == "total" else "_" + group


@dataclass
class CldResult:
    """Everything one run gives: the observations (ascbench's data format), the table behind
    2A (clusters by deciding rule and outcome), the invalid and blank values per field, and
    which file supplied each quarter."""

    observations: object
    outcomes_2a: object
    quality: object
    quarters: object


def cld_observations(extract, period: str, area: str | None = None, populations=None, options: Options = Options()):
    """Observations (ascbench's format) of every measure's numerator and denominator
    (:func:`cld_run` for the other tables)."""
    return cld_run(extract, period, area, populations, options).observations


def cld_run(
    extract, period: str, area: str | None = None, populations=None, options: Options = Options(), progress=None
) -> CldResult:
    """Run DHSC's method on the extract for ``period``.

    ``area`` labels the rows (default: the extract's LA_Code); ``populations`` is an
    observations frame holding ``population.18-64`` and ``population.65+`` (for 2B/2C);
    ``progress`` (optional) is called with the name of each step as it starts."""
    step = progress or (lambda name: None)
    p = parse_period(period)
    start, end = pd.Timestamp(p.start), pd.Timestamp(p.end)
    step("submissions and unique events")
    events, quarters = stage0(extract.rows, options.person_key, with_quarters=True)
    step("person details")
    people = person_details(events)
    las = sorted(events["LA_Code"].astype(str).unique())
    if len(las) > 1 and area:
        raise AscbenchError(
            f"the extracts hold {len(las)} councils ({', '.join(las[:5])}); --area names one",
            field="--area",
            expected="extracts of one council, or no --area",
        )
    rows, outcome_tables = [], []
    for la in las:
        ev = events[events["LA_Code"].astype(str) == la]
        pe = people.loc[people.index.isin(ev["person"].unique())]
        code = area or la
        step(f"{la}: 2A")
        counts_2a, clusters = ascof_2a(ev, pe, start, end)
        outcome_tables.append(outcomes_2a(clusters).assign(area_code=code, period=p.text))
        step(f"{la}: 2B, 2C")
        counts = counts_2a + ascof_2b_2c(ev, pe, start, end, options)[0]
        step(f"{la}: 2E")
        counts += ascof_2e(ev, pe, start, end)[0]
        step(f"{la}: 3D")
        counts += ascof_3d(ev, pe, start, end, options)[0]
        for c in counts:
            base = c["measure"] + _suffix(c["group"])
            rows.append((code, p.text, f"{base}.num", c["numerator"], ""))
            if c["denominator"] is not None:
                rows.append((code, p.text, f"{base}.den", c["denominator"], ""))
        for measure, band in (("ascof_2b", "population.18-64"), ("ascof_2c", "population.65+")):
            value = _population(populations, code, p, band)
            if value is not None:
                rows.append((code, p.text, f"{measure}.den", value, ""))
        rows.append((code, p.text, "ascof_2d.num", None, "not available"))
        rows.append((code, p.text, "ascof_2d.den", None, "not available"))
    out = pd.DataFrame(rows, columns=["area_code", "period", "measure", "value", "status"])
    out["value"] = out["value"].astype("Int64")  # counts print as whole numbers
    out["source"] = "ascbench cld from " + ", ".join(sorted(set(extract.rows["file"])))
    out["note"] = (
        out["status"].map({"not available": "2D needs hospital discharge (SUS) data linked on NHS number"}).fillna("")
    )
    outcomes = pd.concat(outcome_tables, ignore_index=True) if outcome_tables else pd.DataFrame()
    cols = ["area_code", "period", "rule", "final_outcome", "counts_in", "clusters"]
    outcomes = outcomes.reindex(columns=cols)
    q = quarters.assign(
        quarter_start=quarters["quarter_start"].dt.strftime("%Y-%m-%d"),
        quarter_end=quarters["quarter_end"].dt.strftime("%Y-%m-%d"),
    )[["quarter_start", "quarter_end", "file"]]
    return CldResult(out, outcomes, extract.quality, q)


def _population(populations, area, period, measure):
    if populations is None:
        return None
    rows = populations[(populations["area_code"] == area) & (populations["measure"] == measure)]
    if rows.empty:
        return None
    exact = rows[rows["period"] == period.text]
    if len(exact):
        return float(exact["value"].iloc[0])
    return float(rows.sort_values("period")["value"].iloc[-1])
