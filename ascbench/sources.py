"""Which catalogue and data directory a command uses, and why.

The embedded default (Leicestershire's Q3 2025/26 dashboard and every council's published
ASCOF values) ships inside the package, in ``ascbench/default/``, and is found with
:mod:`importlib.resources`, so an installed wheel runs from any directory. In the repository
``ascbench/default/`` holds links to ``metrics.yaml`` and ``data/`` at its top (one copy; a
wheel build follows the links). The first of
these that applies wins:

1. the ``--catalogue FILE`` / ``--data DIR`` options;
2. the environment variables ``$ASCBENCH_CATALOGUE`` / ``$ASCBENCH_DATA`` (when not empty);
3. for the catalogue only: the data directory's own ``metrics.yaml`` when the data directory
   was given (option or variable) and holds one (``ascbench cld --out DIR`` writes one, so
   ``ascbench rate --data DIR`` runs at once);
4. ``./metrics.yaml`` / ``./data`` in the working directory (``./data`` only when it holds an
   ``areas.csv``, so an unrelated folder called ``data`` is not taken for a dataset);
5. the embedded default.

The catalogue and the data are resolved independently: ``--data mydata`` with no catalogue
uses the default catalogue. Nothing here imports pandas (``ascbench --version`` uses it).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

CATALOGUE_FILE = "metrics.yaml"
DATA_DIR = "data"
CATALOGUE_ENV = "ASCBENCH_CATALOGUE"
DATA_ENV = "ASCBENCH_DATA"


@dataclass(frozen=True)
class Source:
    """A resolved path and where it came from (an option, a variable, the working
    directory or the embedded default)."""

    path: Path
    origin: str

    def describe(self) -> str:
        return f"{self.path} ({self.origin})"


def embedded_root() -> Path:
    """The folder of the embedded default inside the installed package. The package is
    always installed as files (pandas cannot run from a zip), so this is a real path."""
    return Path(str(resources.files("ascbench") / "default"))


def embedded_catalogue() -> Path:
    return embedded_root() / CATALOGUE_FILE


def embedded_data() -> Path:
    return embedded_root() / DATA_DIR


def _source(option: Path | None, flag: str, env: str, local: Path, is_local, embedded) -> Source:
    """The first of: the option, the environment variable (when not empty), ``local`` in the
    working directory (when ``is_local(local)``), the embedded default."""
    if option is not None:
        return Source(Path(option), flag)
    given = os.environ.get(env)
    if given:
        return Source(Path(given), f"${env}")
    if is_local(local):
        return Source(local.resolve(), "working directory")
    return Source(embedded(), "embedded default")


def catalogue_source(option: Path | None = None, data_option: Path | None = None) -> Source:
    """The catalogue a command reads, by the precedence in the module docstring
    (``data_option``: the command's ``--data``, for the data directory's own catalogue)."""
    if option is None and not os.environ.get(CATALOGUE_ENV):
        data = data_source(data_option)
        own = data.path / CATALOGUE_FILE
        if data.origin in ("--data", f"${DATA_ENV}") and own.is_file():
            return Source(own, "the data directory's own catalogue")
    return _source(option, "--catalogue", CATALOGUE_ENV, Path(CATALOGUE_FILE), Path.is_file, embedded_catalogue)


def data_source(option: Path | None = None) -> Source:
    """The data directory a command reads (``./data`` only when it holds an ``areas.csv``)."""
    return _source(option, "--data", DATA_ENV, Path(DATA_DIR), lambda d: (d / "areas.csv").is_file(), embedded_data)
