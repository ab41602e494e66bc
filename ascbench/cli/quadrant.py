"""``ascbench quadrant``: every council of a group by two measures, in four quadrants."""

from __future__ import annotations

from pathlib import Path

import click

from ascbench.cli.common import (
    area_option,
    catalogue_option,
    complete_metric,
    data_option,
    emit,
    format_option,
    load,
    output_option,
    period_option,
    tag_option,
    terminal_width,
    width_option,
)
from ascbench.cli.rank import GROUP_HELP


@click.command()
@catalogue_option
@data_option
@click.option("--x", "x", required=True, shell_complete=complete_metric, help="Metric across (e.g. spend per head).")
@click.option(
    "--y",
    "y",
    required=True,
    shell_complete=complete_metric,
    help="Metric up, or 'composite': the composite rank of --theme.",
)
@click.option(
    "--theme",
    default="overall",
    show_default=True,
    help="With --y composite: overall, or layer, outcome, tag with :NAME (layer:delay, tag:cld).",
)
@tag_option(help="With --y composite: only metrics with this tag count in it (repeatable; default: all).")
@click.option(
    "--split",
    type=click.Choice(["mean", "median"]),
    default="mean",
    show_default=True,
    help="Split each axis at the group's mean (the 2016/17 compendium) or median.",
)
@click.option("--group", default="all", show_default=True, help="Comparison group: " + GROUP_HELP + ".")
@area_option(help="Council to mark, with its nearest neighbours (default: the dataset's).")
@period_option(help="Period of both metrics (default: each metric's latest that half the group has).")
@click.option(
    "--chart",
    "chart",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the quadrant chart (.svg, or .png for a template that takes images): every council a "
    "point, the council and its neighbours labelled.",
)
@format_option()
@output_option
@width_option
def quadrant(catalogue_path, data_path, x, y, theme, tags, split, group, area, period, chart, fmt, output, width):
    """Place every council of a group by two measures, split at the group's average.

    The 2016/17 benchmarking compendium's chart: spend per head (--x) against performance
    (--y a metric, or 'composite' for the composite theme rank), split at the mean of each;
    the quadrant better on both (better performance, lower spend) is the good-value one.
    """
    from ascbench.engine.pipeline import focus_area
    from ascbench.engine.quadrant import COMPOSITE, quadrant_of_group
    from ascbench.engine.values import metric_values
    from ascbench.render.frames import quadrant_text, stream

    composite = y.lower() == COMPOSITE
    if not composite and (tags or theme != "overall"):
        raise click.UsageError("--theme and --tag choose the metrics of --y composite")
    if composite:  # the composite's metrics (all, or --tag's), and x checked as load checks them
        from ascbench.engine.pipeline import select_tags
        from ascbench.errors import Problems
        from ascbench.validation import check_measures

        catalogue, dataset, composite_ids = load(catalogue_path, data_path, (), tags)
        x = select_tags(catalogue, [x], [])[0]
        problems = Problems()
        check_measures(catalogue, dataset, problems, [x])
        problems.raise_first()
        ids = [x, *composite_ids]
    else:
        catalogue, dataset, ids = load(catalogue_path, data_path, [x, y])
        x, y, composite_ids = ids[0], ids[-1], []
    focus = focus_area(dataset, area)
    metrics = catalogue.metrics_frame()
    values = metric_values(metrics[metrics["metric_id"].isin(ids)], dataset.observations)
    result = quadrant_of_group(
        catalogue,
        dataset,
        values,
        x,
        COMPOSITE if composite else y,
        group,
        focus,
        period,
        split,
        theme,
        composite_ids,
    )
    for note in result.notes:
        click.echo(f"ascbench: {note}", err=True)
    if result.x.period != result.y.period:
        click.echo(f"ascbench: {x} is from {result.x.period}, {result.y.key} from {result.y.period}", err=True)
    if chart:
        from ascbench.cli.common import write_chart
        from ascbench.render.quadrant_chart import quadrant_svg

        write_chart(chart, quadrant_svg(result, standalone=True))  # .svg or .png; never onto an input
    text = quadrant_text(result, terminal_width(width)) if fmt == "table" else None
    emit(stream(result.table, fmt, text), output)
