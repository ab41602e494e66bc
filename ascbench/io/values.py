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
    explaining each bad cell)."""
    import numpy as np
    import pandas as pd

    text = raw.fillna("").astype(str).str.strip()
    lowered = text.str.lower()
    flagged_u = lowered.str.endswith("[u]")
    text = text.where(~flagged_u, text.str[:-3].str.strip())
    lowered = text.str.lower()
    status = lowered.map(SUPPRESSION_MARKERS).fillna("")
    status = status.where(text != "", "missing")
    values = pd.to_numeric(text.where(status == ""), errors="coerce")
    bad = (status == "") & values.isna()
    # infinities and NaN spelled out are not numbers for us
    finite = np.isfinite(values.to_numpy(dtype="float64", na_value=np.nan))
    bad |= (status == "") & ~finite
    values = values.where(~bad)
    status = status.where(~(flagged_u & ~bad), "low reliability")
    hint = pd.Series("", index=raw.index, dtype="object")
    if bad.any():
        b = text[bad]
        hint.loc[bad] = "is not a number"
        hint.loc[b.index[b.str.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?")]] = "has a thousands separator"
        hint.loc[b.index[b.str.contains("%", regex=False)]] = "has a percent sign"
    return values.astype("float64"), status, bad, hint
