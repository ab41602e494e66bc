"""``ascbench validate``: check catalogue and data together and list every problem."""

from __future__ import annotations

import click

from ascbench.cli.common import EXIT_PROBLEM, catalogue_option, data_option
from ascbench.sources import catalogue_source, data_source


@click.command()
@catalogue_option
@data_option
@click.option("--strict", is_flag=True, help="Treat warnings as problems (exit 1).")
def validate(catalogue_path, data_path, strict):
    """Check the catalogue and the data; list every problem and warning.

    Exits 0 when there is no problem (warnings, such as a published value that disagrees
    with its own counts, are listed but do not fail unless --strict), 1 otherwise.
    """
    from ascbench.validation import validate_all

    catalogue, data = catalogue_source(catalogue_path), data_source(data_path)
    catalogue_file, data_dir = catalogue.path, data.path
    click.echo(f"catalogue: {catalogue.describe()}", err=True)
    click.echo(f"data: {data.describe()}", err=True)
    problems = validate_all(catalogue_file, data_dir)
    for error in problems.errors:
        click.echo(f"error: {error.one_line()}", err=True)
    for warning in problems.warnings:
        click.echo(f"warning: {warning}", err=True)
    n_err, n_warn = len(problems.errors), len(problems.warnings)
    click.echo(f"{catalogue_file}, {data_dir}: {n_err} problem{'s' * (n_err != 1)}, "
               f"{n_warn} warning{'s' * (n_warn != 1)}", err=True)
    if n_err or (strict and n_warn):
        raise click.exceptions.Exit(EXIT_PROBLEM)
