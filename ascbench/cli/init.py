"""``ascbench init DIR --area CODE|NAME``: a starting catalogue and data directory for any
English council (:mod:`ascbench.starter`)."""

from __future__ import annotations

import shlex
from pathlib import Path

import click


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), required=False)
@click.option("--area", default=None, help="The council: its GSS code or name (ascbench init --list).")
@click.option("--list", "list_councils", is_flag=True, help="List the councils of the national data and stop.")
def init(directory: Path | None, area: str | None, list_councils: bool) -> None:
    """Start a catalogue and data directory for one council in DIRECTORY.

    Writes DIRECTORY/metrics.yaml (the ASCOF 2024-25 measures, compared with England, the
    council's region and council type, ranked among all councils and its nearest
    neighbours) and DIRECTORY/data/ (the national data, dataset.yaml with the council as
    the default area, and observations-local.csv for its own figures). `ascbench rate`,
    `rank`, `dashboard`, `narrate` and `explain` then run in DIRECTORY at once. Refuses to
    overwrite any file; writes nothing then.
    """
    from ascbench import starter

    if list_councils:
        table = starter.councils()
        for r in table.itertuples():
            life = "" if r.current else f"  (abolished after {r.valid_to})"
            click.echo(f"{r.area_code}  {r.area_name}  [{r.area_type}, {r.region or 'no region'}]{life}")
        return
    if directory is None:
        raise click.UsageError("init needs a DIRECTORY (or --list)")
    chosen = starter.plan(area)
    written = starter.write(directory, chosen)
    for path in written:
        click.echo(f"ascbench: wrote {path}", err=True)
    click.echo(f"ascbench: {chosen.area_name} ({chosen.area_code}) is the default area; run:", err=True)
    click.echo(f"  cd {shlex.quote(str(directory))}\n  ascbench validate\n  ascbench rate")
