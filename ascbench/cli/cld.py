"""``ascbench cld``: ASCOF numerators and denominators from a council's own Client Level Data."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from ascbench.cld.duck_read import DuckExtract
    from ascbench.cld.read import Extract


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--period", required=True, help="Reporting period, e.g. 2025-26 or R12-2025-Dec.")
@click.option(
    "--area",
    multiple=True,
    help="The council's area (GSS) code for the output rows, or LA_CODE=GSS_CODE (repeatable) with several "
    "councils (default: each LA_Code read as a CASSR code, else a DfE LA number).",
)
@click.option(
    "--la-codes",
    type=click.Choice(["auto", "cassr", "dfe"]),
    default="auto",
    show_default=True,
    help="What LA_Code holds: auto reads a CASSR code, else a DfE LA number (a number that is both is refused); "
    "cassr or dfe reads every code in that system.",
)
@click.option(
    "--population",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Observations CSV with population.18-64 and population.65+ (e.g. from 'ascbench import ons').",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Data directory to write observations-cld.csv into (default: CSV to stdout).",
)
@click.option(
    "--person-key",
    type=click.Choice(["row", "linked"]),
    default="row",
    show_default=True,
    help="row: DHSC's per-row key; linked: rows of one LA person ID share its NHS number.",
)
@click.option(
    "--blank-component",
    type=click.Choice(["exclude", "include"]),
    default="exclude",
    show_default=True,
    help="2B/2C: a long-term residential or nursing service with a blank component (DHSC excludes it).",
)
@click.option(
    "--carer-blank-component",
    type=click.Choice(["exclude", "include"]),
    default="exclude",
    show_default=True,
    help="3D carers: a PB or commissioned service with a blank component (DHSC drops it).",
)
@click.option(
    "--invalid-values",
    "invalid",
    type=click.Choice(["map", "reject"]),
    default="map",
    show_default=True,
    help="A value outside its CLD code list: map keeps the row as 'Invalid and not mapped' (DHSC); "
    "reject rejects the row.",
)
@click.option("--strict", is_flag=True, help="Fail (exit 1) if any row is rejected.")
@click.option(
    "--max-rejected",
    type=click.FloatRange(0, 1),
    default=0.10,
    show_default=True,
    help="Fail (exit 1, nothing written) when more than this share of a file's rows is rejected.",
)
@click.option(
    "--accept-rejections", is_flag=True, help="Count the rows that remain however many are rejected (not all)."
)
@click.option(
    "--engine",
    type=click.Choice(["duckdb", "pandas"]),
    default="duckdb",
    show_default=True,
    help="duckdb: SQL out of core, for a region or the nation; pandas: the in-memory reference.",
)
@click.option(
    "--memory-limit",
    default=None,
    metavar="SIZE",
    help="duckdb: the memory the engine may use before spilling to disk (e.g. 1GB; default: "
    "$ASCBENCH_MEMORY_LIMIT, else DuckDB's 80% of RAM).",
)
@click.option(
    "--temp-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="duckdb: where the engine's working database and spill files go (default: the system's temp folder).",
)
def cld(
    files,
    period,
    area,
    la_codes,
    population,
    out,
    person_key,
    blank_component,
    carer_blank_component,
    invalid,
    strict,
    max_rejected,
    accept_rejections,
    engine,
    memory_limit,
    temp_dir,
):
    """Compute ASCOF 2A, 2B, 2C, 2E and 3D counts from CLD extracts (FILES, oldest first;
    the latest submission wins for duplicated events). 2D needs hospital data and is written
    as "not available". See cld.md in the documentation installed with ascbench (its folder: 'ascbench --version') for the method and the choices."""
    import sys

    from ascbench.cli.common import remember_inputs

    progress = _progress_line() if sys.stderr.isatty() else None
    remember_inputs(*files, *([population] if population is not None else []))
    if progress:
        progress(f"reading {len(files)} file{'s' if len(files) > 1 else ''}")
    session = None
    if engine == "duckdb":
        from ascbench.cld.duck_read import connect, memory_setting

        session = connect(memory_limit or memory_setting(), temp_dir, size=sum(f.stat().st_size for f in files))
    try:
        _run(locals(), session)
    finally:
        if session is not None:
            session.close()


def _run(a: dict, session) -> None:
    """The command's body once the engine is open (``a``: the command's arguments)."""

    from ascbench.cld.measures import Options
    from ascbench.cld.read import check_rejections, read_extracts
    from ascbench.cld.run import cld_run
    from ascbench.cli.common import emit, warn
    from ascbench.errors import AscbenchError
    from ascbench.io.csv_safety import neutralise

    files, period, area, population, out, invalid = (
        a[k] for k in ("files", "period", "area", "population", "out", "invalid")
    )
    progress = a["progress"]
    extract: Extract | DuckExtract
    if session is not None:
        from ascbench.cld.duck_read import read_extracts_duckdb

        extract = read_extracts_duckdb(session, list(files), invalid=invalid)
    else:
        extract = read_extracts(list(files), invalid=invalid)
    if progress:
        progress(None)
    for w in extract.warnings:
        warn(w)
    click.echo(f"ascbench: cld: {extract.summary()}", err=True)
    for _, r in extract.rejected_head(20).iterrows():
        click.echo(
            f"ascbench: rejected: {r['file']}:{r['line']}: {r['field']}: {r['reason']} (got '{r['value']}')", err=True
        )
    rejected = int(extract.files["rejected"].sum())
    if a["strict"] and rejected:
        raise AscbenchError(f"{rejected} rows rejected", field="--strict", expected="no rejected rows")
    check_rejections(extract, None if a["accept_rejections"] else a["max_rejected"])
    populations = None
    if population is not None:
        from ascbench.errors import Problems
        from ascbench.io.dataset import read_observations

        problems = Problems()
        populations = read_observations(population, set(), problems, [])
        problems.raise_first()
    options = Options(
        person_key=a["person_key"],
        blank_component=a["blank_component"],
        carer_blank_component=a["carer_blank_component"],
    )
    result = cld_run(extract, period, list(area), populations, options, progress=progress, la_codes=a["la_codes"])
    if progress:
        progress(None)
    for note in result.notes:
        click.echo(f"ascbench: cld: {note}", err=True)
    for w in result.warnings:
        warn(w)
    if len(files) > 1:
        for q in result.quarters.itertuples():
            click.echo(f"ascbench: cld: quarter {q.quarter_start} to {q.quarter_end} from {q.file}", err=True)
        unused = sorted(set(map(str, files)) - set(result.quarters["file"]))
        for f in unused:
            warn(f"{f} supplies no quarter (a later file covers each of its quarters): not used")
    invalid_fields = result.quality[result.quality["invalid"] > 0]
    for q in invalid_fields.itertuples():
        if q.check != "in the CLD list":
            warn(
                f"{q.field}: {q.invalid:,} of {q.rows:,} rows break the rule '{q.check}' (e.g. {q.example}); used as given"
            )
            continue
        warn(
            f"{q.field}: {q.invalid:,} of {q.rows:,} rows hold a value outside the CLD list (e.g. '{q.example}'), "
            + ("kept as 'Invalid and not mapped'" if invalid == "map" else "rejected")
        )
    warn("ASCOF 2D is not available from CLD alone: it needs hospital discharge (SUS) data linked on NHS number")

    def csv_text(frame):
        return neutralise(frame).to_csv(index=False, lineterminator="\n")  # spreadsheet-safe, as every CSV

    if not out:
        emit(csv_text(result.observations), None)
        return
    from ascbench.cld import outputs
    from ascbench.cli.common import check_output
    from ascbench.io.atomic import write_set_atomic

    out = Path(out)
    targets = {
        out / "observations-cld.csv": csv_text(result.observations),
        out / "cld-2a-outcomes.csv": csv_text(result.outcomes_2a),
        out / "cld-quality.csv": csv_text(result.quality),
        out / "cld-quarters.csv": csv_text(result.quarters),
        out / "cld-data-quality.csv": csv_text(result.data_quality),
        out / "cld-waiting-times.csv": csv_text(result.waiting_times),
    }
    areas = result.areas_file
    councils = areas[~areas["area_type"].isin(["national", "region"])]
    national = (areas["area_type"] == "national").any()
    beside = {
        out / "metrics.yaml": outputs.catalogue_text(result.observations),
        out / "areas.csv": outputs.areas_text(areas),
        out / "dataset.yaml": outputs.dataset_text(
            councils["area_code"].iloc[0] if len(councils) == 1 else "E92000001", national
        ),
    }
    for path, text in beside.items():
        existing = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else None
        if outputs.ours(existing):
            targets[path] = text
        else:
            warn(f"{path} is not one ascbench cld wrote: kept as it is")
    out.mkdir(parents=True, exist_ok=True)
    for target in targets:
        check_output(target)
    write_set_atomic(targets, lock=out)
    click.echo("ascbench: wrote " + ", ".join(str(t) for t in targets), err=True)


def _progress_line():
    """A one-line progress report on a terminal's stderr, rewritten in place; ``None`` clears it."""
    import time

    started = time.monotonic()

    def show(step):
        if step is None:
            click.echo("\r\033[K", err=True, nl=False)
            return
        click.echo(f"\r\033[Kascbench: cld: {step} ({time.monotonic() - started:.1f} s)", err=True, nl=False)

    return show
