"""``ascbench rate``: the dashboard for one area (or several), as at a reporting period."""

from __future__ import annotations

import click

from ascbench.cli.common import (
    EXIT_GATE,
    area_option,
    catalogue_option,
    data_option,
    emit,
    format_option,
    load,
    metric_option,
    output_option,
    period_option,
    publish_option,
    say_as_at,
    tag_option,
    terminal_width,
    use_colour,
    warn,
    width_option,
)

GATES = {
    "red": lambda r: r["rag"] == "red",
    "amber": lambda r: r["rag"].isin(["amber", "red"]),
    "worse": lambda r: (r["rating"] == "worse") | (r["dot"] == "worse"),
    "not-compared": lambda r: r["rating"] == "not compared",
}


@click.command()
@catalogue_option
@data_option
@area_option(multiple=True, help="Area code or name (repeatable; default: the dataset's).")
@period_option(help="Reporting period, e.g. 2025-26-YTD-Q3 (default: the dataset's).")
@metric_option()
@tag_option(help="Only metrics with this catalogue tag (repeatable).")
@click.option(
    "--group",
    default="all",
    show_default=True,
    help="Comparison group for rank and quartile (see 'ascbench rank --help').",
)
@format_option(files=("xlsx",))
@output_option
@click.option("--bom", is_flag=True, help="Start CSV output with a byte-order mark (for Excel).")
@click.option(
    "--fail-on",
    "fail_on",
    type=click.Choice(sorted(GATES)),
    multiple=True,
    help="Exit with status 3 if any metric is rated so (red, amber, worse, not-compared).",
)
@click.option("--no-color", is_flag=True, help="No colour in the table (also: NO_COLOR=1).")
@width_option
@publish_option
def rate(
    catalogue_path, data_path, areas, period, metrics, tags, group, fmt, output, bom, fail_on, no_color, width, publish
):
    """Rate every metric: value from counts, comparator, RAG, direction of travel.

    Each metric shows its latest period ending on or before the reporting period (a CLD
    measure a quarter behind, a survey's last year), compared with its first available
    comparator and with the like-for-like period a year earlier.
    """
    from ascbench.engine import build_results
    from ascbench.render import render

    catalogue, dataset, ids = load(catalogue_path, data_path, metrics, tags, publish=publish)
    results, values, _ = build_results(catalogue, dataset, list(areas) or None, period, ids, group)
    say_as_at(results)
    differs = results[results["published_check"] == "differs"]
    for _, row in differs.iterrows():
        warn(
            f"{row['metric_id']} {row['area_code']} {row['period']}: computed {row['value']:.4g} from "
            f"{row['numerator']:g}/{row['denominator']:g} but the data publish {row['published_value']:g}"
        )
    history = None
    if fmt == "table":
        from ascbench.engine.trend import history as trend_history

        history = trend_history(values, results, list(results["area_code"].unique()), catalogue.metrics_frame())
    options = {
        "layers": catalogue.layers,
        "bom": bom,
        "history": history,
        "colour": fmt == "table" and output is None and use_colour(no_color),
        "width": terminal_width(width),
        "title": dataset.settings.get("title") or "Performance dashboard",  # the workbook's title row
    }
    emit(render(results, fmt, binary=True, **options), output)
    tripped = [g for g in fail_on if GATES[g](results).any()]
    if tripped:
        hit = results[GATES[tripped[0]](results)]["metric_id"].tolist()
        click.echo(f"ascbench: --fail-on {tripped[0]}: {', '.join(hit)}", err=True)
        raise click.exceptions.Exit(EXIT_GATE)
