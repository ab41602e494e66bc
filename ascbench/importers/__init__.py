"""Importers: one module per official file layout, registered here by name.

Each module has ``SOURCE`` (a one-line description), ``detect(header) -> bool`` for files it
can read, and ``read(paths) -> Imported``. A new layout is one module plus one line in
:data:`IMPORTERS`. ``docs/importing.md`` documents every layout.
"""

from __future__ import annotations

import importlib

IMPORTERS = {
    "ascfr": "ascbench.importers.ascfr",
    "ascof": "ascbench.importers.ascof",
    "ascof-annex": "ascbench.importers.ascof_annex",
    "fingertips": "ascbench.importers.fingertips",
    "lginform": "ascbench.importers.lginform",
    "nomis": "ascbench.importers.nomis",
    "oflog": "ascbench.importers.oflog",
    "ons": "ascbench.importers.ons",
}


def suggest_source(source: str, paths) -> None:
    """When the first file is a CSV that the named importer does not recognise but another
    does, stop with an error naming the right SOURCE (each importer's ``detect``)."""
    import csv

    from ascbench.errors import AscbenchError
    from ascbench.io.dataset import read_text

    path = paths[0]
    if str(path).lower().endswith((".xlsx", ".xlsm", ".xls", ".ods")):
        return
    try:
        rows = list(csv.reader(read_text(path).splitlines()[:30]))
    except (AscbenchError, csv.Error):
        return
    headers = [row for row in rows if row]
    if not headers or any(get(source).detect(row) for row in headers):
        return
    for other in sorted(IMPORTERS):
        if other != source and any(get(other).detect(row) for row in headers):
            raise AscbenchError(
                f"this looks like a {other} file, not {source}",
                file=str(path),
                line=1,
                field="SOURCE",
                expected=f"ascbench import {other} {path} ...",
            )


def read_options(source: str, module, **given) -> dict:
    """The options given that this importer's ``read`` takes; one it does not take is a
    usage error naming the option (``--lookup`` is for ons only)."""
    import inspect

    from ascbench.errors import AscbenchError

    accepted = inspect.signature(module.read).parameters
    for name, value in given.items():
        if value is not None and name not in accepted:
            users = [s for s in sorted(IMPORTERS) if name in inspect.signature(get(s).read).parameters]
            raise AscbenchError(
                f"--{name} does not apply to {source}",
                field=f"--{name}",
                expected="--" + name + " with " + " or ".join(users),
            )
    return {k: v for k, v in given.items() if k in accepted}


def get(source: str):
    from ascbench.errors import AscbenchError

    if source not in IMPORTERS:
        raise AscbenchError(f"no importer '{source}'", field="SOURCE", expected="one of " + ", ".join(IMPORTERS))
    return importlib.import_module(IMPORTERS[source])
