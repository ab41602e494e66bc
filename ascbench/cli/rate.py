"""``ascbench rate``: the dashboard for one area (or several), as at a reporting period."""

from __future__ import annotations

from pathlib import Path

import click

from ascbench.cli.common import (
    EXIT_GATE,
    area_option,
    catalogue_option,
    data_option,
    emit,
    format_option,
    load,
    metric_option,
    only_option,
    output_option,
    period_option,
    publish_option,
    say_as_at,
    sort_option,
    tag_option,
    terminal_width,
    use_colour,
    warn,
    width_option,
)

GATES = {
    "red": lambda r, _: r["rag"] == "red",
    "amber": lambda r, _: r["rag"].isin(["amber", "red"]),
    "worse": lambda r, _: (r["rating"] == "worse") | (r["dot"] == "worse"),
    "not-compared": lambda r, _: r["rating"] == "not compared",
    # gates that mean action on a schedule: red and getting worse, or red since the last run
    "red-worsening": lambda r, _: (r["rag"] == "red") & (r["dot"] == "worse"),
    "new-red": lambda r, before: (r["rag"] == "red") & (before != "red"),
}
NEEDS_SINCE = {"new-red"}


def previous_rags(path, results):
    """The RAG each result row had in a previous run's ``rate --format csv`` output (``--since``),
    by metric and area; "" where that run had no such row."""
    import pandas as pd

    from ascbench.errors import AscbenchError

    try:
        before = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise AscbenchError(
            f"cannot read the previous ratings: {exc}",
            file=str(path),
            field="--since",
            expected="a rate --format csv file",
        ) from None
    missing = [c for c in ("metric_id", "area_code", "rag") if c not in before.columns]
    if missing:
        raise AscbenchError(
            "the previous ratings have no column " + ", ".join(missing),
            file=str(path),
            line=1,
            field="--since",
            expected="the header of 'ascbench rate --format csv' (metric_id, area_code, rag, ...)",
        )
    rag = before.drop_duplicates(["metric_id", "area_code"]).set_index(["metric_id", "area_code"])["rag"]
    keys = pd.MultiIndex.from_arrays([results["metric_id"].astype(str), results["area_code"].astype(str)])
    return pd.Series(rag.reindex(keys).fillna("").to_numpy(), index=results.index)


@click.command()
@catalogue_option
@data_option
@area_option(multiple=True, help="Area code or name (repeatable; default: the dataset's).")
@period_option(help="Reporting period, e.g. 2025-26-YTD-Q3 (default: the dataset's).")
@metric_option()
@tag_option(help="Only metrics with this catalogue tag (repeatable).")
@click.option(
    "--group",
    default="all",
    show_default=True,
    help="Comparison group for rank and quartile (see 'ascbench rank --help').",
)
@format_option(files=("xlsx",))
@output_option
@click.option("--bom", is_flag=True, help="Start CSV output with a byte-order mark (for Excel).")
@click.option(
    "--fail-on",
    "fail_on",
    type=click.Choice(sorted(GATES)),
    multiple=True,
    help="Exit with status 3 if any metric is rated so: red, amber (or red), worse (rating or "
    "direction), not-compared, red-worsening (red and its direction of travel worse), new-red (red "
    "now, not red in --since).",
)
@click.option(
    "--since",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="A previous run's 'rate --format csv' output, for --fail-on new-red.",
)
@click.option("--no-color", is_flag=True, help="No colour in the table (also: NO_COLOR=1).")
@width_option
@publish_option
@click.option(
    "--long",
    "long_",
    is_flag=True,
    help="The detailed table (comparator, interval, previous value, position in words) instead of one line per metric.",
)
@only_option
@sort_option
@click.option(
    "--summary",
    is_flag=True,
    help="Only the headline counts (better/similar/worse, RAG, improved/similar/worse; overall and by layer): "
    "a table, or the tallies as CSV, JSON or Markdown.",
)
def rate(
    catalogue_path,
    data_path,
    areas,
    period,
    metrics,
    tags,
    group,
    fmt,
    output,
    bom,
    fail_on,
    since,
    no_color,
    width,
    publish,
    long_,
    only,
    sort,
    summary,
):
    """Rate every metric: value from counts, comparator, RAG, direction of travel.

    Each metric shows its latest period ending on or before the reporting period (a CLD
    measure a quarter behind, a survey's last year), compared with its first available
    comparator and with the like-for-like period a year earlier. The terminal view starts
    with the headline (how many are red, amber, green; which are red and getting worse)
    and prints one line per metric; --long prints the detail.
    """
    from ascbench.engine import build_report
    from ascbench.engine.headline import order, select

    if NEEDS_SINCE & set(fail_on) and since is None:
        raise click.UsageError("--fail-on new-red needs --since PREVIOUS.csv (a previous 'rate --format csv' output)")
    catalogue, dataset, ids = load(catalogue_path, data_path, metrics, tags, publish=publish)
    report = build_report(catalogue, dataset, list(areas) or None, period, ids, group)
    results = report.results
    say_as_at(results)
    differs = results[results["published_check"] == "differs"]
    for _, row in differs.iterrows():
        warn(
            f"{row['metric_id']} {row['area_code']} {row['period']}: computed {row['value']:.4g} from "
            f"{row['numerator']:g}/{row['denominator']:g} but the data publish {row['published_value']:g}"
        )
    if summary:
        _summary(report, catalogue, fmt, output, width, bom)
    else:
        shown = order(select(results, only), sort)
        _rows(report, shown, catalogue, dataset, fmt, output, bom, no_color, width, long_, only, sort)
    before = previous_rags(since, results) if since is not None else None
    tripped = [g for g in fail_on if GATES[g](results, before).any()]
    if tripped:
        hit = results[GATES[tripped[0]](results, before)]["metric_id"].tolist()
        click.echo(f"ascbench: --fail-on {tripped[0]}: {', '.join(hit)}", err=True)
        raise click.exceptions.Exit(EXIT_GATE)


def _summary(report, catalogue, fmt, output, width, bom) -> None:
    """``--summary``: the headline of each area as text, or the tallies as a frame."""
    from ascbench.engine.headline import summary_frame
    from ascbench.render.fit import wrap
    from ascbench.render.frames import stream
    from ascbench.render.headline import headline_lines

    if fmt == "xlsx":
        from ascbench.errors import AscbenchError

        raise AscbenchError(
            "--summary writes the tallies as text, not a workbook",
            field="--summary",
            expected="--format table, csv, json or markdown (the workbook's first sheet is the headline: "
            "ascbench rate -o NAME.xlsx)",
        )
    if fmt == "table":
        blocks = []
        for area in report.areas:
            h = report.headline(area)
            title = f"{h.area_name or area} ({area})"
            blocks.append(
                "\n".join(wrap(line, terminal_width(width)) for line in [title, *headline_lines(h, catalogue.layers)])
            )
        emit("\n\n".join(blocks) + "\n", output)
        return
    frame = summary_frame(report.results, report.metrics)
    emit(stream(frame, fmt), output)


def _rows(report, results, catalogue, dataset, fmt, output, bom, no_color, width, long_, only, sort) -> None:
    """The rows of the dashboard in ``fmt``: on the terminal the headline and one line per
    metric (or, with --long, the detailed table)."""
    from ascbench.render import render
    from ascbench.render.display import fill_title

    history = report.history(list(results["area_code"].unique())) if fmt == "table" and long_ else None
    options = {
        "layers": catalogue.layers,
        "bom": bom,
        "history": history,
        "colour": fmt == "table" and output is None and use_colour(no_color),
        "width": terminal_width(width),
        "title": fill_title(dataset.settings.get("title") or "Performance dashboard", results),  # the workbook's
        "headline": report.headline() if len(report.areas) == 1 and not (fmt == "table" and only) else None,
        "sort": sort,
    }
    if fmt == "table" and not long_:
        from ascbench.render.compact import render as compact

        emit(compact(results, **options), output)
        return
    if fmt == "xlsx":
        options["history"] = report.history()
        options["national"] = report.national
    emit(render(results, fmt, binary=True, **options), output)
