"""Number formatting as published statistics print numbers.

Rounding is half away from zero (2.25 -> 2.3, -2.25 -> -2.3), as ONS and NHS England round,
not Python's round-half-to-even. It is applied only here, when rendering.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import TYPE_CHECKING

from ascbench.catalogue.model import SCALE_SUFFIX, SCALES
from ascbench.io.cells import due_words

if TYPE_CHECKING:
    from typing_extensions import TypeIs

_WIDE = Context(prec=400)


def round_half_away(x: float, decimals: int = 0) -> float:
    """Round one number half away from zero, on its shortest decimal representation
    (so 1.005 rounds to 1.01, as it reads)."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return x
    q = Decimal(1).scaleb(-int(decimals))
    # enough digits for any double (up to 1e308 with its decimals): no InvalidOperation on 1e28
    return float(Decimal(repr(float(x))).quantize(q, rounding=ROUND_HALF_UP, context=_WIDE))


def is_missing(x: object) -> TypeIs[None]:
    """None or NaN: no figure. (To the type checker, a value that is not missing is not None.)"""
    return x is None or (isinstance(x, float) and math.isnan(x))


def fmt_number(x, decimals: int = 0, thousands: bool = True) -> str:
    """``12345.678, 1`` -> ``12,345.7``; missing -> empty string."""
    if is_missing(x):
        return ""
    r = round_half_away(float(x), decimals)
    if r == 0:
        r = 0.0  # no "-0.0"
    return f"{r:,.{int(decimals)}f}" if thousands else f"{r:.{int(decimals)}f}"


def fmt_count(x) -> str:
    """A count with thousands separators; whole numbers print without decimals."""
    if is_missing(x):
        return ""
    x = float(x)
    if not math.isfinite(x):
        return fmt_number(x, 0)
    return fmt_number(x, 0) if x == int(x) else fmt_number(x, 2)


def fmt_value(x, decimals: int, unit: str = "", scale: str = "none", status: str = "") -> str:
    """A metric value as a dashboard prints it: ``69.7%``, ``521.8 per 100k``, ``119.2k``."""
    if is_missing(x):
        return due_words(status) if status else "no data"
    divisor = SCALES.get(scale or "none", 1)
    text = fmt_number(float(x) / divisor, decimals) + SCALE_SUFFIX.get(scale or "none", "")
    if unit == "%":
        return text + "%"
    if unit:
        return f"{text} {unit}"
    return text
