"""The installed package finds its own default; the tests need nothing outside the repository;
``ascbench init`` starts another council. (CI also builds a wheel, installs it in a fresh venv
and runs the default dashboard from a temporary directory: see .ci/run.)"""

from __future__ import annotations

import ast
import fnmatch
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from ascbench.cli import cli
from ascbench.sources import embedded_root
from tests.conftest import DEFAULT_CATALOGUE, DEFAULT_DATA, ROOT

TESTS = ROOT / "tests"
SHARED = "shared"  # the project's reference folder beside the clone, which tests must not read


def _version(cwd: Path, env_extra: dict | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASCBENCH_")}
    env.update(env_extra or {})
    proc = subprocess.run(
        [sys.executable, "-m", "ascbench", "--version"], capture_output=True, text=True, cwd=cwd, env=env, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("ascbench ")
    return dict(line.split(": ", 1) for line in lines[1:])


def test_the_default_lives_inside_the_package():
    assert embedded_root() / "metrics.yaml" == DEFAULT_CATALOGUE and DEFAULT_CATALOGUE.is_file()
    assert (DEFAULT_DATA / "areas.csv").is_file() and (DEFAULT_DATA / "dataset.yaml").is_file()
    assert embedded_root().parent == Path(__import__("ascbench").__file__).parent


def test_the_repository_top_is_the_embedded_default():
    """metrics.yaml and data/ at the top of a clone are the embedded default, one copy: the
    package's default/ holds links to them, which a wheel build follows."""
    package_default = ROOT / "ascbench" / "default"
    for name in ("metrics.yaml", "data"):
        assert (package_default / name).is_symlink()
        assert (package_default / name).resolve() == (ROOT / name).resolve()
    assert (ROOT / "data" / "areas.csv").is_file() and (ROOT / "metrics.yaml").is_file()


def test_package_data_globs_ship_every_default_and_template_file():
    """What pyproject.toml declares as package data covers every file of ascbench/default and
    ascbench/template, so a wheel (not only an editable install) carries them."""
    globs = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["ascbench"]
    package = ROOT / "ascbench"
    shipped = [
        Path(top) / name
        for folder in ("default", "template")
        for top, _, names in os.walk(package / folder, followlinks=True)
        for name in names
        if "__pycache__" not in top
    ]
    assert len(shipped) >= 9
    for path in shipped:
        rel = path.relative_to(package).as_posix()
        assert any(fnmatch.fnmatchcase(rel, g) and rel.count("/") == g.count("/") for g in globs), rel


def test_version_says_which_catalogue_and_data_by_precedence(tmp_path):
    used = _version(tmp_path)
    assert used["catalogue"] == f"{DEFAULT_CATALOGUE} (embedded default)"
    assert used["data"] == f"{DEFAULT_DATA} (embedded default)"
    # ./metrics.yaml and ./data (with areas.csv) in the working directory come next
    shutil.copy(DEFAULT_CATALOGUE, tmp_path / "metrics.yaml")
    (tmp_path / "data").mkdir()
    assert _version(tmp_path)["data"].endswith("(embedded default)")  # no areas.csv: not a dataset
    shutil.copy(DEFAULT_DATA / "areas.csv", tmp_path / "data" / "areas.csv")
    used = _version(tmp_path)
    assert used["catalogue"] == f"{tmp_path / 'metrics.yaml'} (working directory)"
    assert used["data"] == f"{tmp_path / 'data'} (working directory)"
    # the environment variables before the working directory
    used = _version(tmp_path, {"ASCBENCH_CATALOGUE": "/x/cat.yaml", "ASCBENCH_DATA": "/x/d"})
    assert {k: used[k] for k in ("catalogue", "data")} == {
        "catalogue": "/x/cat.yaml ($ASCBENCH_CATALOGUE)",
        "data": "/x/d ($ASCBENCH_DATA)",
    }


def test_options_come_first_and_validate_names_what_it_used(tmp_path, monkeypatch):
    monkeypatch.setenv("ASCBENCH_DATA", str(tmp_path / "nowhere"))
    out = CliRunner().invoke(cli, ["validate", "--data", str(DEFAULT_DATA)])
    assert out.exit_code == 0, out.stderr
    assert f"catalogue: {DEFAULT_CATALOGUE} (embedded default)" in out.stderr
    assert f"data: {DEFAULT_DATA} (--data)" in out.stderr


def test_rate_runs_from_any_directory_as_a_real_process(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "ascbench", "rate", "--format", "csv", "--metric", "ASCOF_2C"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[1].startswith("ASCOF_2C,")


def test_init_writes_a_starting_point_and_never_overwrites(tmp_path):
    target = tmp_path / "newtown"
    out = CliRunner().invoke(cli, ["init", str(target), "--area", "Coventry"])
    assert out.exit_code == 0, out.stderr
    template = Path(__import__("ascbench").__file__).parent / "template" / "metrics.yaml"
    assert (target / "metrics.yaml").read_bytes() == template.read_bytes()
    assert sorted(p.name for p in (target / "data").iterdir()) == [
        "areas.csv",
        "dataset.yaml",
        "groups.csv",
        "observations-local.csv",
        "observations-national-ascof.csv",
        "observations-national-populations.csv",
    ]
    assert "default_area: E08000026" in (target / "data" / "dataset.yaml").read_text()
    assert out.stdout.splitlines() == [f"  cd {target}", "  ascbench validate", "  ascbench rate"]
    assert "Coventry (E08000026) is the default area" in out.stderr
    # a second run refuses, changes nothing and exits 1
    (target / "data" / "areas.csv").write_text("mine\n")
    again = CliRunner().invoke(cli, ["init", str(target), "--area", "E08000026"])
    assert again.exit_code == 1 and "already exists" in again.stderr and "never overwrites" in again.stderr
    assert (target / "data" / "areas.csv").read_text() == "mine\n"


def test_init_without_an_area_says_how_to_choose_one(tmp_path):
    out = CliRunner().invoke(cli, ["init", str(tmp_path / "x")])
    assert out.exit_code == 1 and not (tmp_path / "x").exists()
    assert "--area: which council?" in out.stderr and "ascbench init --list" in out.stderr
    listed = CliRunner().invoke(cli, ["init", "--list"]).stdout.splitlines()
    assert "E10000018  Leicestershire  [county, East Midlands]" in listed
    assert any(line.startswith("E10000023  North Yorkshire") and "abolished after 2022-23" in line for line in listed)
    gone = CliRunner().invoke(cli, ["init", str(tmp_path / "y"), "--area", "E10000023"])
    assert gone.exit_code == 1 and "was abolished after 2022-23; it is now E06000065" in gone.stderr


def test_the_local_template_reads_and_its_commented_rows_are_real_rows(tmp_path):
    from ascbench.engine.data import load as load_dataset

    target = tmp_path / "t"
    assert CliRunner().invoke(cli, ["init", str(target), "--area", "E06000016"]).exit_code == 0
    data = load_dataset(target / "data")
    assert data.settings["default_area"] == "E06000016"
    assert set(data.roles.values()) <= set(data.areas["area_code"])
    # uncomment the example rows: they load as the council's own figures
    obs = target / "data" / "observations-local.csv"
    obs.write_text("\n".join(line[2:] if line.startswith("# E") else line for line in obs.read_text().splitlines()))
    loaded = load_dataset(target / "data").observations
    mine = loaded[loaded["file"].astype(str).str.endswith("observations-local.csv")].set_index("measure")["value"]
    assert mine["reviews_on_time.num"] == 4140 and mine["ascof_2a.den"] == 2000


def test_comment_lines_keep_line_numbers(tmp_path):
    from ascbench.io.dataset import read_csv

    path = tmp_path / "o.csv"
    path.write_text(
        "area_code,period,measure,value\n# a comment, with a comma\n  # indented\nE1,2024-25,m,1\nE1,2024-25,m,#2\n"
    )
    frame = read_csv(path, ("area_code", "period", "measure", "value"))
    assert list(frame["line"]) == [4, 5] and list(frame["value"]) == ["1", "#2"]  # '#' mid-line is text


def _outside_references(source: str, name: str, depth: int) -> list[str]:
    """String constants and path arithmetic in a test module that point outside the repository:
    a '..' component, a 'shared' folder, ``parents[n]`` reaching above the repository from a
    module ``depth`` folders below it, or ``ROOT.parent``."""
    tree = ast.parse(source, filename=name)
    docstrings = {
        id(n.body[0].value)
        for n in ast.walk(tree)
        if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef))
        and n.body
        and isinstance(n.body[0], ast.Expr)
        and isinstance(n.body[0].value, ast.Constant)
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            parts = node.value.replace("\\", "/").split("/")
            if len(parts) > 1 and (os.pardir in parts or SHARED in parts):  # a bare '..' is a marker
                found.append(f"{name}:{node.lineno}: {node.value!r}")
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "parents"
            and isinstance(node.slice, ast.Constant)
            and isinstance(node.slice.value, int)
            and node.slice.value > depth
        ):
            found.append(f"{name}:{node.lineno}: parents[{node.slice.value}]")
        if (
            isinstance(node, ast.Attribute)
            and node.attr == "parent"
            and isinstance(node.value, ast.Name)
            and node.value.id == "ROOT"
        ):
            found.append(f"{name}:{node.lineno}: ROOT.parent")
    return found


def test_no_test_refers_to_a_path_outside_the_repository():
    modules = sorted(TESTS.rglob("*.py"))
    assert len(modules) > 15
    found = [
        ref for m in modules for ref in _outside_references(m.read_text(), m.name, len(m.relative_to(ROOT).parts) - 1)
    ]
    assert found == []


@pytest.mark.parametrize(
    "text",
    [
        'p = ROOT.parent / "x"',
        f'p = Path("{os.pardir}/x/a.csv")',
        "p = Path(__file__).parents[2]",
        f'p = Path("{SHARED}/seeds")',
    ],
)
def test_the_outside_path_check_catches(text):
    assert _outside_references(text + "\n", "probe.py", depth=1)
    assert not _outside_references('p = Path(__file__).parents[1] / "tests"\n', "probe.py", depth=1)


def test_the_docs_ship_with_the_package_and_help_points_to_them():
    """The help and the dashboard's footer name documents a user has: the docs are package
    data (ascbench/docs links to docs/, as default/ does), `--version` prints their folder,
    and no help text or rendered page names a path only a clone has (docs/..., shared/...)."""
    assert (ROOT / "ascbench" / "docs").is_symlink()
    assert (ROOT / "ascbench" / "docs").resolve() == (ROOT / "docs").resolve()
    globs = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["ascbench"]
    assert "docs/*.md" in globs
    out = CliRunner().invoke(cli, ["--version"])
    docs = next(line for line in out.stdout.splitlines() if line.startswith("docs: "))[6:]
    assert (Path(docs) / "cld.md").is_file() and (Path(docs) / "methods.md").is_file()
    for command in ("cld", "import", "rate", "dashboard", "explain", "forecast", "narrate", "rank"):
        text = CliRunner().invoke(cli, [command, "--help"]).stdout
        assert "docs/" not in text and f"{SHARED}/" not in text, command
        for name in re.findall(r"\b([a-z-]+\.md)\b", text):
            assert (ROOT / "docs" / name).is_file(), (command, name)


def test_the_dashboard_names_no_path_a_user_lacks(tmp_path):
    out = CliRunner().invoke(cli, ["dashboard", "--out", str(tmp_path / "site")])
    assert out.exit_code == 0, out.stderr
    for name in ("dashboard.html", "dashboard.md"):
        text = (tmp_path / "site" / name).read_text()
        assert f"{SHARED}/" not in text and "docs/" not in text, name
