"""A quadrant chart: every council of a group as a point of two measures (spend against
performance, or any two), split at the group's mean (or median) of each, the quadrants
named and the good-value one shaded; the council and its nearest neighbours labelled.
Inline SVG, no JavaScript, the same bytes for the same inputs.

Accessible: ``role="img"`` with a ``<title>`` and a ``<desc>`` (:func:`summary`: how many
councils are in each quadrant, the splits, where the council is) that say in words what
the picture shows. The council, its neighbours and the rest are told apart by shape as well
as colour (a ringed dot, squares, small dots). An axis with a polarity runs from worse to
better (a composite rank: from the last to 1), so better is up and to the right; an axis
without one runs from the lowest value to the highest.
"""

from __future__ import annotations

import textwrap
from html import escape

import numpy as np

from ascbench.render.svg import document, with_unit

WIDTH, HEIGHT, PAD_L, PAD_R, PAD_T, PAD_B = 600, 440, 96, 20, 34, 60
FOCUS, NEIGHBOUR, OTHER, SPLIT, GOOD, TEXT = "#0b0c0c", "#1d70b8", "#9aa0a6", "#505a5f", "#e6f1e8", "#505a5f"
CHAR = 5.0  # average width of a character at font-size 9 (sans-serif), for label placement
LINE = 11


def _value(axis, v: float) -> str:
    return with_unit(v, axis.decimals, axis.unit)


def _split_text(quadrant, axis, value: float) -> str:
    """The split as the chart labels it: one decimal more than the values print, so a point
    beside the line reads as beside it."""
    return f"{quadrant.split} {with_unit(value, axis.decimals + 1, axis.unit)}"


def summary(quadrant) -> str:
    """One paragraph: the axes and periods, the splits, the count in each quadrant, and the
    council's values and quadrant."""
    q, t = quadrant, quadrant.table
    parts = [
        f"{q.y.title} ({q.y.period}) against {q.x.title} ({q.x.period}): {len(t)} councils of "
        f"group {q.group}, split at the {q.split} of each ({_split_text(q, q.x, q.x_split)} and "
        f"{_split_text(q, q.y, q.y_split)})"
    ]
    counts = q.counts()
    good = set(t.loc[t["good_value"], "quadrant"])
    parts.append("; ".join(f"{n} {name}" + (" (good value)" if name in good else "") for name, n in counts.items()))
    mine = t[t["area_code"] == q.focus]
    if len(mine):
        r = mine.iloc[0]
        parts.append(
            f"{r['area_name']}: {q.x.label} {_value(q.x, r['x_value'])}, {q.y.label} {_value(q.y, r['y_value'])}; "
            f"{r['quadrant']}"
        )
    labelled = int(t["area_code"].isin(q.neighbours).sum())
    if labelled:
        parts.append(f"Its {labelled} nearest neighbours with values are labelled")
    return ". ".join(parts) + "."


def _truncate(text: str, room: float) -> str:
    most = max(int(room / CHAR), 8)
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


def _overlaps(box, boxes) -> bool:
    x0, y0, x1, y1 = box
    return any(x0 < b[2] and b[0] < x1 and y0 < b[3] and b[1] < y1 for b in boxes)


def _place(px: float, py: float, text: str, labels: list, points: list) -> tuple[float, float, str, tuple]:
    """A label's position beside its point: right or left, then further up or down step by
    step; the first that stays inside the chart and overlaps no label placed before and no
    point, else the first that overlaps no label, else right of the point."""
    w = CHAR * len(text)
    candidates = []
    for step in range(12):
        for dy in (0, -step * LINE, step * LINE) if step else (0,):
            for anchor, dx in (("start", 6), ("end", -6)):
                x, y = px + dx, py + 3 + dy
                x0 = x if anchor == "start" else x - w
                box = (x0 - 1, y - 8, x0 + w + 1, y + 2)
                if box[0] >= 0 and box[2] <= WIDTH and box[1] >= PAD_T - 14 and box[3] <= HEIGHT - PAD_B + 14:
                    candidates.append((x, y, anchor, box))
    for obstacles in (labels + points, labels):
        for x, y, anchor, box in candidates:
            if not _overlaps(box, obstacles):
                return x, y, anchor, box
    return px + 6, py + 3, "start", (px + 5, py - 5, px + 7 + w, py + 5)


def quadrant_svg(quadrant, chart_id: str = "quadrant", standalone: bool = False) -> str:
    """The chart of a :class:`ascbench.engine.quadrant.Quadrant`. ``chart_id`` makes the
    element ids unique in a page; ``standalone`` adds the SVG namespace a file needs."""
    q, t = quadrant, quadrant.table
    xv, yv = t["x_value"].to_numpy(dtype="float64"), t["y_value"].to_numpy(dtype="float64")

    def scale(values, split, lo_px, hi_px, flip):
        lo, hi = float(min(values.min(), split)), float(max(values.max(), split))
        pad = (hi - lo) * 0.05 or 1.0
        lo, hi = lo - pad, hi + pad
        a, b = (hi_px, lo_px) if flip else (lo_px, hi_px)
        return lambda v: a + (b - a) * (np.asarray(v, dtype="float64") - lo) / (hi - lo)

    left, right, top, bottom = PAD_L, WIDTH - PAD_R, PAD_T, HEIGHT - PAD_B
    X = scale(xv, q.x_split, left, right, q.x.polarity == "low")
    Y = scale(yv, q.y_split, bottom, top, q.y.polarity == "low")
    sx, sy = float(X(q.x_split)), float(Y(q.y_split))

    parts = [f'<rect x="{left}" y="{top}" width="{right - left}" height="{bottom - top}" fill="#f8f8f8"/>']
    # the four quadrants: which sides each corner of the plot is on
    corners = {}
    for x_side in ("above", "below"):
        for y_side in ("above", "below"):
            x_right = (x_side == "above") != (q.x.polarity == "low")
            y_up = (y_side == "above") != (q.y.polarity == "low")
            x0, x1 = (sx, right) if x_right else (left, sx)
            y0, y1 = (top, sy) if y_up else (sy, bottom)
            corners[(x_side, y_side)] = (x0, y0, x1, y1, x_right, y_up)
            if q.x_better and q.y_better and x_side == q.x_better and y_side == q.y_better:
                parts.append(
                    f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{x1 - x0:.1f}" height="{y1 - y0:.1f}" fill="{GOOD}"/>'
                )
    parts.append(
        f'<line x1="{sx:.1f}" x2="{sx:.1f}" y1="{top}" y2="{bottom}" stroke="{SPLIT}" stroke-dasharray="4 2"/>'
        f'<line x1="{left}" x2="{right}" y1="{sy:.1f}" y2="{sy:.1f}" stroke="{SPLIT}" stroke-dasharray="4 2"/>'
    )
    labels, taken = [], []
    # the splits, labelled at the outer ends of their lines
    for text, x, y, anchor in (
        (_split_text(q, q.x, q.x_split), sx, top - 4, "middle"),
        (_split_text(q, q.y, q.y_split), right, sy - 3, "end"),
    ):
        labels.append(f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{SPLIT}">{escape(text)}</text>')
        w = CHAR * len(text)
        x0 = x - w / 2 if anchor == "middle" else x - w
        taken.append((x0, y - 8, x0 + w, y + 2))
    # the quadrants' names, in their outer corners: the y side on one line, the x side below
    for (x_side, y_side), (x0, y0, x1, y1, x_right, y_up) in sorted(corners.items()):
        y_words, x_words = q.name(x_side, y_side).split(", ", 1)
        good = bool(q.x_better and q.y_better and x_side == q.x_better and y_side == q.y_better)
        lines = [y_words + ",", x_words + (": good value" if good else "")]
        lines = [_truncate(line, (right - left) / 2 - 8) for line in lines]
        x = x1 - 4 if x_right else x0 + 4
        first = y0 + 11 if y_up else y1 - 5 - LINE
        anchor = "end" if x_right else "start"
        for k, line in enumerate(lines):
            y = first + k * LINE
            labels.append(
                f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-style="italic" fill="{TEXT}">'
                f"{escape(line)}</text>"
            )
            w = CHAR * len(line)
            bx = x - w if anchor == "end" else x
            taken.append((bx, y - 8, bx + w, y + 2))
    # every council a point: the rest, then the neighbours (squares), then the council (ringed)
    px, py = X(xv), Y(yv)
    codes = t["area_code"].astype(str).to_numpy()
    neighbour = np.isin(codes, list(q.neighbours))
    focus = codes == (q.focus or "")
    for i in np.flatnonzero(~neighbour & ~focus):
        parts.append(f'<circle cx="{px[i]:.1f}" cy="{py[i]:.1f}" r="2.2" fill="{OTHER}"/>')
    for i in np.flatnonzero(neighbour):
        parts.append(f'<rect x="{px[i] - 2.6:.1f}" y="{py[i] - 2.6:.1f}" width="5.2" height="5.2" fill="{NEIGHBOUR}"/>')
    for i in np.flatnonzero(focus):
        parts.append(
            f'<circle cx="{px[i]:.1f}" cy="{py[i]:.1f}" r="4.2" fill="{FOCUS}" stroke="#ffffff" stroke-width="1.2"/>'
        )
    dots = [(a - 2.5, b - 2.5, a + 2.5, b + 2.5) for a, b in zip(px, py, strict=True)]  # labels avoid points
    # labels: the council first, then its neighbours from the top
    for i in list(np.flatnonzero(focus)) + sorted(np.flatnonzero(neighbour), key=lambda i: (py[i], px[i], codes[i])):
        name = str(t["area_name"].iloc[i] or codes[i])
        x, y, anchor, box = _place(float(px[i]), float(py[i]), name, taken, dots)
        taken.append(box)
        if abs(y - 3 - py[i]) > 4:  # moved away from its point: a leader line
            edge = box[0] + 1 if anchor == "start" else box[2] - 1
            parts.append(
                f'<line x1="{px[i]:.1f}" y1="{py[i]:.1f}" x2="{edge:.1f}" y2="{y - 3:.1f}" stroke="{OTHER}" '
                'stroke-width="0.6"/>'
            )
        weight = ' font-weight="bold"' if focus[i] else ""
        colour = FOCUS if focus[i] else NEIGHBOUR
        labels.append(
            f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{colour}"{weight}>{escape(name)}</text>'
        )
    # axes: the values at each end (as the metric prints them) and what each axis is
    x_lo, x_hi = (xv.max(), xv.min()) if q.x.polarity == "low" else (xv.min(), xv.max())
    y_lo, y_hi = (yv.max(), yv.min()) if q.y.polarity == "low" else (yv.min(), yv.max())
    labels += [
        f'<text x="{float(X(x_lo)):.1f}" y="{bottom + 12}" text-anchor="middle">{escape(_value(q.x, x_lo))}</text>',
        f'<text x="{float(X(x_hi)):.1f}" y="{bottom + 12}" text-anchor="middle">{escape(_value(q.x, x_hi))}</text>',
        f'<text x="{left - 4}" y="{float(Y(y_lo)) + 3:.1f}" text-anchor="end">{escape(_value(q.y, y_lo))}</text>',
        f'<text x="{left - 4}" y="{float(Y(y_hi)) + 3:.1f}" text-anchor="end">{escape(_value(q.y, y_hi))}</text>',
    ]
    for axis in (q.x, q.y):
        arrow = "better" if axis.polarity in ("high", "low") else "higher"
        text = f"{axis.title} ({axis.period}); {arrow} {'→' if axis is q.x else '↑'}"
        room = (right - left) if axis is q.x else (bottom - top)
        lines = textwrap.wrap(text, max(int(room / CHAR), 20))
        lines = lines[:1] + ([_truncate(" ".join(lines[1:]), room)] if len(lines) > 1 else [])
        for k, line in enumerate(lines):
            if axis is q.x:
                y = HEIGHT - 8 - LINE * (len(lines) - 1 - k)
                labels.append(f'<text x="{(left + right) / 2:.1f}" y="{y}" text-anchor="middle">{escape(line)}</text>')
            else:
                cy, x = (top + bottom) / 2, 12 + LINE * k
                labels.append(
                    f'<text x="{x}" y="{cy:.1f}" text-anchor="middle" transform="rotate(-90 {x} {cy:.1f})">'
                    f"{escape(line)}</text>"
                )
    title = f"{q.y.label} against {q.x.label}: every council of group {q.group} in four quadrants"
    return document(WIDTH, HEIGHT, chart_id, title, summary(q), "".join(parts) + "".join(labels), standalone)
