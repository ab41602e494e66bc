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
    from ascbench.engine import build_report
    from ascbench.engine.data import measure_rules
    from ascbench.engine.forecast import LEFT_OUT_REASONS, forecasts, left_out
    from ascbench.render import render

    catalogue, dataset, ids = load(catalogue_path, data_path, metrics)
    report = build_report(catalogue, dataset, [area] if area else None, period, ids, group=None)
    results = report.results
    frame = forecasts(
        results,
        report.values,
        dataset.observations,
        catalogue.metrics_frame(),
        catalogue.comparators_frame(),
        measure_rules(catalogue, dataset),
    )
    if fmt == "table":
        emit(_table(frame, catalogue, terminal_width(width)) if len(frame) else "", output)
    else:
        emit(render(frame, fmt, binary=True), output)
    missed = left_out(results, frame)
    if missed:  # one line: what was not forecast, and why
        click.echo(
            f"ascbench: forecast {len(frame)} of {results['metric_id'].nunique()} metrics; left out "
            + "; ".join(f"{len(v)} {LEFT_OUT_REASONS[k]}: {', '.join(v)}" for k, v in missed.items()),
            err=True,
        )


def _table(frame, catalogue, width: int) -> str:
    from ascbench.render.fit import fit_table
    from ascbench.render.numbers import fmt_value

    rows = []
    targets = frame["target"].notna().any()
    for r in frame.itertuples(index=False):
        m = catalogue.get(r.metric_id)

        def f(x, m=m):
            return fmt_value(x, m.decimals, m.unit, m.scale, "-")

        row = [r.metric_id, f"{f(r.value)} ({r.period})", f"{r.months_elapsed}/12 of {r.year}", f(r.straight_line)]
        row.append(r.verdict_straight_line if r.target == r.target else "no target")
        row.append(f(r.seasonal) if r.seasonal == r.seasonal else "-")
        row.append(r.verdict_seasonal if r.target == r.target and r.seasonal == r.seasonal else "")
        row.append(f(r.target))
        rows.append(row if targets else row[:4] + row[5:6])
    headers = ["metric", "so far", "elapsed", "straight line", "verdict", "seasonal", "verdict", "annual target"]
    weights = [2, 2, 1, 1, 1, 1, 1, 1]
    if not targets:  # no annual target in the data: no verdict columns, rather than one empty word per row
        headers, weights = headers[:4] + headers[5:6], weights[:4] + weights[5:6]
    return fit_table(rows, headers, width, weights=weights)
