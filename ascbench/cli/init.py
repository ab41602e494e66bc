"""``ascbench init DIR``: a starting point for another council's catalogue and data."""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path

import click

from ascbench.cli.common import ProblemExit
from ascbench.sources import CATALOGUE_FILE, DATA_DIR, embedded_catalogue, embedded_root


def template_files() -> dict[str, Path]:
    """What ``init`` writes, by path relative to DIR: the default catalogue and the data
    directory template shipped in ``ascbench/template/``."""
    template = embedded_root().parent / "template" / DATA_DIR
    files = {CATALOGUE_FILE: embedded_catalogue()}
    files.update({f"{DATA_DIR}/{p.name}": p for p in sorted(template.iterdir()) if p.is_file()})
    return files


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def init(directory: Path) -> None:
    """Start a catalogue and data directory for another council in DIRECTORY.

    Writes DIRECTORY/metrics.yaml (a copy of the default catalogue) and DIRECTORY/data/
    (areas.csv, dataset.yaml with its roles, and observations.csv with its columns and
    commented example rows). Refuses to overwrite any file that exists; writes nothing
    then. Run the commands it prints from DIRECTORY: ./metrics.yaml and ./data are then
    used without --catalogue and --data.
    """
    files = template_files()
    targets = {directory / rel: src for rel, src in files.items()}
    existing = [str(t) for t in targets if t.exists() or t.is_symlink()]
    if existing:
        raise ProblemExit(
            f"{existing[0]}: already exists (expected a directory without metrics.yaml or data/; init never overwrites)"
        )
    if directory.exists() and not directory.is_dir():
        raise ProblemExit(f"{directory}: exists and is not a directory (expected a directory to create)")
    try:
        for target, src in targets.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, target)
    except OSError as exc:
        raise ProblemExit(f"{exc.filename or directory}: cannot write: {exc.strerror}") from None
    for target in targets:
        click.echo(f"ascbench: wrote {target}", err=True)
    click.echo("Put your council's figures in data/ (docs/data-format.md), then run:", err=True)
    click.echo(f"  cd {shlex.quote(str(directory))}\n  ascbench validate\n  ascbench rate")
