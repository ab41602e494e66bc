"""What the commands share: default paths, common options, loading, error handling, output."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ascbench.errors import AscbenchError
from ascbench.sources import catalogue_source, data_source

EXIT_PROBLEM = 1
EXIT_GATE = 3


def catalogue_option(f):
    return click.option(
        "--catalogue",
        "catalogue_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Metric catalogue (default: $ASCBENCH_CATALOGUE, ./metrics.yaml, else the embedded default).",
    )(f)


def data_option(f):
    return click.option(
        "--data",
        "data_path",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Data directory (default: $ASCBENCH_DATA, ./data, else the embedded default).",
    )(f)


EXTENSIONS = {
    ".csv": "csv",
    ".json": "json",
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "table",
    ".xlsx": "xlsx",
    ".html": "html",
    ".htm": "html",
}
TEXT_EXTENSIONS = (".txt", ".md", ".markdown")  # for commands that write prose (narrate, explain)
FILE_ONLY = ("xlsx",)  # binary documents: written to -o, never to the terminal


def _command_name() -> str:
    ctx = click.get_current_context(silent=True)
    return f"ascbench {ctx.info_name}" if ctx is not None and ctx.info_name else "this command"


def refuse_extension(output: Path, can: list[str], field: str = "--output") -> None:
    """``output``'s extension must name a format the command writes (``can``): a file named
    ``.xlsx`` that holds a text table is never written."""
    raise AscbenchError(
        f"{_command_name()} cannot write a {Path(output).suffix} file",
        file=str(output),
        field=field,
        expected="a file name ending " + ", ".join(can) + ", or without an extension",
    )


def format_for(fmt: str | None, output: Path | None, choices, default: str) -> str:
    """The output format: ``--format`` when given, else the one ``-o``'s extension names
    (``.csv``, ``.json``, ``.md``, ``.txt``, and ``.xlsx`` where the command writes Excel),
    else ``default``. An extension that names no format the command writes (``-o x.xlsx``
    for a command without Excel, ``-o x.pdf``) is refused, as is a ``--format`` that
    contradicts the extension (``-o out.csv --format table``) and a file-only format without
    ``-o``."""
    suffix = Path(output).suffix.lower() if output is not None else ""
    implied = EXTENSIONS.get(suffix) if suffix else None
    if suffix and implied not in choices:
        refuse_extension(Path(output), [e for e, f in EXTENSIONS.items() if f in choices])  # type: ignore[arg-type]
    chosen = fmt or implied or default
    if implied is not None and fmt is not None and implied != fmt:
        raise AscbenchError(
            f"--format {fmt} does not match the extension of {output}",
            field="--format",
            expected=f"--format {implied} for a {Path(output).suffix} file, or another file name",  # type: ignore[arg-type]
        )
    if chosen in FILE_ONLY and output is None:
        raise AscbenchError(
            f"--format {chosen} writes a file, not the terminal",
            field="--format",
            expected=f"-o NAME.{chosen}",
        )
    return chosen


def format_option(choices=None, default="table", files=()):
    """``--format`` (choices: the registry's stream formats, :data:`ascbench.render.FORMATS`,
    and ``files``, formats written only to ``-o``), resolved against ``-o``
    (:func:`format_for`) before the command runs."""
    import functools

    from ascbench.render import stream_formats

    choices = (tuple(choices) if choices is not None else stream_formats()) + tuple(files)

    def deco(f):
        @functools.wraps(f)
        def resolved(*args, **kwargs):
            kwargs["fmt"] = format_for(kwargs.get("fmt"), kwargs.get("output"), choices, default)
            return f(*args, **kwargs)

        return click.option(
            "--format",
            "fmt",
            type=click.Choice(choices),
            default=None,
            help=f"Output format (default: from -o's extension, else {default}).",
        )(resolved)

    return deco


def width_option(f):
    """``--width``: the terminal table's width (default: the terminal's, 80 when piped)."""
    return click.option(
        "--width",
        type=click.IntRange(60, 400),
        default=None,
        help="Table width (default: the terminal's, 80 when piped).",
    )(f)


# the names of engine.headline.ONLY and SORTS (written here so that --help needs no pandas;
# tests/test_first_glance.py checks that they agree)
ONLY_CHOICES = ("red", "amber", "worse", "red-worsening", "improved")
SORT_CHOICES = ("layer", "rating", "direction", "rank")


def only_option(f):
    """``--only``: keep the rows rated red, amber, worse (than the comparator or last year),
    red and worse than last year, or improved (:data:`ascbench.engine.headline.ONLY`)."""
    return click.option(
        "--only",
        type=click.Choice(ONLY_CHOICES),
        default=None,
        help="Only the metrics rated red, amber, worse (than the comparator or last year), "
        "red and worse than last year (red-worsening), or improved since last year.",
    )(f)


def sort_option(f):
    """``--sort``: the dashboard's order (layer) or worst first by rating, direction or rank
    (:data:`ascbench.engine.headline.SORTS`)."""
    return click.option(
        "--sort",
        type=click.Choice(SORT_CHOICES),
        default="layer",
        show_default=True,
        help="Order: the dashboard's (layer), or worst first by rating (red first), direction "
        "(worse first) or rank (lowest position first).",
    )(f)


def terminal_width(width: int | None) -> int:
    """``--width`` if given, else the terminal's width, else 80 (piped, as in CI logs)."""
    import shutil

    return width or shutil.get_terminal_size((80, 24)).columns


# ------------------------------------------------------------------ shell completion
def _completing(ctx, kind: str):
    """The catalogue or data directory the command being completed would read (its
    --catalogue / --data if already typed, else the usual precedence)."""
    from ascbench.sources import catalogue_source, data_source

    given = ctx.params.get("catalogue_path" if kind == "catalogue" else "data_path")
    return (catalogue_source if kind == "catalogue" else data_source)(given).path


def complete_metric(ctx, param, incomplete: str):
    """Metric ids of the catalogue, for ``--metric`` (a broken catalogue completes nothing)."""
    from click.shell_completion import CompletionItem

    try:
        from ascbench.catalogue import load_catalogue

        metrics = load_catalogue(_completing(ctx, "catalogue")).metrics
    except Exception:  # noqa: BLE001 - completion must never fail the shell
        return []
    return [CompletionItem(m.id, help=m.title) for m in metrics if m.id.startswith(incomplete)]


def complete_tag(ctx, param, incomplete: str):
    """The catalogue's tags, for ``--tag``."""
    try:
        from ascbench.catalogue import load_catalogue

        tags = sorted({t for m in load_catalogue(_completing(ctx, "catalogue")).metrics for t in m.tags})
    except Exception:  # noqa: BLE001
        return []
    return [t for t in tags if t.startswith(incomplete)]


def complete_area(ctx, param, incomplete: str):
    """Area codes of areas.csv (with their names), for ``--area``; read with the csv module, so
    completion does not wait for pandas."""
    import csv

    from click.shell_completion import CompletionItem

    try:
        with open(Path(_completing(ctx, "data")) / "areas.csv", encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    except Exception:  # noqa: BLE001
        return []
    return [
        CompletionItem(r["area_code"], help=r.get("area_name") or "")
        for r in rows
        if (r.get("area_code") or "").startswith(incomplete)
    ]


AREA_HELP = "Area code or name (default: the dataset's)."
PERIOD_HELP = "Reporting period (default: the dataset's)."


def area_option(multiple: bool = False, help: str = AREA_HELP):
    """``--area``: one area (parameter ``area``) or, with ``multiple``, several (``areas``)."""
    if multiple:
        return click.option("--area", "areas", multiple=True, help=help, shell_complete=complete_area)
    return click.option("--area", "area", default=None, help=help, shell_complete=complete_area)


def period_option(help: str = PERIOD_HELP, required: bool = False):
    """``--period`` (parameter ``period``)."""
    return click.option("--period", "period", default=None, required=required, help=help)


def metric_option(multiple: bool = True, required: bool = False, help: str = "Metric id (repeatable; default: all)."):
    """``--metric``: several (parameter ``metrics``) or, without ``multiple``, one (``metric``)."""
    if multiple:
        return click.option("--metric", "metrics", multiple=True, help=help, shell_complete=complete_metric)
    return click.option("--metric", "metric", required=required, help=help, shell_complete=complete_metric)


def tag_option(help: str = "Only metrics with this tag (repeatable)."):
    """``--tag`` (parameter ``tags``, repeatable)."""
    return click.option("--tag", "tags", multiple=True, help=help, shell_complete=complete_tag)


def output_option(f):
    return click.option(
        "--output",
        "-o",
        "output",
        type=click.Path(path_type=Path),  # a directory is refused by check_output: exit 1, located
        default=None,
        help="Write to this file (atomically) instead of stdout; its extension names the format.",
    )(f)


def publish_option(f):
    """``--publish``: publication-safe output (disclosure control of the counts,
    :mod:`ascbench.engine.disclosure`), by the rule of dataset.yaml's ``publish:`` or else
    NHS England's."""
    return click.option(
        "--publish",
        is_flag=True,
        help="Publication-safe output: small counts suppressed, counts rounded to 5, the rule noted "
        "(dataset.yaml 'publish:' sets the rule, and makes it always on; disclosure.md of the documentation installed with ascbench).",
    )(f)


def load(
    catalogue_path: Path | None,
    data_path: Path | None,
    metrics=(),
    tags=(),
    all_if_none: bool = True,
    publish: bool = False,
):
    """Catalogue, dataset and the chosen metric ids (``--metric`` checked with suggestions,
    ``--tag``), checked against each other for those metrics: a problem stops the command.
    With ``publish`` (or ``publish:`` in dataset.yaml) the dataset's counts are protected
    (:func:`ascbench.engine.disclosure.protect`) before anything is computed from them."""
    from ascbench.catalogue import load_catalogue
    from ascbench.engine.data import load as load_dataset
    from ascbench.engine.pipeline import select_tags
    from ascbench.errors import Problems
    from ascbench.validation import check_measures

    catalogue_file, data_dir = catalogue_source(catalogue_path, data_path).path, data_source(data_path).path
    remember_inputs(catalogue_file, data_dir)
    catalogue = load_catalogue(catalogue_file)
    dataset = load_dataset(data_dir, catalogue=catalogue)  # monthly data rolled up by the catalogue's rules
    ids = select_tags(catalogue, list(metrics), list(tags))
    problems = Problems(warnings=list(dataset.warnings))
    check_measures(catalogue, dataset, problems, ids)  # never a number from a count that cannot be
    problems.raise_first()
    for warning in problems.warnings:
        warn(warning)
    dataset = published(catalogue, dataset, publish)
    return catalogue, dataset, ids


def published(catalogue, dataset, publish: bool = False):
    """The dataset protected by the disclosure rule of dataset.yaml's ``publish:`` (always),
    or with ``--publish`` by that rule or else the default; as read otherwise."""
    from ascbench.engine.disclosure import DEFAULT, PRESETS, protect, rule_from

    setting = dataset.settings.get("publish")
    rule = rule_from(setting, dataset.settings.get("_file"), (dataset.settings.get("_lines") or {}).get("publish"))
    if rule is None and publish:
        rule = PRESETS[DEFAULT]
    if rule is None:
        return dataset
    return protect(dataset, catalogue.metrics_frame(), rule)


def disclosure_note(dataset) -> str:
    """The disclosure rule's note for an output of a protected dataset, or ""."""
    from ascbench.engine.disclosure import disclosure_note as note

    return note(dataset)


def say_as_at(results) -> None:
    """On stderr, which reporting period the results are as at and why, when it was not given
    or the data run beyond it: the period is never chosen silently."""
    as_at = results.attrs.get("as_at") or {}
    if as_at.get("say"):
        from ascbench.errors import printable

        click.echo(f"ascbench: {printable(as_at['sentence'])}", err=True)


def warn(message: str) -> None:
    from ascbench.errors import printable

    click.echo(f"ascbench: warning: {printable(message)}", err=True)


_INPUTS = "ascbench.inputs"  # ctx.meta key: the inputs of this invocation


def _inputs() -> list[Path]:
    """The files and directories this invocation reads, kept in click's context (one list per
    invocation: a second command in the same process starts afresh). Outside a command (the
    library), none."""
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return []
    return ctx.find_root().meta.setdefault(_INPUTS, [])


def remember_inputs(*paths: Path) -> None:
    """The files and directories a command reads: no output may be written onto or into them."""
    _inputs().extend(Path(p) for p in paths)


def check_output(path: Path, field: str = "--output") -> None:
    """Refuse an output path that is one of the command's inputs (the catalogue, a CLD
    extract), lies inside an input directory (the data directory: a CSV written there would
    be read as data by the next run), or exists and is not a regular file (a directory, a
    FIFO, a device): one located line, exit 1, nothing touched."""
    path = Path(path)
    if path.exists() or path.is_symlink():
        if not path.is_file():
            what = "a directory" if path.is_dir() else "not a regular file"
            raise AscbenchError(
                f"the output is {what}",
                file=str(path),
                field=field,
                expected="a new file name or a regular file to replace",
            )
    target = path.resolve()
    for given in _inputs():
        source = given.resolve()
        if target == source:
            raise AscbenchError(
                "the output would overwrite an input of this command",
                file=str(path),
                field=field,
                expected="a file outside the catalogue and the data directory",
            )
        if source.is_dir() and source in target.parents:
            raise AscbenchError(
                f"the output is inside the data directory {given}, where later runs would read it as data",
                file=str(path),
                field=field,
                expected="a file outside the catalogue and the data directory",
            )


def emit(text: str | bytes, output: Path | None, extensions: tuple[str, ...] = ()) -> None:
    """Data (text, or UTF-8 bytes) to stdout, or atomically to a file (never onto or into an
    input, or onto a non-regular file: :func:`check_output`). ``extensions``: for a command
    that writes one kind of text, the extensions it may be given (another is refused)."""
    if output is None:
        click.echo(text, nl=False)
        return
    from ascbench.io.atomic import write_atomic

    if extensions and Path(output).suffix and Path(output).suffix.lower() not in extensions:
        refuse_extension(Path(output), list(extensions))
    check_output(output)
    write_atomic(output, text)
    click.echo(f"ascbench: wrote {output}", err=True)


CHART_EXTENSIONS = (".svg", ".png")


def write_chart(path: Path, svg: str, field: str = "--chart") -> None:
    """A standalone chart to ``path``: SVG, or PNG when the name ends ``.png`` (drawn by
    :func:`ascbench.render.png.svg_to_png`, for templates that take images); another
    extension is refused, as is a path onto or into an input; written atomically."""
    from ascbench.io.atomic import write_atomic

    suffix = Path(path).suffix.lower()
    if suffix and suffix not in CHART_EXTENSIONS:
        refuse_extension(Path(path), list(CHART_EXTENSIONS), field)
    check_output(path, field)
    if suffix == ".png":
        from ascbench.render.png import svg_to_png

        write_atomic(path, svg_to_png(svg))
    else:
        write_atomic(path, '<?xml version="1.0" encoding="UTF-8"?>\n' + svg + "\n")
    click.echo(f"ascbench: wrote {path}", err=True)


def use_colour(no_color: bool) -> bool:
    if no_color or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


class ProblemExit(click.ClickException):
    """A located problem with the input: one line on stderr, exit status 1."""

    exit_code = EXIT_PROBLEM

    def show(self, file=None) -> None:
        from ascbench.errors import printable

        click.echo(f"ascbench: error: {printable(self.message)}", err=True)


class InternalError(click.ClickException):
    """A bug in ascbench: one line on stderr (a traceback with --debug), exit status 70."""

    exit_code = 70

    def show(self, file=None) -> None:
        click.echo(f"ascbench: internal error: {self.message}", err=True)
