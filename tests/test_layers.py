"""The import-layer contract: every module of ascbench imports only from its own package or
from a lower layer (docs/architecture.md), checked on the source with the ast module, so a
function-level import cannot hide a cycle either."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "ascbench"

# higher imports lower; a layer's packages never import one another
LAYERS = [
    {"__init__"},  # the package itself holds only __version__
    {"errors"},
    {"identifiers", "keys", "yaml_strict", "periods", "stats"},
    {"catalogue", "io", "sources"},
    {"engine"},
    {"validation", "starter"},
    {"render", "importers", "cld"},
    {"check"},  # reads a report and judges it with the engine; may use render's number formatting
    {"cli"},
    {"__main__"},
]
RANK = {name: i for i, layer in enumerate(LAYERS) for name in layer}


def _unit(module: str) -> str:
    """The top-level unit of a dotted module inside ascbench (``ascbench.engine.compare`` ->
    ``engine``); ``ascbench`` itself is ``__init__``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "ascbench":  # from ascbench import stats (a module) or __version__ (a name)
                for alias in node.names:
                    is_module = (PACKAGE / alias.name).is_dir() or (PACKAGE / f"{alias.name}.py").exists()
                    yield node.lineno, f"ascbench.{alias.name}" if is_module else "ascbench"
            elif node.module.startswith("ascbench."):
                yield node.lineno, node.module
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("ascbench."):
                    yield node.lineno, alias.name


def violations():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        module = ".".join(rel.parts).removesuffix(".__init__")
        unit = _unit(module)
        for line, target in _imports(path):
            other = _unit(target)
            if other == unit:
                continue
            if RANK[other] >= RANK[unit]:
                found.append(f"{rel}.py:{line}: {unit} imports {target} ({other} is not below {unit})")
    return found


def test_every_unit_is_in_a_layer():
    units = {p.stem if p.parent == PACKAGE else p.relative_to(PACKAGE).parts[0] for p in PACKAGE.rglob("*.py")}
    assert units - set(RANK) == set()


def test_imports_run_one_way():
    assert violations() == []


def test_the_contract_catches_an_upward_import(tmp_path, monkeypatch):
    """The check itself can fail: an engine module importing the CLI is reported."""
    fake = tmp_path / "ascbench"
    (fake / "engine").mkdir(parents=True)
    (fake / "cli").mkdir()
    (fake / "engine" / "bad.py").write_text("def f():\n    from ascbench.cli import main\n", encoding="utf-8")
    (fake / "cli" / "__init__.py").write_text("", encoding="utf-8")
    import sys

    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", fake)
    assert violations() == ["ascbench/engine/bad.py:2: engine imports ascbench.cli (cli is not below engine)"]


# the engine modules a renderer may import: the Report it reads, and nothing that computes
RENDER_MAY_IMPORT = {"ascbench.engine.report"}


def renderers_reaching_into_the_engine():
    found = []
    for path in sorted((PACKAGE / "render").rglob("*.py")):
        for line, target in _imports(path):
            if target.startswith("ascbench.engine") and target not in RENDER_MAY_IMPORT:
                found.append(f"render/{path.name}:{line}: imports {target}")
    return found


def test_renderers_read_the_report_and_compute_nothing_of_the_engines():
    """A renderer draws what the Report holds: it never recomputes positions, groups or trends
    (they were found once, by the pipeline)."""
    assert renderers_reaching_into_the_engine() == []
