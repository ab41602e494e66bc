"""The dashboard as files: four outputs, reproducible, atomic; the workbook read back; the
HTML page in a real headless browser; narrative sentences; the audit trail; the CI example."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from ascbench.cli import cli
from tests.conftest import ROOT

FILES = ["dashboard.html", "dashboard.md", "dashboard.xlsx", "dashboard.csv"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    result = CliRunner().invoke(cli, ["dashboard", "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    return out


def test_four_files_and_every_metric(site, catalogue):
    assert sorted(p.name for p in site.iterdir()) == sorted(FILES)
    html = (site / "dashboard.html").read_text()
    md = (site / "dashboard.md").read_text()
    for m in catalogue.metrics:
        assert m.title.replace("&", "&amp;").replace("'", "&#x27;") in html
        assert m.title in md
    assert "<script" not in html and "http://" not in html and "https://" not in html  # self-contained
    assert html.count("<svg") >= 2  # trend charts where a council has two or more years
    for heading in ("Prevent need", "Reduce need", "Delay need", "Meet need"):
        assert f"<h2>{heading}</h2>" in html


def test_regenerating_gives_identical_bytes(site, tmp_path):
    again = tmp_path / "again"
    assert CliRunner().invoke(cli, ["dashboard", "--out", str(again)]).exit_code == 0
    for name in FILES:
        assert (site / name).read_bytes() == (again / name).read_bytes(), name


def test_stamp_is_opt_in(tmp_path):
    assert CliRunner().invoke(cli, ["dashboard", "--out", str(tmp_path), "--stamp"]).exit_code == 0
    assert "Generated 20" in (tmp_path / "dashboard.html").read_text()


def test_a_failed_run_leaves_the_previous_dashboard_intact(site, tmp_path, monkeypatch):
    out = tmp_path / "site"
    shutil.copytree(site, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    from ascbench.render import xlsx

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(xlsx, "render_bytes", broken)
    result = CliRunner().invoke(cli, ["dashboard", "--out", str(out)])
    assert result.exit_code == 70 and "internal error" in result.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # nothing written, no temp files


def test_workbook_fills_number_formats_and_frozen_header(site):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(site / "dashboard.xlsx")
    sheet = book["Dashboard"]
    # title rows (title, area, as at), then the header, frozen and repeated on every printed page
    assert [sheet.cell(row=i, column=1).value for i in (1, 2, 3)] == [
        "Leicestershire County Council - adult social care, position at quarter 3 2025/26",
        "Leicestershire (E10000018)",
        "as at 2025-26-YTD-Q3 (Apr-Dec 2025)",
    ]
    assert sheet.freeze_panes == "A5"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth in (None, 1)  # 1: the default
    assert sheet.page_setup.fitToHeight == 0  # one page wide, as many tall as it takes
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.print_title_rows == "$4:$4"
    headers = [c.value for c in sheet[4]]
    rows = {r[3].value: r for r in sheet.iter_rows(min_row=5)}
    col = {h: i for i, h in enumerate(headers)}
    a2 = rows["% of people who had no need for ongoing services following reablement"]
    assert isinstance(a2[col["Value"]].value, float) and a2[col["Value"]].value == pytest.approx(1917 / 2749 * 100)
    assert a2[col["Value"]].number_format == '#,##0.0"%"'
    assert a2[col["Numerator"]].value == 1917 and a2[col["Numerator"]].number_format == "#,##0"
    assert a2[col["Rating"]].value == "worse" and a2[col["Rating"]].fill.fgColor.rgb.endswith("D4351C")
    heritage = rows["Heritage visits"]
    assert heritage[col["Value"]].value == 119244 and heritage[col["Value"]].number_format == '#,##0.0,"k"'
    assert heritage[col["Rating"]].fill.fgColor.rgb.endswith("FFDD00")  # amber
    # a true blank where there is nothing to say (a metric with no comparator), never ""
    assert all(r[col["Comparator"]].value != "" for r in rows.values())
    assert any(r[col["Comparator"]].value is None for r in rows.values())
    results = book["Results"]
    assert [c.value for c in results[4]][:3] == ["metric_id", "code", "title"]
    assert results.freeze_panes == "A5" and results.print_title_rows == "$4:$4"
    assert results.column_dimensions["C"].width > 20  # the titles' column is sized to them


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def test_html_page_in_a_headless_browser(site, tmp_path, catalogue):
    browser = _chromium()
    if browser is None:
        pytest.skip("no Chromium on this machine: .ci/run installs Debian's chromium; install it to run this test")
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--enable-logging=stderr",
        "--v=0",
    ]
    url = (site / "dashboard.html").as_uri()
    shot = tmp_path / "dashboard.png"
    env = {**os.environ, "HOME": str(tmp_path)}
    done = subprocess.run(
        [browser, *flags, "--window-size=1400,4000", f"--screenshot={shot}", url],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert shot.exists() and shot.stat().st_size > 50_000, done.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    dom = subprocess.run([browser, *flags, "--dump-dom", url], capture_output=True, text=True, timeout=120, env=env)
    assert dom.returncode == 0
    for m in catalogue.metrics:
        if "appendix-a" in m.tags:
            assert m.title.replace("&", "&amp;") in dom.stdout, m.id
    console = [
        line
        for line in (done.stderr + dom.stderr).splitlines()
        if "CONSOLE" in line or "Uncaught" in line or "Failed to load resource" in line
    ]
    assert console == []


def _axe_core() -> str | None:
    """axe-core's script: $AXE_CORE_JS (.ci/run installs it with npm), or a node_modules copy."""
    candidates = [os.environ.get("AXE_CORE_JS", ""), str(ROOT / "node_modules" / "axe-core" / "axe.min.js")]
    return next((c for c in candidates if c and Path(c).is_file()), None)


AXE_PROBE = """<script>{axe}</script><script>
window.addEventListener('load', function () {{
  axe.run(document, {{runOnly: {{type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}}}})
    .then(function (r) {{
      var p = document.createElement('pre'); p.id = 'axe-result';
      p.textContent = JSON.stringify({{violations: r.violations.map(function (v) {{
        return {{id: v.id, nodes: v.nodes.slice(0, 3).map(function (n) {{ return n.target.join(' '); }})}}; }}),
        scroll: document.documentElement.scrollWidth, width: window.innerWidth}});
      document.body.appendChild(p);
    }});
}});
</script>"""


@pytest.mark.parametrize("width", [1280, 500])
def test_html_passes_axe_wcag22_aa_and_never_scrolls_sideways(site, tmp_path, width):
    """axe-core (WCAG 2.0-2.2 A and AA rules) in headless Chromium finds no violation, at a
    desktop width and at the narrowest window headless Chromium opens (500 px; the phone
    layout applies below 960 px, so a 390 px phone sees the same cards); the page is never
    wider than the window."""
    import html as html_module
    import re

    browser, axe = _chromium(), _axe_core()
    if browser is None or axe is None:
        pytest.skip("needs Chromium and axe-core (.ci/run installs both; npm install axe-core to run it here)")
    page = tmp_path / "probe.html"
    text = (site / "dashboard.html").read_text()
    page.write_text(text.replace("</body>", AXE_PROBE.format(axe=Path(axe).read_text()) + "</body>"))
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        f"--window-size={width},2000",
        "--virtual-time-budget=30000",
    ]
    dom = subprocess.run(
        [browser, *flags, "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    found = re.search(r'<pre id="axe-result">(.*?)</pre>', dom.stdout, re.S)
    assert found, dom.stderr[-2000:]
    result = json.loads(html_module.unescape(found.group(1)))
    assert result["violations"] == []
    assert result["scroll"] <= result["width"]


def test_html_structure_for_screen_readers(site):
    page = (site / "dashboard.html").read_text()
    assert "<main>" in page and "</main>" in page
    assert page.count("<table") == page.count("<caption>") > 5  # every table has a caption (the headline's too)
    assert '<th scope="col">Direction of travel</th>' in page and '<th scope="row"' in page
    assert 'href="#note-' in page and 'id="note-' in page  # footnote marks link to their notes
    assert "England average 2024/25: 77.1%" in page  # words, not "24/25 Nat. Ave"
    assert '<span aria-hidden="true">▼</span> worse' in page
    assert "@media screen and (max-width:960px)" in page and "@media print" in page  # print keeps the tables


def test_narrative_sentence_as_the_report_writes_it():
    out = CliRunner().invoke(cli, ["narrate", "--metric", "ASCOF_2A"])
    assert out.exit_code == 0
    # para 14 reads "this was 73.7% ... slightly below the national average": the sentence now has
    # its subject, and a measure the dashboard rates red (worse) is "below", never "slightly below"
    assert out.stdout.startswith(
        "In Leicestershire, the percentage of people who had no need for ongoing services following "
        "reablement was 73.7% (2,067 out of 2,805) in 2024/25, below the national average "
        "of 77.1%."
    )
    # para 14 goes on: 'For the 12 months to September 2025, ASCOF 2A fell to 69.7% (1,917 out of 2,749)'
    assert "For the 12 months to Sep 2025, this fell to 69.7% (1,917 out of 2,749)." in out.stdout


def test_default_templates_and_report_wording():
    out = (
        CliRunner()
        .invoke(
            cli, ["narrate", "--metric", "ASCOF_2D", "--metric", "local_heritage_visits", "--metric", "new_contacts"]
        )
        .stdout
    )
    # para 14: 'Leicestershire recorded 58.7% (1,201 out of 2,046) in 2024/25, close to the national figure of 60.7%'
    # the report says "close to"; 58.70 is 2.0001 below 60.7, outside the tolerance of 2, so the
    # dashboard rates it red and the sentence says "below" (the words follow the rating)
    assert "58.7% (1,201 out of 2,046) in 2024/25, below the national average of 60.7%" in out
    assert "heritage visits numbered 119.2 thousand in Apr-Dec 2025, close to the milestone of 121.6 thousand" in out
    assert "new contacts (six months) numbered 16,420 in the 6 months to Dec 2025." in out


def test_explain_shows_the_whole_path():
    out = CliRunner().invoke(cli, ["explain", "ASCOF_4B", "--period", "2024-25"]).stdout
    assert "numerator   ascof_4b.num = 650 [rounded]" in out and "observations-national-ascof.csv" in " ".join(
        out.split()
    )
    assert "value        the published value 95.3%: the counts 650 / 680 are rounded" in out
    assert "check        the published 95.3 is one the rounded counts allow" in out
    assert "warning" not in out
    assert "24/25 Nat. Ave. = 91.2%" in out and "better (green)" in out
    assert "interval     95% 93.772 to 96.892" in out and "(Wilson (rounded counts))" in " ".join(out.split())


def test_ci_example_is_valid_yaml_and_runs_the_dashboard():
    workflow = yaml.safe_load((ROOT / "examples" / "dashboard.yml").read_text())
    triggers = workflow[True] if True in workflow else workflow["on"]  # YAML 1.1 reads 'on' as true
    assert triggers["schedule"][0]["cron"] == "0 6 * * 1"
    runs = [s.get("run", "") for s in workflow["jobs"]["dashboard"]["steps"]]
    assert any("ascbench dashboard --out site/" in r for r in runs)
    assert any("ascbench validate" in r for r in runs)
    assert (ROOT / "examples" / "dashboard.yml").read_text().strip() in (ROOT / "docs" / "ci-dashboard.md").read_text()
    steps = workflow["jobs"]["dashboard"]["steps"]
    assert not any(s.get("continue-on-error") for s in steps)  # a red rating must fail the job
    upload = next(i for i, s in enumerate(steps) if "upload-artifact" in s.get("uses", ""))
    assert steps[upload].get("if") == "always()"
    gate = next(i for i, s in enumerate(steps) if "--fail-on" in s.get("run", ""))
    assert upload < gate and all(s.get("if") == "always()" for s in steps[gate + 1 :])
    restore = next(i for i, s in enumerate(steps) if "cache/restore" in s.get("uses", ""))
    save = next(i for i, s in enumerate(steps) if "cache/save" in s.get("uses", ""))
    assert restore < gate < save and steps[restore]["with"]["path"] == steps[save]["with"]["path"] == "previous/"


def _example_step(word: str) -> list[str]:
    """The arguments of the example workflow's step whose command has ``word``, without the
    program."""
    import shlex

    steps = yaml.safe_load((ROOT / "examples" / "dashboard.yml").read_text())["jobs"]["dashboard"]["steps"]
    run = next(s["run"] for s in steps if word in s.get("run", "") and "ascbench" in s["run"])
    args = shlex.split(run)
    assert args[0] == ".venv/bin/ascbench"
    return args[1:]


def test_ci_example_gate_passes_on_the_embedded_data_and_trips_on_a_new_red(tmp_path, monkeypatch):
    """The example's gate means action: run as the workflow runs it on the embedded data, with
    the previous run's ratings, it passes (eight metrics are red, none newly); with ratings from
    before ASCOF 2A and junior loans turned red, it fails with status 3 and names them."""
    import pandas as pd

    monkeypatch.chdir(tmp_path)
    keep = _example_step("-o site/ratings.csv")
    assert CliRunner().invoke(cli, keep).exit_code == 0
    (tmp_path / "previous").mkdir()
    shutil.copy(tmp_path / "site" / "ratings.csv", tmp_path / "previous" / "ratings.csv")
    ratings = pd.read_csv(tmp_path / "site" / "ratings.csv")
    assert (ratings["rag"] == "red").sum() == 8  # --fail-on red would fail every week
    gate = _example_step("--fail-on")
    out = CliRunner().invoke(cli, gate)
    assert out.exit_code == 0, out.stderr
    before = ratings.copy()
    before.loc[before["metric_id"].isin(["ASCOF_2A", "local_library_loans_junior"]), "rag"] = "amber"
    before.to_csv(tmp_path / "previous" / "ratings.csv", index=False)
    out = CliRunner().invoke(cli, gate)
    assert out.exit_code == 3
    assert "--fail-on new-red: local_library_loans_junior, ASCOF_2A" in out.stderr


def test_red_worsening_gate_names_red_metrics_whose_direction_is_worse():
    out = CliRunner().invoke(cli, ["rate", "--format", "csv", "--fail-on", "red-worsening"])
    assert out.exit_code == 3
    import io

    import pandas as pd

    table = pd.read_csv(io.StringIO(out.stdout))
    expected = table[(table["rag"] == "red") & (table["dot"] == "worse")]["metric_id"].tolist()
    assert len(expected) == 5 and out.stderr.strip().endswith(", ".join(expected))
    assert CliRunner().invoke(cli, ["rate", "--fail-on", "new-red"]).exit_code == 2  # needs --since


def test_colour_only_on_a_terminal_and_no_color(monkeypatch):
    from ascbench.cli.common import use_colour

    monkeypatch.delenv("NO_COLOR", raising=False)
    out = CliRunner().invoke(cli, ["rate", "--metric", "ASCOF_2A"]).stdout
    assert "\x1b[" not in out  # not a terminal
    monkeypatch.setenv("NO_COLOR", "1")
    assert use_colour(False) is False
    assert Path(ROOT / "examples").is_dir()


def test_every_default_sentence_reads_as_a_committee_member_would_write_it():
    import re

    from ascbench.catalogue import load_catalogue
    from ascbench.sources import catalogue_source

    out = CliRunner().invoke(cli, ["narrate"])
    assert out.exit_code == 0
    paragraphs = [p for p in out.stdout.split("\n\n") if p.strip()]
    catalogue = load_catalogue(catalogue_source(None).path)
    assert len(paragraphs) == len(catalogue.metrics)
    ratings = {r["metric_id"]: r for r in json.loads(CliRunner().invoke(cli, ["rate", "--format", "json"]).stdout)}
    for _m, text in zip(catalogue.metrics, paragraphs, strict=True):
        text = " ".join(text.split())
        assert text.endswith(".") and ". was" not in text and " ." not in text, text
        assert not re.search(r"\bthis (was|fell|rose)\b", text.split(". ")[0]), text  # a subject, not "this"
        assert not re.search(r"per [\d,]+ .*per 100k", text), text  # the unit said once
        assert not re.search(r"\bnumber of [^.]* numbered\b", text), text
        assert "In Leicestershire, Leicestershire" not in text and "In Leicestershire, leicestershire" not in text
        first = text.split(", ", 1)[1] if text.startswith("In ") else text
        assert not first[:1].isupper() or first.split()[0] in ("ASCOF", "Leicestershire"), text
    # the words never contradict the rating in the sentence's own period (the current one here)
    for mid in ("ASCOF_2D", "local_library_loans_junior"):
        row = ratings[mid]
        said = CliRunner().invoke(cli, ["narrate", "--metric", mid]).stdout
        if row["rating"] in ("better", "worse") and "For " not in said:
            assert "close to" not in said and "slightly" not in said


def test_the_title_follows_the_reporting_period(tmp_path):
    """dataset.yaml's title says {quarter}: the Q3 2024/25 dashboard is headed so, not with the
    seed report's 'quarter 3 2025/26'."""
    out = CliRunner().invoke(cli, ["dashboard", "--out", str(tmp_path), "--period", "2024-25-YTD-Q3"])
    assert out.exit_code == 0, out.stderr
    html = (tmp_path / "dashboard.html").read_text()
    assert "position at quarter 3 2024/25</h1>" in html and "2025/26</h1>" not in html
    assert "position at quarter 3 2024/25" in (tmp_path / "dashboard.md").read_text()
    from ascbench.render.display import quarter_words

    assert [quarter_words(p) for p in ("2022-23-YTD-Q1", "2025-26-Q2", "2025-26-YTD-Nov", "2024-25")] == [
        "quarter 1 2022/23",
        "quarter 2 2025/26",
        "Apr-Nov 2025",
        "2024/25",
    ]
