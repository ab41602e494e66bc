"""``ascbench rank``: a league table of one metric within a comparison group."""

from __future__ import annotations

from pathlib import Path

import click

from ascbench.cli.common import (
    area_option,
    catalogue_option,
    check_output,
    data_option,
    disclosure_note,
    emit,
    format_option,
    load,
    metric_option,
    output_option,
    period_option,
    publish_option,
    refuse_extension,
    terminal_width,
    width_option,
    write_chart,
)

GROUP_HELP = (
    "all (every council), region, type, neighbours (NN-<area> of groups.csv), region:NAME, "
    "type:TYPE, or a group_code of groups.csv"
)


@click.command()
@catalogue_option
@data_option
@metric_option(multiple=False, required=True, help="Metric id.")
@period_option(help="Period (default: the latest that half the group's councils have values for).")
@click.option("--group", default="all", show_default=True, help="Comparison group: " + GROUP_HELP + ".")
@area_option(help="Council to highlight (default: the dataset's).")
@click.option(
    "--composite",
    "theme",
    type=click.Choice(["layer", "outcome", "tag", "overall"]),
    default=None,
    help="Instead of one metric's table: average performance ranks by theme.",
)
@click.option(
    "--chart",
    "chart",
    type=click.Path(path_type=Path),
    default=None,
    help="Also write the league table as a chart (.svg, or .png for a template that takes images): "
    "every council's value, sorted, the council and its nearest neighbours marked.",
)
@click.option(
    "--funnel",
    "funnel",
    type=click.Path(path_type=Path),
    default=None,
    help="Also write a funnel plot (.svg or .png): every council's value against its denominator, with PHE's "
    "95% and 99.8% limits around the group's pooled average (proportions and rates with counts).",
)
@format_option()
@output_option
@width_option
@publish_option
def rank(catalogue_path, data_path, metric, period, group, area, theme, chart, funnel, fmt, output, width, publish):
    """Rank every council of a group on a metric: ranks, quartiles, bands, medians.

    Rank 1 is the highest value (value_rank) and the best by polarity (rank); quartiles
    use type-7 percentiles; mad_from_median is the distance from the group median in
    median absolute deviations. With --composite, --metric may be 'all'.
    """
    from ascbench.engine.league import build_league
    from ascbench.engine.pipeline import focus_area
    from ascbench.errors import AscbenchError
    from ascbench.render.league_table import league_output

    if theme and (chart or funnel):  # a chart draws one metric's league, not a composite's
        raise click.UsageError("--chart and --funnel draw one metric's league table, not --composite's")
    catalogue, dataset, ids = load(
        catalogue_path, data_path, [] if (theme and metric == "all") else [metric], publish=publish
    )
    for path, field in ((chart, "--chart"), (funnel, "--funnel")):
        if path:
            check_chart(path, field)  # before the work: .svg or .png, never onto the catalogue or into the data
    focus = focus_area(dataset, area)
    try:
        league = build_league(catalogue, dataset, ids, group, focus, period, theme, funnel=bool(funnel))
    except AscbenchError as exc:
        if exc.location.field not in ("metric", "period"):  # --group, --funnel, a file's counts
            raise
        raise AscbenchError(
            f"{exc.message} for {metric} in group '{group}'",
            field="--period" if period else "--metric",
            expected=exc.expected,
        ) from None
    for note in league.notes:
        click.echo(f"ascbench: {note}", err=True)
    if chart:
        from ascbench.render.league_chart import rank_chart

        write_chart(chart, rank_chart(league), "--chart")
    if funnel:
        from ascbench.render.funnel_chart import rank_funnel

        write_chart(funnel, rank_funnel(league), "--funnel")
    emit(league_output(league, fmt, terminal_width(width), disclosure_note(dataset)), output)


def check_chart(path: Path, field: str) -> None:
    """A chart is SVG or PNG: another extension is refused, as is a path onto or into an input."""
    from ascbench.cli.common import CHART_EXTENSIONS

    if path.suffix and path.suffix.lower() not in CHART_EXTENSIONS:
        refuse_extension(path, list(CHART_EXTENSIONS), field)
    check_output(path, field)
