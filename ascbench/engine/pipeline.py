"""The flow of one figure, end to end: catalogue + dataset -> the results frame.

    observations --values--> metric values --select--> current + previous
        --compare--> comparator and rating --direction--> direction of travel --> results

Pure: no printing, no files, no clock. The results frame (one row per metric x area) is the
single source every output format renders; its columns are documented in
``docs/results.md`` and listed in :data:`RESULT_COLUMNS`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ascbench.catalogue.aggregation import accumulates
from ascbench.engine.compare import area_roles, resolve_comparators
from ascbench.engine.data import for_catalogue, measure_rules
from ascbench.engine.direction import attach_direction
from ascbench.engine.forecast import attach_recorded_forecasts, rate_forecasts
from ascbench.engine.groups import group_values
from ascbench.engine.intervals import add_intervals
from ascbench.engine.membership import declared_members, lifetimes
from ascbench.engine.ranking import attach_positions, comparison_group, neighbour_context
from ascbench.engine.rating import rate, rate_missing
from ascbench.engine.report import Report
from ascbench.engine.select import attach_previous, select_current
from ascbench.engine.trend import recent_trend
from ascbench.engine.values import metric_values, published_mismatch
from ascbench.errors import AscbenchError, did_you_mean
from ascbench.keys import decategorised
from ascbench.periods import parse_period, period_frame

RESULT_COLUMNS = [
    "metric_id",
    "code",
    "title",
    "layer",
    "outcome",
    "aim",
    "area_code",
    "area_name",
    "period",
    "period_label",
    "numerator",
    "denominator",
    "value",
    "value_basis",
    "status",
    "lower95",
    "upper95",
    "lower998",
    "upper998",
    "ci_method",
    "unit",
    "decimals",
    "scale",
    "polarity",
    "published_value",
    "published_check",
    "comparator",
    "comparator_type",
    "comparator_area",
    "comparator_area_name",
    "comparator_period",
    "comparator_value",
    "benchmark_basis",
    "diff",
    "diff_pct",
    "rating",
    "rag",
    "method",
    "confidence",
    "rating_rule",
    "rating_within",
    "rating_relative",
    "annual_target",
    "quintile",
    "previous_period",
    "previous_label",
    "previous_value",
    "previous_status",
    "previous_rule",
    "dot",
    "dot_basis",
    "dot_method",
    "change",
    "change_pct",
    "trend",
    "group",
    "rank_period",
    "rank",
    "rank_of",
    "group_size",
    "quartile",
    "value_quartile",
    "quartile_basis",
    "band",
    "group_median",
    "neighbour_rank",
    "neighbour_rank_of",
    "quantile",
    "quantile_of",
    "forecast_value",
    "forecast_period",
    "forecast_made_at",
    "forecast_label",
    "forecast_of",
    "statistic",
    "source",
    "footnote",
    "trend_note",
    "trend_statistic",
    "trend_reason",
    "funnel",
    "funnel_average",
    "funnel_of",
    "layer_order",
    "order",
]


def resolve_metric_ids(catalogue, wanted: list[str] | None) -> list[str]:
    ids = catalogue.ids()
    if not wanted:
        return ids
    known = {i.lower(): i for i in ids}
    out = []
    for w in wanted:
        if w in ids:
            out.append(w)
        elif w.lower() in known:
            out.append(known[w.lower()])
        else:
            hint = did_you_mean(w, ids, cutoff=0.5)
            raise AscbenchError(
                f"no metric '{w}' in the catalogue{hint}", field="metric", expected="an id listed by 'ascbench metrics'"
            )
    return out


def select_tags(catalogue, metric_ids: list[str], tags: list[str]) -> list[str]:
    """Metric ids chosen by ``--metric`` (checked, with suggestions) and ``--tag``."""
    ids = resolve_metric_ids(catalogue, metric_ids)
    if not tags:
        return ids
    known = {t for m in catalogue.metrics for t in m.tags}
    for t in tags:
        if t not in known:
            hint = did_you_mean(t, known)
            raise AscbenchError(
                f"no metric has the tag '{t}'{hint}", field="tag", expected="one of " + ", ".join(sorted(known))
            )
    wanted = set(tags)
    return [m.id for m in catalogue.metrics if m.id in ids and wanted & set(m.tags)]


def default_area(dataset) -> str:
    area = dataset.settings.get("default_area")
    if area:
        return str(area)
    councils = dataset.areas.loc[~dataset.areas["is_aggregate"], "area_code"]
    if len(councils) == 1:
        return str(councils.iloc[0])
    raise AscbenchError(
        "no default area: set default_area in dataset.yaml or pass --area",
        file=dataset.path,
        field="default_area",
        expected="an area code",
    )


def focus_area(dataset, area: str | None) -> str | None:
    """The area a league or quadrant marks: the one given (checked: an unknown or ambiguous
    name is an error), else the dataset's default, else none (every council, none marked)."""
    if area:
        return check_areas(dataset, [area])[0]
    try:
        return default_area(dataset)
    except AscbenchError:
        return None


ALL_AREAS = "all"


def _accumulating(catalogue, dataset) -> frozenset:
    """The metrics whose figure grows with the months it covers (compared like for like only)."""
    rules = measure_rules(catalogue, dataset)
    return frozenset(
        m.id for m in catalogue.metrics if accumulates(m.statistic, m.numerator, m.denominator, m.value, rules)
    )


def check_areas(dataset, areas: list[str]) -> list[str]:
    """Area codes for the codes or names given (names ignoring case and spacing). A name that
    several areas share (a council abolished and its successor of the same name) is an
    error that lists them with their lifetimes; an unknown one suggests the nearest code.
    ``all`` is kept as it is (:func:`every_area`)."""
    table = dataset.areas
    known = set(table["area_code"])

    def folded(name: str) -> str:  # "North  Yorkshire ", "north yorkshire": one name
        return " ".join(name.split()).casefold()

    by_name: dict[str, list[int]] = {}
    for i, name in enumerate(table["area_name"].astype(str)):
        by_name.setdefault(folded(name), []).append(i)
    out = []
    for a in areas:
        if a in known or a.lower() == ALL_AREAS:
            out.append(ALL_AREAS if a.lower() == ALL_AREAS else a)
        elif len(by_name.get(folded(a), [])) == 1:
            out.append(str(table["area_code"].iloc[by_name[folded(a)][0]]))
        elif folded(a) in by_name:
            rows = table.iloc[by_name[folded(a)]]
            listed = "; ".join(f"{r.area_code} ({_lifetime(r)})" for r in rows.itertuples())
            raise AscbenchError(
                f"'{a}' names {len(rows)} areas: {listed}",
                field="area",
                expected="the area code of the one meant",
            )
        else:
            hint = did_you_mean(a, known)
            raise AscbenchError(
                f"no area '{a}' in areas.csv{hint}", field="area", expected="an area code or name listed in areas.csv"
            )
    return list(dict.fromkeys(out))


def _lifetime(row) -> str:
    start, stop = getattr(row, "valid_from", ""), getattr(row, "valid_to", "")
    kind = str(row.area_type)
    if start and stop:
        return f"{kind}, {start} to {stop}"
    if start:
        return f"{kind}, from {start}"
    if stop:
        return f"{kind}, to {stop}"
    return kind


def every_area(dataset, group: str | None, end) -> list[str]:
    """``--area all``: every council of the comparison group that existed at ``end`` (for
    ``all``, ``region``, ``type`` and ``neighbours``, which differ by area: every council)."""
    name = group if group and group not in ("region", "type", "neighbours") else "all"
    codes = declared_members(dataset.areas, dataset.groups, [name])["area_code"]
    life = lifetimes(dataset.areas).set_index("area_code")
    end = pd.Timestamp(end)
    alive = (life["start"].reindex(codes) <= end) & (end <= life["stop"].reindex(codes))
    return [c for c, ok in zip(codes, alive.fillna(True), strict=True) if ok]


def reporting_period(dataset, values, areas: list[str], period: str | None):
    """(end date, kind, as at) of the reporting period: given (``--period``), the dataset's
    ``default_period``, or else the latest period of the chosen areas' observations of the
    chosen metrics - suppressed and missing cells included, so a withheld latest count does
    not move the dashboard back a period without a word. ``as at`` is a dict: ``period``,
    ``label`` ("as at 2025-26-YTD-Q3 (Apr-Dec 2025)"), ``sentence`` (which period and why)
    and ``say`` (whether to say it on stderr: the period was not given, or the data run
    beyond it)."""
    mine = values.loc[
        values["area_code"].isin(areas) & (values["value"].notna() | (values["status"] != "")), "period"
    ].astype(str)
    ends = period_frame(mine).set_index("period")["end"] if len(mine) else None
    latest = ends.max() if ends is not None else None
    last = mine[ends.reindex(mine).to_numpy() == latest].iloc[0] if ends is not None else None
    text, why = (
        (period, "--period") if period else (dataset.settings.get("default_period"), "default_period in dataset.yaml")
    )
    if not text:
        if latest is None:
            raise AscbenchError(
                "no values for the chosen area(s) in the data", field="area", expected="an area with observations"
            )
        p = parse_period(last)
        label = f"as at {p.text} ({p.label})"
        return (
            latest,
            None,
            {
                "period": p.text,
                "label": label,
                "say": True,
                "sentence": f"{label}: the latest period in the data, as no --period or default_period is given",
            },
        )
    try:
        p = parse_period(text)
    except AscbenchError as exc:
        exc.location.field = "--period" if period else "default_period"
        raise
    end = pd.Timestamp(p.end)
    if period and latest is not None and pd.Timestamp(p.start) > latest:
        raise AscbenchError(
            f"no data as at {p.text}: the latest period in the data is {last} (to {latest.date()})",
            field="period",
            expected=f"a reporting period up to {last}",
        )
    earliest = pd.Timestamp(ends.min()) if ends is not None else end
    if ends is not None and earliest > end:  # nothing had happened yet: no figure as at it
        first = mine[ends.reindex(mine).to_numpy() == earliest].iloc[0]
        raise AscbenchError(
            f"no data as at {p.text} ({p.label}): the earliest period in the data is {first} (to {earliest.date()})",
            file=None if period else dataset.settings.get("_file"),
            field="period" if period else "default_period",
            expected=f"a reporting period ending on or after {earliest.date()}",
        )
    beyond = latest is not None and latest > end
    if beyond and latest is not None:
        why += f"; the data run to {latest.date()}"
    label = f"as at {p.text} ({p.label})"
    return end, p.kind, {"period": p.text, "label": label, "say": beyond, "sentence": f"{label}, from {why}"}


def build_results(
    catalogue,
    dataset,
    areas: list[str] | None = None,
    period: str | None = None,
    metric_ids: list[str] | None = None,
    group: str | None = "all",
):
    """``(results, values, comparisons)`` of :func:`build_report` (for callers that need
    no more)."""
    report = build_report(catalogue, dataset, areas, period, metric_ids, group)
    return report.results, report.values, report.comparisons


def build_report(
    catalogue,
    dataset,
    areas: list[str] | None = None,
    period: str | None = None,
    metric_ids: list[str] | None = None,
    group: str | None = "all",
) -> Report:
    """The :class:`~ascbench.engine.report.Report` for ``areas`` (default: the dataset's
    default area) as at ``period``: the results frame (:data:`RESULT_COLUMNS`), the values of
    every metric, area and period (for trends, ranks and checks), every resolved comparator
    (long, for ``explain`` and narratives), the comparison groups and the reporting period.
    """
    ids = resolve_metric_ids(catalogue, metric_ids)
    dataset = for_catalogue(dataset, catalogue)  # monthly data rolled up by this catalogue's rules
    metrics = catalogue.metrics_frame()
    metrics = metrics[metrics["metric_id"].isin(ids)].reset_index(drop=True)
    comparators = catalogue.comparators_frame()
    comparators = comparators[comparators["metric_id"].isin(ids)].reset_index(drop=True)
    values = add_intervals(metric_values(metrics, dataset.observations), metrics, dataset.observations)
    areas = check_areas(dataset, areas) if areas else [default_area(dataset)]
    if ALL_AREAS in areas:  # every council of the group that existed then, after any named first
        named = [a for a in areas if a != ALL_AREAS]
        everyone = declared_members(dataset.areas, dataset.groups, ["all"])["area_code"].tolist()
        end, kind, as_at = reporting_period(dataset, values, named or everyone, period)
        areas = list(dict.fromkeys(named + every_area(dataset, group, end)))
    else:
        end, kind, as_at = reporting_period(dataset, values, areas, period)

    # the few rows of the report are edited cell by cell below: plain text columns
    selected = decategorised(select_current(values, areas, end, kind))
    selected = rate_forecasts(selected, values, dataset.observations, metrics, areas, end)  # rate: forecast
    current = decategorised(attach_previous(selected, values, metrics))
    area_names = dict(zip(dataset.areas["area_code"], dataset.areas["area_name"], strict=False))
    groups = group_values(values, metrics, dataset.groups)
    comparisons = resolve_comparators(
        current,
        comparators,
        values,
        dataset.observations,
        dataset.roles,
        area_names,
        groups,
        area_roles(dataset.areas),
        report_end=end,
        accumulating=_accumulating(catalogue, dataset),
    )
    current, comparisons = decategorised(current), decategorised(comparisons)
    current = attach_direction(current, metrics)
    known = values[values["period"].astype(str).map(period_frame(values["period"]).set_index("period")["end"]) <= end]
    current["trend"], current["trend_statistic"], current["trend_reason"] = recent_trend(
        current, known, metrics, with_statistic=True
    )
    # the comparison group, found once for every chosen area: ranks, quintile and funnel ratings
    context = comparison_group(values, metrics, dataset.areas, dataset.groups, group, areas, end)
    neighbours = neighbour_context(values, metrics, dataset.areas, dataset.groups, group, areas, end)
    current = attach_positions(current, context, neighbours)
    current = attach_recorded_forecasts(current, dataset.observations, metrics, areas, end)
    current, comparisons = rate(current, comparisons, metrics, values, context)

    # published values that disagree with their counts
    mismatch = published_mismatch(current, metrics)
    rounded = (current["numerator_status"] == "rounded") | (current["denominator_status"] == "rounded")
    current["published_check"] = np.where(
        current["published_value"].notna() & (current["value_basis"] == "counts"),
        "ok",
        np.where(current["published_value"].notna() & rounded, "within rounding", ""),
    )
    current.loc[mismatch, "published_check"] = "differs"

    # metrics with no data for an area still get a row: a dashboard shows every metric
    grid = pd.MultiIndex.from_product([metrics["metric_id"], areas], names=["metric_id", "area_code"]).to_frame(
        index=False
    )
    results = grid.merge(current, on=["metric_id", "area_code"], how="left")
    results = results.merge(
        metrics[
            [
                "metric_id",
                "code",
                "title",
                "layer",
                "outcome",
                "aim",
                "unit",
                "decimals",
                "scale",
                "polarity",
                "statistic",
                "source",
                "footnote",
                "trend_note",
                "layer_order",
                "order",
                "n_comparators",
                "forecast_of",
            ]
        ],
        on="metric_id",
        how="left",
    )
    results = rate_missing(results, metrics)
    results["area_name"] = results["area_code"].map(area_names)
    results["period_label"] = results["label"]
    results = results.sort_values(["layer_order", "order", "area_code"]).reset_index(drop=True)
    for column in RESULT_COLUMNS:
        if column not in results.columns:
            results[column] = np.nan
    results = results[RESULT_COLUMNS]
    results.attrs["as_at"] = as_at  # which reporting period and why: titles, and stderr (reporting_period)
    note = (dataset.settings.get("disclosure") or {}).get("note")
    if note:  # a protected dataset (engine.disclosure): every output says by which rule
        results["disclosure"] = note
        results.attrs["disclosure"] = note
    return Report(
        results=results,
        values=values,
        comparisons=comparisons,
        as_at=as_at,
        metrics=metrics,
        group=context,
        neighbours=neighbours,
        national=dataset.roles.get("national"),
        area_names=area_names,
    )
