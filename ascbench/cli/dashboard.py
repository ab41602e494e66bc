"""``ascbench dashboard``: the quarterly dashboard as files (HTML, Markdown, Excel, CSV)."""

from __future__ import annotations

from pathlib import Path

import click

from ascbench.cli.common import (
    area_option,
    catalogue_option,
    data_option,
    load,
    only_option,
    period_option,
    publish_option,
    say_as_at,
    tag_option,
)

FILES = ("dashboard.html", "dashboard.md", "dashboard.xlsx", "dashboard.csv")


def _cld_charts(data_path, area: str) -> list[str]:
    """The CLD views' charts when the data directory holds what ``ascbench cld --out`` writes
    (``cld-waiting-times.csv``, ``cld-data-quality.csv``): waiting times, their SPC chart and
    data quality (:func:`ascbench.render.cld_charts.dashboard_cld`)."""
    import pandas as pd

    from ascbench.render.cld_charts import dashboard_cld
    from ascbench.sources import data_source

    directory = Path(data_source(data_path).path)
    frames = []
    for name in ("cld-waiting-times.csv", "cld-data-quality.csv"):
        path = directory / name
        frames.append(pd.read_csv(path, dtype={"area_code": str}) if path.is_file() else None)
    return dashboard_cld(frames[0], frames[1], area)


@click.command()
@catalogue_option
@data_option
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(path_type=Path),
    help="Directory for dashboard.html, .md, .xlsx and .csv (created).",
)
@area_option()
@period_option()
@tag_option()
@click.option("--group", default="all", show_default=True, help="Comparison group for ranks.")
@click.option("--title", default=None, help="Page title (default: the dataset's title).")
@click.option(
    "--stamp", is_flag=True, help="Print the generation time in the page (breaks byte-for-byte reproducibility)."
)
@publish_option
@only_option
def dashboard(catalogue_path, data_path, out, area, period, tags, group, title, stamp, publish, only):
    """Write the dashboard as four files in one run.

    Everything is rendered in memory first, then each file is written to a temporary name
    and renamed: a failed run leaves the previous dashboard intact. The same inputs give
    byte-identical files unless --stamp is given.
    """
    from ascbench.engine import build_report
    from ascbench.render import render

    catalogue, dataset, ids = load(catalogue_path, data_path, (), tags, publish=publish)
    report = build_report(catalogue, dataset, [area] if area else None, period, ids, group)
    say_as_at(report.results)
    from ascbench.engine.headline import select

    results = select(report.results, only)  # the headline still counts every metric
    national = report.national
    hist = report.history([report.areas[0]] + ([national] if national else []))
    from ascbench.render.display import fill_title

    title = fill_title(title or dataset.settings.get("title") or "Performance dashboard", report.results)
    when = None
    if stamp:
        import datetime

        when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    notes = {}
    if dataset.settings.get("source"):
        notes["source"] = "Source: " + str(dataset.settings["source"])
    from ascbench.render.funnel_chart import dashboard_funnels
    from ascbench.render.league_chart import dashboard_charts
    from ascbench.render.spc_chart import dashboard_spc
    from ascbench.render.spine_chart import dashboard_rug, dashboard_spines
    from ascbench.render.trend_chart import dashboard_trends

    charts = dashboard_charts(report)
    cld = _cld_charts(data_path, report.areas[0])
    funnels = dashboard_funnels(report)
    headline = report.headline()
    outputs = {
        "dashboard.html": render(
            results,
            "html",
            layers=catalogue.layers,
            title=title,
            history=hist,
            national=national,
            notes=notes,
            stamp=when,
            charts=charts,
            funnels=funnels,
            headline=headline,
            rug=dashboard_rug(report, catalogue.layers),
            spines=dashboard_spines(report),
            trends=dashboard_trends(report),
            spc=dashboard_spc(report),
            cld=cld,
        ),
        "dashboard.md": render(
            results, "markdown", layers=catalogue.layers, title=title, sections=True, stamp=when, headline=headline
        ),
        "dashboard.xlsx": render(
            results,
            "xlsx",
            binary=True,
            layers=catalogue.layers,
            title=title,
            headline=headline,
            history=report.history(),
            national=national,
        ),
        "dashboard.csv": render(results, "csv"),
    }
    from ascbench.cli.common import check_output
    from ascbench.io.atomic import write_set_atomic

    if Path(out).exists() and not Path(out).is_dir():
        from ascbench.errors import AscbenchError

        raise AscbenchError(
            "--out is a file, not a directory",
            file=str(out),
            field="--out",
            expected="a directory (created if need be)",
        )
    targets = {Path(out) / name: outputs[name] for name in FILES}
    for target in targets:
        check_output(target, "--out")
    # all four files are staged, then renamed in together under a lock: a failed run leaves
    # the previous dashboard whole, and two runs into one directory cannot mix their files
    write_set_atomic(targets, lock=Path(out))
    click.echo(f"ascbench: wrote {len(results)} metrics to " + ", ".join(str(Path(out) / f) for f in FILES), err=True)
