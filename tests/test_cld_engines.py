"""The DuckDB CLD engine against the pandas reference (random extracts, many councils and
files), SQL Server / spreadsheet extracts (issue 31), and `cld --out` straight into `rate`."""

from __future__ import annotations

import csv
import subprocess
import sys

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from ascbench.cld import codes
from ascbench.cld.measures import Options
from ascbench.cli import cli
from tests.cld_parity import assert_engines_agree
from tests.test_cld import FIELDS

DATES = [
    "2024-12-31",
    "2025-01-01",
    "2025-03-31",
    "2025-04-01",
    "2025-04-07",
    "2025-04-08",
    "2025-06-30",
    "2025-07-01",
    "2025-09-30",
    "2025-10-01",
    "2026-03-24",
    "2026-03-31",
    "2026-04-01",
    "",
]
TYPES = ["Request", "Assessment", "Service", "Review", "Visit"]
SERVICES = [
    codes.STMAX,
    codes.COMMUNITY,
    codes.RESIDENTIAL,
    codes.NURSING,
    codes.PRISON,
    codes.ST_LOW,
    codes.ST_OTHER,
    codes.CARER_DIRECT,
    codes.CARER_INVOLVING,
    "",
]
COMPONENTS = [
    "Reablement",
    "Equipment",
    "Long term residential care",
    "Short term residential care",
    "Long term nursing care",
    "Direct payment",
    "Home support or domiciliary care",
    "Shared Lives",
    "",
]
OUTCOMES = codes.OUTCOMES[:6] + codes.OUTCOMES[8:10] + ["NFA: Support ended as planned", "NFA: Deceased", "Placed", ""]

row = st.fixed_dictionaries(
    {
        "LA_Code": st.sampled_from(["503", "503.0", "508"]),
        "NHS_Number": st.sampled_from(["1111111111", "2222222222", "", "NULL"]),
        "LA_Person_Unique_Identifier": st.sampled_from(["P1", "P2", "P3"]),
        "Date_of_Birth": st.sampled_from(["1940-05-15", "1960-04-10", "2008-01-01", ""]),
        "Date_of_Death": st.sampled_from(["", "", "", "2025-06-30", "2026-03-31"]),
        "Gender": st.sampled_from(["Female", "Male", "Other"]),
        "Client_Type": st.sampled_from(["Service user", "Service user", "Unpaid carer", "Carer"]),
        "Primary_Support_Reason": st.sampled_from(["Learning disability support", "Mental health support", ""]),
        "Accommodation_Status": st.sampled_from(["Tenant: Private landlord", "Registered care home", "Unknown", ""]),
        "Event_Type": st.sampled_from(TYPES),
        "Event_Start_Date": st.sampled_from(DATES[:-1]),
        "Event_End_Date": st.sampled_from(DATES),
        "Event_Outcome": st.sampled_from(OUTCOMES),
        "Service_Type": st.sampled_from(SERVICES),
        "Service_Component": st.sampled_from(COMPONENTS),
        "Delivery_Mechanism": st.sampled_from(codes.MECHANISMS + [""]),
    }
)
PERIODS = [("", ""), ("2024-04-01", "2025-03-31"), ("2024-07-01", "2025-06-30"), ("2025-04-01", "2026-03-31")]


def write_rows(path, rows, period=("", "")):
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=FIELDS + ["Reporting_Period_Start_Date", "Reporting_Period_End_Date"])
        w.writeheader()
        for r in rows:
            w.writerow({**r, "Reporting_Period_Start_Date": period[0], "Reporting_Period_End_Date": period[1]})
    return path


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
@given(
    files=st.lists(st.tuples(st.lists(row, min_size=1, max_size=14), st.sampled_from(PERIODS)), min_size=1, max_size=3),
    options=st.builds(
        Options,
        person_key=st.sampled_from(["row", "linked"]),
        blank_component=st.sampled_from(["exclude", "include"]),
        carer_blank_component=st.sampled_from(["exclude", "include"]),
    ),
    invalid=st.sampled_from(["map", "reject"]),
    period=st.sampled_from(["2025-26", "2024-25", "R12-2025-Sep"]),
)
def test_the_engines_agree_on_random_extracts(tmp_path, files, options, invalid, period):
    paths = [write_rows(tmp_path / f"f{i}.csv", rows, p) for i, (rows, p) in enumerate(files)]
    assert_engines_agree(paths, period, options, invalid)


def test_the_engines_agree_on_synthetic_councils_and_rolling_files(tmp_path):
    from ascbench.cld.synth import synthesise

    synthesise(tmp_path / "a.csv", people=300, seed=5, la_code="503")
    synthesise(tmp_path / "b.csv", people=200, seed=6, la_code="508")
    d = pd.read_csv(tmp_path / "a.csv", dtype=str, keep_default_na=False)
    d.assign(Reporting_Period_Start_Date="2024-07-01", Reporting_Period_End_Date="2025-06-30").to_csv(
        tmp_path / "a1.csv", index=False
    )
    d.sample(frac=0.8, random_state=1).assign(
        Reporting_Period_Start_Date="2024-10-01", Reporting_Period_End_Date="2025-09-30"
    ).to_csv(tmp_path / "a2.csv", index=False)
    paths = [tmp_path / "a1.csv", tmp_path / "a2.csv", tmp_path / "b.csv"]
    result = assert_engines_agree(paths, "2025-26", storage="file")  # the database file of a large extract
    obs = result.observations.set_index(["area_code", "measure"])["value"]
    # per council, and the sums by region (both councils are in the East Midlands) and England
    for measure in ("ascof_2a.num", "ascof_3d2a.den", "ascof_2e_all_65ov.num"):
        total = obs[("E10000019", measure)] + obs[("E10000018", measure)]
        assert obs[("E12000004", measure)] == total and obs[("E92000001", measure)] == total


# ------------------------------------------------------------------------ issue 31
def sqlserver_rows(n=21, **kw):
    base = {
        "LA_Code": "503",
        "LA_Person_Unique_Identifier": "P",
        "Date_of_Birth": "1950-01-01 00:00:00.000",
        "Date_of_Death": "NULL",
        "Gender": "Female",
        "Client_Type": "Service user",
        "Primary_Support_Reason": "NULL",
        "Accommodation_Status": "NULL",
        "Event_Type": "Service",
        "Event_Start_Date": "2025-06-01 00:00:00.000",
        "Event_End_Date": "NULL",
        "Event_Outcome": "NULL",
        "Service_Type": codes.RESIDENTIAL,
        "Service_Component": "Long term residential care",
        "Delivery_Mechanism": "NA",
    }
    return [{**base, "NHS_Number": str(4000000000 + i), **{k: v(i) for k, v in kw.items()}} for i in range(n)]


@pytest.mark.parametrize("engine", ["duckdb", "pandas"])
def test_a_sql_server_extract_counts_every_row(tmp_path, engine):
    """NULL as missing, SQL Server datetimes, one council written 503, 503.0 and 0503: 2C = 21."""
    path = write_rows(tmp_path / "x.csv", sqlserver_rows(LA_Code=lambda i: ["503", "503.0", "0503"][i % 3]))
    out = CliRunner().invoke(cli, ["cld", str(path), "--period", "2025-26", "--engine", engine])
    assert out.exit_code == 0, out.stderr
    obs = pd.read_csv(pd.io.common.StringIO(out.stdout)).set_index(["area_code", "measure"])["value"]
    assert obs[("E10000019", "ascof_2c.num")] == 21
    assert set(obs.index.get_level_values(0)) == {"E10000019"}
    assert_engines_agree([path])


@pytest.mark.parametrize("engine", ["duckdb", "pandas"])
def test_month_first_dates_are_refused_with_their_line(tmp_path, engine):
    path = write_rows(tmp_path / "us.csv", sqlserver_rows(Event_Start_Date=lambda i: f"06/{i + 1:02d}/2025"))
    out = CliRunner().invoke(
        cli, ["cld", str(path), "--period", "2025-26", "--engine", engine, "--out", str(tmp_path / "o")]
    )
    assert out.exit_code == 1
    assert f"{path}:14: Event_Start_Date: '06/13/2025' is a month-first (US) date" in out.stderr
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("engine", ["duckdb", "pandas"])
def test_too_many_rejections_fail_and_write_nothing(tmp_path, engine):
    rows = sqlserver_rows(Event_Start_Date=lambda i: "2025-06-01" if i < 2 else "2025-13-01")
    path = write_rows(tmp_path / "bad.csv", rows)
    out_dir = tmp_path / "o"
    out = CliRunner().invoke(cli, ["cld", str(path), "--period", "2025-26", "--engine", engine, "--out", str(out_dir)])
    assert out.exit_code == 1 and not out_dir.exists()
    assert f"error: {path}:4: Event_Start_Date: 19 rows rejected of 21 (90%), more than the 10% allowed" in out.stderr
    out = CliRunner().invoke(
        cli, ["cld", str(path), "--period", "2025-26", "--engine", engine, "--out", str(out_dir), "--accept-rejections"]
    )
    assert out.exit_code == 0 and (out_dir / "observations-cld.csv").exists()
    every = write_rows(tmp_path / "all.csv", sqlserver_rows(Event_Start_Date=lambda i: "yesterday"))
    out = CliRunner().invoke(cli, ["cld", str(every), "--period", "2025-26", "--engine", engine, "--accept-rejections"])
    assert out.exit_code == 1 and "21 rows rejected of 21: every row" in out.stderr and "Traceback" not in out.output


@pytest.mark.parametrize("engine", ["duckdb", "pandas"])
def test_impossible_dates_are_counted_per_rule(tmp_path, engine):
    rows = sqlserver_rows(n=4)
    rows[0]["Event_End_Date"] = "2025-05-01"  # before its start
    rows[1]["Date_of_Birth"] = "2026-01-01"  # after the event
    rows[2]["Date_of_Death"] = "1949-01-01"  # before the birth
    path = write_rows(tmp_path / "x.csv", rows)
    out = CliRunner().invoke(
        cli, ["cld", str(path), "--period", "2025-26", "--engine", engine, "--out", str(tmp_path / "o")]
    )
    assert out.exit_code == 0, out.stderr
    q = pd.read_csv(tmp_path / "o" / "cld-quality.csv", keep_default_na=False).set_index("check")
    assert (
        q.loc["end on or after the start", "invalid"] == 1 and q.loc["end on or after the start", "example"] == "line 2"
    )
    assert q.loc["birth on or before the event start", "invalid"] == 1
    assert q.loc["death on or after the birth", "invalid"] == 1
    assert "break the rule 'death on or after the birth' (e.g. line 4)" in out.stderr


# ------------------------------------------------------------------------ issue 26
def test_cld_output_rates_at_once(tmp_path):
    from ascbench.cld.synth import synthesise

    synthesise(tmp_path / "x.csv", people=300, seed=2, la_code="503")
    out = tmp_path / "OUT"
    done = CliRunner().invoke(cli, ["cld", str(tmp_path / "x.csv"), "--period", "2025-26", "--out", str(out)])
    assert done.exit_code == 0, done.stderr
    areas = pd.read_csv(out / "areas.csv", comment="#")
    assert list(areas["area_code"]) == ["E10000019"] and areas["area_name"].iloc[0] == "Lincolnshire"
    assert "default_area: E10000019" in (out / "dataset.yaml").read_text()
    catalogue = (out / "metrics.yaml").read_text()
    assert "ascof_2a.num" in catalogue and "ascof_1a" not in catalogue and "ascof_2d" not in catalogue
    rated = CliRunner().invoke(cli, ["rate", "--data", str(out), "--format", "csv"])
    assert rated.exit_code == 0, rated.stderr
    rows = pd.read_csv(pd.io.common.StringIO(rated.stdout)).set_index("metric_id")
    obs = pd.read_csv(out / "observations-cld.csv").set_index("measure")["value"]
    assert rows.loc["ASCOF_2A", "value"] == pytest.approx(obs["ascof_2a.num"] / obs["ascof_2a.den"] * 100)
    assert rows.loc["ASCOF_3D2A", "value"] == pytest.approx(obs["ascof_3d2a.num"] / obs["ascof_3d2a.den"] * 100)
    # the same as a real subprocess, from the output directory's parent
    proc = subprocess.run(
        [sys.executable, "-m", "ascbench", "rate", "--data", "OUT", "--format", "csv", "--metric", "ASCOF_2A"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert pd.read_csv(pd.io.common.StringIO(proc.stdout))["value"].iloc[0] == pytest.approx(
        rows.loc["ASCOF_2A", "value"]
    )


# ------------------------------------------------------- DHSC's dashboard views (issue 33)
def _wait_rows():
    """One person: a request on 1 May, a long-term assessment on 11 May (progress to services),
    a community service from 31 May; a second person's request answered by a service first."""
    base = {"LA_Code": "503", "Date_of_Birth": "1950-01-01", "Client_Type": "Service user", "Gender": "Female"}
    p1 = {**base, "NHS_Number": "1000000001", "LA_Person_Unique_Identifier": "A"}
    p2 = {**base, "NHS_Number": "1000000002", "LA_Person_Unique_Identifier": "B", "Date_of_Birth": "1980-01-01"}
    return [
        {
            **p1,
            "Event_Type": "Request",
            "Event_Start_Date": "2025-05-01",
            "Event_End_Date": "2025-05-01",
            "Event_Outcome": "Progress to assessment, review or reassessment",
        },
        {
            **p1,
            "Event_Type": "Assessment",
            "Assessment_Type": "Long term assessment",
            "Event_Start_Date": "2025-05-11",
            "Event_End_Date": "2025-05-20",
            "Event_Outcome": "Progress to support planning or services",
        },
        {
            **p1,
            "Event_Type": "Service",
            "Service_Type": codes.COMMUNITY,
            "Service_Component": "Day support",
            "Event_Start_Date": "2025-05-31",
        },
        {
            **p2,
            "Event_Type": "Request",
            "Event_Start_Date": "2025-07-01",
            "Event_End_Date": "2025-07-01",
            "Event_Outcome": "Progress to support planning or services",
        },
        {
            **p2,
            "Event_Type": "Service",
            "Service_Type": codes.STMAX,
            "Service_Component": "Reablement",
            "Event_Start_Date": "2025-07-05",
            "Event_End_Date": "2025-07-30",
        },
    ]


@pytest.mark.parametrize("engine", ["duckdb", "pandas"])
def test_waiting_times_and_data_quality_by_quarter(tmp_path, engine):
    path = tmp_path / "w.csv"
    pd.DataFrame(_wait_rows()).to_csv(path, index=False)
    out = tmp_path / "o"
    done = CliRunner().invoke(cli, ["cld", str(path), "--period", "2025-26", "--engine", engine, "--out", str(out)])
    assert done.exit_code == 0, done.stderr
    wt = pd.read_csv(out / "cld-waiting-times.csv").set_index(["quarter", "measure", "age_band"])
    assert wt.loc[("2025-26 Q1", "Wait time to first response", "65 and above"), "median_days"] == 10
    assert wt.loc[("2025-26 Q1", "Wait time to first service", "65 and above"), "median_days"] == 30
    assert wt.loc[("2025-26 Q2", "Wait time to first response", "25 to 64"), "median_days"] == 4  # a service first
    dq = pd.read_csv(out / "cld-data-quality.csv").set_index(["quarter", "field"])
    assert dq.loc[("2025-26 Q1", "Event_End_Date (Service)"), "blank"] == 1  # the open service
    assert dq.loc[("2025-26 Q1", "Event_Type"), "validity"] == 100.0
    from ascbench.render.cld_charts import data_quality_svg, waiting_times_svg

    svg = waiting_times_svg(pd.read_csv(out / "cld-waiting-times.csv"), "E10000019")
    assert svg.startswith("<svg") and "<title" in svg and "<desc" in svg and "Days from the request" in svg
    assert "2025-26 Q1: median 10, 90th percentile 10 days (1 waits)" in svg
    chart = data_quality_svg(pd.read_csv(out / "cld-data-quality.csv"), "E10000019")
    assert "Event_Type: 100% valid, 100% complete" in chart and waiting_times_svg(wt.reset_index(), "E99") is None
