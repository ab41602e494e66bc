"""``ascbench metrics``: list the catalogue."""

from __future__ import annotations

import click

from ascbench.cli.common import (
    catalogue_option,
    emit,
    format_option,
    output_option,
    remember_inputs,
    tag_option,
    terminal_width,
    width_option,
)
from ascbench.sources import catalogue_source


@click.command()
@catalogue_option
@tag_option()
@format_option()
@output_option
@width_option
def metrics(catalogue_path, tags, fmt, output, width):
    """List the metrics of the catalogue: id, code, title, layer, statistic, polarity."""
    from ascbench.catalogue import load_catalogue
    from ascbench.engine.pipeline import select_tags
    from ascbench.render import render_catalogue

    path = catalogue_source(catalogue_path).path
    remember_inputs(path)  # -o never onto the catalogue
    catalogue = load_catalogue(path)
    ids = select_tags(catalogue, [], list(tags))
    frame = catalogue.metrics_frame()
    frame = frame[frame["metric_id"].isin(ids)]
    emit(render_catalogue(frame, fmt, terminal_width(width)), output)
