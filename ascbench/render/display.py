"""The dashboard cells as text: shared by the terminal table, Markdown and HTML renderers."""

from __future__ import annotations

import re

from ascbench.catalogue.model import SCALE_SUFFIX, SCALES
from ascbench.periods import parse_period
from ascbench.render.numbers import fmt_count, fmt_number, fmt_value, is_missing

AIM_WORDS = {"high": "High", "low": "Low", "range": "Range", "none": "N/A"}
DOT_SYMBOLS = {
    "improved": "▲",
    "worse": "▼",
    "similar": "◄►",
    "increased": "▲",
    "decreased": "▼",
    "not comparable": "≠",
    "definition changed": "≠",
    "no previous data": "–",
    "not compared": "–",
    "n/a": "",
    "no data": "–",
}
# One vocabulary of symbols for every format: no symbol means two things, every state has a
# word beside it (readable without colour), and ratings and directions use different shapes.
RAG_SYMBOLS = {"green": "●", "amber": "◐", "red": "✖", "blue": "◆", "grey": "·", "none": ""}
RAG_WORDS = {
    "green": "better (green)",
    "amber": "similar (amber)",
    "red": "worse (red)",
    "blue": "higher or lower, no judgement (blue)",
    "grey": "not compared (grey)",
}
DOT_WORDS_SHOWN = {
    "▲": "improved (or increased)",
    "▼": "worse (or decreased)",
    "◄►": "similar",
    "≠": "not comparable or definition changed",
    "–": "no previous data",
}


def as_at_label(results) -> str:
    """ "as at 2025-26-YTD-Q3 (Apr-Dec 2025)": the reporting period the results are as at
    (set by the engine in ``results.attrs``), or "" when unknown."""
    return str((getattr(results, "attrs", {}).get("as_at") or {}).get("label") or "")


def quarter_words(period: str) -> str:
    """ "quarter 3 2025/26" for a financial quarter or year to date ending at a quarter's end;
    else the period's label ("Apr-Nov 2025", "2024/25")."""
    p = parse_period(period)
    if p.kind in ("fq", "fytd") and p.end.month in (6, 9, 12, 3):
        return f"quarter {((p.end.month - 4) % 12) // 3 + 1} {p.year}/{(p.year + 1) % 100:02d}"
    return p.label


def fill_title(title: str, results) -> str:
    """A title from dataset.yaml or --title with the reporting period filled in, so that it
    follows the run, never the wording of one quarter: ``{quarter}`` ("quarter 3 2025/26"),
    ``{period_label}`` ("Apr-Dec 2025"), ``{period}`` ("2025-26-YTD-Q3")."""
    as_at = getattr(results, "attrs", {}).get("as_at") or {}
    if not as_at.get("period") or "{" not in title:
        return title
    words = {
        "quarter": quarter_words(str(as_at["period"])),
        "period_label": parse_period(str(as_at["period"])).label,
        "period": str(as_at["period"]),
    }
    return re.sub(r"\{(quarter|period_label|period)\}", lambda m: words[m.group(1)], title)


def disclosure_note(results) -> str:
    """The disclosure rule the results were protected by (``--publish``, set by the engine in
    ``results.attrs``; docs/disclosure.md), or "" for an unprotected run."""
    return str(getattr(results, "attrs", {}).get("disclosure") or "")


def legend(rows: list[dict]) -> str:
    """The symbols the rows use, each with its meaning: one line for ratings, one for
    directions of travel."""
    rags = [k for k in RAG_WORDS if any((r.get("rag") or "") == k for r in rows)]
    dots = [sym for sym in DOT_WORDS_SHOWN if any(DOT_SYMBOLS.get(r.get("dot") or "") == sym for r in rows)]
    lines = []
    if rags:
        lines.append("Rating: " + ", ".join(f"{RAG_SYMBOLS[k]} {RAG_WORDS[k]}" for k in rags))
    if dots:
        lines.append("Direction of travel: " + ", ".join(f"{s} {DOT_WORDS_SHOWN[s]}" for s in dots))
    return "\n".join(lines)


def current_cell(row: dict) -> str:
    value = fmt_value(row["value"], int(row["decimals"]), row["unit"], row["scale"], row.get("status") or "")
    if (
        not is_missing(row.get("numerator"))
        and not is_missing(row.get("denominator"))
        and row.get("statistic") == "proportion"
        and not is_missing(row["value"])
    ):
        value += f" ({fmt_count(row['numerator'])} out of {fmt_count(row['denominator'])})"
    elif row.get("statistic") == "rate" and not is_missing(row.get("numerator")) and not is_missing(row["value"]):
        value += f" ({fmt_count(row['numerator'])})"
    return value


def forecast_cell(row: dict) -> str:
    """``forecast for 2022/23 (made at Q1): 61.2%`` when the data hold one (a forecast of the
    count behind a rate as a count: ``... (made at Q1): 32``); "" where the forecast is the
    row's value already (``rate: forecast``)."""
    if is_missing(row.get("forecast_value")) or not row.get("forecast_label") or row.get("value_basis") == "forecast":
        return ""
    if row.get("forecast_of") == "numerator":
        return f"{row['forecast_label']}: {fmt_count(row['forecast_value'])}"
    return f"{row['forecast_label']}: " + fmt_value(
        row["forecast_value"], int(row["decimals"]), row["unit"], row["scale"]
    )


METHOD_SHORT = {
    "ci_overlap95": "95% CI",
    "ci_overlap998": "99.8% CI",
    "ci_overlap_both": "95/99.8% CI",
    "spc95": "95% SPC",
    "spc998": "99.8% SPC",
}


def interval_cell(row: dict) -> str:
    """``95% CI 68.0-71.4`` (the 99.8% interval when the deciding method uses it)."""
    level = "998" if row.get("method") in ("ci_overlap998", "spc998") else "95"
    lower, upper = row.get(f"lower{level}"), row.get(f"upper{level}")
    if is_missing(lower) or is_missing(upper):
        return ""

    divisor = SCALES.get(row.get("scale") or "none", 1)
    suffix = SCALE_SUFFIX.get(row.get("scale") or "none", "")
    d = int(row["decimals"])
    label = "99.8%" if level == "998" else "95%"
    return f"{label} CI {fmt_number(lower / divisor, d)}-{fmt_number(upper / divisor, d)}{suffix}"


def previous_cell(row: dict) -> str:
    if is_missing(row.get("previous_period")) or not row.get("previous_period"):
        return ""
    value = fmt_value(
        row["previous_value"], int(row["decimals"]), row["unit"], row["scale"], row.get("previous_status") or ""
    )
    return f"{value} ({row['previous_label']})"


def own_decimals(value: float, at_least: int, most: int = 3) -> int:
    """The decimals a published figure is written with (56.3 -> 1), never fewer than
    ``at_least``: a comparator prints at its own precision, not the metric's."""
    if is_missing(value):
        return at_least
    text = f"{round(float(value), most):.{most}f}".rstrip("0")
    return max(at_least, len(text.split(".")[1]) if "." in text else 0)


# comparators computed by ascbench (from counts, members or a target's profile) print at the
# metric's decimals; published ones at their own
COMPUTED_BASES = ("computed from counts", "pooled", "mean", "milestone")


def gap_text(row: dict) -> str:
    """How far a target, milestone, baseline or band is from the value: in the metric's own
    units (percentage points for a percentage) and, but for a band, relatively:
    ``3.0 points above, 3.5% above``."""
    diff = row.get("diff")
    if is_missing(diff):
        return ""
    d = int(row["decimals"])
    if row.get("unit") == "%":
        absolute = f"{fmt_number(abs(diff), d)} points"
    else:
        absolute = fmt_value(abs(diff), d, row.get("unit") or "", row.get("scale") or "none")
    side = "above" if diff > 0 else "below"
    if diff == 0:
        return "met exactly" if row.get("comparator_type") != "band" else ""
    if row.get("comparator_type") == "band" or is_missing(row.get("diff_pct")):
        return f"{absolute} {side}"
    return f"{absolute} {side}, {fmt_number(abs(row['diff_pct']), 1)}% {side}"


def comparator_cell(row: dict) -> str:
    if row.get("rating") == "for information":
        return "For Information Only"
    if row.get("comparator_type") == "band":
        gap = gap_text(row)
        return f"Target {row['comparator']}" + (f" ({gap})" if gap else "")
    if row.get("comparator_type") in ("quintile", "funnel", "range target"):
        return str(row.get("comparator") or "")
    if is_missing(row.get("comparator_value")):
        return ""
    decimals = int(row["decimals"])
    if not str(row.get("benchmark_basis") or "").startswith(COMPUTED_BASES):
        decimals = own_decimals(row["comparator_value"], decimals)
    value = fmt_value(row["comparator_value"], decimals, row["unit"], row["scale"])
    text = f"{value} {row['comparator']}"
    if row.get("comparator_type") in ("target", "baseline"):
        gap = gap_text(row)
        if gap:
            text += f" ({gap})"
    return text


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


PERFORMANCE_QUARTILE_WORDS = {
    1: "top quartile (best 25%)",
    2: "second quartile (better than the median)",
    3: "third quartile (worse than the median)",
    4: "bottom quartile (worst 25%)",
}
VALUE_QUARTILE_WORDS = {
    1: "lowest 25% of values",
    2: "below the median value",
    3: "above the median value",
    4: "highest 25% of values",
}


def quartile_words(row: dict) -> str:
    """The quartile in words that say which way it runs: by performance where the metric has
    a polarity ("bottom quartile (worst 25%)", as rank 1 is best), else by value ("quartile 4
    of 4 by value (highest 25% of values)"); "" without a quartile."""
    q = row.get("quartile")
    if is_missing(q):
        return ""
    q = int(q)
    if (row.get("quartile_basis") or "value") == "performance":
        return PERFORMANCE_QUARTILE_WORDS.get(q, f"quartile {q} of 4")
    return f"quartile {q} of 4 by value ({VALUE_QUARTILE_WORDS.get(q, '')})"


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st ..."""
    return _ordinal(int(n))


def has_position(row: dict) -> bool:
    return not is_missing(row.get("rank")) and not is_missing(row.get("rank_of")) and row["rank_of"] > 1


def position_cell(row: dict, short: bool = False) -> str:
    """Where the area stands in its comparison group, with the year the ranks come from:
    ``60th of 152 councils (2023/24), second quartile (better than the median), median 14.9;
    5th of 14 nearest neighbours`` (``short``: ``60th of 152 (2023/24)``). 1st is best (by
    polarity); ties share the best rank (LG Inform's convention); the quartile says which way
    it runs (:func:`quartile_words`). Empty when there is no rank."""
    if not has_position(row):
        return ""

    year = parse_period(str(row["rank_period"])).label if row.get("rank_period") else ""
    when = f" ({year})" if year else ""
    group = {"all": "councils"}.get(row.get("group") or "", f"in {row.get('group')}")
    if short:
        return f"{_ordinal(int(row['rank']))} of {int(row['rank_of'])}{when}"
    text = f"{_ordinal(int(row['rank']))} of {int(row['rank_of'])} {group}{when}"
    if quartile_words(row):
        text += ", " + quartile_words(row)
    if not is_missing(row.get("group_median")):
        text += ", median " + fmt_value(row["group_median"], int(row["decimals"]), row["unit"], row["scale"])
    if not is_missing(row.get("neighbour_rank")) and not is_missing(row.get("neighbour_rank_of")):
        text += f"; {_ordinal(int(row['neighbour_rank']))} of {int(row['neighbour_rank_of'])} nearest neighbours"
    return text


def rating_cell(row: dict, symbols: bool = True) -> str:
    symbol = RAG_SYMBOLS.get(row.get("rag") or "", "") if symbols else ""
    rating = "info only" if row["rating"] == "for information" else row["rating"]
    method = METHOD_SHORT.get(row.get("method") or "")
    return f"{symbol} {rating}".strip() + (f" ({method})" if method else "")


def dot_cell(row: dict, symbols: bool = True) -> str:
    dot = row.get("dot") or ""
    symbol = DOT_SYMBOLS.get(dot, "") if symbols else ""
    return f"{symbol} {dot}".strip()


def records(results):
    """The results frame as a list of dicts, NaN as None."""
    frame = results.astype(object).where(results.notna(), None)
    return frame.to_dict("records")
