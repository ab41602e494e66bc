"""``ascbench check REPORT``: the numeric claims of a report, checked against the data."""

from __future__ import annotations

from pathlib import Path

import click

from ascbench.cli.common import (
    EXIT_GATE,
    area_option,
    catalogue_option,
    data_option,
    emit,
    format_option,
    load,
    output_option,
    period_option,
    terminal_width,
    width_option,
)

FORMATS = ("table", "csv", "json", "markdown", "html")
GATES = {"disagree": ("disagrees",), "unchecked": ("cannot be checked",)}


@click.command()
@catalogue_option
@data_option
@click.argument("report", type=click.Path(dir_okay=False, path_type=Path))
@area_option(help="The area the report is about: code or name (default: the dataset's).")
@period_option(help="The report's reporting period, e.g. 2025-26-YTD-Q3 (default: the dataset's).")
@format_option(choices=FORMATS)
@output_option
@click.option("--bom", is_flag=True, help="Start CSV output with a byte-order mark (for Excel).")
@click.option(
    "--fail-on",
    "fail_on",
    type=click.Choice(sorted(GATES)),
    multiple=True,
    help="Exit with status 3 if any claim disagrees with the data (disagree) or cannot be checked (unchecked).",
)
@click.option(
    "--show",
    type=click.Choice(["agrees", "disagrees", "unchecked"]),
    multiple=True,
    help="Only claims with this verdict in the table, CSV or JSON (repeatable; the annotated report marks all).",
)
@width_option
def check(catalogue_path, data_path, report, area, period, fmt, output, bom, fail_on, show, width):
    """Check the figures and words of REPORT (Markdown, plain text or .docx) against the data.

    Finds each numeric claim - percentages, rates per 100,000, counts, "X out of Y", ranks,
    comparisons ("slightly below the national average") and directions ("fell", "little
    change") - ties it to a metric, area and period of the catalogue, recomputes it and says
    whether it agrees, disagrees (with the figure the data give) or cannot be checked (and
    why). --format markdown or html writes an annotated copy of the report. Exit status 0
    whatever the verdicts, unless --fail-on says otherwise.
    """
    from ascbench.check import check_report
    from ascbench.check.output import annotated_html, annotated_markdown, claims_frame, render_table, summary
    from ascbench.render import render

    catalogue, dataset, _ = load(catalogue_path, data_path)
    result = check_report(report, catalogue, dataset, area, period)
    names = dict(zip(dataset.areas["area_code"].astype(str), dataset.areas["area_name"].astype(str), strict=False))
    codes = {m.id: m.code or m.id for m in catalogue.metrics}
    frame = claims_frame(result, names, codes)
    shown = frame
    if show:
        wanted = {"unchecked": "cannot be checked"}
        shown = frame[frame["verdict"].isin([wanted.get(v, v) for v in show])].reset_index(drop=True)
    if fmt == "table":
        text: str | bytes = render_table(shown, terminal_width(width))
    elif fmt == "markdown":
        text = annotated_markdown(result, frame)
    elif fmt == "html":
        text = annotated_html(result, frame, title=f"{Path(report).name} checked by ascbench")
    else:
        text = render(shown, fmt, binary=True, bom=bom)
    emit(text, output)
    click.echo(f"ascbench: {Path(report).name}: {summary(frame)} (as at {result.report_period})", err=True)
    tripped = [g for g in fail_on if frame["verdict"].isin(GATES[g]).any()]
    if tripped:
        hit = frame[frame["verdict"].isin(GATES[tripped[0]])]["claim"].astype(str).tolist()
        click.echo(
            f"ascbench: --fail-on {tripped[0]}: claims {', '.join(hit[:20])}{' ...' if len(hit) > 20 else ''}", err=True
        )
        raise click.exceptions.Exit(EXIT_GATE)
