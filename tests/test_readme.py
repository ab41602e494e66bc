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
