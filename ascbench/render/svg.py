"""What every chart shares: the accessible SVG document around a chart's shapes (``role="img"``
with a ``<title>`` and a ``<desc>`` named by ``aria-labelledby``) and a value with its unit."""

from __future__ import annotations

from ascbench.render.markup import html_text
from ascbench.render.numbers import fmt_number


def scaled_unit(scale: str | None, unit: str) -> tuple[float, str]:
    """A chart of a metric shown in thousands or millions draws its values divided by this and
    labels them with this unit: ``(1000, "k")`` for ``thousands``, ``(1, unit)`` unscaled."""
    from ascbench.catalogue.model import SCALE_SUFFIX, SCALES

    if not scale or scale == "none":
        return 1.0, unit
    return float(SCALES[scale]), SCALE_SUFFIX.get(scale, "")


def with_unit(value: float, decimals: int, unit: str) -> str:
    """``12.0%``, ``12.0 per 100k``, ``119.2k`` (a value in thousands), ``12.0``: a value as a
    chart labels it."""
    text = fmt_number(value, decimals)
    return f"{text}{unit}" if unit in ("%", "k", "m") else (f"{text} {unit}" if unit else text)


def document(
    width: int, height: int, chart_id: str, title: str, description: str, body: str, standalone: bool = False
) -> str:
    """The SVG element: ``chart_id`` makes its ids unique in a page; ``standalone`` adds the
    namespace a file of its own needs (inline in HTML it is implied). ``title`` and
    ``description`` are plain text (escaped here); ``body`` is SVG markup."""
    return (
        f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" font-size="9" font-family="sans-serif"'
        + (' xmlns="http://www.w3.org/2000/svg"' if standalone else "")
        + ">"
        f'<title id="{chart_id}-t">{html_text(title)}</title><desc id="{chart_id}-d">{html_text(description)}</desc>'
        + body
        + "</svg>"
    )
