"""Identifiers normalised once, at the edge: one function per kind of identifier.

Every reader that takes an identifier from a file passes it through the function for its
kind, so that one council, person or measure written two ways is one key, and a value that
cannot be a valid identifier is reported, never filed under another key. Each function is
vectorised (a pandas Series in, a Series out) and documented in ``docs/importing.md``.

* :func:`gss_code`: ONS GSS codes (``E10000018``): trimmed, inner spaces removed, upper case.
* :func:`cassr_code`: the three-character codes of councils with adult social services
  responsibilities (``508``, and the letter-digit codes of the newest councils): trimmed,
  upper case, a number written by a spreadsheet as ``508.0`` or padded as ``0508`` read as
  ``508``.
* :func:`cassr_table`: the shipped CASSR-to-GSS table (``ascbench/data/cassr_ons_codes.csv``),
  one lookup for the importers and ``cld``.
* :func:`dfe_table`: the shipped DfE LA-number-to-GSS table (``ascbench/data/dfe_la_codes.csv``,
  DfE's ``old_la_code`` and ``new_la_code``: Leicestershire is 855 there, 508 as a CASSR).
* :func:`nhs_number`: ten digits, with spaces, dashes and an Excel float
  (``9.434765919E+09``) folded to the digits.
* :func:`measure_name`: a measure name, trimmed and lower case (``Falls`` and ``falls`` are
  one measure, in the data and in the catalogue alike).

Nothing here imports pandas at module import time; the CLI's start-up stays light.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

GSS_PATTERN = r"^[EWSNK]\d{8}$"
_SPACES = r"\s+"


def gss_code(codes):
    """GSS codes as one spelling: ``' e10000018 '`` and ``'E10 000018'`` are ``E10000018``.
    Cells that are not a GSS code after folding are returned folded; test them with
    :func:`is_gss`."""
    return codes.astype(str).str.replace(_SPACES, "", regex=True).str.upper()


def is_gss(codes):
    """Boolean Series: the (already folded) cell is a GSS code."""
    return codes.astype(str).str.match(GSS_PATTERN)


CASSR_NUMBER = r"^0*(\d+?)(?:\.0+)?$"  # 508, 508.0 (a spreadsheet's float), 0508 (padded): 508


def cassr_code(codes):
    """CASSR codes as one spelling: trimmed, upper case, a trailing ``.0`` of a number that a
    spreadsheet wrote as a float removed and leading zeros dropped (``'508.0'`` and ``'0508'``
    -> ``'508'``)."""
    folded = codes.astype(str).str.replace(_SPACES, "", regex=True).str.upper()
    return folded.str.replace(CASSR_NUMBER, r"\1", regex=True)


CASSR_TABLE = Path(__file__).with_name("data") / "cassr_ons_codes.csv"


@lru_cache(maxsize=1)
def _cassr_table():
    t = pd.read_csv(CASSR_TABLE, dtype=str, keep_default_na=False)
    t.columns = [c.strip() for c in t.columns]
    t = t.assign(
        cassr=cassr_code(t["LA Code"]),
        gss=gss_code(t["ONS Area Code"]),
        name=t["Geography"].str.strip(),
        region=t["Council region"].str.strip(),
    )
    return t[t["cassr"] != ""].reset_index(drop=True)


def cassr_table():
    """CASSR (and region) code -> GSS code, name, council type, region: the shipped table
    (councils as at 2023, with the English regions). A copy each call."""
    return _cassr_table().copy()


DFE_TABLE = Path(__file__).with_name("data") / "dfe_la_codes.csv"


@lru_cache(maxsize=1)
def _dfe_table():
    t = pd.read_csv(DFE_TABLE, dtype=str, keep_default_na=False)
    return t.assign(gss=gss_code(t["new_la_code"]), name=t["la_name"].str.strip())


def dfe_table():
    """DfE's three-digit LA numbers (``old_la_code``) -> GSS code (``new_la_code``), name,
    region GSS code, dates of operation and termination, ``live`` or ``terminated``: the
    shipped table (DfE's own list, see ``ascbench/data/PROVENANCE.md``). A number whose
    council's GSS code changed has a row for each code. A copy each call."""
    return _dfe_table().copy()


def nhs_number(numbers):
    """NHS numbers as ten digits: spaces and dashes removed, an Excel float
    (``9434765919.0``, ``9.434765919E+09``) written back as its digits. A cell that does not
    fold to ten digits is returned as written (trimmed), so it still keys one person
    consistently and can be reported."""
    codes, uniques = pd.factorize(numbers.astype(str), use_na_sentinel=False)
    if len(uniques) < len(numbers):  # folded once per distinct number (an extract repeats each)
        folded = nhs_number(pd.Series(uniques, dtype=object))
        return pd.Series(folded.to_numpy()[codes], index=numbers.index)
    text = numbers.astype(str).str.strip()
    plain = text.str.replace(r"[\s\-]", "", regex=True)
    floaty = plain.str.match(r"^\d(\.\d+)?[eE]\+?\d+$|^\d+\.0*$")
    if floaty.any():
        as_float = pd.to_numeric(plain.where(floaty), errors="coerce")
        whole = as_float.notna() & (as_float == np.floor(as_float)) & (as_float < 1e10)
        digits = as_float.where(whole).astype("Int64").astype(str)
        plain = plain.where(~whole, digits)
    ten = plain.str.match(r"^\d{10}$")
    return plain.where(ten, text)


def measure_name(name: str | None) -> str | None:
    """A measure name as one spelling: trimmed, lower case. ``None`` stays ``None``."""
    return None if name is None else str(name).strip().lower()


def slug(text: str) -> str:
    """Lower-case letters and digits joined by single hyphens: ``'Shire Counties'`` ->
    ``'shire-counties'``."""
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")
