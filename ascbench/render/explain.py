"""``ascbench explain``: the whole path of one figure, as text."""

from __future__ import annotations

from ascbench.render.display import has_position, is_missing, position_cell
from ascbench.render.numbers import fmt_number, fmt_value


def _g(x, digits: int = 6) -> str:
    return "-" if is_missing(x) else f"{x:,.{digits}g}"


METHOD_WORDS = {
    "tolerance": "tolerance against the comparator",
    "target": "target (met or beaten is better)",
    "band": "the metric's own band (polarity range, no comparator)",
    "range_target": "Fingertips' target range",
    "quintile": "quintile of the comparison group (Fingertips)",
    "funnel95": "funnel plot, 95% limits (PHE)",
    "funnel998": "funnel plot, 99.8% limits (PHE)",
    "ci_overlap95": "95% confidence interval against the benchmark (Fingertips)",
    "ci_overlap998": "99.8% confidence interval against the benchmark (Fingertips)",
    "ci_overlap_both": "95% and 99.8% confidence intervals against the benchmark (Fingertips)",
    "spc95": "95% control limits around the benchmark",
    "spc998": "99.8% control limits around the benchmark",
}


def tolerance_words(row: dict) -> str:
    """The tolerance the deciding rule used, in the metric's units: "2 points", "5% of the
    comparator", "none: the rule's limits decide"."""
    method = row.get("method") or ""
    if method not in ("tolerance", "target", "band"):
        return "none: the method's limits decide"
    within = row.get("rating_within")
    if is_missing(within):
        within = 0.0
    if row.get("rating_relative") in (True, "True", 1):
        return f"{float(within):g}% of the comparator"
    unit = "points" if row.get("unit") == "%" else (row.get("unit") or "").strip() or "(the metric's units)"
    return f"{float(within):g} {unit}"


def rating_statement(row: dict, show) -> str:
    """Exactly what ``rate`` decided and by what: the rating, the method, the rule in words,
    the deciding comparator (type, label, value, period) and the tolerance."""
    rating = row.get("rating") or "not compared"
    if rating == "for information":
        return "for information: the metric has no comparator and no rule of its own"
    method = row.get("method") or ""
    text = f"{rating} ({row.get('rag')})"
    if not method:
        return text + ": " + ("no value or no comparator value to compare" if rating == "not compared" else rating)
    text += f" by {METHOD_WORDS.get(method, method)}"
    if not is_missing(row.get("confidence")):
        text += f" at {float(row['confidence']) * 100:g}%"
    if row.get("rating_rule"):
        text += f"; rule: {row['rating_rule']}"
    ctype = row.get("comparator_type") or ""
    comparator = str(row.get("comparator") or "")
    if not is_missing(row.get("comparator_value")):
        comparator += f" = {show(row['comparator_value'])}"
        if row.get("comparator_period"):
            comparator += f" ({row['comparator_period']})"
    if comparator:
        text += f"; comparator ({ctype}): {comparator}"
    text += f"; tolerance: {tolerance_words(row)}"
    if not is_missing(row.get("diff")):
        text += f"; difference {fmt_number(row['diff'], int(row.get('decimals') or 0) + 2)}"
    if isinstance(row.get("funnel"), str) and row["funnel"]:
        text += f"; funnel: {row['funnel']}"
    return text


def short_path(path, root=None) -> str:
    """A file as a person reads it: relative to the working directory when it is inside it,
    else relative to ``root``'s parent (``data/observations.csv``), else its name; never the
    whole absolute path, which depends on where a clone or an install lives (``ascbench
    --version`` names the catalogue and data directory in full)."""
    from pathlib import Path

    p = Path(str(path))
    for base in (Path.cwd(), Path(str(root)).parent if root else None):
        if base is not None:
            try:
                return str(p.resolve().relative_to(base.resolve()))
            except (ValueError, OSError):
                continue
    return p.name


def explain(
    row: dict, metric, observations, comparisons, catalogue_path: str, warnings: list[str], data_root=None
) -> str:
    d, unit, scale = metric.decimals, metric.unit, metric.scale
    show = lambda x: fmt_value(x, d, unit, scale, "-")  # noqa: E731
    lines = [f"{metric.id}: {metric.code} - {metric.title}"]
    lines.append(
        f"  definition   {short_path(catalogue_path)}:{metric.line}: statistic {metric.statistic}, "
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
    forecast = row.get("value_basis") == "forecast"
    if forecast:  # the year's forecast is the value: the forecast row, and the year's denominator
        roles = [("forecast", metric.forecast, row.get("forecast_made_at"))]
        if metric.forecast_of == "numerator" and metric.denominator:
            roles.append(("denominator", metric.denominator, row.get("forecast_denominator_period") or row["period"]))
    else:
        roles = [
            (role, measure, row["period"])
            for role, measure in (
                ("numerator", metric.numerator),
                ("denominator", metric.denominator),
                ("published", metric.value),
            )
        ]
    for role, measure, period in roles:
        if measure:
            hits[role] = (
                measure,
                observations[
                    (observations["measure"] == measure)
                    & (observations["area_code"] == row["area_code"])
                    & (observations["period"] == period)
                ],
            )
    lines.append("  inputs")
    for role, (measure, hit) in hits.items():
        if hit.empty:
            lines.append(f"    {role:<11} {measure}: not in the data for this area and period")
            continue
        o = hit.iloc[0]
        where = f"{short_path(o['file'], data_root)}:{o['line']}" if o["file"] else "rolled up from monthly data"
        status = f" [{o['status']}]" if o["status"] else ""
        lines.append(
            f"    {role:<11} {measure} = {_g(o['value'], 12)}{status}  ({where}; {o['source'] or 'no source given'})"
        )
    if forecast and metric.forecast_of == "numerator" and metric.statistic in ("proportion", "rate"):
        lines.append(
            f"  value        {row.get('period_label')}: {_g(row['numerator'], 12)} / {_g(row['denominator'], 12)} "
            f"x {metric.multiplier:g} = {fmt_number(row['value'], 6)} (shown {show(row['value'])}); rated as the "
            "year's value (rate: forecast)"
        )
    elif forecast:
        lines.append(
            f"  value        {row.get('period_label')}: {show(row['value'])}; rated as the year's value (rate: forecast)"
        )
    elif row.get("value_basis") == "counts" and metric.statistic in ("proportion", "rate"):
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
        found = [role for role in ("numerator", "denominator") if role in hits and len(hits[role][1])]
        why = (
            "no counts in the data"
            if not found
            else f"the data have the {' and '.join(found)} but no value follows from them"
            + (f" ({row['status']})" if isinstance(row.get("status"), str) and row["status"] else "")
        )
        lines.append(f"  value        the published value {show(row['value'])} ({why})")
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
    mine = comparisons[(comparisons["metric_id"] == metric.id) & (comparisons["area_code"] == row["area_code"])]
    method = row.get("method") or ""
    if mine.empty and row.get("rating") == "for information":
        lines.append("  comparator   none in the catalogue: for information, not rated")
    elif mine.empty:
        lines.append("  comparator   none in the catalogue: rated by the metric's own rule (below)")
    chosen = False
    for c in mine.itertuples(index=False):
        deciding = not chosen and c.comparator == row.get("comparator") and (c.method or "") == method
        chosen = chosen or deciding
        lines.append(
            f"  comparator   [{'deciding' if deciding else 'not deciding'}] {c.comparator} = "
            f"{show(c.comparator_value)} - {c.comparator_area_name} ({c.comparator_area}), {c.comparator_period}, "
            f"{c.benchmark_basis}"
        )
        lines.append(f"               -> {c.rating} ({c.rag}); {c.rating_rule}; difference {fmt_number(c.diff, d + 2)}")
    lines.append("  rating       " + rating_statement(row, show))
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
