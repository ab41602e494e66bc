"""Committee sentences from the results, by template.

A metric's ``narrative`` template in the catalogue, or the default for its statistic, is
filled with figures formatted as a report prints them. Placeholders: ``{area}``,
``{title}``, ``{code}``, ``{value}``, ``{numerator}``, ``{denominator}``, ``{counts}``
(" (2,067 out of 2,805)" or ""), ``{period}``, ``{in_period}`` ("in 2024/25", "at 31 Dec 2025"), ``{comparison}`` ("slightly below"),
``{comparator_phrase}`` ("the national average"), ``{comparator_value}``, ``{previous_value}``,
``{previous_period}``, ``{movement}`` ("fell to", "rose to", "was little changed at").

Comparison words follow the rating tolerance, applied to the figures as the sentence prints
them (rounded to the metric's decimals): within it "close to"; within twice it "slightly
above/below"; within five times "above/below"; beyond "well above/below". The words never
contradict the rating: a measure rated better or worse (green or red) is at least "above" or
"below", never "close to" or "slightly"; one rated similar is never "well" above or below. A
metric without a comparator gets a sentence without a comparison.

Grammar: the subject is the metric's title, cleaned of trailing punctuation and footnote
marks, with its first letter lowered unless it begins a proper name (the next word is
capitalised, or the word is an acronym); a count is "numbered" unless its title already says
"number of"; a unit the title already names ("per 100,000 population") is not said again.
"""

from __future__ import annotations

import re

from ascbench.catalogue.model import SCALES
from ascbench.io.cells import due_words, is_due
from ascbench.periods import parse_period
from ascbench.render.display import is_missing
from ascbench.render.numbers import fmt_count, fmt_value, round_half_away

DEFAULT_TEMPLATES = {
    "proportion": "In {area}, {title_lc} was {value}{counts} {in_period}, {comparison} {comparator_phrase} of {comparator_value}.",
    "rate": "In {area}, {title_lc} was {value}{counts} {in_period}, {comparison} {comparator_phrase} of {comparator_value}.",
    "count": "In {area}, {title_lc} numbered {value} {in_period}, {comparison} {comparator_phrase} of {comparator_value}.",
    "score": "In {area}, {title_lc} was {value} {in_period}, {comparison} {comparator_phrase} of {comparator_value}.",
    "published": "In {area}, {title_lc} was {value} {in_period}, {comparison} {comparator_phrase} of {comparator_value}.",
}
NO_COMPARATOR = "In {area}, {title_lc} was {value}{counts} {in_period}."
NO_COMPARATOR_COUNT = "In {area}, {title_lc} numbered {value} {in_period}."
UPDATE = "{opening}, this {movement} {value_update}{counts_update}."


def comparison_words(diff, reference, within, relative, rating: str | None = None) -> str:
    """ "close to", "slightly above", "above", "well above" (or below) by the size of the gap
    against the rating tolerance, held to the rating (module docstring)."""
    if is_missing(diff) or is_missing(reference):
        return ""
    tol = abs(reference) * within / 100 if relative else within
    a = abs(diff)
    side = "above" if diff > 0 else "below"
    if a <= tol + 1e-9:
        words = "close to"
    elif tol > 0 and a <= 2 * tol:
        words = f"slightly {side}"
    elif tol > 0 and a <= 5 * tol:
        words = side
    else:
        words = f"well {side}"
    if (
        rating in ("better", "worse", "best", "worst")
        and a > 0
        and (words == "close to" or words.startswith("slightly"))
    ):
        return side  # a red or green rating is a real difference
    if rating == "similar" and words.startswith("well"):
        return f"slightly {side}"
    return words


FOOTNOTE_MARKS = re.compile(r"(\s*(\[\w+\]|[*†‡§¹²³⁴⁵⁶⁷⁸⁹⁰]+))+$")


def clean_title(title: str) -> str:
    """A title as the subject of a sentence: no trailing full stop, colon or footnote mark."""
    text = FOOTNOTE_MARKS.sub("", str(title).strip())
    return text.rstrip(" .:;,")


def spell_out(text: str, glossary: dict | None) -> str:
    """The catalogue's abbreviations (``glossary``) spelled out, whole words only: "% of SUs"
    -> "% of service users"."""
    for short, words in (glossary or {}).items():
        stop = "" if short.endswith(".") else r"\.?"  # "pop" also spells out "pop."
        text = re.sub(rf"(?<![\w.]){re.escape(short)}{stop}(?![\w])", words, text)
    return text


def subject(title: str, glossary: dict | None = None) -> str:
    """The title as a sentence's subject: "the percentage of ...", abbreviations of the
    catalogue's glossary spelled out, its first letter lowered unless the title begins with a
    proper name or an acronym ("Leicestershire Adult Learning Service ...", "ASCOF ...")."""
    title = re.sub(r"(?<![\d\w])% of\b", "percentage of", spell_out(clean_title(title), glossary))
    if title.startswith("percentage of"):
        return "the " + title
    words = title.split()
    if not words:
        return title
    first = words[0]
    proper = (len(words) > 1 and words[1][:1].isupper()) or (len(first) > 1 and first[1:2].isupper())
    text = title if proper else title[:1].lower() + title[1:]
    return "the " + text if re.match(r"number of\b", text) else text


def _unit_in_title(title: str, unit: str) -> bool:
    """The title already names the rate's unit ("per 100,000 population", "per 1,000")."""
    if not unit or not unit.startswith("per"):
        return False
    return bool(re.search(r"\bper\s+[\d,]+|\bper\s+100k\b", title, re.I))


def comparator_phrase(row, roles: dict) -> str:
    ctype = row.get("comparator_type")
    if ctype == "area":
        names = {v: k for k, v in roles.items()}
        role = names.get(row.get("comparator_area"))
        if role == "national":
            return "the national average"
        if role == "peer":
            return "the peer group average"
        return f"the {row.get('comparator_area_name')} figure"
    if ctype == "target":
        return (
            "the milestone"
            if not is_missing(row.get("annual_target")) or "milestone" in str(row.get("comparator", "")).lower()
            else "the target"
        )
    if ctype == "baseline":
        return "the earlier figure"
    return "the target"


def _in_period(row) -> str:
    """'in 2024/25', 'in the 12 months to Sep 2025', 'at 31 Dec 2025', 'in Apr-Dec 2025'."""
    label = row.get("period_label") or row.get("period") or ""
    try:
        kind = parse_period(row["period"]).kind
    except Exception:  # noqa: BLE001 - a row without a period
        return f"in {label}"
    return {"rolling": f"in the {label}", "snapshot": f"at {label}"}.get(kind, f"in {label}")


def _printed(x, decimals: int, scale: str) -> float:
    """A value as printed (rounded half away from zero at the shown scale), back in units."""
    if is_missing(x):
        return float("nan")
    divisor = SCALES.get(scale or "none", 1)
    return round_half_away(float(x) / divisor, decimals) * divisor


SCALE_WORDS = {"thousands": ("k", " thousand"), "millions": ("m", " million")}


def _in_words(text: str, scale: str) -> str:
    """A figure printed with a scale suffix, as prose writes it: "167.6k" -> "167.6 thousand"."""
    suffix, words = SCALE_WORDS.get(scale or "none", ("", ""))
    return re.sub(rf"(\d){suffix}\b", rf"\1{words}", text) if suffix else text


def _fields(row, roles, glossary=None):
    d, unit, scale = int(row["decimals"]), row["unit"], row["scale"]
    counts = ""
    if (
        not is_missing(row.get("numerator"))
        and not is_missing(row.get("denominator"))
        and row.get("statistic") == "proportion"
    ):
        counts = f" ({fmt_count(row['numerator'])} out of {fmt_count(row['denominator'])})"
    title = spell_out(clean_title(row["title"]), glossary)
    title_lc = subject(title)
    shown_unit = "" if _unit_in_title(title, unit or "") else unit
    return {
        "area": row.get("area_name") or row["area_code"],
        "title": title,
        "title_lc": title_lc,
        "code": row.get("code") or "",
        "value": _in_words(fmt_value(row["value"], d, shown_unit, scale, row.get("status") or ""), scale),
        "numerator": fmt_count(row.get("numerator")),
        "denominator": fmt_count(row.get("denominator")),
        "counts": counts,
        "period": row.get("period_label") or row.get("period") or "",
        "in_period": _in_period(row),
        "comparison": comparison_words(
            _printed(row.get("value"), d, scale) - _printed(row.get("comparator_value"), d, scale),
            _printed(row.get("comparator_value"), d, scale),
            row.get("rating_within") or 0.0,
            bool(row.get("rating_relative")),
            row.get("rating"),
        ),
        "comparator_phrase": comparator_phrase(row, roles),
        "comparator_value": _in_words(fmt_value(row.get("comparator_value"), d, shown_unit, scale), scale),
        "previous_value": _in_words(fmt_value(row.get("previous_value"), d, shown_unit, scale), scale),
        "previous_period": row.get("previous_label") or "",
    }


def sentence(row, template: str | None, roles: dict, glossary: dict | None = None) -> str:
    if is_missing(row.get("value")):
        status = row.get("status") or ""
        why = f" ({due_words(status)})" if is_due(status) else ""
        return (
            f"In {row.get('area_name') or row['area_code']}, no value is available for "
            f"{subject(row['title'], glossary)}{why}."
        )
    fields = _fields(row, roles, glossary)
    if is_missing(row.get("comparator_value")):
        plain = NO_COMPARATOR_COUNT if row.get("statistic") == "count" else NO_COMPARATOR
        template = plain if not template or "{comparator" in template else template
    elif row.get("comparator_type") == "baseline" and isinstance(row.get("comparator_period"), str):
        # "well below the figure of 672 at 31 Mar 2025", not "the position of 672"
        p = parse_period(row["comparator_period"])
        fields["comparator_phrase"] = (
            f"the figure of {fields['comparator_value']} {'at' if p.is_snapshot else 'for'} {p.label}"
        )
        template = (template or DEFAULT_TEMPLATES.get(row.get("statistic"), DEFAULT_TEMPLATES["published"])).replace(
            "{comparator_phrase} of {comparator_value}", "{comparator_phrase}"
        )
    if not template:
        template = DEFAULT_TEMPLATES.get(row.get("statistic"), DEFAULT_TEMPLATES["published"])
    if template in (*DEFAULT_TEMPLATES.values(), NO_COMPARATOR_COUNT) or "{comparator_phrase}." in template:
        if re.match(r"(the\s+)?number\b", fields["title_lc"], re.I):  # not "number of ... numbered"
            template = template.replace(" numbered ", " was ")
    text = " ".join(template.format_map(_Default(fields)).split())
    opening = f"In {fields['area']}, "
    if text.startswith(opening) and fields["title_lc"].startswith(str(fields["area"])):
        text = text[
            len(opening) :
        ]  # "Leicestershire Adult Learning Service ... was", not "In Leicestershire, Leicestershire ..."
    return text


def update_sentence(bench, now, roles: dict, glossary: dict | None = None, within=None, relative=False) -> str:
    """The in-year update that follows a benchmark sentence ("For the 12 months to Sep 2025,
    this fell to 69.7% (1,917 out of 2,749)."). "Little changed" is held to the direction of
    travel's tolerance (``within``, relative to the benchmark value when ``relative``), on the
    figures as printed: where the dashboard says "similar" the sentence says little changed,
    and where it says improved or worse the sentence says rose or fell."""
    fields = _fields(now, roles, glossary)
    d, scale = int(now["decimals"]), now["scale"]
    change = _printed(now["value"], d, scale) - _printed(bench["value"], d, scale)
    same_reference = now.get("previous_period") == bench.get("period")
    if within is None:
        similar = same_reference and now.get("dot") == "similar"
    else:
        tol = abs(bench["value"]) * float(within) / 100 if relative else float(within)
        similar = abs(change) <= tol + 1e-9
    if similar and change != 0:
        movement = "was little changed at"
    else:
        movement = "rose to" if change > 0 else ("fell to" if change < 0 else "was unchanged at")

    label = now.get("period_label") or now["period"]
    kind = parse_period(now["period"]).kind
    opening = {"rolling": f"For the {label}", "snapshot": f"At {label}"}.get(kind, f"For {label}")
    return UPDATE.format(
        opening=opening, movement=movement, value_update=fields["value"], counts_update=fields["counts"]
    )


class _Default(dict):
    def __missing__(self, key):
        return "{" + key + "}"
