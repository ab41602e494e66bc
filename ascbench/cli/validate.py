"""``ascbench validate``: check catalogue and data together and list every problem."""

from __future__ import annotations

import click

from ascbench.cli.common import EXIT_PROBLEM, catalogue_option, data_option
from ascbench.errors import printable
from ascbench.sources import catalogue_source, data_source

SHOWN_PER_KIND = 3


def summarised(lines: list[tuple[str, str]]) -> list[str]:
    """The first few lines of each kind of problem, then one line for the rest of that kind:
    one cause (a missing observation file, a renamed measure) is not buried under dozens of
    follow-on lines. ``lines`` are (text, what it says); two are of one kind when what they
    say differs only in quoted names, numbers and line numbers."""
    import re

    def kind(key: str) -> str:
        text = re.sub(r"'[^']*'", "'_'", key)
        text = re.sub(r":\d+:", ":_:", text)
        return re.sub(r"\b\d+(\.\d+)?\b", "_", text)

    out: list[str] = []
    seen: dict[str, int] = {}
    hidden: dict[str, int] = {}
    first: dict[str, str] = {}
    for text, key in lines:
        k = kind(key)
        seen[k] = seen.get(k, 0) + 1
        first.setdefault(k, text)
        if seen[k] <= SHOWN_PER_KIND:
            out.append(text)
        else:
            hidden[k] = hidden.get(k, 0) + 1
    for k, n in hidden.items():
        label, rest = first[k].split(": ", 1)
        out.append(f"{label}: ... and {n} more of the same kind as: {rest[:100]}")
    return out


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

    catalogue, data = catalogue_source(catalogue_path, data_path), data_source(data_path)
    catalogue_file, data_dir = catalogue.path, data.path
    click.echo(f"catalogue: {catalogue.describe()}", err=True)
    click.echo(f"data: {data.describe()}", err=True)
    problems = validate_all(catalogue_file, data_dir)
    errors = [
        (f"error: {e.one_line()}", f"{e.location.file}|{e.location.field}|{e.message}|{e.expected}")
        for e in problems.errors
    ]
    notes = [f"note: {n}" for n in problems.notes]  # one per measure rolled up: each rule is named
    for line in notes + summarised(errors) + summarised([(f"warning: {w}", w) for w in problems.warnings]):
        click.echo(printable(line), err=True)
    n_err, n_warn = len(problems.errors), len(problems.warnings)
    click.echo(
        f"{catalogue_file}, {data_dir}: {n_err} problem{'s' * (n_err != 1)}, {n_warn} warning{'s' * (n_warn != 1)}",
        err=True,
    )
    if n_err or (strict and n_warn):
        raise click.exceptions.Exit(EXIT_PROBLEM)
