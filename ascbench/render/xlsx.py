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


def render_bytes(results, layers: dict | None = None, title: str = "Performance dashboard", **_) -> bytes:
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
    for i, row in enumerate(results.itertuples(index=False), start=top + 1):
        for c, value in enumerate(row):
            if is_missing(value) or (isinstance(value, str) and value == ""):
                continue  # a true blank
            if isinstance(value, numbers.Number) and not isinstance(value, (bool, np.bool_)):
                data.write_number(i, c, float(value))
            else:
                data.write_string(i, c, str(value))
    book.close()
    return buffer.getvalue()


def render(results, **options) -> bytes:
    return render_bytes(results, **options)
