"""The headline in words, for every format: how many metrics are better, similar or worse
(red, amber, green), how many improved, stayed similar or got worse since last year, which
are red and getting worse, which are red, and the same counts by layer
(:class:`ascbench.engine.headline.Headline`, one answer for all formats).

Each function returns plain text; the renderers escape it for their markup.
"""

from __future__ import annotations

from ascbench.render.display import RAG_SYMBOLS


def _count(n: int, word: str) -> str:
    return f"{n} {word}"


def rating_sentence(counts: dict) -> str:
    """``Against the comparator: 17 better (green), 2 similar (amber), 8 worse (red); 15 not
    rated.`` (ratings and RAG named apart where they differ, as a target's can)."""
    if not counts:
        return "No metrics."
    r = [int(counts[f"rating_{w}"]) for w in ("better", "similar", "worse")]
    g = [int(counts[f"rag_{w}"]) for w in ("green", "amber", "red")]
    if r == g:
        body = ", ".join(
            f"{n} {word} ({colour})"
            for n, word, colour in zip(r, ("better", "similar", "worse"), ("green", "amber", "red"), strict=True)
        )
        other = int(counts["rating_other"])
    else:
        body = (
            ", ".join(_count(n, w) for n, w in zip(r, ("better", "similar", "worse"), strict=True))
            + "; "
            + ", ".join(_count(n, w) for n, w in zip(g, ("green", "amber", "red"), strict=True))
        )
        other = int(counts["rating_other"])
    return f"Against the comparator: {body}" + (f"; {other} not rated." if other else ".")


def direction_sentence(counts: dict) -> str:
    """``Since last year: 10 improved, 9 similar, 5 worse; 18 not compared.``"""
    if not counts:
        return ""
    body = ", ".join(_count(int(counts[f"dot_{w}"]), w) for w in ("improved", "similar", "worse"))
    other = int(counts["dot_other"])
    return f"Since last year: {body}" + (f"; {other} not compared." if other else ".")


def layer_sentence(row: dict, layers: dict | None = None) -> str:
    """``Prevent need (12 metrics): 3 red, 1 amber, 6 green; 5 improved, 3 similar, 1 worse.``"""
    name = (layers or {}).get(row["theme"], row["theme"])
    rag = ", ".join(_count(int(row[f"rag_{w}"]), w) for w in ("red", "amber", "green"))
    dot = ", ".join(_count(int(row[f"dot_{w}"]), w) for w in ("improved", "similar", "worse"))
    n = int(row["metrics"])
    return f"{name} ({n} metric{'s' if n != 1 else ''}): {rag}; {dot}."


def metric_name(row) -> str:
    """``ASCOF 2A % of people who ...``: the code (unless it only says where it is from, as
    'Local' does when every local metric has it) and the title."""
    code = str(row.get("code") or "")
    title = str(row.get("title") or "")
    return f"{code} {title}".strip()


def lists(h) -> list[tuple[str, list[dict]]]:
    """The headline's two lists: (heading, rows) for red and getting worse, then red."""
    out = []
    for heading, frame in (("Red and getting worse", h.red_worsening), ("Red", h.red)):
        rows = frame.astype(object).where(frame.notna(), None).to_dict("records") if len(frame) else []
        out.append((heading, rows))
    return out


def headline_lines(h, layers: dict | None = None) -> list[str]:
    """The headline as text lines (the terminal's and Markdown's): the counts, the red and
    worsening metrics, the red ones, and the counts by layer."""
    if not h.counts:
        return ["No metrics."]
    n = h.metrics
    lines = [
        f"{n} metric{'s' if n != 1 else ''}. " + rating_sentence(h.counts),
        direction_sentence(h.counts),
    ]
    for heading, rows in lists(h):
        if rows:
            names = "; ".join(metric_name(r) for r in rows)
            lines.append(f"{RAG_SYMBOLS['red']} {heading} ({len(rows)}): {names}.")
        elif heading == "Red and getting worse":
            lines.append(f"{heading}: none.")
    for row in h.layers.to_dict("records"):
        lines.append(layer_sentence(row, layers))
    return lines
