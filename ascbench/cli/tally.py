"""``ascbench tally``: counts across metrics, as the benchmarking compendium prints them."""

from __future__ import annotations

import click

from ascbench.cli.common import (
    area_option,
    catalogue_option,
    data_option,
    emit,
    format_option,
    load,
    metric_option,
    output_option,
    period_option,
    say_as_at,
    tag_option,
    terminal_width,
    width_option,
)


@click.command()
@catalogue_option
@data_option
@area_option(multiple=True, help="Area code or name (repeatable, or 'all': every council of the group).")
@period_option(help="Reporting period, e.g. 2025-26-YTD-Q3 (default: the dataset's).")
@metric_option()
@tag_option(help="Only metrics with this catalogue tag (repeatable).")
@click.option(
    "--by",
    type=click.Choice(["none", "layer", "outcome", "tag"]),
    default="none",
    show_default=True,
    help="One row per area (none), or per area and layer, outcome or tag.",
)
@click.option(
    "--group",
    default="all",
    show_default=True,
    help="Comparison group for ranks and quartiles (see 'ascbench rank --help').",
)
@format_option()
@output_option
@width_option
def tally(catalogue_path, data_path, areas, period, metrics, tags, by, group, fmt, output, width):
    """Count a set of metrics: better/similar/worse, RAG, direction of travel, quartiles.

    For each area (and theme with --by): how many metrics are better, similar or worse than
    their comparator (and green, amber, red), improved, similar or worse since last year, and
    in each performance quartile of the group (1 = best), e.g. "75 improved, 36 similar, 60
    worse". The counts are those of 'ascbench rate' for the same options.
    """
    from ascbench.engine import build_report
    from ascbench.engine.tally import tally as count
    from ascbench.render.frames import stream, tally_text

    catalogue, dataset, ids = load(catalogue_path, data_path, metrics, tags)
    report = build_report(catalogue, dataset, list(areas) or None, period, ids, group)
    say_as_at(report.results)
    table = count(report.results, by, report.metrics)
    text = tally_text(table, terminal_width(width)) if fmt == "table" else None
    emit(stream(table, fmt, text), output)
