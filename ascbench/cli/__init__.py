"""The command-line interface: a thin layer over the engine.

Commands live one per module and are imported only when run (or when their help is shown),
so ``ascbench --help`` never imports pandas. Data go to stdout, messages to stderr.

Exit codes: 0 success; 1 a problem with the catalogue, the data or an option's value (one
located line on stderr); 2 usage error (unknown option or command); 3 a ``--fail-on``
condition was met; 128 + the signal's number when SIGTERM or SIGHUP stopped a write (143
for SIGTERM), after rolling it back.
"""

from __future__ import annotations

import importlib

import click

from ascbench import __version__

COMMANDS = {
    "rate": ("ascbench.cli.rate", "rate"),
    "metrics": ("ascbench.cli.metrics", "metrics"),
    "validate": ("ascbench.cli.validate", "validate"),
    "rank": ("ascbench.cli.rank", "rank"),
    "import": ("ascbench.cli.importing", "import_"),
    "forecast": ("ascbench.cli.forecast", "forecast"),
    "dashboard": ("ascbench.cli.dashboard", "dashboard"),
    "narrate": ("ascbench.cli.narrate", "narrate"),
    "explain": ("ascbench.cli.explain", "explain"),
    "gap": ("ascbench.cli.gap", "gap"),
    "cld": ("ascbench.cli.cld", "cld"),
    "init": ("ascbench.cli.init", "init"),
    "check": ("ascbench.cli.check", "check"),
    "quadrant": ("ascbench.cli.quadrant", "quadrant"),
    "tally": ("ascbench.cli.tally", "tally"),
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def list_commands(self, ctx):
        return sorted(COMMANDS)

    def get_command(self, ctx, name):
        if name not in COMMANDS:
            return None
        module, attr = COMMANDS[name]
        return getattr(importlib.import_module(module), attr)

    def invoke(self, ctx):
        from ascbench.cli.common import InternalError, ProblemExit
        from ascbench.errors import AscbenchError
        from ascbench.io.atomic import Interrupted

        try:
            return super().invoke(ctx)
        except AscbenchError as exc:
            if ctx.params.get("debug"):
                raise
            _name_the_option(exc, self.get_command(ctx, ctx.invoked_subcommand or ""))
            raise ProblemExit(exc.one_line()) from None
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort, KeyboardInterrupt):
            raise
        except Interrupted as exc:  # SIGTERM or SIGHUP while writing: rolled back, as Ctrl-C is
            click.echo(f"ascbench: {exc}; every output file is as it was or wholly written", err=True)
            raise click.exceptions.Exit(128 + exc.signum) from None
        except BrokenPipeError:
            raise click.exceptions.Exit(0) from None
        except Exception as exc:  # a bug: one line, a traceback with --debug
            if ctx.params.get("debug"):
                raise
            raise InternalError(f"{type(exc).__name__}: {exc} (run with --debug for a traceback)") from None


def _name_the_option(exc, command) -> None:
    """The library names what was wrong by its own field (``metric``, ``area``, ``period``,
    ``group``, ``tag``); an error with no file behind it came from a command-line choice, so
    the CLI names the option the user typed (``--metric``)."""
    field = exc.location.field
    if command is None or exc.location.file or not field or field.startswith("-"):
        return
    options: dict[str, str] = {}
    for param in command.params:
        long = [o for o in getattr(param, "opts", []) if o.startswith("--")]
        if isinstance(param, click.Option) and long:
            options.setdefault(param.name, long[0])
            options.setdefault(long[0][2:].replace("-", "_"), long[0])
    if field in options:
        exc.location.field = options[field]


def _show_version(ctx: click.Context, _param, value: bool) -> None:
    """``ascbench --version``: the version, and which catalogue and data a command run here
    would use (by the precedence of :mod:`ascbench.sources`)."""
    if not value or ctx.resilient_parsing:
        return
    import platform

    from ascbench.sources import catalogue_source, data_source

    click.echo(f"ascbench {__version__} (Python {platform.python_version()})")
    click.echo(f"catalogue: {catalogue_source().describe()}")
    click.echo(f"data: {data_source().describe()}")
    from pathlib import Path

    docs = Path(__file__).resolve().parent.parent / "docs"
    if docs.is_dir():
        click.echo(f"docs: {docs}")
    ctx.exit(0)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_show_version,
    help="Show the version and which catalogue and data are used, then exit.",
)
@click.option("--debug", is_flag=True, help="Show a traceback for errors (for bug reports).")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """ascbench: benchmarking for English adult social care.

    Recomputes ASCOF and local measures from their counts, compares each with a national
    average, a peer group or a milestone, rates it red/amber/green and gives its direction
    of travel. Runs on the embedded default catalogue and data (inside the package) unless
    --catalogue/--data, $ASCBENCH_CATALOGUE/$ASCBENCH_DATA or ./metrics.yaml and ./data say
    otherwise; 'ascbench --version' says which are used, 'ascbench init DIR' starts your own.
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


def main() -> None:
    """The ``ascbench`` command. After the command has finished and its streams are flushed,
    the process ends at once (``os._exit``) instead of tearing down pandas and numpy module
    by module: about 60 ms of a 0.7 s run, and nothing is left to finalise (every file is
    written and closed, atomically, before the command returns)."""
    import os
    import sys

    try:
        cli(prog_name="ascbench")
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if exc.code is not None and not isinstance(exc.code, int):
            print(exc.code, file=sys.stderr)
    try:
        sys.stdout.flush()
    except (BrokenPipeError, ValueError, OSError):
        pass  # the reader went away (ascbench rate | head): nothing more to say
    try:
        sys.stderr.flush()
    except (ValueError, OSError):
        pass
    os._exit(code)
