"""The README's promises: its two set-up commands, the CI script, and its example output."""

from __future__ import annotations

import re

from click.testing import CliRunner

from ascbench.cli import cli
from tests.conftest import ROOT


def _commands() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    first_block = re.search(r"```bash\n(.*?)```", readme, re.S).group(1)
    return [line for line in first_block.splitlines() if line and not line.startswith("#")]


def test_readme_first_screen_has_exactly_two_setup_commands():
    commands = _commands()
    assert len(commands) == 2
    assert commands[0].endswith("ascbench rate")
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_test_command_verbatim():
    ci = (ROOT / ".ci" / "run").read_text()
    assert _commands()[1] in ci.splitlines()


def test_readme_example_is_real_output():
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"```console\n\$ ascbench (.*?)\n(.*?)```", readme, re.S)
    args, expected = block.group(1).split(), block.group(2)
    out = CliRunner().invoke(cli, args)
    assert out.exit_code == 0
    assert out.stdout == expected


def test_readme_states_the_python_versions_pyproject_claims():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    claimed = [
        c.rsplit(" :: ", 1)[1] for c in project["classifiers"] if c.startswith("Programming Language :: Python :: 3.")
    ]
    assert project["requires-python"] == f">={claimed[0]}"
    first_screen = (ROOT / "README.md").read_text().split("```bash")[0]
    assert f"Python {', '.join(claimed[:-1])} or {claimed[-1]}" in first_screen
    ci = (ROOT / ".ci" / "run").read_text()
    assert (
        f"for name in python{claimed[0]} python{claimed[-1]}; do" in ci
    )  # CI installs the wheel on the oldest and newest
