"""The committee's first glance (issue 28): the headline in every format, the compact terminal
view with its filters and orders, spine charts and the overview rug, league charts on a value
axis, trend charts with England, SPC charts wired in where a series is long enough, the
workbook's charts and PNG charts. Counts are recomputed here from the results frame that
``rate --format csv`` writes; chart numbers from the league table and from
NHSRplotthedots' published example."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from ascbench.cli import cli
from tests.conftest import ROOT, material

SVG = "{http://www.w3.org/2000/svg}"


def _invoke(*args: str):
    out = CliRunner().invoke(cli, list(args))
    assert out.exit_code == 0, out.stderr
    return out


@pytest.fixture(scope="module")
def results() -> pd.DataFrame:
    return pd.read_csv(io.StringIO(_invoke("rate", "--format", "csv").stdout))


@pytest.fixture(scope="module")
def report():
    from ascbench.catalogue import load_catalogue
    from ascbench.engine import build_report
    from ascbench.engine.data import load
    from ascbench.sources import catalogue_source, data_source

    catalogue = load_catalogue(catalogue_source(None, None).path)
    return build_report(catalogue, load(data_source(None).path, catalogue=catalogue))


# ------------------------------------------------------------------ the headline
def test_the_headline_counts_are_the_results_counted_by_hand(report, results):
    h = report.headline()
    rag = results["rag"].value_counts()
    assert (
        (h.counts["rag_red"], h.counts["rag_amber"], h.counts["rag_green"])
        == (
            rag.get("red", 0),
            rag.get("amber", 0),
            rag.get("green", 0),
        )
        == (8, 2, 17)
    )
    polar = results["polarity"].isin(["high", "low", "range"])
    dot = results.loc[polar, "dot"].value_counts()
    assert (h.counts["dot_improved"], h.counts["dot_similar"], h.counts["dot_worse"]) == (
        dot.get("improved", 0),
        dot.get("similar", 0),
        dot.get("worse", 0),
    )
    red_worse = results[(results["rag"] == "red") & (results["dot"] == "worse")]["metric_id"].tolist()
    red_only = results[(results["rag"] == "red") & (results["dot"] != "worse")]["metric_id"].tolist()
    assert h.red_worsening["metric_id"].tolist() == red_worse  # dashboard order
    assert h.red["metric_id"].tolist() == red_only
    assert set(red_worse) == {"local_library_loans_junior", "ASCOF_5A1", "ASCOF_2A", "ASCOF_4A", "satisfaction"}
    assert h.layers["metrics"].sum() == len(results) and h.layers["rag_red"].sum() == 8


def test_rate_summary_writes_the_tallies_overall_and_by_layer(results):
    rows = list(csv.DictReader(io.StringIO(_invoke("rate", "--summary", "--format", "csv").stdout)))
    overall, layers = rows[0], rows[1:]
    assert (overall["by"], overall["theme"]) == ("none", "all")
    assert overall["dot_summary"] == "10 improved, 9 similar, 5 worse"  # "75 improved, 36 similar, 60 worse" style
    assert int(overall["red_worsening"]) == 5
    assert [r["theme"] for r in layers] == list(pd.unique(results["layer"]))
    for column in ("metrics", "rag_red", "rag_green", "dot_worse", "red_worsening"):
        assert sum(int(r[column]) for r in layers) == int(overall[column]), column
    same = list(csv.DictReader(io.StringIO(_invoke("tally", "--format", "csv").stdout)))[0]
    assert {k: same[k] for k in same} == {k: overall[k] for k in same}  # one rule: tally's
    text = " ".join(_invoke("rate", "--summary").stdout.split())
    assert "8 worse (red)" in text and "Red and getting worse (5)" in text
    assert CliRunner().invoke(cli, ["rate", "--summary", "-o", "x.xlsx"]).exit_code == 1


def test_only_and_sort_keep_and_order_rows_by_one_rule():
    from ascbench.cli.common import ONLY_CHOICES, SORT_CHOICES
    from ascbench.engine.headline import ONLY, SORTS

    assert ONLY_CHOICES == tuple(ONLY) and SORT_CHOICES == tuple(SORTS)
    red = pd.read_csv(io.StringIO(_invoke("rate", "--only", "red", "--format", "csv").stdout))
    assert set(red["rag"]) == {"red"} and len(red) == 8
    worsening = pd.read_csv(io.StringIO(_invoke("rate", "--only", "red-worsening", "--format", "csv").stdout))
    assert len(worsening) == 5 and set(worsening["dot"]) == {"worse"}
    improved = pd.read_csv(io.StringIO(_invoke("rate", "--only", "improved", "--format", "csv").stdout))
    assert set(improved["dot"]) == {"improved"} and len(improved) == 10
    by_rating = pd.read_csv(io.StringIO(_invoke("rate", "--sort", "rating", "--format", "csv").stdout))
    order = {"red": 0, "amber": 1, "green": 2, "blue": 3, "grey": 4}
    keys = by_rating["rag"].map(order).fillna(5).tolist()
    assert keys == sorted(keys) and by_rating["rag"].iloc[0] == "red"
    by_rank = pd.read_csv(io.StringIO(_invoke("rate", "--sort", "rank", "--format", "csv").stdout))
    share = (by_rank["rank"] / by_rank["rank_of"]).dropna().tolist()
    assert share == sorted(share, reverse=True) and by_rank["metric_id"].iloc[0] == "ASCOF_3C1"  # 142nd of 151
    assert by_rank["rank"].iloc[len(share) :].isna().all()  # unranked last


# ------------------------------------------------------------------ the terminal
@pytest.mark.parametrize("width", [80, 100, 160])
def test_compact_view_is_one_line_per_metric_within_the_width(results, width):
    out = _invoke("rate", "--width", str(width), "--no-color").stdout
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= width
    assert lines[0] == "Leicestershire (E10000018) - as at 2025-26-YTD-Q3 (Apr-Dec 2025)"
    head = next(i for i, line in enumerate(lines) if line.startswith("Metric "))
    assert "8 worse (red)" in " ".join(lines[:head]) and "Red and getting worse (5)" in " ".join(lines[:head])
    table = lines[head + 2 : lines.index("", head)]
    metric_lines = [line for line in table if not line.isupper()]
    assert len(metric_lines) == len(results)  # one line per metric, layer headings apart
    for line, r in zip(metric_lines, results.itertuples(), strict=True):
        assert line.startswith(f"{r.code} ")  # in dashboard order, the code whole
        assert ("✖ RED" in line) == (r.rag == "red")  # red by a shape and a word, not colour alone
    ranked = results.dropna(subset=["rank"])
    for r in ranked.itertuples():
        assert any(line.startswith(f"{r.code} ") and f"{int(r.rank)}/{int(r.rank_of)}" in line for line in table)


def test_compact_view_fits_80_columns_when_piped_and_long_keeps_the_detail():
    from tests.test_cli import _console_script

    env = {k: v for k, v in __import__("os").environ.items() if k != "COLUMNS"}
    proc = subprocess.run([_console_script(), "rate"], capture_output=True, text=True, cwd=ROOT, timeout=120, env=env)
    assert proc.returncode == 0 and max(len(x) for x in proc.stdout.splitlines()) <= 80
    assert len(proc.stdout.splitlines()) < 100  # was about 290 lines at 80 columns
    long = _invoke("rate", "--long", "--width", "80").stdout
    assert "(1,917 out" in long and len(long.splitlines()) > 200  # the counts, in a wrapped column


def test_colour_paints_the_rating_only():
    from ascbench.render.compact import render

    frame = pd.read_csv(io.StringIO(_invoke("rate", "--metric", "ASCOF_2A", "--format", "csv").stdout))
    painted = render(frame, colour=True, width=80)
    assert re.search("\x1b\\[1;31m✖ RED *\x1b\\[0m", painted) and painted.count("\x1b[") == 2


# ------------------------------------------------------------------ charts
def _type7(values, q):
    return float(np.quantile(np.asarray(values, dtype=float), q))  # numpy's default is type 7


def test_spine_chart_numbers_are_the_league_tables(report):
    from ascbench.render.spine_chart import spine_svg

    spine = report.spine("ASCOF_3C1")
    league = report.league("ASCOF_3C1")
    values = league["value"].dropna()
    assert spine["lowest"] == values.min() and spine["highest"] == values.max()
    assert spine["p25"] == pytest.approx(_type7(values, 0.25)) and spine["p75"] == pytest.approx(_type7(values, 0.75))
    assert spine["median"] == pytest.approx(_type7(values, 0.5))
    assert spine["national"] == pytest.approx(67.8, abs=0.05) and spine["rank"] == 142
    assert set(spine["neighbours"]) == set(report.neighbour_codes()) & set(league["area_code"])
    svg = spine_svg(spine, "ASCOF 3C1", "Leicestershire", "2024/25", "s", 1, "%", "red", standalone=True)
    root = ET.fromstring(svg)
    desc = root.find(f"{SVG}desc").text
    assert root.get("role") == "img" and root.find(f"{SVG}title").text == "ASCOF 3C1: spine chart, 2024/25"
    assert f"worst {values.min():.1f}%" in desc and f"best {values.max():.1f}%" in desc
    assert "England 67.8% (the centre line)" in desc and "Leicestershire 61.1%, 142nd of 151" in desc
    # England at the centre; worst at the left: the council (61.1%, below England) left of it
    line = next(e for e in root.iter(f"{SVG}line"))
    circle = next(e for e in root.iter(f"{SVG}circle"))
    assert float(line.get("x1")) == 140.0 and float(circle.get("cx")) < 140.0


def test_spine_chart_of_a_low_is_good_metric_runs_from_high_to_low(report):
    from ascbench.render.spine_chart import spine_svg

    spine = report.spine("ASCOF_2C")
    root = ET.fromstring(spine_svg(spine, "2C", "Leicestershire", "2024/25", "s", 1, "per 100k", "green", True))
    desc = root.find(f"{SVG}desc").text
    assert f"worst {spine['highest']:,.1f} per 100k" in desc  # the highest admissions rate is the worst
    circle = next(e for e in root.iter(f"{SVG}circle"))
    assert spine["value"] < spine["national"] and float(circle.get("cx")) > 140.0  # below England: better, right


def test_league_chart_axis_starts_near_the_data_and_marks_the_neighbours(report):
    from ascbench.render.league_chart import dashboard_charts

    svg = dashboard_charts(report)["ASCOF_3C1"]
    root = ET.fromstring(svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))
    ticks = [t.text for t in root.iter(f"{SVG}text") if t.text and re.fullmatch(r"\d+\.0%", t.text)]
    assert ticks and min(float(t[:-1]) for t in ticks) >= 50  # 3C1's councils lie above 50%: no axis from 0
    desc = root.find(f"{SVG}desc").text
    assert "Leicestershire 61.1%, ranked 142 of 151" in desc and "England 67.8%" in desc
    names = [report.area_names[c] for c in report.neighbour_codes()]
    assert "Nearest neighbours: " in desc and sum(n in desc for n in names) >= 14
    assert svg.count('fill="#4c2c92"') >= 14  # the neighbours' bars


def test_trend_chart_has_england_intervals_a_legend_and_breaks():
    from ascbench.render.trend_chart import trend_svg

    svg = trend_svg(
        ["20/21", "21/22", "22/23", "23/24"],
        [60.0, 62.0, 50.0, 55.0],
        [64.0, 63.5, 61.0, None],
        "Test metric",
        "Testshire",
        "t",
        1,
        "%",
        segments=[0, 0, 1, 1],
        lower=[58.0, 60.1, 48.0, 53.0],
        upper=[62.0, 63.9, 52.0, 57.0],
        standalone=True,
    )
    root = ET.fromstring(svg)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert {"Testshire", "England", "95% CI", "Year", "new definition"} <= set(texts)
    council = [p for p in root.iter(f"{SVG}polyline") if p.get("stroke") == "#0b0c0c"]
    assert len(council) == 2  # no line crosses the change of definition
    assert len(list(root.iter(f"{SVG}polygon"))) == 2  # an interval band each side
    desc = root.find(f"{SVG}desc").text
    assert "Testshire: 20/21: 60.0%; 21/22: 62.0%; 22/23: 50.0%; 23/24: 55.0%." in desc
    assert "21/22: 60.1% to 63.9%" in desc and "England: 20/21: 64.0%" in desc
    assert "The definition changed where the lines break." in desc


def _spc_data(tmp_path, rebase: str = ""):
    """RQM's monthly A&E breaches (NHSRplotthedots' README example) as a local measure."""
    ae = pd.read_csv(material("reference", "nhsrplotthedots", "ae_attendances_type1_RQM_RRK.csv"))
    ae = ae[(ae["org_code"] == "RQM") & (ae["period"] < "2018-04-01")]
    data = tmp_path / "data"
    data.mkdir()
    rows = [
        f"RQM,{pd.Timestamp(p).strftime('%Y-%b')},breaches,{b}"
        for p, b in zip(ae["period"], ae["breaches"], strict=True)
    ]
    (data / "observations.csv").write_text("area_code,period,measure,value\n" + "\n".join(rows) + "\n")
    (data / "areas.csv").write_text("area_code,area_name,area_type\nRQM,Chelsea and Westminster,unitary\n")
    (data / "dataset.yaml").write_text("title: SPC\ndefault_area: RQM\n")
    catalogue = tmp_path / "m.yaml"
    catalogue.write_text(
        "metrics:\n  - id: breaches\n    code: AE1\n    title: A&E four-hour breaches\n    statistic: count\n"
        f"    numerator: breaches\n    polarity: low\n    decimals: 0\n{rebase}"
    )
    return catalogue, data, ae


def test_spc_chart_is_wired_in_and_renders_the_published_example(tmp_path):
    catalogue, data, _ = _spc_data(tmp_path)
    _invoke("dashboard", "--catalogue", str(catalogue), "--data", str(data), "--out", str(tmp_path / "site"))
    page = (tmp_path / "site" / "dashboard.html").read_text()
    desc = re.search(r'<desc id="spc-breaches-d">([^<]*)</desc>', page).group(1)
    # the README figure's numbers (tests/test_spc_chart.py draws the same from stats.xmr directly)
    assert "24 points from Apr 2016 to Mar 2018. Mean 1,545, process limits 740 to 2,350" in desc
    assert "4 special cause points (2 improvement, 2 concern)" in desc
    assert "Latest Mar 2018: 1,564, common cause. Variation: common cause." in desc
    assert "More charts: SPC chart" in page


def test_spc_limits_are_recalculated_only_where_the_catalogue_says(tmp_path):
    from ascbench import stats
    from ascbench.catalogue import load_catalogue
    from ascbench.engine import build_report
    from ascbench.engine.data import load

    catalogue, data, ae = _spc_data(tmp_path, "    spc_rebase: [2017-Apr]\n")
    c = load_catalogue(catalogue)
    points, summary = build_report(c, load(data, catalogue=c)).spc("breaches")
    assert points["rebase_group"].nunique() == 2 and len(points) == 24
    expected, expected_summary = stats.xmr(
        ae["breaches"].to_numpy(dtype=float),
        pd.to_datetime(ae["period"]),
        polarity="low",
        rebase=[pd.Timestamp("2017-04-01")],
    )
    assert points["upl"].to_numpy() == pytest.approx(expected["upl"].to_numpy())
    assert summary["mean"].iloc[0] == pytest.approx(expected_summary["mean"].iloc[0])
    bad = tmp_path / "bad.yaml"
    bad.write_text(catalogue.read_text().replace("2017-Apr", "April"))
    out = CliRunner().invoke(cli, ["rate", "--catalogue", str(bad), "--data", str(data)])
    assert out.exit_code == 1 and "spc_rebase" in out.stderr and "bad.yaml" in out.stderr


def test_no_spc_chart_for_a_short_series(report):
    assert report.spc("ASCOF_2A") == (None, None)  # nine years: no monthly series of 15


# ------------------------------------------------------------------ the page, the workbook, PNG
@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("glance")
    _invoke("dashboard", "--out", str(out))
    return out


def test_the_page_opens_on_the_headline_and_layers_collapse(site):
    page = (site / "dashboard.html").read_text()
    main = page[page.index("<main>") :]
    assert main.index('<section class="headline"') < main.index("<details")  # the headline first
    assert re.search(r'<li class="red"><b>8</b>', page) and re.search(r'<li class="worse"><b>5</b>', page)
    assert page.count('<details class="layer"') == 4 and '<details class="layer" id="layer-1" open' not in page
    for metric in ("ASCOF-2A", "ASCOF-4A", "ASCOF-5A1"):  # each red-and-worsening metric links to its row
        assert f'href="#m-{metric}-E10000018"' in page and f'id="m-{metric}-E10000018"' in page
    assert page.count('id="spine-') >= 14 and 'id="rug-t"' in page and page.count('id="trend-') >= 10
    assert "details::details-content{content-visibility:visible" in page  # print opens every layer


def test_a_dashboard_of_the_red_metrics_keeps_the_whole_headline(tmp_path):
    _invoke("dashboard", "--only", "red", "--out", str(tmp_path))
    page = (tmp_path / "dashboard.html").read_text()
    rows = pd.read_csv(tmp_path / "dashboard.csv")
    assert set(rows["rag"]) == {"red"} and len(rows) == 8
    assert page.count('<tr id="m-') == 8 and re.search(r'<li class="green"><b>17</b>', page)


def test_workbook_headline_sheet_charts_and_results_formats(site):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(site / "dashboard.xlsx")
    assert book.sheetnames[0] == "Headline" and {"Dashboard", "Results", "Trends", "Trend charts"} <= set(
        book.sheetnames
    )
    head = book["Headline"]
    cells = {r[0]: r[1] for r in head.iter_rows(values_only=True) if r[0]}
    assert cells["Red (worse than the comparator)"] == 8 and cells["Improved since last year"] == 10
    assert "Red and getting worse (5)" in cells and len(head._charts) == 1
    trends = book["Trends"]
    names = [r[0] for r in trends.iter_rows(values_only=True) if isinstance(r[1], str)]  # a block's header
    assert len(book["Trend charts"]._charts) == len(names) >= 10  # one line chart per metric with years
    results = book["Results"]
    assert results.auto_filter.ref.startswith("A4:")
    header = [c.value for c in results[4]]
    row = next(r for r in results.iter_rows(min_row=5) if r[0].value == "ASCOF_2A")
    value = row[header.index("value")]
    assert value.value == pytest.approx(1917 / 2749 * 100) and value.number_format == '#,##0.0"%"'
    assert row[header.index("numerator")].number_format == "#,##0"


def test_chart_as_png_is_an_image_the_same_each_time(tmp_path):
    one, two = tmp_path / "one.png", tmp_path / "two.png"
    for path in (one, two):
        _invoke("rank", "--metric", "ASCOF_3C1", "--chart", str(path))
    data = one.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data == two.read_bytes()
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (960, 380)  # the 480 x 190 chart at twice its size
    bad = CliRunner().invoke(cli, ["rank", "--metric", "ASCOF_3C1", "--chart", str(tmp_path / "x.gif")])
    assert bad.exit_code == 1 and ".png" in bad.stderr


# ------------------------------------------------------------------ CLD views on the dashboard
def test_cld_views_reach_the_dashboard_from_cld_out(tmp_path):
    from ascbench.cld.synth import synthesise

    extract = tmp_path / "extract.csv"
    synthesise(extract, 1500, 3, "503")  # Lincolnshire's CASSR code: E10000019 in areas.csv
    _invoke("cld", str(extract), "--period", "2025-26", "--out", str(tmp_path / "d"))
    _invoke("dashboard", "--data", str(tmp_path / "d"), "--out", str(tmp_path / "site"))
    page = (tmp_path / "site" / "dashboard.html").read_text()
    waits = pd.read_csv(tmp_path / "d" / "cld-waiting-times.csv")
    first = waits[(waits["measure"] == "Wait time to first response") & (waits["age_band"] == "all")].iloc[0]
    assert "<h2>Client Level Data: waiting times and data quality</h2>" in page
    assert f"{first['quarter']}: median {first['median_days']:g}, 90th percentile {first['p90_days']:g} days" in page
    assert 'id="cld-dq-t">CLD data quality by field, 2025-26 Q4' in page
    assert 'id="cld-wait-spc' not in page  # four quarters: too few for an SPC chart


def test_cld_waits_of_fifteen_quarters_or_more_get_an_spc_chart():
    from ascbench import stats
    from ascbench.render.cld_charts import waiting_spc_svg

    medians = [30, 32, 29, 35, 31, 33, 30, 28, 36, 34, 31, 30, 29, 45, 33, 32]
    quarters = [f"{2021 + i // 4}-{22 + i // 4} Q{i % 4 + 1}" for i in range(16)]
    frame = pd.DataFrame(
        {
            "area_code": "E1",
            "quarter": quarters,
            "quarter_start": pd.date_range("2021-04-01", periods=16, freq="QS-APR"),
            "measure": "Wait time to first response",
            "age_band": "all",
            "median_days": medians,
        }
    )
    svg = waiting_spc_svg(frame, "E1", standalone=True)
    _, summary = stats.xmr(medians, quarters, polarity="low")
    desc = ET.fromstring(svg).find(f"{SVG}desc").text
    assert f"16 points from {quarters[0]} to {quarters[-1]}" in desc
    assert f"Mean {summary['mean'].iloc[0]:,.0f}, process limits {summary['lpl'].iloc[0]:,.0f} to" in desc
    assert waiting_spc_svg(frame.head(14), "E1") is None
