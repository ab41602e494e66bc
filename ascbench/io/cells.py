"""Reading a value cell: numbers, and the suppression markers of official statistics.

Official tables mark values they do not publish. Those markers are data, not errors: a
suppressed value is carried through as missing with its ``status`` set, shown as such, and
never turned into 0.

==================  ==============  ===================================================
marker              status          meaning
==================  ==============  ===================================================
``c`` ``[c]`` ``*`` suppressed      withheld to protect confidentiality (small numbers)
``x`` ``[x]`` ``..`` not available  not available / not collected
``:``
``z`` ``[z]`` ``-`` not applicable  not applicable
``[u]``             low reliability the value is given but flagged (value kept)
empty               missing         nothing given
==================  ==============  ===================================================

Anything else that is not a plain number (``12a``, ``1,234``, ``45%``) is an error naming the
file, line and what was expected: a thousands separator or a percent sign is refused rather
than guessed at, because guessing could publish a wrong number.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

SUPPRESSION_MARKERS = {
    "c": "suppressed",
    "[c]": "suppressed",
    "*": "suppressed",
    "x": "not available",
    "[x]": "not available",
    "..": "not available",
    ":": "not available",
    "z": "not applicable",
    "[z]": "not applicable",
    "-": "not applicable",
}
STATUSES = (
    "",
    "missing",
    "suppressed",
    "not available",
    "not applicable",
    "implied",
    "estimated",
    "provisional",
    "low reliability",
    "rounded",
)
# a figure not yet published, and when it is due: "due 2023-05" (shown "due May 2023")
DUE_STATUS = re.compile(r"^due (\d{4})-(0[1-9]|1[0-2])$")


def is_due(status) -> bool:
    """A status saying a figure is due (``due YYYY-MM``)."""
    return isinstance(status, str) and bool(DUE_STATUS.match(status))


def due_words(status: str) -> str:
    """``due 2023-05`` -> ``due May 2023``; any other status as it is."""
    import calendar

    hit = DUE_STATUS.match(status) if isinstance(status, str) else None
    return f"due {calendar.month_abbr[int(hit.group(2))]} {hit.group(1)}" if hit else status


NUMBER_EXPECTED = "a plain number such as 1234 or 56.7, or a suppression marker (c, *, [c], x, [x], .., :, z, [z], -)"


def parse_cells(raw, text=None):
    """The sparse form of :func:`parse_values`, for millions of cells: ``(values, odd,
    status, bad, hint)`` where ``values`` is a float array for every cell and ``odd`` the
    positions of the cells that were not plain numbers, with ``status``, ``bad`` and
    ``hint`` arrays for those cells only.

    Numbers take pandas' C parser on the whole column (spaces around a number are allowed);
    only the cells it cannot read (markers, empty cells, mistakes) are looked at as text, so
    a clean million-row column costs one pass. When the CSV reader has already parsed the
    column as floats, ``raw`` is that float Series and ``text`` holds the original text of
    the cells that are not finite numbers (see :func:`ascbench.io.dataset.read_csv`).
    """
    if text is None:
        values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype="float64", na_value=np.nan).copy()
        cells = raw
    else:
        values = raw.to_numpy(dtype="float64", na_value=np.nan).copy()
        cells = text
    odd = np.flatnonzero(~np.isfinite(values))
    if not len(odd):
        empty = np.array([], dtype=object)
        return values, odd, empty, np.array([], dtype=bool), empty
    cell = pd.Series(cells).iloc[odd].astype(object)
    cell_text = cell.where(cell.notna(), "").astype(str).str.strip().reset_index(drop=True)
    lowered = cell_text.str.lower()
    flagged = lowered.str.endswith("[u]").to_numpy(dtype=bool)
    body = cell_text.where(~flagged, cell_text.str[:-3].str.strip())
    as_number = pd.to_numeric(body.where(flagged), errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    flagged_ok = flagged & np.isfinite(as_number)
    status = lowered.map(SUPPRESSION_MARKERS).fillna("").to_numpy(dtype=object)
    status = np.where(cell_text.to_numpy(dtype=object) == "", "missing", status)
    status = np.where(flagged_ok, "low reliability", status)
    bad = status == ""
    values[odd] = np.where(flagged_ok, as_number, np.nan)
    hint = np.full(len(odd), "", dtype=object)
    if bad.any():
        b = cell_text[bad]
        h = pd.Series("is not a number", index=b.index, dtype=object)
        h[b.str.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?")] = "has a thousands separator"
        h[b.str.contains("%", regex=False)] = "has a percent sign"
        h[b.str.fullmatch(r"NA|N/A|NULL|#N/A", case=False)] = (
            "is not a number (R's write.csv and Excel write a missing value so: leave the cell empty)"
        )
        hint[bad] = h.to_numpy(dtype=object)
    return values, odd, status, bad, hint


def parse_values(raw, text=None):
    """Vectorised: a Series of cell text -> (values: float Series, status: str Series,
    bad: boolean Series marking cells that are neither numbers nor markers, hint: str Series
    explaining each bad cell), all aligned to ``raw`` (see :func:`parse_cells`)."""
    values, odd, status_odd, bad_odd, hint_odd = parse_cells(raw, text)
    n = len(values)
    status = np.full(n, "", dtype=object)
    bad = np.zeros(n, dtype=bool)
    hint = np.full(n, "", dtype=object)
    status[odd], bad[odd], hint[odd] = status_odd, bad_odd, hint_odd
    index = raw.index
    return (
        pd.Series(values, index=index),
        pd.Series(status, index=index, dtype=object),
        pd.Series(bad, index=index),
        pd.Series(hint, index=index, dtype=object),
    )
