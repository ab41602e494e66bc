"""Turn CLD extracts into ascbench observations for one reporting period."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from ascbench.cld.areas import Reading, aggregate_counts, aggregate_outcomes, areas_file, read_la_codes
from ascbench.cld.measures import (
    Options,
    ascof_2a,
    ascof_2b_2c,
    ascof_2e,
    ascof_3d,
    outcomes_2a,
)
from ascbench.cld.prepare import person_details, stage0
from ascbench.cld.views import data_quality, views_from_frames, waiting_times
from ascbench.periods import parse_period


def _suffix(group: str) -> str:
    """The measure-name suffix of an output group: none for the total, else ``_<group>``
    (``_1864``, ``_65ov``, ``_male``, ``_1864_female``, ...)."""
    return "" if group == "total" else "_" + group


@dataclass
class CldResult:
    """Everything one run gives: the observations (ascbench's data format), the table behind
    2A (clusters by deciding rule and outcome), the invalid and blank values per field, which
    file supplied each quarter, the areas (councils, and their aggregates when there are
    several) and warnings about them."""

    observations: pd.DataFrame
    outcomes_2a: pd.DataFrame
    quality: pd.DataFrame
    quarters: pd.DataFrame
    areas: pd.DataFrame = field(default_factory=pd.DataFrame)
    warnings: list = field(default_factory=list)
    data_quality: pd.DataFrame = field(
        default_factory=pd.DataFrame
    )  # by council, quarter and field (ascbench.cld.views)
    waiting_times: pd.DataFrame = field(
        default_factory=pd.DataFrame
    )  # by council, quarter, measure and age band (ascbench.cld.views)
    notes: list = field(default_factory=list)  # which council each LA_Code was read as

    @property
    def areas_file(self):
        """``areas.csv`` for the run: the councils, and the region and England sums."""
        return areas_file(self.areas, len(self.areas) > 1)


def cld_observations(extract, period: str, area: str | None = None, populations=None, options: Options = Options()):
    """Observations (ascbench's format) of every measure's numerator and denominator
    (:func:`cld_run` for the other tables)."""
    return cld_run(extract, period, area, populations, options).observations


def council_counts(rows, start, end, options: Options = Options(), step=lambda name: None):
    """DHSC's method on one council's accepted rows: ``(counts, outcomes, quarters)`` - the
    counts as ``measure, group, numerator, denominator`` records, the 2A outcome table and
    which file supplied each quarter."""
    events, quarters = stage0(rows, options.person_key, with_quarters=True)
    step("person details")
    people = person_details(events)
    step("2A")
    counts_2a, clusters = ascof_2a(events, people, start, end)
    step("2B, 2C")
    counts = counts_2a + ascof_2b_2c(events, people, start, end, options)[0]
    step("2E")
    counts += ascof_2e(events, people, start, end)[0]
    step("3D")
    counts += ascof_3d(events, people, start, end, options)[0]
    step("data quality, waiting times")
    la = str(rows["LA_Code"].iloc[0])
    views = views_from_frames(rows, events, people.rename_axis("person").assign(LA_Code=la), start, end)
    return counts, outcomes_2a(clusters), quarters, views


def cld_run(
    extract,
    period: str,
    area: str | Sequence[str] | None = None,
    populations=None,
    options: Options = Options(),
    progress=None,
    la_codes: str = "auto",
) -> CldResult:
    """Run DHSC's method on the extract for ``period``, one council (``LA_Code``) at a time:
    each council's files are its own submissions.

    ``area`` names the council of a one-council extract by its area code (default: the
    ``LA_Code`` read through the shipped code tables, :mod:`ascbench.cld.areas`), or gives
    ``LA_CODE=AREA_CODE`` pairs; ``populations`` is an observations frame holding
    ``population.18-64`` and ``population.65+`` (for 2B/2C); ``progress`` (optional) is
    called with the name of each step as it starts; ``la_codes`` the code system of the
    ``LA_Code`` values (``auto``: CASSR, else DfE; ``cassr``; ``dfe``)."""
    step = progress or (lambda name: None)
    p = parse_period(period)
    start, end = pd.Timestamp(p.start), pd.Timestamp(p.end)
    if hasattr(extract, "con"):  # the DuckDB engine's extract
        from ascbench.cld.duck_run import council_tables

        con = extract.con
        las = [r[0] for r in con.execute("SELECT DISTINCT LA_Code::VARCHAR FROM rows ORDER BY 1").fetchall()]

        def where(la):
            found = con.execute(
                """SELECT f.file, r.line FROM rows r JOIN files f ON f.sub = r.submission
                   WHERE r.LA_Code::VARCHAR = ? ORDER BY r.submission, r.line LIMIT 1""",
                [la],
            ).fetchall()
            return found[0] if found else (None, None)

        reading = read_la_codes(las, area, where, la_codes)  # before any counting: an ambiguous code stops the run
        counts, outcomes, quarters = council_tables(extract, start, end, options, step)
        files = files_by_council(
            con.execute(
                """SELECT DISTINCT k.LA_Code, f.file
                   FROM (SELECT DISTINCT submission, LA_Code::VARCHAR AS LA_Code FROM rows) k
                   JOIN files f ON f.sub = k.submission"""
            ).fetchall()
        )
        result = assemble(counts, outcomes, quarters, extract.quality, p, reading, populations, files)
        step("data quality, waiting times")
        return with_views(result, data_quality(con, start, end), waiting_times(con, start, end))
    rows = extract.rows
    las = sorted(rows["LA_Code"].astype(str).unique())

    def first_row(la):
        mine = rows[rows["LA_Code"].astype(str) == la]
        return (str(mine["file"].iloc[0]), int(mine["line"].iloc[0])) if len(mine) else (None, None)

    reading = read_la_codes(las, area, first_row, la_codes)
    counts, outcomes, quarters, dq, wt = [], [], [], [], []
    for la in las:
        step(f"{la}: submissions and unique events")
        mine = rows[rows["LA_Code"].astype(str) == la]
        c, o, q, v = council_counts(mine, start, end, options, lambda name, la=la: step(f"{la}: {name}"))
        counts += [{"LA_Code": la, **r} for r in c]
        outcomes.append(o.assign(LA_Code=la))
        quarters.append(q.assign(LA_Code=la))
        dq.append(v[0])
        wt.append(v[1])
    pairs = rows[["LA_Code", "file"]].astype(str).drop_duplicates()
    files = files_by_council(zip(pairs["LA_Code"], pairs["file"], strict=True))
    result = assemble(counts, outcomes, quarters, extract.quality, p, reading, populations, files)
    return with_views(result, pd.concat(dq, ignore_index=True), pd.concat(wt, ignore_index=True))


def with_views(result: CldResult, dq, wt) -> CldResult:
    """The data-quality and waiting-time views, labelled by area like the observations."""
    code_of = dict(zip(result.areas["LA_Code"], result.areas["area_code"], strict=True))
    for name, frame in (("data_quality", dq), ("waiting_times", wt)):
        frame = frame.assign(LA_Code=frame["LA_Code"].map(code_of)).rename(columns={"LA_Code": "area_code"})
        setattr(result, name, frame.reset_index(drop=True))
    return result


def files_by_council(pairs) -> dict[str, list[str]]:
    """``{LA_Code: [file, ...]}`` from ``(LA_Code, file)`` pairs, each council's files sorted."""
    out: dict[str, set[str]] = {}
    for la, file in pairs:
        out.setdefault(str(la), set()).add(str(file))
    return {la: sorted(names) for la, names in out.items()}


def assemble(
    counts, outcomes, quarters, quality, p, reading: Reading, populations, files: dict[str, list[str]]
) -> CldResult:
    """The run's result from each council's counts (``LA_Code, measure, group, numerator,
    denominator`` records), 2A outcome tables and quarters: observations labelled by area
    (``reading``, :func:`ascbench.cld.areas.read_la_codes`), with region and England sums
    when there are several councils. Both engines end here."""
    areas = reading.areas
    las = list(areas["LA_Code"])
    warnings = list(reading.warnings)
    code_of = dict(zip(areas["LA_Code"], areas["area_code"], strict=True))
    q = pd.concat(quarters, ignore_index=True) if quarters else pd.DataFrame(columns=["LA_Code"])
    # DHSC's rule takes each quarter from a file that covers it whole: a council none of whose
    # files does so has nothing counted, which is no data, not zero people
    uncovered = [la for la in las if la not in set(q["LA_Code"].astype(str))]
    for la in uncovered:
        names = ", ".join(files.get(la, [])) or "its files"
        warnings.append(
            f"{code_of[la]} (LA_Code {la}): no file covers a whole quarter of the period ({names}); "
            "its measures are 'not available' and no region or England sum includes them (state "
            "Reporting_Period_Start_Date and _End_Date, or send whole quarters)"
        )
    rows = []
    for c in counts:
        code = code_of[c["LA_Code"]]
        base = c["measure"] + _suffix(c["group"])
        gap = c["LA_Code"] in uncovered
        num, den, status = (None, None, "not available") if gap else (c["numerator"], c["denominator"], "")
        rows.append((code, p.text, f"{base}.num", num, status))
        if c["denominator"] is not None:
            rows.append((code, p.text, f"{base}.den", den, status))
    for la in las:
        code = code_of[la]
        for measure, band in (("ascof_2b", "population.18-64"), ("ascof_2c", "population.65+")):
            value = _population(populations, code, p, band)
            if value is not None:
                rows.append((code, p.text, f"{measure}.den", value, ""))
    out = pd.DataFrame(rows, columns=["area_code", "period", "measure", "value", "status"])
    out["note"] = ""
    sums = aggregate_counts(out[["area_code", "measure", "value"]], areas)
    if len(sums):
        out = pd.concat([out, sums.assign(period=p.text, status="")], ignore_index=True)
    na = [(code, p.text, m, None, "not available") for code in out["area_code"].unique() for m in TWO_D]
    out = pd.concat([out, pd.DataFrame(na, columns=["area_code", "period", "measure", "value", "status"])])
    out = out.reset_index(drop=True)
    out["value"] = out["value"].astype("Int64")  # counts print as whole numbers
    # each council's rows name its own extracts; a region's or England's sum says what it adds up
    source_of = {code_of[la]: "ascbench cld from " + ", ".join(names) for la, names in files.items() if la in code_of}
    every = sorted({name for names in files.values() for name in names})
    summed = f"ascbench cld: the sum of its councils' counts ({len(every)} extract{'s' * (len(every) != 1)})"
    out["source"] = out["area_code"].map(source_of).fillna(summed)
    two_d = out["measure"].isin(TWO_D)
    out["note"] = out["note"].fillna("").mask(out["status"].eq("not available") & two_d, TWO_D_NOTE)
    out["note"] = out["note"].mask(out["status"].eq("not available") & ~two_d, NO_QUARTER_NOTE)
    out = out[["area_code", "period", "measure", "value", "status", "source", "note"]]
    outcomes = pd.concat(outcomes, ignore_index=True) if outcomes else pd.DataFrame(columns=["LA_Code"])
    outcomes = outcomes.assign(area_code=outcomes["LA_Code"].map(code_of), note="")
    cols = ["area_code", "period", "rule", "final_outcome", "counts_in", "clusters", "note"]
    sums = aggregate_outcomes(outcomes.reindex(columns=cols[2:6] + ["area_code"]), areas)
    outcomes = pd.concat([outcomes, sums], ignore_index=True).assign(period=p.text).reindex(columns=cols)
    q = q.assign(
        area_code=q["LA_Code"].map(code_of),
        quarter_start=pd.to_datetime(q["quarter_start"]).dt.strftime("%Y-%m-%d"),
        quarter_end=pd.to_datetime(q["quarter_end"]).dt.strftime("%Y-%m-%d"),
    )[["area_code", "quarter_start", "quarter_end", "file"]]
    return CldResult(out, outcomes, quality, q, areas, warnings, notes=list(reading.notes))


TWO_D = ("ascof_2d.num", "ascof_2d.den")
TWO_D_NOTE = "2D needs hospital discharge (SUS) data linked on NHS number"
NO_QUARTER_NOTE = "no file of this council covers a whole quarter of the period (DHSC's rule), so nothing was counted"


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
