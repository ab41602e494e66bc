"""``ascbench explain``: how one figure was made, from definition to rating."""

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
    output_option,
    period_option,
    publish_option,
    terminal_width,
    width_option,
)


@click.command()
@catalogue_option
@data_option
@click.argument("metric")
@area_option()
@period_option()
@output_option
@width_option
@publish_option
def explain(catalogue_path, data_path, metric, area, period, output, width, publish):
    """Print the audit trail of METRIC: the catalogue definition, the input measures with
    their files, lines and sources, the formula with the numbers substituted, the interval,
    every comparator with its basis, the rule that decided the rating, the direction of
    travel and any data warning."""
    from ascbench.engine import build_results
    from ascbench.render.explain import explain as render_explain

    catalogue, dataset, ids = load(catalogue_path, data_path, [metric], publish=publish)
    results, values, comparisons = build_results(catalogue, dataset, [area] if area else None, period, ids)
    row = results.iloc[0].to_dict()
    warnings = []
    if row.get("published_check") == "differs":
        warnings.append("the published value does not follow from the counts")
    if isinstance(row.get("status"), str) and row["status"] and row["status"] != "rounded":
        warnings.append(f"an input is flagged '{row['status']}'")
    from ascbench.render.fit import wrap_lines

    text = render_explain(
        row, catalogue.get(ids[0]), dataset.observations, comparisons, catalogue.path, warnings, dataset.path
    )
    if disclosure_note(dataset):
        text += f"  disclosure   {disclosure_note(dataset)}\n"
    emit(wrap_lines(text.rstrip("\n"), terminal_width(width)) + "\n", output, TEXT_EXTENSIONS)
