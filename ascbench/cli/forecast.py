"""``ascbench forecast``: year-end forecasts by two methods, with the target verdict."""

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
    terminal_width,
    width_option,
)


@click.command()
@catalogue_option
@data_option
@metric_option(help="Metric id (repeatable; default: every metric in a year).")
@area_option()
@period_option()
@format_option()
@output_option
@width_option
def forecast(catalogue_path, data_path, metrics, area, period, fmt, output, width):
    """Forecast the year end (straight line, and seasonal from last year's profile) and say
    whether the annual target is on track, at risk or off track."""
    from ascbench.engine import build_results
    from ascbench.engine.forecast import forecasts
    from ascbench.render import render

    catalogue, dataset, ids = load(catalogue_path, data_path, metrics)
    results, values, _ = build_results(catalogue, dataset, [area] if area else None, period, ids, group=None)
    frame = forecasts(results, values, dataset.observations, catalogue.metrics_frame(), catalogue.comparators_frame())
    if fmt == "table":
        emit(_table(frame, catalogue, terminal_width(width)), output)
    else:
        emit(render(frame, fmt, binary=True), output)


def _table(frame, catalogue, width: int) -> str:
    from ascbench.render.fit import fit_table
    from ascbench.render.numbers import fmt_value

    rows = []
    for r in frame.itertuples(index=False):
        m = catalogue.get(r.metric_id)

        def f(x, m=m):
            return fmt_value(x, m.decimals, m.unit, m.scale, "-")

        rows.append(
            [
                r.metric_id,
                f"{f(r.value)} ({r.period})",
                f"{r.months_elapsed}/12 of {r.year}",
                f(r.straight_line),
                r.verdict_straight_line,
                f(r.seasonal),
                r.verdict_seasonal,
                f(r.target),
            ]
        )
    return fit_table(
        rows,
        ["metric", "so far", "elapsed", "straight line", "verdict", "seasonal", "verdict", "annual target"],
        width,
        weights=[2, 2, 1, 1, 1, 1, 1, 1],
    )
