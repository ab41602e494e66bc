"""LG Inform and LG Inform Plus CSV downloads (the API's data download and a report's "Download
data" CSV).

Layout (wide): an optional preamble (title lines, one of which may name the metric), then the
header ``area, area label, area long label`` (the API) or ``area label, area long label, area
code`` (older report downloads), then one column per period headed by the period alone:
``2014/15``, ``2021/22 (academic)``, ``2010/11 Q1``, ``Q3 2023/24``, ``2022``, ``Sep 2023``.
A header cell may also carry the metric with its period (``Delayed transfers 2022/23``). A
repeated header row is skipped; cells may hold suppression markers, and numbers with
thousands separators (``1,234``), which the official downloads write: this importer alone
accepts them (everywhere else a separator is an error, since it usually means a mis-typed
value).

The metric's name: from the header cells, else ``--measure NAME``, else a preamble line
(``Metric: ...`` or the first title line); names are kept whole. Reshaped to long form, the
measure is ``lginform_<metric slug>.published``. Area codes are folded
(:func:`ascbench.identifiers.gss_code`); ``England`` (E92000001) becomes the ``national`` role.
A catalogue fragment with one metric per series is written beside the data (published values;
polarity ``none`` until edited).
"""

from __future__ import annotations

import io
import re

import pandas as pd
import yaml

from ascbench.errors import AscbenchError
from ascbench.identifiers import gss_code
from ascbench.importers.common import Imported, council_type_from_code, refuse_conflicts
from ascbench.io.cells import parse_values
from ascbench.io.dataset import read_text

SOURCE = "LG Inform download"
MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
PERIOD_FORMS = (
    rf"Q[1-4] \d{{4}}/\d{{2}}|\d{{4}}/\d{{2}} Q[1-4]|\d{{4}}/\d{{2}}(?: \((?:academic|financial)\))?"
    rf"|(?:{MONTHS}) \d{{4}}|\d{{4}}"
)
PERIOD = re.compile(rf"^(?P<name>.*?)[\s,(\-]*\(?(?P<period>{PERIOD_FORMS})\)?\s*$")
THOUSANDS = re.compile(r"^\s*-?\d{1,3}(,\d{3})+(\.\d+)?\s*$")
CODE_COLUMNS = ("area", "area code")
NAME_COLUMNS = ("area long label", "area label")


def period_of(text: str) -> str | None:
    """An LG Inform period heading in ascbench's notation, or None."""
    t = re.sub(r"\s+", " ", text.strip())
    if m := re.fullmatch(r"Q([1-4]) (\d{4})/(\d{2})", t):
        return f"{m.group(2)}-{m.group(3)}-Q{m.group(1)}"
    if m := re.fullmatch(r"(\d{4})/(\d{2}) Q([1-4])", t):
        return f"{m.group(1)}-{m.group(2)}-Q{m.group(3)}"
    if m := re.fullmatch(r"(\d{4})/(\d{2}) \(academic\)", t):
        return f"AY{m.group(1)}-{m.group(2)}"
    if m := re.fullmatch(r"(\d{4})/(\d{2})(?: \(financial\))?", t):
        return f"{m.group(1)}-{m.group(2)}"
    if m := re.fullmatch(rf"({MONTHS}) (\d{{4}})", t):
        return f"{m.group(2)}-{m.group(1)}"
    if re.fullmatch(r"\d{4}", t):
        return f"CY{t}"
    return None


def slug(name: str) -> str:
    return "lginform_" + re.sub(r"[^0-9a-z]+", "_", name.lower()).strip("_")


def _rows(path):
    """The file's rows as lists of text cells, each with its line number."""
    import csv

    text = read_text(path).replace("\r\n", "\n").replace("\r", "\n")
    reader = csv.reader(io.StringIO(text))
    try:
        return [(reader.line_num, [c.strip() for c in row]) for row in reader]
    except csv.Error as exc:
        raise AscbenchError(f"cannot parse the CSV: {exc}", file=str(path), line=reader.line_num) from None


def _header_at(rows, path):
    for i, (_, row) in enumerate(rows):
        lowered = [c.lower() for c in row]
        if any(c in lowered for c in CODE_COLUMNS) and any(c in lowered for c in NAME_COLUMNS):
            return i
    raise AscbenchError(
        "this is not an LG Inform download: no header row with 'area' (or 'area code') and 'area label'",
        file=str(path),
        line=1,
        field="header",
        expected="the columns area, area label, area long label, then one column per period",
    )


def _preamble_metric(rows, at) -> str | None:
    lines = [" ".join(c for c in row if c) for _, row in rows[:at]]
    lines = [x.strip() for x in lines if x.strip()]
    for line in lines:
        if m := re.match(r"^(metric|indicator|measure|title)\s*:\s*(.+)$", line, re.I):
            return m.group(2).strip()
    return lines[0] if lines else None


def _numbers(cells):
    """Cell text with thousands separators taken out of numbers written with them."""
    return cells.where(~cells.str.match(THOUSANDS), cells.str.replace(",", "", regex=False))


def read(paths, period: str | None = None, measure: str | None = None):
    parts, areas, titles, notes = [], [], {}, []
    for path in paths:
        rows = _rows(path)
        at = _header_at(rows, path)
        header_line, header = rows[at]
        lowered = [c.lower() for c in header]
        code_col = next(lowered.index(c) for c in CODE_COLUMNS if c in lowered)
        name_col = next(lowered.index(c) for c in NAME_COLUMNS if c in lowered)
        fixed = {i for i, c in enumerate(lowered) if c in CODE_COLUMNS + NAME_COLUMNS}
        body = [(n, r) for n, r in rows[at + 1 :] if any(r) and [c.lower() for c in r] != lowered]
        repeated_headers = sum(1 for _, r in rows[at + 1 :] if [c.lower() for c in r] == lowered)
        for n, r in body:
            if len(r) != len(header):
                raise AscbenchError(
                    f"the row has {len(r)} fields, the header {len(header)}",
                    file=str(path),
                    line=n,
                    expected="one value per column",
                )
        lines = pd.Series([n for n, _ in body], dtype="int64")
        cells = (
            pd.DataFrame([r for _, r in body], columns=range(len(header)))
            if body
            else pd.DataFrame(columns=range(len(header)))
        )
        codes = gss_code(cells[code_col]) if len(cells) else pd.Series([], dtype=object)
        fallback = measure or _preamble_metric(rows, at)
        for i, column in enumerate(header):
            if i in fixed:
                continue
            m = PERIOD.match(column)
            p = period_of(m.group("period")) if m else None
            name = (m.group("name").strip().strip("-,( ") if m else "") or fallback
            if not p or not name:
                raise AscbenchError(
                    f"cannot read a period{' and metric' if not name else ''} in the column '{column}'",
                    file=str(path),
                    line=header_line,
                    field=column,
                    expected="a period such as 2022/23, 2021/22 (academic) or 2010/11 Q1; name the "
                    "metric with --measure when neither the header nor the preamble does",
                )
            key = slug(name)
            titles[key] = name
            text = _numbers(cells[i]) if len(cells) else cells.get(i, pd.Series([], dtype=object))
            values, status, bad, hint = parse_values(text)
            if bad.any():
                first = int(bad.to_numpy().argmax())
                raise AscbenchError(
                    f"'{cells[i].iloc[first]}' {hint[bad].iloc[0]}",
                    file=str(path),
                    line=int(lines.iloc[first]),
                    field=column,
                    expected="a number or a suppression marker",
                )
            parts.append(
                pd.DataFrame(
                    {
                        "area_code": codes,
                        "period": p,
                        "measure": f"{key}.published",
                        "value": values,
                        "status": status,
                        "source": f"{SOURCE}: {name} {column}",
                        "note": "",
                        "_file": str(path),
                        "line": lines,
                    }
                )
            )
        areas.append(pd.DataFrame({"area_code": codes, "area_name": cells[name_col] if len(cells) else codes}))
        notes.append(
            f"{path}: LG Inform download, header at line {header_line}"
            + (f", {at} preamble line(s)" if at else "")
            + (f", {repeated_headers} repeated header row(s) skipped" if repeated_headers else "")
        )
    if not parts or all(p.empty for p in parts):
        raise AscbenchError(
            "no values: the file has no period columns or no area rows",
            file=str(paths[0]),
            field="header",
            expected="rows of areas and one column per period",
        )
    obs = pd.concat(parts, ignore_index=True)
    key_cols = ["area_code", "period", "measure"]
    refuse_conflicts(obs, obs, key_cols)
    obs = obs.drop_duplicates(key_cols).drop(columns=["_file", "line"]).reset_index(drop=True)
    area_frame = pd.concat(areas, ignore_index=True).drop_duplicates("area_code")
    area_frame["area_type"] = area_frame["area_code"].map(council_type_from_code)
    area_frame["region"] = ""
    roles = {"national": "E92000001"} if "E92000001" in set(area_frame["area_code"]) else {}
    notes.append(
        f"{len(titles)} series, {len(area_frame)} areas, {len(obs):,} observations, "
        f"{int((obs['status'] != '').sum()):,} suppressed or missing cells kept as such"
    )

    lines_out = ["# written by ascbench import lginform: set polarity, statistic and decimals before use", "metrics:"]
    for key, title in titles.items():
        spec = {
            "id": key.replace("lginform_", "LGI_"),
            "title": title,
            "statistic": "published",
            "value": f"{key}.published",
            "polarity": "none",
            "source": "LG Inform",
        }
        if roles:
            spec["comparators"] = [{"area": "national"}]
        lines_out.append("  - " + yaml.safe_dump(spec, default_flow_style=True, sort_keys=False, width=10**6).strip())
    return Imported(
        obs, area_frame.reset_index(drop=True), None, roles, notes=notes, catalogue="\n".join(lines_out) + "\n"
    )


def detect(header: list[str]) -> bool:
    lowered = {h.strip().lower() for h in header}
    return bool(lowered & set(CODE_COLUMNS)) and bool(lowered & set(NAME_COLUMNS))
