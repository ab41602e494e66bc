"""Roll-ups by kind (issue 31): a monthly tracker holds flows, stocks, populations and
published percentages, and only flows add up. Every expected figure is worked out by hand
from the rows written here."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from click.testing import CliRunner

from ascbench.cli import cli

FY_MONTHS = ["Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar"]
PCT = [45, 46, 47] * 4  # a published monthly percentage
CASELOAD = [5000 + 5 * i for i in range(12)]  # month-end caseloads: 5,000 ... 5,055
ADMISSIONS = [3, 4] * 6  # 42 in the year
POPULATION = 12_000  # the same every month, as trackers repeat it

TRACKER = """
metrics:
  - id: pct
    title: Published percentage
    statistic: proportion
    value: pct_pub
    polarity: high
    comparators: [{type: value, value: 50}]
  - id: caseload
    title: Open cases at the month's end
    statistic: count
    numerator: caseload
  - id: adm
    title: Admissions per 100,000
    statistic: rate
    numerator: admissions
    denominator: population.65+
    polarity: low
    comparators: [{area: national}]
"""


def month(i: int, fy: int = 2024) -> str:
    return f"{fy if i < 9 else fy + 1}-{FY_MONTHS[i]}"


def tracker(tmp_path, catalogue: str = TRACKER, population: str = "population.65+", extra=()):
    data = tmp_path / "data"
    data.mkdir()
    (data / "areas.csv").write_text(
        "area_code,area_name,area_type\nX99000001,Othertown,unitary\nX92000000,Nation,national\n"
    )
    (data / "dataset.yaml").write_text("default_area: X99000001\nroles: {national: X92000000}\n")
    rows = ["area_code,period,measure,value"]
    for i in range(12):
        rows += [
            f"X99000001,{month(i)},pct_pub,{PCT[i]}",
            f"X99000001,{month(i)},caseload,{CASELOAD[i]}",
            f"X99000001,{month(i)},admissions,{ADMISSIONS[i]}",
            f"X99000001,{month(i)},{population},{POPULATION}",
            f"X92000000,{month(i)},admissions,1000",
            f"X92000000,{month(i)},{population},3000000",
        ]
    (data / "observations.csv").write_text("\n".join([*rows, *extra]) + "\n")
    (tmp_path / "metrics.yaml").write_text(catalogue)
    return tmp_path / "metrics.yaml", data


def rate_csv(catalogue, data, *args):
    out = CliRunner().invoke(
        cli, ["rate", "--catalogue", str(catalogue), "--data", str(data), "--format", "csv", *args]
    )
    assert out.exit_code == 0, out.stderr
    return pd.read_csv(io.StringIO(out.stdout)).set_index("metric_id")


def validate(catalogue, data):
    return CliRunner().invoke(cli, ["validate", "--catalogue", str(catalogue), "--data", str(data)])


def test_a_monthly_tracker_is_rolled_up_by_what_each_measure_is(tmp_path):
    catalogue, data = tracker(tmp_path)
    r = rate_csv(catalogue, data, "--period", "2024-25")
    # flows summed, the population taken at the year's end: 42 per 12,000 is 350 per 100,000
    # (summing the repeated population would give 42 / 144,000: 29.2, rated better than England)
    assert (r.loc["adm", "numerator"], r.loc["adm", "denominator"]) == (42, 12_000)
    assert r.loc["adm", "value"] == pytest.approx(350.0)
    assert r.loc["adm", "comparator_value"] == pytest.approx(12_000 / 3_000_000 * 100_000)  # 400
    assert r.loc["adm", "rating"] == "better"  # 350 against 400, lower is better
    # a stock is the position at the year's end, never 12 month-ends added up (60,330)
    assert r.loc["caseload", "value"] == 5055 and r.loc["caseload", "period"] == "2024-25"
    # a published percentage is never summed (552%): the latest month stands, labelled as such
    assert r.loc["pct", "value"] == 47 and r.loc["pct", "period"] == "2025-Mar"
    assert r.loc["pct", "period_label"] == "Mar 2025"


def test_a_quarter_and_a_rolling_year_follow_the_same_rules(tmp_path):
    catalogue, data = tracker(tmp_path)
    r = rate_csv(catalogue, data, "--period", "2024-25-Q3")
    assert r.loc["caseload", "value"] == CASELOAD[8]  # December's position
    assert r.loc["adm", "numerator"] == sum(ADMISSIONS[6:9])  # Oct-Dec: 3 + 4 + 3
    assert r.loc["adm", "denominator"] == POPULATION


def test_the_catalogue_declares_what_names_cannot_tell(tmp_path):
    declared = TRACKER.replace("    numerator: caseload\n", "    numerator: caseload\n    aggregation: sum\n").replace(
        "    value: pct_pub\n", "    value: pct_pub\n    aggregation: last\n"
    )
    catalogue, data = tracker(tmp_path, declared)
    r = rate_csv(catalogue, data, "--period", "2024-25")
    assert r.loc["caseload", "value"] == sum(CASELOAD)  # declared a flow: summed as told
    assert r.loc["pct", "value"] == PCT[11] and r.loc["pct", "period"] == "2024-25"  # the year's last month


def test_a_population_with_a_name_that_says_nothing_is_taken_at_the_period_end(tmp_path):
    # people65 says nothing of what it is, but it is the rate's denominator and repeats month
    # after month: a population carried forward, so a year is its last month, never 12 added up
    catalogue, data = tracker(tmp_path, TRACKER.replace("population.65+", "people65"), population="people65")
    out = validate(catalogue, data)
    assert out.exit_code == 0
    assert (
        "note: measure 'people65': taken at the last month of each quarter and year (a denominator whose value "
        "repeats from one month to the next in 100% of its months (a population or a stock carried forward))"
    ) in out.stderr.splitlines()
    assert not [w for w in out.stderr.splitlines() if w.startswith("warning") and "people65" in w]
    r = rate_csv(catalogue, data, "--period", "2024-25")
    assert (r.loc["adm", "numerator"], r.loc["adm", "denominator"]) == (42, POPULATION)
    assert r.loc["adm", "value"] == pytest.approx(350.0)  # summed, 42 / 144,000 would be 29.2
    # a declaration still wins: told it is a flow, it is summed as told
    catalogue.write_text("measures:\n  people65: {aggregation: sum}\n" + TRACKER.replace("population.65+", "people65"))
    assert rate_csv(catalogue, data, "--period", "2024-25").loc["adm", "denominator"] == 12 * POPULATION


STOCKS = """
metrics:
  - id: lts
    title: People in long-term support at month end
    statistic: count
    value: ltc_clients
  - id: dp
    title: People with a direct payment
    statistic: proportion
    numerator: dp_people
    denominator: dp_base
    period_basis: snapshot
  - id: dp_lts
    title: "% of people in long-term support with a direct payment"
    statistic: proportion
    numerator: dp_lts_people
    denominator: ltc_clients
  - id: dols
    title: DoLS applications completed
    statistic: count
    value: dols_done
"""


def test_a_count_titled_like_a_stock_or_a_snapshot_is_not_summed(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "areas.csv").write_text("area_code,area_name,area_type\nE08000025,Birmingham,metropolitan\n")
    (data / "dataset.yaml").write_text("default_area: E08000025\n")
    rows = ["area_code,period,measure,value"]
    for i in range(6):  # April to September 2025: positions that move a little, events that add up
        rows += [
            f"E08000025,{month(i, 2025)},ltc_clients,{9000 + 37 * i}",
            f"E08000025,{month(i, 2025)},dp_people,{2100 + 11 * i}",
            f"E08000025,{month(i, 2025)},dp_base,{9000 + 37 * i}",
            f"E08000025,{month(i, 2025)},dols_done,{300 + 17 * (i % 3)}",
            f"E08000025,{month(i, 2025)},dp_lts_people,{2000 + 9 * i}",
        ]
    (data / "observations.csv").write_text("\n".join(rows) + "\n")
    (tmp_path / "metrics.yaml").write_text(STOCKS)
    r = rate_csv(tmp_path / "metrics.yaml", data, "--period", "2025-26-Q2")
    assert r.loc["lts", "value"] == 9000 + 37 * 5  # September's position, not 27,444 (three month-ends)
    assert (r.loc["dp", "numerator"], r.loc["dp", "denominator"]) == (2155, 9185)
    assert r.loc["dols", "value"] == 300 + 317 + 334  # a flow: July to September summed
    # part of a stock is a stock: 2,045 of 9,185 (22.3%), not three months of it (6,126) over one
    assert (r.loc["dp_lts", "numerator"], r.loc["dp_lts", "denominator"]) == (2045, 9185)
    lines = validate(tmp_path / "metrics.yaml", data).stderr.splitlines()
    assert (
        "note: measure 'ltc_clients': taken at the last month of each quarter and year "
        "(the count of lts, titled like a stock (a position at a date))"
    ) in lines
    assert (
        "note: measure 'dp_base': taken at the last month of each quarter and year "
        "(a count of dp, whose period_basis is snapshot (a position at a date))"
    ) in lines
    assert (
        "note: measure 'dp_lts_people': taken at the last month of each quarter and year "
        "(the numerator of dp_lts, part of its denominator 'ltc_clients' (a position at a date))"
    ) in lines


def test_a_count_summed_by_default_that_barely_moves_is_a_warning(tmp_path):
    from ascbench.engine.rollup import describe

    rows = [("A", month(i), "clients", 5000 + 5 * i) for i in range(12)]
    rows += [("A", month(i), "admissions", 30 + (i * 7) % 11) for i in range(12)]
    frame = pd.DataFrame(rows, columns=["area_code", "period", "measure", "value"]).assign(file="f.csv")
    notes, warnings = describe(frame)
    assert len(notes) == 2
    assert warnings == [
        "measure 'clients' moves by 0.1% a month (the median change): a stock or a population repeated each "
        "month? It is summed over months (a count of events); declare "
        "'measures: {clients: {aggregation: last}}' in the catalogue if it is a position at a date"
    ]


def test_validate_names_the_rule_of_each_rolled_up_measure(tmp_path):
    catalogue, data = tracker(tmp_path)
    lines = validate(catalogue, data).stderr.splitlines()
    assert lines[2:6] == [
        "note: measure 'admissions': summed over the months of each quarter and year (a count of events, by default)",
        "note: measure 'caseload': taken at the last month of each quarter and year "
        "(named like a stock (a position at a date))",
        "note: measure 'pct_pub': not rolled up: each month stands alone (the published value of pct (a proportion))",
        "note: measure 'population.65+': taken at the last month of each quarter and year "
        "(the population adm is a rate per)",
    ]
    assert lines[6:] == [
        f"warning: {catalogue}:3: pct: its published value 'pct_pub' is given by month and a proportion is never "
        "summed: a quarter or year shows its latest month (declare aggregation: last to take the period's last "
        "month as its value, or give numerator and denominator)",
        f"{catalogue}, {data}: 0 problems, 1 warning",
    ]


def test_summing_a_published_percentage_is_a_located_error(tmp_path):
    catalogue, data = tracker(tmp_path, "measures:\n  pct_pub: {aggregation: sum}\n" + TRACKER)
    out = validate(catalogue, data)
    assert out.exit_code == 1
    assert (
        f"error: {catalogue}:2: aggregation: measure 'pct_pub' is the published value of pct (a proportion): it "
        "cannot be summed over months (expected aggregation: last (the period's last month) or none; or give the "
        "counts as numerator and denominator)"
    ) in out.stderr.splitlines()


def test_two_declarations_of_one_measure_must_agree(tmp_path):
    text = "measures:\n  caseload: {aggregation: last}\n" + TRACKER.replace(
        "    numerator: caseload\n", "    numerator: caseload\n    aggregation: {numerator: sum}\n"
    )
    catalogue, data = tracker(tmp_path, text)
    out = validate(catalogue, data)
    assert out.exit_code == 1
    assert (
        f"error: {catalogue}:15: caseload: aggregation: measure 'caseload' is rolled up by sum here but by last on "
        "line 2 (expected one aggregation per measure)"
    ) in out.stderr.splitlines()


@pytest.mark.parametrize(
    "setting, message",
    [
        (
            "aggregation: mean",
            "aggregation: 'mean' is not an aggregation (expected sum (a count of events), last (a stock: the value at "
            "the period's end) or none (never rolled up))",
        ),
        (
            "aggregation: {denominator: last}",
            "aggregation.denominator: aggregation names the denominator, but the metric has none (expected the "
            "metric's own numerator, denominator or value)",
        ),
        (
            "aggregation: {numerater: sum}",
            "numerater: unknown key 'numerater' in aggregation; did you mean 'numerator'? (expected one of "
            "denominator, numerator, value)",
        ),
    ],
)
def test_a_bad_aggregation_is_located(tmp_path, setting, message):
    text = TRACKER.replace("    numerator: caseload\n", f"    numerator: caseload\n    {setting}\n")
    catalogue, data = tracker(tmp_path, text)
    out = validate(catalogue, data)
    assert out.exit_code == 1
    assert f"error: {catalogue}:13: caseload: {message}" in out.stderr.splitlines()


def test_the_engine_rolls_up_by_the_catalogue_whoever_loaded_the_data(tmp_path):
    """A library caller who reads the data without the catalogue gets the catalogue's roll-ups
    from build_results all the same (they are made again by its rules)."""
    from ascbench.catalogue import load_catalogue
    from ascbench.engine import build_results
    from ascbench.engine.data import load

    catalogue, data = tracker(tmp_path, TRACKER.replace("population.65+", "people65"), population="people65")
    catalogue.write_text("measures:\n  people65: {aggregation: last}\n" + catalogue.read_text())
    plain = load(data)  # by names alone: people65 would be summed
    assert plain.rollup_rules["people65"] == "sum"
    r = build_results(load_catalogue(catalogue), plain, period="2024-25", group=None)[0].set_index("metric_id")
    assert r.loc["adm", "denominator"] == POPULATION and r.loc["adm", "value"] == pytest.approx(350.0)


def test_the_same_months_under_several_names_are_a_warning(tmp_path):
    catalogue, data = tracker(
        tmp_path,
        extra=[
            "X99000001,2024-25,admissions.reported,40",
            "X99000001,2024-25-YTD-Q4,admissions.reported,41",
            "X99000001,R12-2025-Mar,admissions.reported,42",
        ],
    )
    out = validate(catalogue, data)
    assert out.exit_code == 0
    assert (
        f"warning: {data}/observations.csv:74: X99000001 admissions.reported: the same months (2024/25) under 3 "
        "period names: 2024-25 = 40, 2024-25-YTD-Q4 = 41, R12-2025-Mar = 42; a report shows one of them, by the "
        "name it asks for (give each span of months once)"
    ) in out.stderr.splitlines()


def test_a_year_given_beside_months_that_add_up_to_another_value_is_a_warning(tmp_path):
    catalogue, data = tracker(tmp_path, extra=["X99000001,2024-25,admissions,40"])
    out = validate(catalogue, data)
    assert (
        f"warning: {data}/observations.csv:74: X99000001 admissions: the same months (2024/25) under 3 period "
        "names: 2024-25 = 40, 2024-25-YTD-Q4 = 42 (rolled up from months), R12-2025-Mar = 42 (rolled up from "
        "months); a report shows one of them, by the name it asks for (give each span of months once)"
    ) in out.stderr.splitlines()
    # the data win for the name they give; the other names are the months' sum
    assert rate_csv(catalogue, data, "--period", "2024-25").loc["adm", "numerator"] == 40


def test_a_numerator_named_like_a_rate_is_still_a_count():
    from ascbench.catalogue import parse_catalogue
    from ascbench.catalogue.aggregation import aggregations

    catalogue = parse_catalogue(
        "metrics:\n  - {id: r, title: R, statistic: rate, numerator: reablement_rate_num, denominator: pop65}\n",
        "m.yaml",
    )
    found = aggregations(catalogue, ["reablement_rate_num", "pop65", "reablement_rate"])
    assert found["reablement_rate_num"].rule == "sum"  # counted by the catalogue
    assert found["pop65"].rule == "last"
    assert found["reablement_rate"].rule == "none"  # not counted: its name says it is a rate


def test_a_population_carried_forward_with_a_new_figure_each_april_is_noticed():
    from ascbench.engine.rollup import describe

    rows = []
    for area in ("A", "B"):
        for i in range(24):
            period = month(i % 12, 2024 + i // 12)
            rows += [
                (area, period, "adults", 12_000 + 100 * (i // 12)),  # a new estimate each April
                (area, period, "admissions", 30 + (i * 7) % 11),  # a flow: rarely the same twice running
                (area, period, "deaths_in_care", 1),  # a small count that repeats: not a stock
            ]
    frame = pd.DataFrame(rows, columns=["area_code", "period", "measure", "value"]).assign(file="f.csv")
    notes, warnings = describe(frame)
    assert len(notes) == 3
    assert warnings == [
        "measure 'adults' has the same value from one month to the next in 96% of its months: a stock or a "
        "population repeated each month? It is summed over months (a count of events); declare "
        "'measures: {adults: {aggregation: last}}' in the catalogue if it is a position at a date"
    ]


def test_a_forecast_scales_what_accumulates_and_keeps_a_stock_as_it_stands(tmp_path):
    catalogue, data = tracker(tmp_path)
    out = CliRunner().invoke(
        cli,
        ["forecast", "--catalogue", str(catalogue), "--data", str(data), "--period", "2024-25-Q2", "--format", "csv"],
    )
    assert out.exit_code == 0, out.stderr
    f = pd.read_csv(io.StringIO(out.stdout)).set_index("metric_id")
    # a caseload is a position: September's 5,025 stands for the year, never 5,025 x 12 / 6
    assert f.loc["caseload", "value"] == CASELOAD[5] and f.loc["caseload", "straight_line"] == CASELOAD[5]
    # admissions per the population: 21 by September per 12,000 (175 per 100,000) -> 350 by March
    assert f.loc["adm", "value"] == pytest.approx(21 / POPULATION * 100_000)
    assert f.loc["adm", "straight_line"] == pytest.approx(42 / POPULATION * 100_000)


def test_a_part_year_rate_per_a_population_is_never_rated_against_a_whole_year(tmp_path):
    catalogue, data = tracker(tmp_path)
    rows = [r for r in (data / "observations.csv").read_text().splitlines() if not r.startswith("X92000000")]
    rows += ["X92000000,2023-24,admissions,12000", "X92000000,2023-24,population.65+,3000000"]  # England: a year
    (data / "observations.csv").write_text("\n".join(rows) + "\n")
    quarter = rate_csv(catalogue, data, "--period", "2024-25-Q2")
    # 11 admissions in July-September per 12,000 (91.7 per 100,000) against England's whole year
    # (400) would be "better" by a quarter's length alone
    assert quarter.loc["adm", "value"] == pytest.approx(sum(ADMISSIONS[3:6]) / POPULATION * 100_000)
    assert quarter.loc["adm", "rating"] == "not compared"
    assert quarter.loc["adm", "benchmark_basis"] == (
        "not compared: 2023-24 covers 12 months and the value 3; a count or a rate of events per a population "
        "grows with the months it covers, so only a period as long is compared"
    )
    year = rate_csv(catalogue, data, "--period", "2024-25")  # a year against a year: compared
    assert year.loc["adm", "comparator_value"] == pytest.approx(400.0) and year.loc["adm", "rating"] == "better"
