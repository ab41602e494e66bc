"""Accessible inline SVG charts of the CLD dashboard views (:mod:`ascbench.cld.views`):
waiting times by quarter (median and 90th percentile) and data quality by field.

Each function takes the view's frame as ``ascbench cld --out`` writes it
(``cld-waiting-times.csv``, ``cld-data-quality.csv``) and returns one ``<svg>`` element with a
title, a description that states every plotted value, and labelled axes
(:func:`ascbench.render.svg.document`); ``None`` when the frame has nothing for the area.
"""

from __future__ import annotations

from html import escape

from ascbench.render.svg import document

WIDTH, HEIGHT = 560, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 24, 48
SERIES = (("median_days", "median", "#1d70b8", ""), ("p90_days", "90th percentile", "#d4351c", "4 3"))


def _nice_max(value: float) -> float:
    for step in (10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if value <= step * 5:
            return max(step, step * -(-value // step))
    return value


def waiting_times_svg(
    frame,
    area_code: str,
    measure: str = "Wait time to first response",
    age_band: str = "all",
    chart_id: str = "cld-wait",
    standalone: bool = False,
) -> str | None:
    """Median and 90th percentile of the days from request to ``measure`` by quarter."""
    part = frame[(frame["area_code"] == area_code) & (frame["measure"] == measure) & (frame["age_band"] == age_band)]
    part = part.sort_values("quarter_start")
    if part.empty:
        return None
    quarters = list(part["quarter"])
    top = _nice_max(float(part[["median_days", "p90_days"]].max().max()) or 1.0)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(quarters), 1)

    def x(i: int) -> float:
        return LEFT + step * (i + 0.5)

    def y(v: float) -> float:
        return TOP + plot_h * (1 - v / top)

    body = [
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}" stroke="#505a5f"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="#505a5f"/>',
    ]
    for k in range(5):
        v = top * k / 4
        body.append(f'<text x="{LEFT - 4}" y="{y(v) + 3:.1f}" text-anchor="end">{v:g}</text>')
        body.append(f'<line x1="{LEFT}" y1="{y(v):.1f}" x2="{LEFT + plot_w}" y2="{y(v):.1f}" stroke="#e5e6e7"/>')
    for i, label in enumerate(quarters):
        body.append(f'<text x="{x(i):.1f}" y="{TOP + plot_h + 14}" text-anchor="middle">{escape(label)}</text>')
    body.append(
        f'<text x="{LEFT + plot_w / 2}" y="{HEIGHT - 8}" text-anchor="middle">Quarter (of the {escape(measure.split("to ")[-1])})</text>'
    )
    body.append(
        f'<text transform="translate(12 {TOP + plot_h / 2}) rotate(-90)" text-anchor="middle">Days from the request</text>'
    )
    for column, name, colour, dash in SERIES:
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(part[column]))
        body.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"'
            + (f' stroke-dasharray="{dash}"' if dash else "")
            + "/>"
        )
        for i, v in enumerate(part[column]):
            body.append(
                f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" fill="{colour}"><title>{escape(quarters[i])}: '
                f"{name} {v:g} days</title></circle>"
            )
    for j, (_c, name, colour, dash) in enumerate(SERIES):
        lx = LEFT + 8 + j * 130
        body.append(
            f'<line x1="{lx}" y1="{TOP - 10}" x2="{lx + 18}" y2="{TOP - 10}" stroke="{colour}" stroke-width="2"'
            + (f' stroke-dasharray="{dash}"' if dash else "")
            + "/>"
        )
        body.append(f'<text x="{lx + 22}" y="{TOP - 7}">{name}</text>')
    values = "; ".join(
        f"{r.quarter}: median {r.median_days:g}, 90th percentile {r.p90_days:g} days ({r.waits} waits)"
        for r in part.itertuples()
    )
    title = f"{measure} ({'all ages' if age_band == 'all' else age_band}), days, by quarter"
    desc = f"Line chart of the median and 90th percentile waiting time for {area_code}. {values}."
    return document(WIDTH, HEIGHT, chart_id, title, desc, "".join(body), standalone)


def data_quality_svg(
    frame, area_code: str, quarter: str | None = None, chart_id: str = "cld-dq", standalone: bool = False
) -> str | None:
    """Validity and completeness (%) of each field in one quarter (default: the latest)."""
    part = frame[frame["area_code"] == area_code]
    if part.empty:
        return None
    quarter = quarter or max(part["quarter"])
    part = part[part["quarter"] == quarter].sort_values(["module", "field"])
    if part.empty:
        return None
    row_h, left = 16, 260
    height = TOP + BOTTOM + row_h * len(part)
    plot_w = WIDTH - left - RIGHT
    body = []
    for k in range(5):
        gx = left + plot_w * k / 4
        body.append(f'<line x1="{gx:.1f}" y1="{TOP}" x2="{gx:.1f}" y2="{height - BOTTOM}" stroke="#e5e6e7"/>')
        body.append(f'<text x="{gx:.1f}" y="{height - BOTTOM + 12}" text-anchor="middle">{25 * k}</text>')
    for i, r in enumerate(part.itertuples()):
        yy = TOP + i * row_h
        body.append(f'<text x="{left - 4}" y="{yy + 11}" text-anchor="end">{escape(r.field)}</text>')
        body.append(
            f'<rect x="{left}" y="{yy + 2}" width="{plot_w * r.completeness / 100:.1f}" height="5" fill="#b1b4b6">'
            f"<title>{escape(r.field)}: {r.completeness:g}% complete</title></rect>"
        )
        body.append(
            f'<rect x="{left}" y="{yy + 8}" width="{plot_w * r.validity / 100:.1f}" height="5" fill="#00703c">'
            f"<title>{escape(r.field)}: {r.validity:g}% valid</title></rect>"
        )
    body.append(
        f'<text x="{left + plot_w / 2}" y="{height - 14}" text-anchor="middle">% of the rows the field applies to '
        "(grey: complete, green: valid)</text>"
    )
    body.append(f'<text x="8" y="{TOP - 8}">Field</text>')
    values = "; ".join(f"{r.field}: {r.validity:g}% valid, {r.completeness:g}% complete" for r in part.itertuples())
    title = f"CLD data quality by field, {quarter}"
    desc = f"Bar chart of each field's completeness and validity for {area_code} in {quarter}. {values}."
    return document(WIDTH, int(height), chart_id, title, desc, "".join(body), standalone)


def waiting_spc_svg(
    frame,
    area_code: str,
    measure: str = "Wait time to first response",
    age_band: str = "all",
    chart_id: str = "cld-wait-spc",
    standalone: bool = False,
) -> str | None:
    """The median wait by quarter as a Making Data Count SPC chart (a lower wait is better),
    where the area has 15 or more quarters; ``None`` otherwise."""
    from ascbench.render.spc_chart import spc_svg
    from ascbench.stats import xmr

    part = frame[(frame["area_code"] == area_code) & (frame["measure"] == measure) & (frame["age_band"] == age_band)]
    part = part.dropna(subset=["median_days"]).sort_values("quarter_start")
    if len(part) < 15:
        return None
    points, summary = xmr(
        part["median_days"].to_numpy(dtype="float64"), list(part["quarter"].astype(str)), polarity="low"
    )
    name = f"{measure} ({'all ages' if age_band == 'all' else age_band}), median days"
    return spc_svg(points, summary, name, chart_id, 0, "", y_label="Days", x_title="Quarter", standalone=standalone)


def dashboard_cld(waiting, quality, area_code: str) -> list[str]:
    """The charts of the CLD views for the dashboard: waiting times to first response and to
    first service, the median wait to first response as an SPC chart where there are 15 or
    more quarters, and the latest quarter's data quality. ``waiting`` and ``quality``: the
    frames of ``cld-waiting-times.csv`` and ``cld-data-quality.csv`` (either may be ``None``);
    an area the views do not name is read as their only area, if they have one."""
    charts: list[str | None] = []
    for frame in (waiting, quality):
        if frame is not None and len(frame) and area_code not in set(frame["area_code"].astype(str)):
            codes = frame["area_code"].astype(str).unique()
            area_code = codes[0] if len(codes) == 1 else area_code
    if waiting is not None and len(waiting):
        waiting = waiting.assign(area_code=waiting["area_code"].astype(str))
        charts.append(waiting_times_svg(waiting, area_code, "Wait time to first response", chart_id="cld-wait-r"))
        charts.append(waiting_times_svg(waiting, area_code, "Wait time to first service", chart_id="cld-wait-s"))
        charts.append(waiting_spc_svg(waiting, area_code))
    if quality is not None and len(quality):
        charts.append(data_quality_svg(quality.assign(area_code=quality["area_code"].astype(str)), area_code))
    return [c for c in charts if c]
