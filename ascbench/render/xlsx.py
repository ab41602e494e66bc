"""The dashboard as an Excel workbook (XlsxWriter): the same table with RAG fills, numbers
stored as numbers with number formats (a percentage as 69.73 shown "69.7%", a count in
thousands as 119244 shown "119.2k"), and a second sheet with every column of the results
frame. Each sheet has title rows (the title, the area, the as-at date), a frozen header,
column widths and a print set-up (A4 landscape, one page wide, the header repeated on every
page); an empty cell is a true blank, never an empty string. The file is reproducible: its
document dates are fixed."""

from __future__ import annotations

import datetime
import io
import numbers

import numpy as np

from ascbench.periods import parse_period
from ascbench.render.display import AIM_WORDS, as_at_label, disclosure_note, records
from ascbench.render.numbers import is_missing

RAG_FILL = {
    "green": "#00703C",
    "amber": "#FFDD00",
    "red": "#D4351C",
    "blue": "#1D70B8",
    "grey": "#B1B4B6",
    "none": "#F3F2F1",
}
RAG_FONT = {"green": "#FFFFFF", "red": "#FFFFFF", "blue": "#FFFFFF"}
FIXED_DATE = datetime.datetime(2000, 1, 1)
TITLE_ROWS = 3  # title, area, as at; the table's header is the row after


def _title_rows(book, sheet, title: str, rows: list[dict], results) -> None:
    big = book.add_format({"bold": True, "font_size": 14})
    sheet.write_string(0, 0, title, big)
    if rows:
        sheet.write_string(1, 0, f"{rows[0].get('area_name') or ''} ({rows[0]['area_code']})".strip())
    label = as_at_label(results)
    if label:
        sheet.write_string(2, 0, label)


def _print_setup(sheet, header_row: int) -> None:
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)  # one page wide, as many tall as it takes
    sheet.repeat_rows(header_row)
    sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    sheet.set_footer("&LPage &P of &N")


def number_format(decimals: int, unit: str, scale: str) -> str:
    """An Excel number format showing the value as the dashboard prints it."""
    body = "#,##0" + ("." + "0" * int(decimals) if int(decimals) > 0 else "")
    if scale == "thousands":
        return body + ',"k"'
    if scale == "millions":
        return body + ',,"m"'
    if unit == "%":
        return body + '"%"'
    return body


COUNT_COLUMNS = {
    "numerator",
    "denominator",
    "rank",
    "rank_of",
    "quartile",
    "neighbour_rank",
    "neighbour_rank_of",
    "quantile",
    "quantile_of",
    "funnel_of",
    "decimals",
    "layer_order",
    "order",
}
VALUE_COLUMNS = {  # in the metric's display units: the metric's own number format
    "value",
    "lower95",
    "upper95",
    "lower998",
    "upper998",
    "published_value",
    "comparator_value",
    "diff",
    "previous_value",
    "change",
    "group_median",
    "forecast_value",
    "annual_target",
}
PERCENT_COLUMNS = {"diff_pct", "change_pct"}


def _headline_sheet(book, sheet, headline, layers: dict, rows: list[dict], results, title: str, header) -> None:
    """The first sheet: the headline's counts (with a native bar chart), the metrics red and
    getting worse, the other red ones, and the counts by layer."""
    from ascbench.render.display import comparator_cell, current_cell
    from ascbench.render.headline import direction_sentence, lists, metric_name, rating_sentence

    _title_rows(book, sheet, title, rows, results)
    bold = book.add_format({"bold": True, "font_size": 12})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    sheet.set_column(0, 0, 44)
    sheet.set_column(1, 8, 12)
    c = headline.counts
    row = TITLE_ROWS + 1
    sheet.write_string(row, 0, f"{headline.metrics} metrics. " + rating_sentence(c), wrap)
    sheet.write_string(row + 1, 0, direction_sentence(c), wrap)
    row += 3
    sheet.write_string(row, 0, "Count", header)
    tallies = [
        ("Red (worse than the comparator)", int(c["rag_red"]), "#D4351C"),
        ("Amber (similar)", int(c["rag_amber"]), "#FFDD00"),
        ("Green (better)", int(c["rag_green"]), "#00703C"),
        ("Worse since last year", int(c["dot_worse"]), "#0B0C0C"),
        ("Similar to last year", int(c["dot_similar"]), "#B1B4B6"),
        ("Improved since last year", int(c["dot_improved"]), "#1D70B8"),
    ]
    sheet.write_string(row, 1, "Metrics", header)
    first = row + 1
    for i, (words, n, _colour) in enumerate(tallies):
        sheet.write_string(first + i, 0, words)
        sheet.write_number(first + i, 1, n)
    chart = book.add_chart({"type": "bar"})
    chart.add_series(
        {
            "name": "Metrics",
            "categories": [sheet.name, first, 0, first + len(tallies) - 1, 0],
            "values": [sheet.name, first, 1, first + len(tallies) - 1, 1],
            "points": [{"fill": {"color": colour}, "border": {"color": "#0B0C0C"}} for _, _, colour in tallies],
            "data_labels": {"value": True},
        }
    )
    chart.set_title({"name": "The headline: ratings and direction of travel"})
    chart.set_x_axis({"name": "Number of metrics", "major_gridlines": {"visible": True}})
    chart.set_y_axis({"reverse": True})
    chart.set_legend({"none": True})
    chart.set_size({"width": 620, "height": 300})
    sheet.insert_chart(TITLE_ROWS + 1, 3, chart)
    row = max(first + len(tallies) + 1, TITLE_ROWS + 17)
    for heading, items in lists(headline):
        sheet.write_string(row, 0, f"{heading} ({len(items)})", bold)
        row += 1
        if not items:
            sheet.write_string(row, 0, "none")
            row += 1
        for r in items:
            sheet.write_string(row, 0, metric_name(r), wrap)
            sheet.write_string(row, 1, current_cell(r).split(" (")[0])
            sheet.write_string(row, 2, comparator_cell(r))
            row += 1
        row += 1
    sheet.write_string(row, 0, "By layer", bold)
    row += 1
    names = ["Layer", "Metrics", "Red", "Amber", "Green", "Improved", "Similar", "Worse"]
    keys = ["metrics", "rag_red", "rag_amber", "rag_green", "dot_improved", "dot_similar", "dot_worse"]
    for col, name in enumerate(names):
        sheet.write_string(row, col, name, header)
    for r in headline.layers.to_dict("records"):
        row += 1
        sheet.write_string(row, 0, str(layers.get(r["theme"], r["theme"])))
        for col, key in enumerate(keys, start=1):
            sheet.write_number(row, col, int(r[key]))


def _trend_sheets(book, history, national: str | None, rows: list[dict], header) -> None:
    """``Trends``: each metric's whole-year values for the council and England, and
    ``Trend charts``: a native line chart of each (metrics with two or more years)."""
    focus = rows[0]["area_code"] if rows else ""
    data = book.add_worksheet("Trends")
    charts = book.add_worksheet("Trend charts")
    data.set_column(0, 0, 44)
    row, placed = 0, 0
    for r in rows:
        h = history[history["metric_id"] == r["metric_id"]]
        mine = h[h["area_code"] == focus]
        if r["area_code"] != focus or mine["value"].notna().sum() < 2:
            continue
        years = list(h.sort_values("end").drop_duplicates("short")["short"])
        series = [(r.get("area_name") or focus, mine.drop_duplicates("short", keep="last").set_index("short")["value"])]
        if national:
            eng = h[h["area_code"] == national].drop_duplicates("short", keep="last").set_index("short")["value"]
            if len(eng):
                series.append(("England", eng))
        name = f"{r['code'] or ''} {r['title']}".strip()
        data.write_string(row, 0, name, header)
        for j, year in enumerate(years, start=1):
            data.write_string(row, j, year, header)
        number = book.add_format(
            {"num_format": number_format(int(r["decimals"]), r["unit"] or "", r["scale"] or "none")}
        )
        for k, (label, values) in enumerate(series, start=1):
            data.write_string(row + k, 0, str(label))
            for j, year in enumerate(years, start=1):
                v = values.get(year)
                if not is_missing(v):
                    data.write_number(row + k, j, float(v), number)
        chart = book.add_chart({"type": "line"})
        for k, (label, _values) in enumerate(series, start=1):
            england = label == "England" and k > 1
            chart.add_series(
                {
                    "name": [data.name, row + k, 0],
                    "categories": [data.name, row, 1, row, len(years)],
                    "values": [data.name, row + k, 1, row + k, len(years)],
                    "line": {
                        "color": "#1D70B8" if england else "#0B0C0C",
                        "width": 2,
                        "dash_type": "dash" if england else "solid",
                    },
                    "marker": {"type": "square" if england else "circle", "size": 5},
                }
            )
        chart.set_title({"name": name[:80], "name_font": {"size": 10}})
        chart.set_y_axis(
            {
                "name": r["unit"] or "value",
                "num_format": number_format(int(r["decimals"]), r["unit"] or "", r["scale"] or "none"),
            }
        )
        chart.set_x_axis({"name": "Year"})
        chart.set_legend({"position": "bottom"})
        chart.show_blanks_as("gap")
        chart.set_size({"width": 480, "height": 260})
        charts.insert_chart(1 + (placed // 2) * 14, (placed % 2) * 8, chart)
        placed += 1
        row += len(series) + 2
    if placed == 0:
        charts.write_string(0, 0, "No metric has two or more years of values.")


def render_bytes(
    results,
    layers: dict | None = None,
    title: str = "Performance dashboard",
    headline=None,
    history=None,
    national: str | None = None,
    **_,
) -> bytes:
    """The workbook: ``Headline`` first (when ``headline`` is given: the counts with a bar
    chart, the metrics red and getting worse, the other red ones, counts by layer), then
    ``Dashboard`` (the committee's table), ``Results`` (every column, number formats, an
    autofilter) and, with ``history`` (:meth:`Report.history`), ``Trends`` and ``Trend
    charts`` (the council and England by year, one native line chart per metric)."""
    import xlsxwriter

    layers = layers or {}
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "nan_inf_to_errors": True}
    )
    book.set_properties({"title": title, "created": FIXED_DATE, "author": "ascbench"})
    header = book.add_format({"bold": True, "bg_color": "#F3F2F1", "border": 1, "text_wrap": True, "valign": "top"})
    text = book.add_format({"text_wrap": True, "valign": "top", "border": 1})
    formats: dict = {}

    def fmt(code: str, rag: str | None = None):
        key = (code, rag)
        if key not in formats:
            spec = {"num_format": code, "valign": "top", "border": 1}
            if rag:
                spec.update({"bg_color": RAG_FILL[rag], "font_color": RAG_FONT.get(rag, "#0B0C0C"), "bold": True})
            formats[key] = book.add_format(spec)
        return formats[key]

    rows = records(results)
    if headline is not None and headline.counts:
        _headline_sheet(book, book.add_worksheet("Headline"), headline, layers, rows, results, title, header)
    sheet = book.add_worksheet("Dashboard")
    _title_rows(book, sheet, title, rows, results)
    top = TITLE_ROWS
    columns = [
        ("Layer", 12),
        ("Outcome", 18),
        ("Code", 12),
        ("Description", 44),
        ("Aim", 6),
        ("Value", 11),
        ("Numerator", 11),
        ("Denominator", 12),
        ("Period", 16),
        ("Comparator value", 12),
        ("Comparator", 26),
        ("Rating", 12),
        ("RAG", 8),
        ("Direction of travel", 14),
        ("Previous value", 11),
        ("Previous period", 16),
        ("Rank", 7),
        ("Of", 6),
        ("Quartile (1 = best)", 9),
        ("Rank year", 10),
        ("Group median", 12),
        ("Neighbour rank", 10),
        ("Of neighbours", 10),
    ]
    for c, (name, width) in enumerate(columns):
        sheet.write_string(top, c, name, header)
        sheet.set_column(c, c, width)
    sheet.freeze_panes(top + 1, 0)
    _print_setup(sheet, top)
    for i, r in enumerate(rows, start=top + 1):
        number = number_format(int(r["decimals"]), r["unit"] or "", r["scale"] or "none")
        rag = r.get("rag") or "none"
        cells = [
            layers.get(r["layer"], r["layer"] or ""),
            r.get("outcome") or "",
            r["code"] or "",
            r["title"],
            AIM_WORDS.get(r["polarity"], ""),
        ]

        def txt(col, value, cell_format=text):
            if value is None or str(value) == "":
                sheet.write_blank(i, col, None, cell_format)  # a true blank, not ""  # noqa: B023 (called within the same iteration)
            else:
                sheet.write_string(i, col, str(value), cell_format)  # noqa: B023 (called within the same iteration)

        for c, value in enumerate(cells):
            txt(c, value)

        def num(col, value, code=number, rag_=None):
            if is_missing(value):
                sheet.write_blank(i, col, None, fmt(code, rag_))  # noqa: B023 (called within the same iteration)
            else:
                sheet.write_number(i, col, float(value), fmt(code, rag_))  # noqa: B023 (called within the same iteration)

        num(5, r["value"])
        if is_missing(r["value"]) and r.get("status"):
            sheet.write_string(i, 5, r["status"], text)
        num(6, r.get("numerator"), "#,##0")
        num(7, r.get("denominator"), "#,##0")
        txt(8, r.get("period_label"))
        num(9, r.get("comparator_value"))
        txt(10, r.get("comparator"))
        sheet.write_string(i, 11, r["rating"], fmt("@", rag))
        sheet.write_string(i, 12, rag, fmt("@", rag))
        txt(13, r.get("dot"))
        num(14, r.get("previous_value"))
        txt(15, r.get("previous_label"))
        num(16, r.get("rank"), "0")
        num(17, r.get("rank_of"), "0")
        num(18, r.get("quartile") if r.get("quartile_basis") == "performance" else None, "0")
        if r.get("rank_period") and not is_missing(r.get("rank")):
            sheet.write_string(i, 19, parse_period(str(r["rank_period"])).label, text)
        else:
            sheet.write_blank(i, 19, None, text)
        num(20, r.get("group_median") if not is_missing(r.get("rank")) else None)
        num(21, r.get("neighbour_rank"), "0")
        num(22, r.get("neighbour_rank_of"), "0")
    sheet.autofilter(top, 0, top + max(len(results), 1), len(columns) - 1)
    if disclosure_note(results):  # under the table: the rule the figures were protected by
        sheet.write_string(top + len(rows) + 2, 0, disclosure_note(results))

    data = book.add_worksheet("Results")
    _title_rows(book, data, f"{title}: every column of the results", rows, results)
    data.freeze_panes(top + 1, 0)
    _print_setup(data, top)
    for c, name in enumerate(results.columns):
        data.write_string(top, c, str(name), header)
        sample = [len(str(v)) for v in results.iloc[:, c].head(200) if not is_missing(v)]
        data.set_column(c, c, min(max([len(str(name)) + 2, *(n + 1 for n in sample)]), 40))
    names = [str(c) for c in results.columns]
    plain: dict = {}
    for i, (row, shown) in enumerate(zip(results.itertuples(index=False), rows, strict=True), start=top + 1):
        own = number_format(int(shown["decimals"]), shown["unit"] or "", shown["scale"] or "none")
        for c, value in enumerate(row):
            if is_missing(value) or (isinstance(value, str) and value == ""):
                continue  # a true blank
            if isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)):
                name = names[c]
                code = (
                    own
                    if name in VALUE_COLUMNS
                    else "#,##0"
                    if name in COUNT_COLUMNS
                    else "0.0"
                    if name in PERCENT_COLUMNS
                    else None
                )
                if code is None:
                    data.write_number(i, c, float(value))
                else:
                    if code not in plain:
                        plain[code] = book.add_format({"num_format": code})
                    data.write_number(i, c, float(value), plain[code])
            else:
                data.write_string(i, c, str(value))
    data.autofilter(top, 0, top + max(len(results), 1), max(len(names) - 1, 0))
    if history is not None and len(history):
        _trend_sheets(book, history, national, rows, header)
    book.close()
    return buffer.getvalue()


def render(results, **options) -> bytes:
    return render_bytes(results, **options)
