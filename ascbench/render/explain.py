"""``ascbench explain``: the whole path of one figure, as text."""

from __future__ import annotations

import os

from ascbench.render.display import has_position, is_missing, position_cell
from ascbench.render.numbers import fmt_number, fmt_value


def _g(x, digits: int = 6) -> str:
    return "-" if is_missing(x) else f"{x:,.{digits}g}"


def explain(row: dict, metric, observations, comparisons, catalogue_path: str, warnings: list[str]) -> str:
    d, unit, scale = metric.decimals, metric.unit, metric.scale
    show = lambda x: fmt_value(x, d, unit, scale, "-")  # noqa: E731
    lines = [f"{metric.id}: {metric.code} - {metric.title}"]
    lines.append(
        f"  definition   {catalogue_path}:{metric.line}: statistic {metric.statistic}, "
        + ", ".join(
            f"{k} {v}"
            for k, v in (
                ("numerator", metric.numerator),
                ("denominator", metric.denominator),
                ("published value", metric.value),
            )
            if v
        )
        + f", multiplier {metric.multiplier:g}, polarity {metric.polarity}"
        + (f" {metric.range[0]:g}-{metric.range[1]:g}" if metric.range else "")
    )
    if metric.source:
        lines.append(f"  source       {metric.source}")
    lines.append(f"  area, period {row['area_name']} ({row['area_code']}), {row['period']} ({row.get('period_label')})")
    hits = {}
    for role, measure in (
        ("numerator", metric.numerator),
        ("denominator", metric.denominator),
        ("published", metric.value),
    ):
        if measure:
            hits[role] = (
                measure,
                observations[
                    (observations["measure"] == measure)
                    & (observations["area_code"] == row["area_code"])
                    & (observations["period"] == row["period"])
                ],
            )
    # the data directory once, then each input by its file's name and line (a long path would
    # not wrap, and every input's is the same)
    folders = {os.path.dirname(str(h.iloc[0]["file"])) for _, h in hits.values() if len(h) and h.iloc[0]["file"]}
    folder = folders.pop() if len(folders) == 1 else ""
    lines.append("  inputs" + (f" (files in {folder})" if folder else ""))
    for role, (measure, hit) in hits.items():
        if hit.empty:
            lines.append(f"    {role:<11} {measure}: not in the data for this area and period")
            continue
        o = hit.iloc[0]
        name = os.path.basename(str(o["file"])) if folder else o["file"]
        where = f"{name}:{o['line']}" if o["file"] else "rolled up from monthly data"
        status = f" [{o['status']}]" if o["status"] else ""
        lines.append(
            f"    {role:<11} {measure} = {_g(o['value'], 12)}{status}  ({where}; {o['source'] or 'no source given'})"
        )
    if row.get("value_basis") == "counts" and metric.statistic in ("proportion", "rate"):
        lines.append(
            f"  formula      {_g(row['numerator'], 12)} / {_g(row['denominator'], 12)} x {metric.multiplier:g} "
            f"= {fmt_number(row['value'], 6)} (shown {show(row['value'])}, rounded half away from zero)"
        )
    elif row.get("value_basis") == "counts":
        lines.append(
            f"  formula      {_g(row['numerator'], 12)} x {metric.multiplier:g} = {fmt_number(row['value'], 6)}"
        )
    elif row.get("value_basis") == "published" and row.get("published_check") in ("within rounding", "differs"):
        lines.append(
            f"  value        the published value {show(row['value'])}: the counts "
            f"{_g(row['numerator'])} / {_g(row['denominator'])} are rounded (to the nearest 5), so the "
            "published figure, computed from the true counts, is shown"
        )
    elif row.get("value_basis") == "published":
        lines.append(f"  value        the published value {show(row['value'])} (no counts in the data)")
    else:
        lines.append(f"  value        none: {row.get('status') or 'no data'}")
    if row.get("published_check") == "ok":
        lines.append(
            f"  check        the published {_g(row['published_value'])} agrees with the counts to {d} decimal place{'s' if d != 1 else ''}"
        )
    elif row.get("published_check") == "within rounding":
        lines.append(f"  check        the published {_g(row['published_value'])} is one the rounded counts allow")
    elif row.get("published_check") == "differs" and row.get("value_basis") == "published":
        lines.append(
            f"  check        WARNING: no counts within the rounding give the published {_g(row['published_value'])}"
        )
    elif row.get("published_check") == "differs":
        lines.append(
            f"  check        WARNING: the published {_g(row['published_value'])} differs from the counts' "
            f"{fmt_number(row['value'], d + 2)}; ascbench uses the counts"
        )
    if not is_missing(row.get("lower95")):
        lines.append(
            f"  interval     95% {fmt_number(row['lower95'], d + 2)} to {fmt_number(row['upper95'], d + 2)}, "
            f"99.8% {fmt_number(row['lower998'], d + 2)} to {fmt_number(row['upper998'], d + 2)} "
            f"({row['ci_method']})"
        )
    mine = comparisons[comparisons["metric_id"] == metric.id]
    if mine.empty:
        lines.append("  comparator   none: for information")
    for c in mine.itertuples(index=False):
        deciding = (
            "deciding" if c.comparator == row.get("comparator") and c.preference == mine["preference"].min() else "also"
        )
        lines.append(
            f"  comparator   [{deciding}] {c.comparator} = {show(c.comparator_value)} - {c.comparator_area_name} "
            f"({c.comparator_area}), {c.comparator_period}, {c.benchmark_basis}"
        )
        lines.append(f"               -> {c.rating} ({c.rag}); {c.rating_rule}; difference {fmt_number(c.diff, d + 2)}")
    if row.get("previous_period"):
        lines.append(
            f"  direction    {row['dot']}: {row['dot_basis']} (rule {row.get('previous_rule')}, method "
            f"{row.get('dot_method') or '-'}): {show(row['value'])} against {show(row['previous_value'])}, "
            f"change {fmt_number(row.get('change'), d + 2)}"
        )
    else:
        lines.append(f"  direction    {row.get('dot')}")
    reason = row.get("trend_reason")
    lines.append(f"  trend        {row.get('trend')}" + (f": {reason}" if isinstance(reason, str) and reason else ""))
    if has_position(row):
        lines.append(f"  position     {position_cell(row)} (rank 1 = best; group {row['group']})")
    for w in warnings:
        lines.append(f"  warning      {w}")
    for note in metric.footnotes:
        lines.append(f"  footnote     {note}")
    return "\n".join(lines) + "\n"
