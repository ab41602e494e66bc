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
STATUSES = ("", "missing", "suppressed", "not available", "not applicable", "implied", "estimated",
            "provisional", "low reliability")
NUMBER_EXPECTED = "a plain number such as 1234 or 56.7, or a suppression marker (c, *, [c], x, [x], .., :, z, [z], -)"


def parse_values(raw):
    """Vectorised: a Series of cell text -> (values: float Series, status: str Series,
    bad: boolean Series marking cells that are neither numbers nor markers, hint: str Series
    explaining each bad cell).

    Numbers take pandas' C parser on the whole column; only the cells it cannot read (markers,
    empty cells, mistakes) are looked at as text, so a clean million-row column costs one pass.
    """
    import numpy as np
    import pandas as pd

    values = pd.to_numeric(raw, errors="coerce").astype("float64")
    finite = np.isfinite(values.to_numpy())
    status = pd.Series("", index=raw.index, dtype="object")
    bad = pd.Series(False, index=raw.index)
    hint = pd.Series("", index=raw.index, dtype="object")
    rest = ~finite
    if rest.any():
        text = raw[rest].fillna("").astype(str).str.strip()
        lowered = text.str.lower()
        flagged = lowered.str.endswith("[u]")
        body = text.where(~flagged, text.str[:-3].str.strip())
        as_number = pd.to_numeric(body.where(flagged), errors="coerce")
        flagged_ok = flagged & np.isfinite(as_number.to_numpy(dtype="float64", na_value=np.nan))
        marker = lowered.map(SUPPRESSION_MARKERS)
        st = marker.fillna("")
        st = st.where(text != "", "missing")
        st = st.where(~flagged_ok, "low reliability")
        is_bad = (st == "")
        values.loc[st.index] = np.where(flagged_ok, as_number, np.nan)
        status.loc[st.index] = st
        bad.loc[st.index] = is_bad
        if is_bad.any():
            b = text[is_bad]
            h = pd.Series("is not a number", index=b.index, dtype="object")
            h[b.str.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?")] = "has a thousands separator"
            h[b.str.contains("%", regex=False)] = "has a percent sign"
            hint.loc[h.index] = h
    return values, status, bad, hint
