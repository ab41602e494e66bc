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
)
from ascbench.render.fit import fit_table, wrap_lines

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
    from ascbench.engine.pipeline import check_areas, default_area
    from ascbench.engine.position import composite
    from ascbench.engine.ranking import league_of_group
    from ascbench.engine.values import metric_values
    from ascbench.errors import AscbenchError
    from ascbench.render.frames import stream

    catalogue, dataset, ids = load(
        catalogue_path, data_path, [] if (theme and metric == "all") else [metric], publish=publish
    )
    try:
        focus = check_areas(dataset, [area])[0] if area else default_area(dataset)
    except AscbenchError:
        if area:
            raise
        focus = None
    metrics = catalogue.metrics_frame()
    metrics = metrics[metrics["metric_id"].isin(ids)]
    values = metric_values(metrics, dataset.observations)
    try:
        table, notes = league_of_group(values, metrics, dataset.areas, dataset.groups, group, focus, period)
    except AscbenchError as exc:
        raise AscbenchError(
            f"{exc.message} for {metric} in group '{group}'",
            field="--period" if period else "--metric",
            expected=exc.expected,
        ) from None
    for note in notes:
        click.echo(f"ascbench: {note}", err=True)
    names = dict(zip(dataset.areas["area_code"], dataset.areas["area_name"], strict=False))
    note = disclosure_note(dataset)  # --publish: the rule under the table, or as a column
    tail = wrap_lines(note, terminal_width(width)) + "\n" if note else ""
    if theme:
        table = table.drop(columns=["numerator", "denominator"])
        table = composite(table, catalogue, theme)
        table.insert(2, "area_name", table["area_code"].map(names))
        if fmt == "table":
            themes = table.drop_duplicates("theme")
            legend = "".join(
                f"{t}: mean of the ranks of {ind}\n"
                for t, ind in zip(themes["theme"], themes["indicators"], strict=True)
            )
            shown = table.drop(columns=["indicators", "theme_metrics"]).assign(
                metrics=table["metrics"].astype(str) + " of " + table["theme_metrics"].astype(str),
                position=_ordinals(table["position"]),
            )
            emit(
                _plain(shown, terminal_width(width))
                + "\n"
                + wrap_lines(legend.rstrip("\n"), terminal_width(width))
                + "\n"
                + tail,
                output,
            )
        elif fmt == "markdown":  # for a reader: positions as ordinals ("1st"); csv and json keep numbers
            emit(stream(table.assign(position=_ordinals(table["position"])), fmt), output)
        else:
            emit(stream(table.assign(disclosure=note) if note else table, fmt), output)
        return
    table.insert(4, "area_name", table["area_code"].map(names))
    counts = table[["area_code", "numerator", "denominator"]]
    table = table.drop(columns=["numerator", "denominator"])
    if chart:
        check_chart(chart, "--chart")  # an SVG, never onto the catalogue or into the data
        _write_chart(chart, table, focus, dataset, catalogue)
    if funnel:
        check_chart(funnel, "--funnel")
        _write_funnel(funnel, table.merge(counts, on="area_code", how="left"), focus, catalogue)
    if fmt == "table":
        emit(_league(table, focus, catalogue, terminal_width(width)) + tail, output)
    else:
        emit(stream(table.assign(disclosure=note) if note else table, fmt), output)


def check_chart(path: Path, field: str) -> None:
    """A chart is SVG or PNG: another extension is refused, as is a path onto or into an input."""
    from ascbench.cli.common import CHART_EXTENSIONS

    if path.suffix and path.suffix.lower() not in CHART_EXTENSIONS:
        refuse_extension(path, list(CHART_EXTENSIONS), field)
    check_output(path, field)


def _plain(frame, width: int) -> str:
    from ascbench.render.numbers import fmt_number

    rows = [[fmt_number(v, 2) if isinstance(v, float) else v for v in row] for row in frame.values.tolist()]
    return fit_table(rows, list(frame.columns), width)


def _ordinals(position):
    """Composite positions as a reader says them: 1st, 2nd, 3rd (a council without one: "")."""
    from ascbench.render.display import ordinal

    return position.map(lambda p: ordinal(int(p)) if p == p else "").astype(object)


def _league(table, focus, catalogue, width: int) -> str:
    from ascbench.render.numbers import fmt_number, is_missing

    m = catalogue.get(table["metric_id"].iloc[0])
    rows = []
    for r in table.sort_values(["rank", "value_rank", "area_code"], na_position="last").itertuples():
        mark = "▶" if r.area_code == focus else ""
        rank = "" if is_missing(r.rank) else f"{int(r.rank)} of {int(r.rank_of)}"
        rows.append(
            [
                mark,
                rank,
                int(r.value_rank),
                r.area_name,
                r.area_code,
                fmt_number(r.value, m.decimals),
                "" if r.quartile != r.quartile else int(r.quartile),
                r.band or "",
                fmt_number(r.mad_from_median, 2),
                r.mad_wording,
            ]
        )
    head = (
        f"{m.code} {m.title} - {table['period'].iloc[0]} - group {table['group'].iloc[0]}: "
        f"median {fmt_number(table['group_median'].iloc[0], m.decimals + 1)}, "
        f"p10 {fmt_number(table['p10'].iloc[0], m.decimals + 1)}, p90 {fmt_number(table['p90'].iloc[0], m.decimals + 1)}"
        f"{', ' + str(int(table['missing'].iloc[0])) + ' without a value' if table['missing'].iloc[0] else ''}\n"
    )
    if table["quantile_of"].notna().any():
        head += (
            f"{int(table['quantile_of'].iloc[0])} quantile groups ({table['quantile_method'].iloc[0]}); "
            f"type-7 cut points {table['quantile_cuts'].iloc[0]}\n"
        )
    by_performance = m.polarity in ("high", "low")
    quartile_head = "quartile (1 = best)" if by_performance else "quartile by value (1 = lowest)"
    headers = ["", "rank", "value rank", "council", "code", "value", quartile_head, "band", "MADs", "vs median"]
    weights = [0, 1, 1, 4, 1, 1, 1, 1, 1, 3]
    if width < 110:  # a narrow terminal: the columns that repeat others (value rank, code, MADs) go
        keep = [0, 1, 3, 5, 6, 7, 9]
        headers, weights = [headers[i] for i in keep], [weights[i] for i in keep]
        rows = [[row[i] for i in keep] for row in rows]
    return wrap_lines(head.rstrip("\n"), width) + "\n" + fit_table(rows, headers, width, weights=weights)


def _write_chart(path, table, focus, dataset, catalogue) -> None:
    from ascbench.cli.common import write_chart
    from ascbench.periods import parse_period
    from ascbench.render.league_chart import league_svg

    m = catalogue.get(table["metric_id"].iloc[0])
    period = str(table["period"].iloc[0])
    national = dataset.roles.get("national")
    obs = dataset.observations
    england = None
    if national and m.value:
        hit = obs[(obs["area_code"] == national) & (obs["period"] == period) & (obs["measure"] == m.value)]
        england = float(hit["value"].iloc[0]) if len(hit) and hit["value"].notna().iloc[0] else None
    svg = league_svg(
        table,
        focus,
        england,
        f"{m.code} {m.title}",
        parse_period(period).label,
        "league",
        m.decimals,
        m.unit,
        standalone=True,
        neighbours=_neighbours(dataset, focus),
    )
    write_chart(path, svg, "--chart")


def _neighbours(dataset, focus) -> list[str]:
    """The council's nearest neighbours (its ``NN-<code>`` group of groups.csv), if listed."""
    groups = dataset.groups
    if groups is None or not focus or "group_code" not in groups:
        return []
    members = groups.loc[groups["group_code"] == f"NN-{focus}", "member_code"].astype(str)
    return sorted(set(members) - {focus})


def _write_funnel(path, table, focus, catalogue) -> None:
    from ascbench.cli.common import write_chart
    from ascbench.engine.funnel import funnel_points
    from ascbench.errors import AscbenchError
    from ascbench.periods import parse_period
    from ascbench.render.funnel_chart import funnel_svg

    m = catalogue.get(table["metric_id"].iloc[0])
    period = str(table["period"].iloc[0])
    points, lines = funnel_points(table, m.statistic, m.multiplier)
    if points is None:
        raise AscbenchError(
            f"no funnel plot for {m.id} in {period}: it needs a proportion or rate with counts for "
            "three or more councils",
            field="--funnel",
            expected="a metric computed from numerators and denominators",
        )
    svg = funnel_svg(
        points,
        lines,
        focus,
        f"{m.code} {m.title}",
        parse_period(period).label,
        "funnel",
        m.decimals,
        m.unit,
        standalone=True,
    )
    write_chart(path, svg, "--funnel")
