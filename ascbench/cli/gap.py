"""``ascbench gap``: what it takes to reach a target, in whole people or events."""

from __future__ import annotations

import click

from ascbench.cli.common import (
    area_option,
    catalogue_option,
    data_option,
    disclosure_note,
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
    width_option,
)

TO_HELP = (
    "Target (repeatable; default england): england, comparator (the dashboard's), group-median, "
    "neighbour-median, top-quartile, rank:N or value:X."
)


@click.command()
@catalogue_option
@data_option
@metric_option()
@tag_option()
@area_option(multiple=True, help="Area code or name (repeatable; default: the dataset's).")
@period_option(help="Reporting period (default: the dataset's); league targets use the group's benchmark year.")
@click.option("--to", "targets", multiple=True, default=("england",), show_default=True, help=TO_HELP)
@click.option(
    "--group",
    default="all",
    show_default=True,
    help="Comparison group of group-median, top-quartile and rank:N (see 'ascbench rank --help').",
)
@click.option(
    "--reach",
    type=click.Choice(["value", "displayed"]),
    default="value",
    show_default=True,
    help="value: the value itself reaches the target; displayed: the value as printed (rounded) does.",
)
@click.option("--words", is_flag=True, help="Sentences instead of a table (table format only).")
@format_option()
@output_option
@width_option
@publish_option
def gap(
    catalogue_path, data_path, metrics, tags, areas, period, targets, group, reach, words, fmt, output, width, publish
):
    """How many more (or, for a low-is-good metric, fewer) people or events, at the same
    denominator, would reach a target: England, the comparator, a median, the top quartile,
    a rank or a value. The smallest whole number that gets there, found exactly; the rank
    and quartile that value would have; whether it would differ significantly from England.

    A value published without its counts (a survey estimate) gets its gap in its own units
    and says why no number of people can be given; counts published rounded to 5 give an
    approximate number.
    """
    from ascbench.engine import build_report
    from ascbench.engine.gap import gaps, parse_target
    from ascbench.render import render
    from ascbench.render.gap import gap_sentence, render_text

    wanted = [parse_target(t) for t in targets]  # a bad target stops the command before any work
    catalogue, dataset, ids = load(catalogue_path, data_path, metrics, tags, publish=publish)
    report = build_report(catalogue, dataset, list(areas) or None, period, ids, group)
    say_as_at(report.results)
    frame = gaps(report, wanted, reach=reach)
    note = disclosure_note(dataset)
    if fmt in ("csv", "json"):
        emit(render(frame.assign(disclosure=note) if note else frame, fmt, binary=True), output)
    elif words and fmt == "table":
        sentences = [gap_sentence(row) for row in frame.astype(object).where(frame.notna(), None).to_dict("records")]
        from ascbench.render.fit import wrap_lines

        text = "\n\n".join(sentences + ([note] if note else []))
        emit(wrap_lines(text, terminal_width(width)) + "\n", output)
    else:
        emit(render_text(frame, fmt, terminal_width(width), note), output)
