"""``validate``: every problem with a catalogue and a data directory, checked together.

Beyond what the loaders check (syntax, keys, types, columns, codes, periods, duplicates):

* every measure a metric is computed from exists somewhere in the data (error) - a published
  ``value`` beside counts is optional - and every comparator role is defined in
  ``dataset.yaml`` (error);
* counts used as numerators or denominators are not negative (error; a numerator in money,
  ``unit: £...``, may be: gross spend is published negative at times); a proportion's
  numerator above its denominator is a warning naming the row (official files publish such
  rows: ASCOF 2024-25 4B for three councils, outcome ``[z]``, its note 16; the counts are
  kept as given and the engine computes no value from them, showing the published value or
  its status); a zero denominator is a warning (the value is then missing, never 0);
* a published value that disagrees with its own counts beyond its printed precision is a
  warning, as is a metric with no data for the default area.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ascbench.catalogue import load_catalogue
from ascbench.engine.compare import AREA_ROLES
from ascbench.engine.data import load as load_dataset
from ascbench.engine.pipeline import default_area
from ascbench.engine.rollup import describe, rules_for
from ascbench.engine.values import ROUNDING, metric_values, published_mismatch, rounded_range
from ascbench.errors import AscbenchError, Problems
from ascbench.io.dataset import duplicated_keys
from ascbench.keys import decategorised, key_codes
from ascbench.periods import attach_periods, period_frame


def _row_error(row, field: str, message: str, expected: str) -> AscbenchError:
    return AscbenchError(message, file=row["file"], line=int(row["line"]), field=field, expected=expected)


def check_measures(catalogue, dataset, problems: Problems, metric_ids=None) -> None:
    """Cross-checks of catalogue against data (see the module docstring), for ``metric_ids``
    (default: every metric). Vectorised: the cost is a few merges, whatever the number of
    metrics."""
    obs = dataset.observations
    present = set(obs["measure"].unique())
    areas = set(dataset.areas["area_code"])
    chosen = [m for m in catalogue.metrics if metric_ids is None or m.id in set(metric_ids)]
    for m in chosen:
        for role in ("numerator", "denominator", "value"):
            name = getattr(m, role)
            if role == "value" and m.numerator:
                continue  # a published value beside counts is optional: it is only checked against them
            if name and name not in present:
                problems.add(
                    AscbenchError(
                        f"{role} measure '{name}' is not in the data",
                        file=catalogue.path,
                        line=m.line,
                        item=m.id,
                        field=role,
                        expected="a measure that appears in an observation file",
                    )
                )
        for c in m.comparators:
            if c.type == "target" and c.measure and c.measure not in present:
                problems.add(
                    AscbenchError(
                        f"comparator measure '{c.measure}' is not in the data",
                        file=catalogue.path,
                        line=c.line or m.line,
                        item=m.id,
                        field="comparators",
                        expected="a measure in the data",
                    )
                )
            if (
                c.type == "area"
                and c.area
                and c.area not in dataset.roles
                and c.area not in areas
                and not (c.area in AREA_ROLES and c.area in dataset.areas.columns)
            ):
                problems.add(
                    AscbenchError(
                        f"comparator area '{c.area}' is neither a role in dataset.yaml nor an area code",
                        file=catalogue.path,
                        line=c.line or m.line,
                        item=m.id,
                        field="comparators",
                        expected="a role such as "
                        + (", ".join(sorted(dataset.roles)) or "national")
                        + " or an area code",
                    )
                )
    # an amount of money is no count: gross spend can be negative as published (an ASC-FR
    # council's short-term support after income adjustments), so a numerator in £ may be
    counts = {m.denominator for m in chosen if m.denominator} | {
        m.numerator for m in chosen if m.numerator and not str(m.unit or "").startswith("£")
    }
    negative = obs[obs["measure"].isin(counts) & (obs["value"] < 0)]
    for _, row in negative.head(50).iterrows():
        problems.add(
            _row_error(row, "value", f"negative count {row['value']:g} for {row['measure']}", "a count of 0 or more")
        )
    _impossible_published(chosen, obs, problems)


def check_counts(catalogue, dataset, problems: Problems) -> None:
    """Counts that give no value, as data warnings for ``validate`` (a command shows the
    affected rows' status instead of warning about every council's data on every run): a
    numerator above its denominator (kept as published, never a value above 100%) and a zero
    denominator."""
    obs = dataset.observations
    pairs = pd.DataFrame(
        [
            (m.id, m.numerator, m.denominator)
            for m in catalogue.metrics
            if m.statistic == "proportion" and m.numerator and m.denominator
        ],
        columns=["metric_id", "numerator", "denominator"],
    )
    if pairs.empty:
        return
    cols = ["area_code", "period", "measure", "value", "file", "line"]
    both = pairs.merge(obs[cols], left_on="numerator", right_on="measure").merge(
        obs[["area_code", "period", "measure", "value"]].rename(columns={"value": "value_den"}),
        left_on=["denominator", "area_code", "period"],
        right_on=["measure", "area_code", "period"],
    )

    def where(row) -> str:  # a roll-up of months has no line of its own: the measure's rule made it
        if str(row["file"]):
            return f"{row['file']}:{row['line']}: "
        return f"{catalogue.path}:{catalogue.get(row['metric_id']).line}: "

    over = both[both["value"] > both["value_den"]]
    for _, row in over.head(50).iterrows():
        problems.warn(
            f"{where(row)}{row['metric_id']}: numerator {row['value']:g} is above its denominator "
            f"{row['value_den']:g} for {row['area_code']} {row['period']}; kept as given, no value is computed from "
            "these counts (the published value or its status is shown instead)"
        )
    zero = both[both["value_den"] == 0]
    for _, row in zero.head(20).iterrows():
        problems.warn(
            f"{where(row)}{row['metric_id']}: zero denominator for {row['area_code']} "
            f"{row['period']}; the value is missing"
        )


def _impossible_published(chosen, obs, problems: Problems) -> None:
    """A published value a statistic cannot take: a proportion outside 0 to its multiplier
    (0-100 for a percentage: 150%, -5% and 1000% are errors), a negative rate. (A count or
    score may be a net change; its counts are checked as numerators.)"""
    limits = pd.DataFrame(
        [
            (m.value, m.id, m.statistic, m.multiplier)
            for m in chosen
            if m.value and m.statistic in ("proportion", "rate")
        ],
        columns=["measure", "metric_id", "statistic", "multiplier"],
    ).drop_duplicates("measure")
    if limits.empty:
        return
    rows = obs[obs["measure"].isin(limits["measure"]) & obs["value"].notna()][["measure", "value", "file", "line"]]
    rows = rows.astype({"measure": str}).merge(limits, on="measure")
    bad = (rows["value"] < 0) | ((rows["statistic"] == "proportion") & (rows["value"] > rows["multiplier"]))
    for _, row in rows[bad].head(50).iterrows():
        expected = (
            f"a proportion from 0 to {row['multiplier']:g}"
            if row["statistic"] == "proportion"
            else f"a {row['statistic']} of 0 or more"
        )
        problems.add(
            _row_error(
                row,
                "value",
                f"{row['metric_id']}: {row['value']:g} is not a possible {row['statistic']} ({row['measure']})",
                expected,
            )
        )


def check_ratable(catalogue, problems: Problems) -> None:
    """A warning for each metric that can never be rated: a judged polarity (high or low)
    but no comparator and no quintile rating, so every dashboard shows it "for information".
    (A band, ``polarity: range`` with ``range``, rates itself; ``polarity: none`` says it is
    shown for information on purpose.)"""
    for m in catalogue.metrics:
        if not m.comparators and m.polarity in ("high", "low") and m.rating.method != "quintile":
            problems.warn(
                f"{catalogue.path}:{m.line}: {m.id}: polarity {m.polarity} but no comparator, so it is "
                "never rated (add a comparator, a band with polarity: range, or polarity: none)"
            )


def check_values(catalogue, dataset, problems: Problems) -> None:
    metrics = catalogue.metrics_frame()
    values = metric_values(metrics, dataset.observations)
    differs = values[published_mismatch(values, metrics)]
    low, high = rounded_range(differs, metrics)
    for i, (_, row) in enumerate(differs.iterrows()):
        m = catalogue.get(row["metric_id"])
        counts = f"{row['metric_id']} {row['area_code']} {row['period']}: {row['numerator']:g} / {row['denominator']:g}"
        if row["value_basis"] == "published":  # rounded counts
            problems.warn(
                f"{counts} (rounded to the nearest {ROUNDING}) allow {low[i]:.{m.decimals + 2}f} to "
                f"{high[i]:.{m.decimals + 2}f}, but the published value is {row['published_value']:g}; "
                "ascbench shows the published value"
            )
        else:
            problems.warn(
                f"{counts} gives {row['value']:.{m.decimals + 2}f}, but the published value is "
                f"{row['published_value']:g}; ascbench uses the value computed from the counts"
            )
    try:
        area = default_area(dataset)
    except AscbenchError as exc:
        problems.warn(exc.one_line())
        return
    have = set(values.loc[(values["area_code"] == area) & values["value"].notna(), "metric_id"])
    for m in catalogue.metrics:
        if m.id not in have:
            problems.warn(f"{m.id}: no value for the default area {area}")


def check_publish(catalogue, dataset, problems: Problems) -> None:
    """dataset.yaml's ``publish:`` names a disclosure rule (docs/disclosure.md), and its
    ``exempt`` metrics are in the catalogue."""
    from ascbench.engine.disclosure import rule_from

    settings = dataset.settings or {}
    if "publish" not in settings:
        return
    line = (settings.get("_lines") or {}).get("publish")
    try:
        rule = rule_from(settings["publish"], settings.get("_file"), line)
    except AscbenchError as exc:
        problems.add(exc)
        return
    known = {m.id for m in catalogue.metrics}
    for metric_id in rule.exempt if rule else ():
        if metric_id not in known:
            problems.add(
                AscbenchError(
                    f"exempt names no metric '{metric_id}'",
                    file=settings.get("_file"),
                    line=line,
                    field="publish.exempt",
                    expected="metric ids of the catalogue",
                )
            )


def check_rollups(catalogue, dataset, problems: Problems) -> None:
    """A note per measure rolled up from months, naming its rule and why
    (:mod:`ascbench.catalogue.aggregation`), and a warning for a measure summed by default
    that looks like a stock repeated each month (:func:`ascbench.engine.rollup.describe`)."""
    notes, warnings = describe(dataset.observations, catalogue)
    problems.notes.extend(notes)
    problems.warnings.extend(warnings)
    monthly = set(rules_for(dataset.observations, catalogue).items())
    for m in catalogue.metrics:
        if m.value and not m.numerator and m.statistic != "count":
            if any(measure == m.value and a.rule == "none" and not a.declared for measure, a in monthly):
                problems.warn(
                    f"{catalogue.path}:{m.line}: {m.id}: its published value '{m.value}' is given by month and a "
                    f"{m.statistic} is never summed: a quarter or year shows its latest month (declare "
                    "aggregation: last to take the period's last month as its value, or give numerator and "
                    "denominator)"
                )


def check_period_names(dataset, problems: Problems, limit: int = 20) -> None:
    """A warning for each area and measure that has the same months under several period
    names with a choice to make: the files give two or more of the names (``2024-25``,
    ``2024-25-YTD-Q4`` and ``R12-2025-Mar`` are all April 2024 to March 2025), or give one
    while its months roll up to another value under other names. Which value a report showed
    would depend on the name it asked for. Snapshots are dates, one name each."""
    obs = dataset.observations
    if obs.empty:
        return
    # first, by integer keys, the rows whose area, measure and span of months repeat (a few,
    # usually none); only those are looked at closely
    codes, periods = key_codes(obs["period"])
    used = np.unique(codes[codes >= 0])  # a categorical may keep categories no row uses
    spans = period_frame(pd.Series([periods[i] for i in used], dtype=object))
    span = np.full(len(periods), -1, dtype=np.int64)
    span[used] = pd.Series(list(zip(spans["start"], spans["end"], strict=True))).factorize()[0]
    span[used[spans["is_snapshot"].to_numpy()]] = -1
    row_span = np.where(codes >= 0, span[np.maximum(codes, 0)], -1)
    keyed = pd.DataFrame({"area_code": obs["area_code"], "measure": obs["measure"], "span": row_span})
    repeated = duplicated_keys(keyed, ["area_code", "measure", "span"]).to_numpy() & (row_span >= 0)
    if not repeated.any():
        return
    rows = decategorised(obs.loc[repeated, ["area_code", "measure", "period", "value", "file", "line"]])
    rows = rows.assign(rolled=rows["file"].astype(str) == "")
    if rows["rolled"].all():
        return
    rows = attach_periods(rows)
    rows = rows[~rows["is_snapshot"]]
    key = ["area_code", "measure", "start", "end"]
    by = [rows[k] for k in key]
    given_names = rows["period"].where(~rows["rolled"]).groupby(by).transform("nunique")
    has_given = (~rows["rolled"]).groupby(by).transform("any")
    has_rolled = rows["rolled"].groupby(by).transform("any")
    spread = rows["value"].groupby(by).transform("max") - rows["value"].groupby(by).transform("min")
    scale = rows["value"].abs().groupby(by).transform("max").fillna(0).clip(lower=1)
    differs = spread.fillna(0) > 1e-9 * scale
    clash = rows[(given_names > 1) | (has_given & has_rolled & differs)]
    if clash.empty:
        return
    clash = clash.sort_values([*key, "rolled", "line"])
    groups = list(clash.groupby(key, sort=False))
    for (area, measure, _, _), found in groups[:limit]:
        first = found[~found["rolled"]].iloc[0]
        shown = ", ".join(
            (f"{p} = {v:g}" if v == v else f"{p} (no value)") + (" (rolled up from months)" if rolled else "")
            for p, v, rolled in zip(found["period"], found["value"], found["rolled"], strict=True)
        )
        problems.warn(
            f"{first['file']}:{first['line']}: {area} {measure}: the same months ({first['label']}) under "
            f"{len(found)} period names: {shown}; a report shows one of them, by the name it asks for "
            "(give each span of months once)"
        )
    if len(groups) > limit:
        problems.warn(f"... and {len(groups) - limit} more areas and measures with the same problem")


def validate_all(catalogue_path: str | Path, data_path: str | Path) -> Problems:
    problems = Problems()
    catalogue = load_catalogue(catalogue_path, problems)
    dataset = load_dataset(data_path, problems, catalogue)
    problems.warnings.extend(dataset.warnings)
    check_ratable(catalogue, problems)
    check_publish(catalogue, dataset, problems)
    if len(dataset.observations):
        check_rollups(catalogue, dataset, problems)
        check_period_names(dataset, problems)
    if catalogue.metrics and dataset.observations is not None:
        check_measures(catalogue, dataset, problems)  # with no rows too: rate refuses what validate passes
        check_counts(catalogue, dataset, problems)
        if not problems.errors and not dataset.observations.empty:
            check_values(catalogue, dataset, problems)
    return problems
