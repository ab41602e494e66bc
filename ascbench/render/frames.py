"""Frames that are not the results frame - a tally across metrics, a quadrant table - in the
stream formats: CSV and JSON through the registry's writers (every column, full precision,
spreadsheet-safe), a Markdown table of every column (text escaped as the dashboard's
Markdown escapes it), and terminal tables that fit the width (the commands choose the
columns a reader needs: :func:`tally_text`, :func:`quadrant_text`)."""

from __future__ import annotations

from ascbench.render import render
from ascbench.render.fit import fit_table, wrap_lines
from ascbench.render.markup import markdown_table
from ascbench.render.svg import with_unit


def markdown(frame) -> str:
    """Every column as a Markdown table (:func:`ascbench.render.markup.markdown_table`: each
    cell escaped, missing values empty)."""
    return markdown_table(frame)


def stream(frame, fmt: str, text: str | None = None) -> str | bytes:
    """The frame in a stream format: ``table`` prints ``text`` (the command's terminal view),
    ``markdown`` :func:`markdown`, ``csv`` and ``json`` the registry's writers."""
    if fmt == "table":
        return text or ""
    if fmt == "markdown":
        return markdown(frame)
    return render(frame, fmt, binary=True)


def tally_text(table, width: int) -> str:
    """The terminal view of a tally: each area and theme, how many metrics, and the four
    sentences ("5 better, 1 similar, 7 worse")."""
    if len(table) == 1:  # one area, one theme: the compendium's sentences
        r = table.iloc[0]
        lines = [
            f"{r['area_name'] or r['area_code']} ({r['area_code']})"
            + ("" if r["by"] == "none" else f", {r['by']} {r['theme']}")
            + f": {r['metrics']} metrics",
            f"against the comparator: {r['rating_summary']} ({r['rating_other']} not rated)",
            f"RAG: {r['rag_summary']} ({r['rag_other']} other)",
            f"since last year: {r['dot_summary']} ({r['dot_other']} not compared)",
            "performance quartile (1 = best): "
            + ", ".join(f"{r[f'quartile_{q}']} in quartile {q}" for q in "1234")
            + f" ({r['quartile_none']} not ranked)",
        ]
        return "\n".join(wrap_lines(line, width) for line in lines) + "\n"
    several = table["area_code"].nunique() > 1
    themed = (table["by"] != "none").any()
    headers = (
        (["council"] if several else [])
        + (["theme"] if themed else [])
        + ["metrics", "against comparator", "RAG", "since last year", "performance quartile (1 = best)"]
    )
    rows = [
        ([r.area_name or r.area_code] if several else [])
        + ([r.theme] if themed else [])
        + [
            str(r.metrics),
            r.rating_summary,
            r.rag_summary,
            r.dot_summary,
            ", ".join(f"{getattr(r, f'quartile_{q}')} in Q{q}" for q in "1234"),
        ]
        for r in table.itertuples()
    ]
    weights = ([2] if several else []) + ([2] if themed else []) + [1, 3, 3, 3, 3]
    head = ""
    if not several and len(table):
        head = wrap_lines(f"{table['area_name'].iloc[0]} ({table['area_code'].iloc[0]})", width) + "\n"
    return head + fit_table(rows, headers, width, weights=weights)


def quadrant_text(quadrant, width: int) -> str:
    """The terminal view of a quadrant: a sentence on the axes and splits, then each council
    with its two values and its quadrant (▶ the council, · its neighbours)."""
    from ascbench.render.quadrant_chart import summary

    q, t = quadrant, quadrant.table
    rows = [
        [
            "▶" if r.area_code == q.focus else ("·" if r.area_code in q.neighbours else ""),
            r.area_name or r.area_code,
            with_unit(r.x_value, q.x.decimals, q.x.unit),
            with_unit(r.y_value, q.y.decimals, q.y.unit),
            r.quadrant + (" (good value)" if r.good_value else ""),
        ]
        for r in t.itertuples()
    ]
    headers = ["", "council", q.x.label, q.y.label, "quadrant"]
    return wrap_lines(summary(q), width) + "\n\n" + fit_table(rows, headers, width, weights=[0, 3, 1, 1, 4])
