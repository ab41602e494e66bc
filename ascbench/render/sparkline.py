"""A unicode sparkline of a short series, for the terminal table's trend column."""

from __future__ import annotations

import math


def sparkline(points, segments=None) -> str:
    """A unicode sparkline of a short series (at least two points), e.g. '▂▄▆█'; with
    ``segments`` (the definition of each point), a thin gap '┊' where the definition changed."""
    bars = "▁▂▃▄▅▆▇█"
    segments = list(segments) if segments is not None else [0] * len(points)
    kept = [
        (p, s)
        for p, s in zip(points, segments, strict=True)
        if p is not None and not (isinstance(p, float) and math.isnan(p))
    ]
    if len(kept) < 2:
        return ""
    pts = [p for p, _ in kept]
    lo, hi = min(pts), max(pts)
    out = []
    for i, (p, seg) in enumerate(kept):
        if i and seg != kept[i - 1][1]:
            out.append("┊")
        out.append(bars[3] if hi == lo else bars[round((p - lo) / (hi - lo) * (len(bars) - 1))])
    return "".join(out)
