"""Turn CLD extracts into ascbench observations for one reporting period."""

from __future__ import annotations

import pandas as pd

from ascbench.cld.measures import Options, ascof_2a, ascof_2b_2c, ascof_2e, ascof_3d
from ascbench.cld.prepare import person_details, stage0

SUFFIX = {"total": "", "1864": "_1864", "65ov": "_65ov"}


def cld_observations(extract, period: str, area: str | None = None, populations=None,
                     options: Options = Options()):
    """Observations (ascbench's format) of every measure's numerator and denominator.

    ``area`` labels the rows (default: the extract's LA_Code); ``populations`` is an
    observations frame holding ``population.18-64`` and ``population.65+`` (for 2B/2C)."""
    from ascbench.errors import AscbenchError
    from ascbench.periods import parse_period

    p = parse_period(period)
    start, end = pd.Timestamp(p.start), pd.Timestamp(p.end)
    events = stage0(extract.rows, options.person_key)
    people = person_details(events)
    las = sorted(events["LA_Code"].astype(str).unique())
    if len(las) > 1 and area:
        raise AscbenchError(f"the extracts hold {len(las)} councils ({', '.join(las[:5])}); --area names one",
                            field="--area", expected="extracts of one council, or no --area")
    rows = []
    for la in las:
        ev = events[events["LA_Code"].astype(str) == la]
        pe = people.loc[people.index.isin(ev["person"].unique())]
        code = area or la
        counts = ascof_2a(ev, pe, start, end)[0] + ascof_2b_2c(ev, pe, start, end, options)[0] \
            + ascof_2e(ev, pe, start, end)[0] + ascof_3d(ev, pe, start, end, options)[0]
        for c in counts:
            base = c["measure"] + SUFFIX[c["group"]]
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
    out["note"] = out["status"].map({"not available": "2D needs hospital discharge (SUS) data linked on NHS number"}
                                    ).fillna("")
    return out


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
