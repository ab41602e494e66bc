"""The SPC chart (ascbench.render.spc_chart): an accessible inline SVG of stats.xmr's answer,
the same bytes for the same inputs, drawn from NHSRplotthedots' README example (RQM's A&E
breaches, tests/material/reference/nhsrplotthedots)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from ascbench import stats
from ascbench.render.spc_chart import nice_ticks, spc_svg, summary
from ascbench.stats.spc import POINT_COLOURS
from tests.conftest import material

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def rqm():
    ae = pd.read_csv(material("reference", "nhsrplotthedots", "ae_attendances_type1_RQM_RRK.csv"))
    return ae[(ae["org_code"] == "RQM") & (ae["period"] < "2018-04-01")].reset_index(drop=True)


def _chart(table, **kw):
    points, result = stats.xmr(
        table["breaches"], pd.to_datetime(table["period"]), polarity="low", target=1200, **kw.pop("xmr", {})
    )
    return points, result, spc_svg(points, result, "RQM <A&E> breaches", "spc-rqm", decimals=0, standalone=True, **kw)


def test_the_same_inputs_give_the_same_bytes(rqm):
    _, _, one = _chart(rqm)
    _, _, two = _chart(rqm)
    _, _, shuffled = _chart(rqm.sample(frac=1, random_state=7))  # xmr puts the points in time order
    assert one == two == shuffled


def test_the_chart_is_accessible_and_well_formed(rqm):
    points, result, svg = _chart(rqm)
    root = ET.fromstring(svg)  # well-formed XML, the name escaped
    assert root.get("role") == "img" and root.get("aria-labelledby") == "spc-rqm-t spc-rqm-d"
    title = root.find(f"{SVG}title").text
    desc = root.find(f"{SVG}desc").text
    assert title == "RQM <A&E> breaches: SPC chart, Apr 2016 to Mar 2018"
    assert desc == summary(points, result, "RQM <A&E> breaches", 0)
    # the README figure's numbers, in words, at the displayed precision
    assert "24 points from Apr 2016 to Mar 2018. Mean 1,545, process limits 740 to 2,350" in desc
    assert "4 special cause points (2 improvement, 2 concern)" in desc
    assert "Latest Mar 2018: 1,564, common cause. Variation: common cause." in desc
    assert desc.endswith("Assurance against the target of 1,200: hit or miss.")


def test_axes_lines_points_icons_and_legend(rqm):
    points, result, svg = _chart(rqm)
    texts = [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]
    # y axis: round values at the metric's precision; the latest limits and mean on the right
    for label in ("1,000", "2,000", "3,000", "2,350", "1,545", "740"):
        assert label in texts
    assert "Value" in texts and "Period" in texts
    assert texts.count("Apr 2016") == 1 and "Mar 2018" in texts
    # points coloured by type, by shape too: 20 grey circles, 2 blue squares, 2 orange diamonds
    assert svg.count('<circle cx="') == 20 + 2 + 1  # the points, two icon discs, the legend's
    assert svg.count(f'fill="{POINT_COLOURS["special_cause_improvement"]}"') == 2 + 1  # and the legend's
    assert svg.count(f'fill="{POINT_COLOURS["special_cause_concern"]}"') == 2 + 1
    # mean (solid black), limits (dashed), target (dash-dot red)
    assert len(re.findall(r'<line [^>]*stroke="#000000" stroke-width="1.0"/>', svg)) == 1
    assert len(re.findall(r'stroke-dasharray="5 3"', svg)) == 2 + 1
    assert len(re.findall(r'stroke-dasharray="8 3 2 3"', svg)) == 1 + 1
    # the icons as labelled shapes
    assert '<g role="img" aria-label="Variation: common cause">' in svg
    assert '<g role="img" aria-label="Assurance: hit or miss">' in svg
    for words in (
        "Common cause",
        "Special cause: improvement",
        "Special cause: concern",
        "mean",
        "process limits",
        "target",
    ):
        assert words in texts


def test_rebased_sections_have_their_own_lines_and_no_target_no_assurance(rqm):
    points, result, svg = _chart(rqm, xmr={"rebase": [pd.Timestamp("2017-04-01")]})
    assert len(re.findall(r'<line [^>]*stroke="#000000" stroke-width="1.0"/>', svg)) == 2  # a mean per section
    assert "in 2 sections (limits recalculated at each rebase)" in summary(points, result, "x", 0)
    points, result = stats.xmr(rqm["breaches"], rqm["period"], polarity="low")
    svg = spc_svg(points, result, "RQM", "spc-2")
    assert "Assurance" not in svg and "target" not in svg and "xmlns" not in svg  # inline: no namespace


def test_one_series_at_a_time(rqm):
    both = pd.concat([rqm.assign(org="a"), rqm.assign(org="b")])
    points, result = stats.xmr(both["breaches"], both["period"], series=both["org"])
    with pytest.raises(ValueError):
        spc_svg(points, result, "two", "spc-x")


def test_nice_ticks():
    assert nice_ticks(0.8, 5.2, 6) == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert nice_ticks(740, 3141, 6) == [1000.0, 1500.0, 2000.0, 2500.0, 3000.0]
    assert nice_ticks(2.0, 2.0) == [2.0]
