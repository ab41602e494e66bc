"""A chart as a PNG image, for a committee template that takes pictures rather than SVG.

The SVG is drawn by resvg (through ``resvg-py``, a wheel with the renderer compiled in: no
system library, no browser, no network), at twice its size for print, with the machine's
fonts for ``sans-serif`` (DejaVu Sans or Liberation Sans on Debian). resvg renders the same
SVG to the same pixels, so the same inputs give the same bytes on one machine. Chosen over
CairoSVG, which needs the system's Cairo library, and over headless Chromium, which is a
browser to install.
"""

from __future__ import annotations

ZOOM = 2  # pixels per SVG unit: sharp on paper and on a high-density screen


def svg_to_png(svg: str, zoom: float = ZOOM) -> bytes:
    """The PNG of one standalone SVG document (with its ``xmlns``), on a white background."""
    import resvg_py

    return bytes(
        resvg_py.svg_to_bytes(
            svg_string=svg,
            zoom=zoom,
            background="white",
            sans_serif_family="DejaVu Sans",
        )
    )
