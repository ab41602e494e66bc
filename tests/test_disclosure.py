"""Publication-safe outputs (--publish, ascbench.engine.disclosure): every command and format
is searched for small counts planted in the data, and a property test checks with an
independent linear-algebra "attacker" that no suppressed count can be worked out from what
is shown, for random counts of councils, their region and England, a proportion with its
part and total, and nested periods."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ascbench.cli import cli
from ascbench.engine.disclosure import PRESETS, DisclosureRule, protect_observations, rule_from
from tests.conftest import DEFAULT_CATALOGUE, DEFAULT_DATA

NOTE = "Disclosure control (nhs-england)"
# planted in a copy of the embedded data: each would be printed without --publish
PLANTS = {
    # ASCOF 2B, 12 months to Sep 2025: 5 admissions of people aged 18-64 (a small count)
    ("E10000018", "R12-2025-Sep", "ascof_2b.num"): "5",
    ("E10000018", "R12-2025-Sep", "ascof_2b.published"): "1.1",
    # annual reviews at 31 Dec 2025: 5,280 of 5,287 (7 people without a review: the rest is small)
    ("E10000018", "2025-12-31", "annual_review.num"): "5280",
    ("E10000018", "2025-12-31", "annual_review.published"): "99.9",
    # new contacts from a hospital discharge, six months to December 2025: 3 (a count shown
    # by itself and as the numerator of a share of all new contacts)
    ("E10000018", "R6-2025-Dec", "new_contacts_hospital"): "3",
}
FORBIDDEN = ["1.1 per 100k", "5,280 out of 5,287", "99.9%", "3 out of 16,420"]
PLANTED_METRICS = ["ASCOF_2B", "local_annual_review", "new_contacts_hospital", "new_contacts_hospital_share"]
PAIRS = re.compile(r"\((\d[\d,]*) out of (\d[\d,]*)\)")


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """A copy of the embedded data with the small counts of :data:`PLANTS`."""
    target = tmp_path_factory.mktemp("planted") / "data"
    shutil.copytree(DEFAULT_DATA, target)
    path = target / "observations-leicestershire.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        lines = fh.read().splitlines()
    done = set()
    out = []
    for line in lines:
        cells = next(csv.reader([line])) if line and not line.startswith("#") else None
        key = tuple(cells[:3]) if cells and len(cells) > 3 else None
        if key in PLANTS:
            cells[3] = PLANTS[key]
            done.add(key)
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="").writerow(cells)
            line = buffer.getvalue()
        out.append(line)
    assert done == set(PLANTS)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return target


def _run(args, data, publish=True):
    out = CliRunner().invoke(
        cli, [*args, "--catalogue", str(DEFAULT_CATALOGUE), "--data", str(data), *(["--publish"] if publish else [])]
    )
    assert out.exit_code == 0, out.output
    return out.stdout


def _small(n: float, threshold: int = 8) -> bool:
    return 0 < n < threshold


def _check_text(text: str, *, rounded: bool = True) -> None:
    """No planted figure, every "(N out of M)" pair rounded to 5 and none small, the note."""
    for word in FORBIDDEN:
        assert word not in text, word
    for num, den in PAIRS.findall(text):
        n, d = int(num.replace(",", "")), int(den.replace(",", ""))
        assert not _small(n) and not _small(d) and not _small(d - n), (num, den)
        if rounded:
            assert n % 5 == 0 and d % 5 == 0, (num, den)
    assert NOTE in " ".join(text.split())


TEXT_COMMANDS = [
    ["rate", "--width", "200"],
    ["rate", "--format", "markdown"],
    ["narrate"],
    *[["explain", m, "--width", "200"] for m in PLANTED_METRICS],
    ["gap", "--metric", "ASCOF_2B", "--metric", "local_annual_review", "--to", "value:50", "--width", "300"],
    ["gap", "--metric", "ASCOF_2A", "--to", "top-quartile", "--words"],
]


@pytest.mark.parametrize("args", TEXT_COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_text_outputs_show_no_small_count(planted, args):
    plain = " ".join(_run(args, planted, publish=False).split())
    if args[0] in ("rate", "narrate"):  # without --publish the planted figures are there: the search can fail
        assert sum(word in plain for word in FORBIDDEN) >= 2
    assert NOTE not in plain
    _check_text(_run(args, planted))


def test_csv_and_json_results_have_no_small_count_and_say_the_rule(planted):
    for fmt in ("csv", "json"):
        text = _run(["rate", "--format", fmt], planted)
        frame = pd.read_csv(io.StringIO(text)) if fmt == "csv" else pd.DataFrame(json.loads(text))
        counted = frame[frame["statistic"].isin(["proportion", "rate", "count"])]
        for column in ("numerator", "denominator"):
            cells = counted[column]
            if column == "denominator":
                cells = cells[counted["statistic"] == "proportion"]  # a rate's is a population
            cells = cells.dropna().astype(float)
            assert not cells.map(_small).any() and (cells % 5 == 0).all(), column
        planted_rows = frame.set_index("metric_id").loc[PLANTED_METRICS]
        assert (planted_rows["status"] == "suppressed").all() and planted_rows["value"].isna().all()
        assert planted_rows["numerator"].isna().all()
        assert frame["disclosure"].str.startswith(NOTE).all()
        for word in ("5280", "5,280", "99.9"):
            assert word not in text


def test_dashboard_files_show_no_small_count(planted, tmp_path):
    import openpyxl

    out = tmp_path / "site"
    plain = tmp_path / "plain"
    _run(["dashboard", "--out", str(plain)], planted, publish=False)
    _run(["dashboard", "--out", str(out)], planted)
    assert "5,280 out of 5,287" in (plain / "dashboard.html").read_text(encoding="utf-8")
    for name in ("dashboard.html", "dashboard.md"):
        _check_text((out / name).read_text(encoding="utf-8"))
    frame = pd.read_csv(out / "dashboard.csv")
    assert frame.set_index("metric_id").loc[PLANTED_METRICS, "status"].eq("suppressed").all()
    book = openpyxl.load_workbook(out / "dashboard.xlsx", read_only=True)
    sheet = list(book["Dashboard"].iter_rows(values_only=True))
    header = sheet[3]
    numerators = [
        r[header.index("Numerator")] for r in sheet[4:] if r and isinstance(r[header.index("Numerator")], float | int)
    ]
    assert numerators and all(n % 5 == 0 and not _small(n) for n in numerators)
    assert any(isinstance(c, str) and c.startswith(NOTE) for r in sheet for c in r if c)
    results = list(book["Results"].iter_rows(values_only=True))
    head = results[3]
    rows = [dict(zip(head, r, strict=False)) for r in results[4:]]
    planted_rows = [r for r in rows if r["metric_id"] in PLANTED_METRICS]
    assert len(planted_rows) == len(PLANTED_METRICS) and all(r["value"] is None for r in planted_rows)
    assert all(r["disclosure"].startswith(NOTE) for r in rows)


def test_rank_drops_councils_with_small_counts(planted):
    """The embedded ASCOF 2024-25 file holds real small counts: councils whose 2B numerator
    (admissions of people aged 18-64) is from 1 to 7 are ranked without --publish, not with it."""
    with open(DEFAULT_DATA / "observations-national-ascof.csv", encoding="utf-8") as fh:
        small = {
            r["area_code"]
            for r in csv.DictReader(fh)
            if r["period"] == "2024-25" and r["measure"] == "ascof_2b.num" and r["value"] and _small(float(r["value"]))
        }
    assert len(small) >= 3  # Halton and Kensington and Chelsea publish 5, Wokingham 7, ...
    args = ["rank", "--metric", "ASCOF_2B", "--period", "2024-25", "--format", "csv"]
    plain = pd.read_csv(io.StringIO(_run(args, planted, publish=False)))
    shown = pd.read_csv(io.StringIO(_run(args, planted)))
    assert small <= set(plain["area_code"])
    assert not small & set(shown["area_code"])
    assert shown["disclosure"].str.startswith(NOTE).all()
    table = _run(["rank", "--metric", "ASCOF_2B", "--period", "2024-25"], planted)
    assert NOTE in " ".join(table.split())


def test_dataset_yaml_publish_setting(planted, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(planted, data)
    settings = (data / "dataset.yaml").read_text(encoding="utf-8")
    (data / "dataset.yaml").write_text(settings + "publish: dhsc-cld\n", encoding="utf-8")
    text = _run(["rate", "--format", "csv"], data, publish=False)  # always on: no --publish needed
    frame = pd.read_csv(io.StringIO(text)).set_index("metric_id")
    assert frame["disclosure"].str.startswith("Disclosure control (dhsc-cld)").all()
    assert frame.loc["ASCOF_2A", "numerator"] == 1917  # DHSC's rule: exact counts from 6
    small = ["ASCOF_2B", "new_contacts_hospital", "new_contacts_hospital_share"]
    assert frame.loc[small, "status"].eq("suppressed").all()
    assert frame.loc["local_annual_review", "numerator"] == 5280  # 7 without a review: not under 6
    for bad, words in (
        ("publish: nhs\n", "did you mean 'nhs-england'"),
        ("publish: {threshold: 0}\n", "publish.threshold"),
        ("publish: {rounding: 10}\n", "publish.rounding"),
        ("publish: {rule: nhs-england, colour: red}\n", "unknown key 'colour'"),
    ):
        (data / "dataset.yaml").write_text(settings + bad, encoding="utf-8")
        out = CliRunner().invoke(cli, ["rate", "--catalogue", str(DEFAULT_CATALOGUE), "--data", str(data)])
        assert out.exit_code == 1 and words in out.stderr and "dataset.yaml" in out.stderr, out.stderr


def test_validate_checks_the_publish_setting(planted, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(planted, data)
    settings = (data / "dataset.yaml").read_text(encoding="utf-8")
    (data / "dataset.yaml").write_text(settings + "publish:\n  exempt: [local_library_visit]\n", encoding="utf-8")
    out = CliRunner().invoke(cli, ["validate", "--catalogue", str(DEFAULT_CATALOGUE), "--data", str(data)])
    line = len(settings.splitlines()) + 1
    assert out.exit_code == 1
    assert f"dataset.yaml:{line}: publish.exempt: exempt names no metric 'local_library_visit'" in out.stderr


def test_publish_as_a_real_process(planted):
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "ascbench", "rate", "--data", str(planted), "--catalogue", str(DEFAULT_CATALOGUE)]
        + ["--format", "csv", "--publish"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    frame = pd.read_csv(io.StringIO(done.stdout)).set_index("metric_id")
    assert frame.loc[PLANTED_METRICS, "status"].eq("suppressed").all()
    assert frame.loc["ASCOF_2A", ["numerator", "denominator"]].tolist() == [1915, 2750]  # 1,917 of 2,749, rounded


def test_rule_settings():
    assert rule_from(True) == PRESETS["nhs-england"] and rule_from(None) is None and rule_from(False) is None
    rule = rule_from({"rule": "dhsc-cld", "threshold": 10, "exempt": ["local_library_visits"]})
    assert (rule.name, rule.threshold, rule.rounding, rule.exempt) == ("dhsc-cld", 10, 0, ("local_library_visits",))
    assert rule_from({"rounding": "none"}).exact and not rule_from("nhs-england").exact
    assert "counts from 1 to 9 are suppressed" in rule.note()


# ------------------------------------------------------------------ the property test
CATALOGUE = """
metrics:
  - id: share
    title: Share of contacts from hospital
    statistic: proportion
    numerator: part
    denominator: total
    polarity: high
  - id: part
    title: Contacts from hospital
    statistic: count
    numerator: part
  - id: total
    title: Contacts
    statistic: count
    numerator: total
"""
PERIODS = ["2024-25-YTD-Q1", "2024-25-YTD-Q2", "2024-25"]  # nested: one start, three ends


@pytest.fixture(scope="module")
def tiny_metrics(tmp_path_factory):
    from ascbench.catalogue import load_catalogue

    path = tmp_path_factory.mktemp("tiny") / "metrics.yaml"
    path.write_text(CATALOGUE, encoding="utf-8")
    return load_catalogue(path).metrics_frame()


def _areas(k: int) -> pd.DataFrame:
    rows = [(f"C{i}", f"Council {i}", "unitary", "North", False) for i in range(k)]
    rows += [("R", "North", "region", "", True), ("E", "England", "national", "", True)]
    frame = pd.DataFrame(rows, columns=["area_code", "area_name", "area_type", "region", "is_aggregate"])
    for column in ("council_type", "valid_from", "valid_to", "successors"):
        frame[column] = ""
    return frame


def _observations(parts, rests):
    """Council counts (cumulative over the nested periods), their region and England."""
    rows = []
    k = len(parts)
    for measure, increments in (
        ("part", parts),
        ("total", [[p + r for p, r in zip(a, b, strict=True)] for a, b in zip(parts, rests, strict=True)]),
    ):
        for i in range(k):
            running = np.cumsum(increments[i])
            rows += [(f"C{i}", period, measure, float(v)) for period, v in zip(PERIODS, running, strict=True)]
        sums = np.cumsum(np.sum(increments, axis=0))
        for aggregate in ("R", "E"):
            rows += [(aggregate, period, measure, float(v)) for period, v in zip(PERIODS, sums, strict=True)]
    frame = pd.DataFrame(rows, columns=["area_code", "period", "measure", "value"])
    frame["status"] = ""
    for column in ("source", "note", "file"):
        frame[column] = ""
    frame["line"] = 0
    return frame


def _relations(k: int):
    """Linear relations among the cells (each ``(total, [parts])``): a part and its total
    (through an unseen rest), aggregates of councils, nested periods (through unseen rests)."""
    out = []
    areas = [f"C{i}" for i in range(k)] + ["R", "E"]
    for a in areas:
        for p in PERIODS:
            out.append((("total", a, p), [("part", a, p), ("rest", a, p)]))
    for m in ("part", "total"):
        for p in PERIODS:
            for aggregate in ("R", "E"):
                out.append(((m, aggregate, p), [(m, f"C{i}", p) for i in range(k)]))
        for a in areas:
            for short, long in zip(PERIODS, PERIODS[1:], strict=False):
                out.append(((m, a, long), [(m, a, short), (m, a, f"{short}..{long}")]))
    return out


def _derivable(known: dict, relations) -> set:
    """Every variable the relations determine from the known values (rank test: a variable is
    determined when its unit vector lies in the row space of the relations' unknown parts)."""
    unknown = sorted({v for t, ps in relations for v in [t, *ps]} - set(known))
    index = {v: i for i, v in enumerate(unknown)}
    rows = []
    for total, parts in relations:
        row = np.zeros(len(unknown))
        for v, sign in [(total, 1.0)] + [(p, -1.0) for p in parts]:
            if v in index:
                row[index[v]] += sign
        if row.any():
            rows.append(row)
    if not rows:
        return set(known)
    a = np.array(rows)
    rank = np.linalg.matrix_rank(a)
    found = set(known)
    for v, i in index.items():
        e = np.zeros(len(unknown))
        e[i] = 1.0
        if np.linalg.matrix_rank(np.vstack([a, e])) == rank:
            found.add(v)
    return found


def _true_values(parts, rests) -> dict:
    k = len(parts)
    out = {}
    totals = [[p + r for p, r in zip(a, b, strict=True)] for a, b in zip(parts, rests, strict=True)]
    for measure, increments in (("part", parts), ("total", totals)):
        cum = [np.cumsum(x) for x in increments] + [np.cumsum(np.sum(increments, axis=0))] * 2
        for a, series in zip([f"C{i}" for i in range(k)] + ["R", "E"], cum, strict=True):
            for j, p in enumerate(PERIODS):
                out[(measure, a, p)] = float(series[j])
            for j in range(1, len(PERIODS)):
                out[(measure, a, f"{PERIODS[j - 1]}..{PERIODS[j]}")] = float(series[j] - series[j - 1])
    for a in [f"C{i}" for i in range(k)] + ["R", "E"]:
        for p in PERIODS:
            out[("rest", a, p)] = out[("total", a, p)] - out[("part", a, p)]
    return out


counts = st.integers(min_value=0, max_value=25)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    k=st.integers(min_value=1, max_value=4),
    data=st.data(),
    threshold=st.integers(min_value=3, max_value=10),
    rounding=st.sampled_from([0, 5]),
)
def test_no_suppressed_count_can_be_worked_out(tiny_metrics, k, data, threshold, rounding):
    from ascbench.engine.values import metric_values

    parts = [data.draw(st.lists(counts, min_size=3, max_size=3)) for _ in range(k)]
    rests = [data.draw(st.lists(counts, min_size=3, max_size=3)) for _ in range(k)]
    rule = DisclosureRule("test", threshold=threshold, rounding=rounding)
    observations = _observations(parts, rests)
    protected, _ = protect_observations(observations, tiny_metrics, rule, _areas(k), None, {"national": "E"})
    shown = protected[protected["value"].notna()]
    # 1. no shown count is small; rounded counts are multiples of 5
    assert not shown["value"].map(lambda v: 0 < v < threshold).any()
    if rounding:
        assert (shown["value"] % 5 == 0).all() and (shown["status"] == "rounded").all()
    # 2. no value is computed from a hidden count
    values = metric_values(tiny_metrics, protected)
    hidden = protected[protected["value"].isna()]
    gone = set(
        zip(hidden["area_code"].astype(str), hidden["period"].astype(str), hidden["measure"].astype(str), strict=True)
    )
    for r in values[values["value"].notna()].itertuples():
        needs = {"share": ["part", "total"], "part": ["part"], "total": ["total"]}[r.metric_id]
        assert not any((r.area_code, r.period, m) in gone for m in needs)
    # 3. what an attacker can work out exactly: shown exact counts (with rounding, only the
    # zeros: a shown 0 is no one, a 1 or 2 would have been suppressed)
    truth = _true_values(parts, rests)
    known = {
        (m, a, p): v
        for a, p, m, v in zip(
            shown["area_code"].astype(str),
            shown["period"].astype(str),
            shown["measure"].astype(str),
            shown["value"],
            strict=True,
        )
        if not rounding or v == 0
    }
    for key, v in known.items():
        assert truth[key] == v
    found = _derivable(known, _relations(k))
    leaked = {v: truth[v] for v in found if 0 < truth[v] < threshold}
    assert not leaked, leaked
