"""``ascbench import SOURCE FILE... --out DIR``: official downloads into ascbench's format."""

from __future__ import annotations

from pathlib import Path

import click


@click.command(name="import")
@click.argument("source")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Data directory to write (created; areas and groups are merged with what it holds).")
@click.option("--period", default=None, help="The period of a file that does not say (ascof, ons).")
def import_(source, files, out, period):
    """Read official files (SOURCE: ascof, fingertips, lginform, oflog, ons) into a data directory.

    See docs/importing.md for each source's layout and what is kept.
    """
    from ascbench.importers import get
    from ascbench.importers.common import write_data_dir

    module = get(source)
    imported = module.read(list(files), period=period)
    written = write_data_dir(imported, out, source)
    for note in imported.notes:
        click.echo(f"ascbench: {note}", err=True)
    n = len(imported.observations)
    click.echo(f"ascbench: {source}: {n:,} observations, {len(imported.areas):,} areas -> "
               + ", ".join(str(p) for p in written), err=True)
