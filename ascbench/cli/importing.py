"""``ascbench import SOURCE FILE... --out DIR``: official downloads into ascbench's format."""

from __future__ import annotations

from pathlib import Path

import click

from ascbench.importers import IMPORTERS


@click.command(name="import")
@click.argument("source", type=click.Choice(sorted(IMPORTERS)))
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Data directory to write (created; areas and groups are merged with what it holds).",
)
@click.option("--period", default=None, help="The period of a file that does not say (ascof, ons).")
@click.option("--measure", default=None, help="The metric of a file that does not name it (lginform).")
@click.option(
    "--lookup",
    default=None,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A district-to-county lookup, to sum districts into counties (ons; default: ONS's 2024 lookup, shipped).",
)
@click.option(
    "--append",
    "mode",
    flag_value="append",
    default=None,
    help="Keep the rows of an earlier import of this source that the new files lack (the new rows win).",
)
@click.option(
    "--replace",
    "mode",
    flag_value="replace",
    help="Drop the rows of an earlier import of this source that the new files lack.",
)
def import_(source, files, out, period, measure, lookup, mode):
    """Read official files (SOURCE: ascfr, ascof, fingertips, lginform, nomis, oflog, ons) into a data directory.

    An earlier import of the same source whose rows the new files lack (last year's) is kept
    only with --append, dropped only with --replace; without either the import stops. A
    report on stderr says which layout was found and what was read, kept and changed. The written
    directory is checked before anything is written: a problem stops the import with
    nothing changed. See importing.md in the documentation installed with ascbench (its folder: 'ascbench --version') for each source's layout and what is kept.
    """
    import inspect

    from ascbench.importers import get, read_options, suggest_source
    from ascbench.importers.common import write_data_dir

    suggest_source(source, files)
    module = get(source)
    options = read_options(source, module, period=period, measure=measure, lookup=lookup)
    if "out" in inspect.signature(module.read).parameters:  # an importer that looks at what the directory holds
        options["out"] = out
    imported = module.read(list(files), **options)
    written = write_data_dir(imported, out, source, protect=[*files, *([lookup] if lookup else [])], mode=mode)
    for note in imported.notes:
        click.echo(f"ascbench: {note}", err=True)
    n = len(imported.observations)
    click.echo(
        f"ascbench: {source}: {n:,} observations, {len(imported.areas):,} areas -> "
        + ", ".join(str(p) for p in written),
        err=True,
    )
