"""``ascbench rank``'s outputs of a league (:class:`ascbench.engine.league.League`): the
terminal table of one metric (the council marked ▶, rank "12 of 153", the quartile's
direction in its heading, the columns that repeat others dropped on a narrow terminal), the
composite's table with a legend of each theme's metrics, and the frames the stream formats
write (CSV and JSON every column at full precision; Markdown composite positions as a
reader says them, "1st"). ``--publish``'s note goes under a terminal table and in a
``disclosure`` column of the others."""

from __future__ import annotations

from ascbench.render.display import ordinal
from ascbench.render.fit import fit_table, wrap_lines
from ascbench.render.frames import stream
from ascbench.render.numbers import fmt_number, is_missing

NARROW = 110  # below this width the one-metric table drops value rank, code and MADs


def league_output(league, fmt: str, width: int, note: str | None = None) -> str | bytes:
    """The league in ``fmt`` (``table``, ``csv``, ``json``, ``markdown``), ``width``
    characters wide in the terminal, with the disclosure ``note`` where one applies."""
    tail = wrap_lines(note, width) + "\n" if note else ""
    if league.composite is not None:
        if fmt == "table":
            return composite_text(league.composite, width) + tail
        frame = league.composite
        if fmt == "markdown":  # for a reader: positions as ordinals ("1st"); csv and json keep numbers
            frame = frame.assign(position=ordinals(frame["position"]))
    else:
        if fmt == "table":
            return league_text(league, width) + tail
        frame = league.table
    return stream(frame.assign(disclosure=note) if note else frame, fmt)


def league_text(league, width: int) -> str:
    """One metric's league in the terminal: a heading with the period, group, median, p10,
    p90 and councils without a value (and the quantile groups where the metric has them),
    then every council, best first."""
    table, m = league.table, league.metric
    rows = []
    for r in table.sort_values(["rank", "value_rank", "area_code"], na_position="last").itertuples():
        rows.append(
            [
                "▶" if r.area_code == league.focus else "",
                "" if is_missing(r.rank) else f"{int(r.rank)} of {int(r.rank_of)}",
                int(r.value_rank),
                r.area_name,
                r.area_code,
                fmt_number(r.value, m.decimals),
                "" if r.quartile != r.quartile else int(r.quartile),
                r.band or "",
                fmt_number(r.mad_from_median, 2),
                r.mad_wording,
            ]
        )
    first = table.iloc[0]
    head = (
        f"{m.code} {m.title} - {first['period']} - group {first['group']}: "
        f"median {fmt_number(first['group_median'], m.decimals + 1)}, "
        f"p10 {fmt_number(first['p10'], m.decimals + 1)}, p90 {fmt_number(first['p90'], m.decimals + 1)}"
        f"{', ' + str(int(first['missing'])) + ' without a value' if first['missing'] else ''}\n"
    )
    if table["quantile_of"].notna().any():
        head += (
            f"{int(first['quantile_of'])} quantile groups ({first['quantile_method']}); "
            f"type-7 cut points {first['quantile_cuts']}\n"
        )
    by_performance = m.polarity in ("high", "low")
    quartile_head = "quartile (1 = best)" if by_performance else "quartile by value (1 = lowest)"
    headers = ["", "rank", "value rank", "council", "code", "value", quartile_head, "band", "MADs", "vs median"]
    weights = [0, 1, 1, 4, 1, 1, 1, 1, 1, 3]
    if width < NARROW:  # a narrow terminal: the columns that repeat others (value rank, code, MADs) go
        keep = [0, 1, 3, 5, 6, 7, 9]
        headers, weights = [headers[i] for i in keep], [weights[i] for i in keep]
        rows = [[row[i] for i in keep] for row in rows]
    return wrap_lines(head.rstrip("\n"), width) + "\n" + fit_table(rows, headers, width, weights=weights)


def composite_text(table, width: int) -> str:
    """The composite in the terminal: each council's theme, mean rank, "metrics of theme
    metrics" and position (1st ...), then a legend naming each theme's metrics."""
    themes = table.drop_duplicates("theme")
    legend = "".join(
        f"{t}: mean of the ranks of {ind}\n" for t, ind in zip(themes["theme"], themes["indicators"], strict=True)
    )
    shown = table.drop(columns=["indicators", "theme_metrics"]).assign(
        metrics=table["metrics"].astype(str) + " of " + table["theme_metrics"].astype(str),
        position=ordinals(table["position"]),
    )
    rows = [[fmt_number(v, 2) if isinstance(v, float) else v for v in row] for row in shown.values.tolist()]
    return fit_table(rows, list(shown.columns), width) + "\n" + wrap_lines(legend.rstrip("\n"), width) + "\n"


def ordinals(position):
    """Composite positions as a reader says them: 1st, 2nd, 3rd (a council without one: "")."""
    return position.map(lambda p: ordinal(int(p)) if p == p else "").astype(object)
