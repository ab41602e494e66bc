"""``ascbench narrate``: the committee sentences, from templates."""

from __future__ import annotations

import click

from ascbench.cli.common import (
    TEXT_EXTENSIONS,
    area_option,
    catalogue_option,
    data_option,
    disclosure_note,
    emit,
    load,
    metric_option,
    output_option,
    period_option,
    publish_option,
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
@click.option(
    "--gap",
    "gap_target",
    default=None,
    help="Add to each paragraph what it takes to reach a target: england, comparator, group-median, "
    "neighbour-median, top-quartile, rank:N or value:X (see 'ascbench gap').",
)
@publish_option
def narrate(catalogue_path, data_path, metrics, area, period, output, width, gap_target, publish):
    """Write each metric's sentence as a committee report would.

    Where the comparator is for an earlier period than the latest value (a national average
    for 2024/25 and a council's 12 months to September 2025), the first sentence benchmarks
    the period the comparator covers and a second gives the latest position.
    """
    from ascbench.engine import build_report
    from ascbench.render.narrative import sentence, update_sentence

    catalogue, dataset, ids = load(catalogue_path, data_path, metrics, publish=publish)
    areas = [area] if area else None
    report = build_report(catalogue, dataset, areas, period, ids, group=None)
    now = report.results
    rules = report.metrics.set_index("metric_id")
    glossary = catalogue.glossary
    gap_words = _gap_sentences(catalogue, dataset, areas, period, ids, gap_target) if gap_target else {}
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
        if gap_words.get(m.id):
            paragraphs[-1] += " " + gap_words[m.id]
    if disclosure_note(dataset):
        paragraphs.append(disclosure_note(dataset))
    import sys
    import textwrap

    if width or (output is None and sys.stdout.isatty()):
        paragraphs = [
            textwrap.fill(p, terminal_width(width), break_long_words=False, break_on_hyphens=False) for p in paragraphs
        ]
    emit("\n\n".join(f"{p}" for p in paragraphs) + "\n", output, TEXT_EXTENSIONS)


def _gap_sentences(catalogue, dataset, areas, period, ids, target: str) -> dict:
    """metric id -> the sentence of its gap to ``target`` (:mod:`ascbench.engine.gap`), for
    the metrics that have a value and a target."""
    from ascbench.engine import build_report
    from ascbench.engine.gap import gaps, parse_target
    from ascbench.render.gap import gap_sentence

    wanted = parse_target(target)
    report = build_report(catalogue, dataset, areas, period, ids, "all")
    frame = gaps(report, [wanted])
    rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
    return {r["metric_id"]: gap_sentence(r, with_subject=False) for r in rows if r.get("value") is not None}
