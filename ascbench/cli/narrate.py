"""``ascbench narrate``: the committee sentences, from templates."""

from __future__ import annotations

import click

from ascbench.cli.common import (
    TEXT_EXTENSIONS,
    area_option,
    catalogue_option,
    data_option,
    emit,
    load,
    metric_option,
    output_option,
    period_option,
    terminal_width,
)


@click.command()
@catalogue_option
@data_option
@metric_option()
@area_option()
@period_option()
@output_option
@click.option(
    "--width",
    type=click.IntRange(40, 400),
    default=None,
    help="Wrap the paragraphs to this width (default: the terminal's on a terminal; unwrapped in a "
    "file or pipe, for a document).",
)
def narrate(catalogue_path, data_path, metrics, area, period, output, width):
    """Write each metric's sentence as a committee report would.

    Where the comparator is for an earlier period than the latest value (a national average
    for 2024/25 and a council's 12 months to September 2025), the first sentence benchmarks
    the period the comparator covers and a second gives the latest position.
    """
    from ascbench.engine import build_report
    from ascbench.render.narrative import sentence, update_sentence

    catalogue, dataset, ids = load(catalogue_path, data_path, metrics)
    areas = [area] if area else None
    report = build_report(catalogue, dataset, areas, period, ids, group=None)
    now = report.results
    rules = report.metrics.set_index("metric_id")
    glossary = catalogue.glossary
    paragraphs = []
    bench_cache: dict[str, object] = {}
    for row in now.to_dict("records"):
        m = catalogue.get(row["metric_id"])
        cperiod = row.get("comparator_period")
        bench = None
        if isinstance(cperiod, str) and cperiod != row["period"] and row.get("comparator_type") == "area":
            if cperiod not in bench_cache:
                bench_cache[cperiod] = build_report(catalogue, dataset, areas, cperiod, ids, group=None).results
            frame = bench_cache[cperiod]
            match = frame[(frame["metric_id"] == m.id) & (frame["period"] != row["period"])]
            bench = match.iloc[0].to_dict() if len(match) and match["value"].notna().iloc[0] else None
        if bench is not None:
            within, relative = rules.at[m.id, "dot_within"], bool(rules.at[m.id, "dot_relative"])
            paragraphs.append(
                sentence(bench, m.narrative, dataset.roles, glossary)
                + " "
                + update_sentence(bench, row, dataset.roles, glossary, within=within or 0.0, relative=relative)
            )
        else:
            paragraphs.append(sentence(row, m.narrative, dataset.roles, glossary))
    import sys
    import textwrap

    if width or (output is None and sys.stdout.isatty()):
        paragraphs = [
            textwrap.fill(p, terminal_width(width), break_long_words=False, break_on_hyphens=False) for p in paragraphs
        ]
    emit("\n\n".join(f"{p}" for p in paragraphs) + "\n", output, TEXT_EXTENSIONS)
