"""Importers: one module per official file layout, registered here by name.

Each module has ``SOURCE`` (a one-line description), ``detect(header) -> bool`` for files it
can read, and ``read(paths) -> Imported``. A new layout is one module plus one line in
:data:`IMPORTERS`. ``docs/importing.md`` documents every layout.
"""

from __future__ import annotations

import importlib

IMPORTERS = {
    "ascof": "ascbench.importers.ascof",
    "fingertips": "ascbench.importers.fingertips",
    "lginform": "ascbench.importers.lginform",
    "oflog": "ascbench.importers.oflog",
    "ons": "ascbench.importers.ons",
}


def get(source: str):
    from ascbench.errors import AscbenchError

    if source not in IMPORTERS:
        raise AscbenchError(f"no importer '{source}'", field="SOURCE", expected="one of " + ", ".join(IMPORTERS))
    return importlib.import_module(IMPORTERS[source])
