"""One tiny extract per rule of DHSC's own CLD-to-ASCOF code (DataS-DHSC/ASC-CLD-LA-Dashboard),
each with the counts that code gives, worked out by hand from its SQL:

* ``Stored_procedures/create_FilterToEventsInPeriod_procedure.sql``: the derived end date;
* ``Main_tables/create_main_table_for_period.sql``: the latest file covering each quarter;
* ``Stored_procedures/create_GetDerivedFields_procedure.sql``: cropping, cleaning to
  "Invalid and not mapped";
* ``ASCOF_measures/Create_personal_details_table.sql``: invalid accommodation imputed;
* ``ASCOF_measures/Create_ASCOF_2A_2425_Onwards.sql``: the cluster's own ST-Max rows blanked
  (``Same_ST_Max``) before nested equipment is looked for;
* ``ASCOF_measures/Create_ASCOF_2B2C_2425_Onwards.sql``, ``..._2E_...``: admissions, ages,
  self-funders, components, 2E by gender.
"""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from ascbench.cld.measures import ascof_2a, ascof_2b_2c, ascof_2e, outcomes_2a
from ascbench.cld.prepare import derived_end, stage0, submission_periods
from ascbench.cld.read import read_extracts
from ascbench.cli import cli
from tests.test_cld import COMM, NURS, RES, E, S, adm, counts, prepared, row, stmax, write


# ------------------------------------------------------------------- stage 0 (filter)
def test_death_on_the_start_of_an_open_event_does_not_end_it():
    start = pd.Series(pd.to_datetime(["2025-06-01", "2025-06-01", "2025-06-01"]))
    end = pd.Series(pd.to_datetime([None, "2025-07-01", None]))
    death = pd.Series(pd.to_datetime(["2025-06-01", "2025-06-01", "2025-06-02"]))
    got = derived_end(start, end, death)
    # open and died on the start day: stays open (DHSC: death strictly after the start);
    # closed and died on the start day: BETWEEN is inclusive, so it ends that day
    assert pd.isna(got[0]) and got[1] == pd.Timestamp("2025-06-01") and got[2] == pd.Timestamp("2025-06-02")


def test_an_open_service_with_death_on_its_start_day_stays_in_2e(tmp_path):
    ev, people = prepared(
        tmp_path,
        [
            row(
                Event_Type="Service",
                Service_Type=COMM,
                Service_Component="Day support",
                Event_Start_Date="2025-06-01",
                Date_of_Death="2025-06-01",
                Accommodation_Status="Tenant: Private landlord",
            )
        ],
    )
    assert pd.isna(ev["end"].iloc[0])
    assert counts(ascof_2e(ev, people, S, E)[0], "ascof_2e_all", "65ov") == (1, 1)


# ---------------------------------------------------------------------- submissions
def _files(tmp_path, a_rows, b_rows):
    a = write(
        tmp_path,
        [{**r, "Reporting_Period_Start_Date": "2025-04-01", "Reporting_Period_End_Date": "2025-09-30"} for r in a_rows],
        "a.csv",
    )
    b = write(
        tmp_path,
        [{**r, "Reporting_Period_Start_Date": "2025-07-01", "Reporting_Period_End_Date": "2025-12-31"} for r in b_rows],
        "b.csv",
    )
    return a, b


def test_each_quarter_comes_from_the_latest_file_that_covers_it(tmp_path):
    # a request in the older file ending in a quarter the newer file won: the newer file
    # dropped it, so DHSC does not count it
    request = row(
        Event_Type="Request",
        Event_Start_Date="2025-08-01",
        Event_End_Date="2025-08-15",
        Event_Outcome="NFA: Information and advice or signposting",
    )
    kept = row(
        Event_Type="Request",
        Event_Start_Date="2025-05-01",
        Event_End_Date="2025-05-15",
        Event_Outcome="NFA: Information and advice or signposting",
    )
    a, b = _files(
        tmp_path,
        [request, kept],
        [row(Event_Type="Service", Service_Type=COMM, Event_Start_Date="2025-07-10", Service_Component="Day support")],
    )
    extract = read_extracts([a, b])
    periods, quarters = submission_periods(extract.rows)
    assert list(quarters["quarter_start"].dt.strftime("%Y-%m-%d")) == ["2025-04-01", "2025-07-01", "2025-10-01"]
    assert [str(f).rsplit("/", 1)[-1] for f in quarters["file"]] == ["a.csv", "b.csv", "b.csv"]
    assert periods.loc[0, "ref_end"] == pd.Timestamp("2025-06-30")
    ev = stage0(extract.rows)
    requests = ev[ev["Event_Type"] == "Request"]
    assert list(requests["Event_Start_Date"].dt.strftime("%Y-%m-%d")) == ["2025-05-01"]


def test_a_service_ending_after_its_files_period_and_missing_from_the_next_is_cropped(tmp_path):
    # future-dated end in file a (ref period to 2025-06-30 once b wins Jul-Sep), absent from b
    future = row(
        Event_Type="Service",
        Service_Type="Short term support: Other short term",
        Service_Component="Other short term support",
        Event_Start_Date="2025-06-01",
        Event_End_Date="2025-12-31",
    )
    still = row(Event_Type="Service", Service_Type=COMM, Service_Component="Day support", Event_Start_Date="2025-05-01")
    a, b = _files(tmp_path, [future, still], [still])
    ev = stage0(read_extracts([a, b]).rows)
    cropped = ev[ev["Service_Type"] == "Short term support: Other short term"]
    assert cropped["end"].iloc[0] == pd.Timestamp("2025-06-30")
    open_service = ev[ev["Service_Type"] == COMM]
    assert len(open_service) == 1 and pd.isna(open_service["end"].iloc[0])  # found in b: not cropped


def test_the_cli_reports_which_file_supplied_each_quarter(tmp_path):
    a, b = _files(
        tmp_path,
        [row(Event_Type="Service", Service_Type=COMM, Service_Component="Day support", Event_Start_Date="2025-05-01")],
        [row(Event_Type="Service", Service_Type=COMM, Service_Component="Day support", Event_Start_Date="2025-05-01")],
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["cld", str(a), str(b), "--period", "2025-26", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"quarter 2025-04-01 to 2025-06-30 from {a}" in result.stderr
    assert f"quarter 2025-10-01 to 2025-12-31 from {b}" in result.stderr
    quarters = pd.read_csv(out / "cld-quarters.csv")
    assert len(quarters) == 3
    assert {p.name for p in out.iterdir()} == {
        "observations-cld.csv",
        "cld-2a-outcomes.csv",
        "cld-quality.csv",
        "cld-quarters.csv",
        "cld-data-quality.csv",  # DHSC's dashboard views: data quality and waiting times by quarter
        "cld-waiting-times.csv",
        "metrics.yaml",  # the catalogue, areas and dataset settings that let `rate --data` run at once
        "areas.csv",
        "dataset.yaml",
    }


# ------------------------------------------------------------------------- 2B / 2C
@pytest.mark.parametrize("start, expected", [("2025-08-31", 0), ("2025-09-01", 1)])
def test_readmission_at_364_and_365_days(tmp_path, start, expected):
    # the earlier stay ended 2024-09-01: 364 days before 2025-08-31 is a readmission, 365 is new
    rows = [adm("2024-04-01", "2024-09-01"), adm(start, "2025-12-01")]
    ev, people = prepared(tmp_path, rows)
    assert ascof_2b_2c(ev, people, S, E)[0][1]["numerator"] == expected


@pytest.mark.parametrize("start, band", [("2026-03-01", 0), ("2026-03-02", 1)])
def test_age_on_the_admission_date_by_365_25_day_years(tmp_path, start, band):
    # born March 1961 (DHSC sees the 1st): 23,741 days to 2026-03-01 is 64.9993 years -> 18-64
    result = ascof_2b_2c(*prepared(tmp_path, [adm(start, Date_of_Birth="1961-03-20")]), S, E)[0]
    assert (result[0]["numerator"], result[1]["numerator"]) == ((0, 1) if band else (1, 0))


def test_a_self_funder_is_not_an_admission(tmp_path):
    ev, people = prepared(
        tmp_path,
        [
            adm("2025-06-01", Event_Outcome="NFA: Self-funded client or under 12wk disregard"),
            adm("2025-06-01", person="P2"),
        ],
    )
    assert ascof_2b_2c(ev, people, S, E)[0][1]["numerator"] == 1


def test_a_short_term_component_is_not_a_long_term_admission(tmp_path):
    ev, people = prepared(
        tmp_path,
        [
            adm("2025-06-01", component="Short term residential care"),
            adm("2025-06-01", stype=NURS, component="Long term nursing care", person="P2"),
        ],
    )
    assert ascof_2b_2c(ev, people, S, E)[0][1]["numerator"] == 1


def test_an_admission_with_an_outcome_outside_the_list_still_counts(tmp_path):
    path = write(tmp_path, [adm("2025-06-01", Event_Outcome="Placed")])
    extract = read_extracts([path])
    assert extract.rejected.empty and extract.rows["Event_Outcome"].iloc[0] == "Invalid and not mapped"
    ev = stage0(extract.rows)
    from ascbench.cld.prepare import person_details

    assert ascof_2b_2c(ev, person_details(ev), S, E)[0][1]["numerator"] == 1
    assert len(read_extracts([path], invalid="reject").rejected) == 1  # the stricter option


# ------------------------------------------------------------------------------ 2E
def test_an_accommodation_outside_the_list_is_imputed(tmp_path):
    ev, people = prepared(
        tmp_path,
        [
            row(
                Event_Type="Service",
                Service_Type=COMM,
                Service_Component="Home support or domiciliary care",
                Event_Start_Date="2025-05-01",
                Accommodation_Status="Living in a tent",
            )
        ],
    )
    assert people["accommodation"].iloc[0] == "Unknown: Presumed at home"
    assert counts(ascof_2e(ev, people, S, E)[0], "ascof_2e_all", "65ov") == (1, 1)


def test_2e_by_gender(tmp_path):
    service = {
        "Event_Type": "Service",
        "Service_Type": COMM,
        "Service_Component": "Day support",
        "Event_Start_Date": "2025-05-01",
        "Accommodation_Status": "Tenant: Private landlord",
    }
    ev, people = prepared(
        tmp_path,
        [
            row(**service, Gender="Female"),
            row(**service, Gender="Male", person="P2"),
            row(**service, Gender="Other", person="P3"),
        ],
    )
    result = ascof_2e(ev, people, S, E)[0]
    assert counts(result, "ascof_2e_all", "65ov") == (3, 3)
    assert counts(result, "ascof_2e_all", "65ov_female") == (1, 1)
    assert counts(result, "ascof_2e_all", "65ov_male") == (1, 1)


# ------------------------------------------------------------------------------ 2A
def test_the_clusters_own_equipment_row_is_not_nested_equipment(tmp_path):
    # the ST-Max row itself has component Equipment and an unclassifiable outcome: DHSC blanks
    # the cluster's own rows, so no nested equipment is found and the cluster is unclassified
    own = stmax("2025-06-01", "2025-06-20", "Continuation of support or services")
    own["Service_Component"] = "Equipment"
    ev, people = prepared(tmp_path, [own])
    result, clusters = ascof_2a(ev, people, S, E)
    assert counts(result, "ascof_2a") == (0, 0)
    assert list(clusters["rule"]) == [6]


def test_nested_equipment_is_a_success(tmp_path):
    rows = [
        stmax("2025-06-01", "2025-06-20", "Continuation of support or services"),
        row(
            Event_Type="Service",
            Service_Type="Short term support: Ongoing low level",
            Service_Component="Equipment",
            Event_Start_Date="2025-06-05",
            Event_End_Date="2025-06-06",
        ),
    ]
    ev, people = prepared(tmp_path, rows)
    result, clusters = ascof_2a(ev, people, S, E)
    assert counts(result, "ascof_2a") == (1, 1)
    table = outcomes_2a(clusters)
    assert table.to_dict("records") == [
        {
            "rule": "5 equipment during the reablement",
            "final_outcome": "Short term support: Ongoing low level",
            "counts_in": "numerator and denominator",
            "clusters": 1,
        }
    ]


def test_the_quality_table_counts_invalid_and_blank_values(tmp_path):
    path = write(
        tmp_path,
        [
            row(
                Event_Type="Service",
                Service_Type=RES,
                Service_Component="Respite (local name)",
                Event_Start_Date="2025-06-01",
                Accommodation_Status="",
            ),
            stmax("2025-06-01", "2025-06-10"),
        ],
    )
    q = read_extracts([path]).quality.set_index("field")
    assert (
        q.loc["Service_Component", "invalid"] == 1 and q.loc["Service_Component", "example"] == "Respite (local name)"
    )
    assert q.loc["Accommodation_Status", "blank"] == 2 and q.loc["Service_Type", "invalid"] == 0
