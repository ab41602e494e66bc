"""ASCOF from Client Level Data: the edge cases of the CLD method notes (docs/cld.md), each a tiny
hand-made extract with the expected counts worked out by hand; a synthetic round trip."""

from __future__ import annotations

import csv

import pandas as pd
import pytest
from click.testing import CliRunner

from ascbench.cld.measures import Options, ascof_2a, ascof_2b_2c, ascof_2e, ascof_3d
from ascbench.cld.prepare import person_details, stage0
from ascbench.cld.read import read_extracts
from ascbench.cli import cli
from tests.cld_parity import assert_engines_agree

S, E = pd.Timestamp("2025-04-01"), pd.Timestamp("2026-03-31")
FIELDS = [
    "LA_Code",
    "NHS_Number",
    "LA_Person_Unique_Identifier",
    "Date_of_Birth",
    "Date_of_Death",
    "Gender",
    "Client_Type",
    "Primary_Support_Reason",
    "Accommodation_Status",
    "Event_Type",
    "Event_Start_Date",
    "Event_End_Date",
    "Event_Outcome",
    "Service_Type",
    "Service_Component",
    "Delivery_Mechanism",
]
DEFAULT = {
    "LA_Code": "855",
    "NHS_Number": "1111111111",
    "LA_Person_Unique_Identifier": "P1",
    "Date_of_Birth": "1955-01-15",
    "Client_Type": "Service user",
    "Gender": "Female",
}
STMAX = "Short term support: ST-Max"
RES, NURS, COMM = (
    "Long term support: Residential care",
    "Long term support: Nursing care",
    "Long term support: Community",
)


def row(**kw):
    r = {**DEFAULT, **kw}
    if "person" in kw:  # a shorthand for a second person
        r["NHS_Number"] = kw["person"] * 10
        r["LA_Person_Unique_Identifier"] = kw["person"]
        del r["person"]
    return r


def write(tmp_path, rows, name="cld.csv"):
    path = tmp_path / name
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=FIELDS + ["Reporting_Period_Start_Date", "Reporting_Period_End_Date"])
        w.writeheader()
        for r in rows:
            w.writerow(r)
    return path


def prepared(tmp_path, rows, options=Options(), files=None):
    paths = files or [write(tmp_path, rows)]
    assert_engines_agree(paths, options=options)  # every edge case: the DuckDB engine counts the same
    extract = read_extracts(paths)
    ev = stage0(extract.rows, options.person_key)
    return ev, person_details(ev)


def counts(result, measure, group="total"):
    for c in result:
        if c["measure"] == measure and c["group"] == group:
            return c["numerator"], c["denominator"]
    raise KeyError(measure)


def run_2a(tmp_path, rows):
    ev, people = prepared(tmp_path, rows)
    return ascof_2a(ev, people, S, E)[0]


def stmax(start, end, outcome="NFA: Support ended as planned", **kw):
    return row(
        Event_Type="Service",
        Service_Type=STMAX,
        Service_Component="Reablement",
        Event_Start_Date=start,
        Event_End_Date=end,
        Event_Outcome=outcome,
        **kw,
    )


# ------------------------------------------------------------------------ general (G)
def test_g1_missing_birth_counts_in_total_only(tmp_path):
    r = run_2a(tmp_path, [stmax("2025-06-01", "2025-06-10", Date_of_Birth="")])
    assert counts(r, "ascof_2a") == (1, 1) and counts(r, "ascof_2a", "65ov") == (0, 0)
    assert counts(r, "ascof_2a", "1864") == (0, 0)


def test_g2_birth_truncated_to_the_month_and_g3_365_25(tmp_path):
    ev, people = prepared(
        tmp_path,
        [
            row(
                Date_of_Birth="1961-03-20",
                Event_Type="Service",
                Service_Type=RES,
                Service_Component="Long term residential care",
                Event_Start_Date="2026-03-02",
            )
        ],
    )
    assert ascof_2b_2c(ev, people, S, E)[0][1]["numerator"] == 1  # 2C: aged 65 from 1961-03-01
    for start, measure in (("2025-04-01", 0), ("2025-04-02", 1)):
        ev, people = prepared(
            tmp_path,
            [
                row(
                    Date_of_Birth="1960-04-10",
                    Event_Type="Service",
                    Service_Type=RES,
                    Service_Component="Long term residential care",
                    Event_Start_Date=start,
                )
            ],
        )
        result = ascof_2b_2c(ev, people, S, E)[0]
        assert (result[0]["numerator"], result[1]["numerator"]) == ((1, 0) if measure == 0 else (0, 1))


def test_g4_person_key_split_and_the_linked_option(tmp_path):
    rows = [
        row(
            Event_Type="Service",
            Service_Type=NURS,
            Service_Component="Long term nursing care",
            Event_Start_Date="2025-05-01",
            Event_End_Date="2025-05-20",
        ),
        row(
            NHS_Number="",
            LA_Person_Unique_Identifier="P1",
            Event_Type="Service",
            Service_Type=NURS,
            Service_Component="Long term nursing care",
            Event_Start_Date="2025-06-01",
        ),
    ]
    ev, people = prepared(tmp_path, rows)
    assert ascof_2b_2c(ev, people, S, E)[0][1]["numerator"] == 2  # DHSC: two keys, two people
    ev, people = prepared(tmp_path, rows, Options(person_key="linked"))
    assert ascof_2b_2c(ev, people, S, E)[0][1]["numerator"] == 1


def test_g5_death_ends_an_open_service(tmp_path):
    ev, people = prepared(
        tmp_path,
        [
            row(
                Event_Type="Service",
                Service_Type=COMM,
                Service_Component="Home support or domiciliary care",
                Delivery_Mechanism="Direct payment",
                Event_Start_Date="2024-01-01",
                Date_of_Death="2026-02-10",
                Accommodation_Status="Tenant: Private landlord",
            )
        ],
    )
    assert ev["end"].iloc[0] == pd.Timestamp("2026-02-10")
    assert counts(ascof_3d(ev, people, S, E)[0], "ascof_3d2a") == (0, 0)  # not open on E
    assert counts(ascof_2e(ev, people, S, E)[0], "ascof_2e_all", "65ov") == (1, 1)


def test_g6_death_before_the_event_drops_the_row(tmp_path):
    ev, _ = prepared(
        tmp_path,
        [
            row(
                Event_Type="Review",
                Event_Start_Date="2025-07-01",
                Event_End_Date="2025-07-05",
                Date_of_Death="2025-06-20",
            ),
            stmax("2025-05-01", "2025-05-02", person="P2"),
        ],
    )
    assert not (ev["Event_Type"] == "Review").any()


def test_g7_case_and_spacing(tmp_path):
    r = run_2a(
        tmp_path,
        [
            row(
                Client_Type="service user",
                Event_Type="service",
                Service_Type="SHORT TERM SUPPORT: ST-MAX ",
                Event_Start_Date="2025-06-01",
                Event_End_Date="2025-06-10",
                Event_Outcome="nfa: support ended as planned",
            )
        ],
    )
    assert counts(r, "ascof_2a") == (1, 1)


def test_g8_end_before_start_still_counts_as_an_admission(tmp_path):
    ev, people = prepared(
        tmp_path,
        [
            row(
                Event_Type="Service",
                Service_Type=RES,
                Service_Component="Long term residential care",
                Event_Start_Date="2025-08-01",
                Event_End_Date="2025-07-01",
            )
        ],
    )
    assert ascof_2b_2c(ev, people, S, E)[0][1]["numerator"] == 1
    assert counts(ascof_2e(ev, people, S, E)[0], "ascof_2e_all", "65ov") == (0, 0)


def test_g9_latest_submission_wins_and_g10_cropping(tmp_path):
    q1 = write(
        tmp_path,
        [
            row(
                Event_Type="Service",
                Service_Type=COMM,
                Service_Component="Day support",
                Event_Start_Date="2025-01-05",
                Reporting_Period_Start_Date="2025-04-01",
                Reporting_Period_End_Date="2025-06-30",
            ),
            row(
                Event_Type="Service",
                Service_Type="Short term support: Other short term",
                Service_Component="Other short term support",
                Event_Start_Date="2025-06-01",
                Reporting_Period_Start_Date="2025-04-01",
                Reporting_Period_End_Date="2025-06-30",
            ),
        ],
        "q1.csv",
    )
    q2 = write(
        tmp_path,
        [
            row(
                Event_Type="Service",
                Service_Type=COMM,
                Service_Component="Day support",
                Event_Start_Date="2025-01-05",
                Event_End_Date="2025-08-31",
                Reporting_Period_Start_Date="2025-07-01",
                Reporting_Period_End_Date="2025-09-30",
            )
        ],
        "q2.csv",
    )
    ev, _ = prepared(tmp_path, [], files=[q1, q2])
    comm = ev[ev["Service_Type"] == COMM]
    assert len(comm) == 1 and comm["end"].iloc[0] == pd.Timestamp("2025-08-31")
    other = ev[ev["Service_Type"] == "Short term support: Other short term"]
    assert other["end"].iloc[0] == pd.Timestamp("2025-06-30")


# ---------------------------------------------------------------------------- 2A (A)
def test_a1_two_episodes_count_twice(tmp_path):
    r = run_2a(tmp_path, [stmax("2025-05-01", "2025-05-20"), stmax("2025-09-01", "2025-09-21")])
    assert counts(r, "ascof_2a") == (2, 2)


@pytest.mark.parametrize("second, clusters", [("2025-05-27", 1), ("2025-05-28", 2)])
def test_a2_clustering_gap(tmp_path, second, clusters):
    r = run_2a(tmp_path, [stmax("2025-05-01", "2025-05-20"), stmax(second, "2025-06-05")])
    assert counts(r, "ascof_2a") == (clusters, clusters)


@pytest.mark.parametrize("start, expected", [("2025-06-17", (0, 1)), ("2025-06-18", (1, 1))])
def test_a3_sequel_on_day_7_not_day_8(tmp_path, start, expected):
    r = run_2a(
        tmp_path,
        [
            stmax("2025-06-01", "2025-06-10"),
            row(Event_Type="Service", Service_Type=COMM, Service_Component="Day support", Event_Start_Date=start),
        ],
    )
    assert counts(r, "ascof_2a") == expected


def test_a4_nested_review_decides(tmp_path):
    r = run_2a(
        tmp_path,
        [
            stmax("2025-06-01", "2025-06-10", "Continuation of support or services"),
            row(
                Event_Type="Review",
                Event_Start_Date="2025-06-05",
                Event_End_Date="2025-06-10",
                Event_Outcome="NFA: Support ended as planned",
            ),
        ],
    )
    assert counts(r, "ascof_2a") == (1, 1)


@pytest.mark.parametrize("start, included", [("2025-05-02", False), ("2025-05-03", True)])
def test_a5_new_client_at_90_and_91_days(tmp_path, start, included):
    r = run_2a(
        tmp_path,
        [
            row(
                Event_Type="Service",
                Service_Type=COMM,
                Service_Component="Day support",
                Event_Start_Date="2024-06-01",
                Event_End_Date="2025-02-01",
            ),
            stmax(start, "2025-05-20"),
        ],
    )
    assert counts(r, "ascof_2a") == ((1, 1) if included else (0, 0))


@pytest.mark.parametrize("death, expected", [("2025-06-17", (0, 0)), ("2025-06-18", (1, 1))])
def test_a6_death_within_7_days(tmp_path, death, expected):
    r = run_2a(tmp_path, [stmax("2025-06-01", "2025-06-10", Date_of_Death=death)])
    assert counts(r, "ascof_2a") == expected


def test_a8_hospital_outcome_wins(tmp_path):
    r = run_2a(
        tmp_path,
        [
            stmax("2025-06-01", "2025-06-10", "Admitted to hospital"),
            row(
                Event_Type="Service", Service_Type=COMM, Service_Component="Day support", Event_Start_Date="2025-06-12"
            ),
        ],
    )
    assert counts(r, "ascof_2a") == (0, 0)


def test_a9_competing_services(tmp_path):
    st_res = row(
        Event_Type="Service",
        Service_Type="Short term support: Other short term",
        Service_Component="Short term residential care",
        Event_Start_Date="2025-06-12",
        Event_End_Date="2025-06-30",
    )
    r = run_2a(
        tmp_path,
        [
            stmax("2025-06-01", "2025-06-10"),
            st_res,
            row(
                Event_Type="Service", Service_Type=COMM, Service_Component="Day support", Event_Start_Date="2025-06-14"
            ),
        ],
    )
    assert counts(r, "ascof_2a") == (0, 1)  # long-term community wins: a failure
    r = run_2a(tmp_path, [stmax("2025-06-01", "2025-06-10"), st_res])
    assert counts(r, "ascof_2a") == (0, 1)  # short-term residential after reablement: not a success


def test_a10_equipment_and_a11_unable_to_classify(tmp_path):
    r = run_2a(
        tmp_path,
        [
            stmax("2025-06-01", "2025-06-10", "Progress to support planning or services"),
            row(
                Event_Type="Service",
                Service_Type="Short term support: Other short term",
                Service_Component="Equipment",
                Event_Start_Date="2025-06-02",
                Event_End_Date="2025-06-05",
            ),
        ],
    )
    assert counts(r, "ascof_2a") == (1, 1)
    r = run_2a(tmp_path, [stmax("2025-06-01", "2025-06-10", "Progress to assessment, review or reassessment")])
    assert counts(r, "ascof_2a") == (0, 0)


def test_a12_under_18_and_a14_open_and_a16_empty_group(tmp_path):
    r = run_2a(
        tmp_path, [stmax("2025-05-01", "2025-05-31", Date_of_Birth="2007-06-15"), stmax("2026-02-01", "", person="P2")]
    )
    assert counts(r, "ascof_2a") == (0, 0)
    assert counts(r, "ascof_2a", "1864") == (0, 0)  # an empty group is reported, with zeros


def test_a13_later_request_with_a_progress_outcome(tmp_path):
    r = run_2a(
        tmp_path,
        [
            stmax("2025-06-01", "2025-06-10"),
            row(
                Event_Type="Request",
                Event_Start_Date="2025-06-12",
                Event_End_Date="2025-06-12",
                Event_Outcome="Progress to assessment, review or reassessment",
            ),
        ],
    )
    assert counts(r, "ascof_2a") == (1, 1)


# ------------------------------------------------------------------------- 2B/2C (B)
def adm(start, end="", component="Long term residential care", stype=RES, **kw):
    return row(
        Event_Type="Service",
        Service_Type=stype,
        Service_Component=component,
        Event_Start_Date=start,
        Event_End_Date=end,
        **kw,
    )


def run_2bc(tmp_path, rows, options=Options()):
    ev, people = prepared(tmp_path, rows, options)
    result = ascof_2b_2c(ev, people, S, E, options)[0]
    return result[0]["numerator"], result[1]["numerator"]


@pytest.mark.parametrize("written", ["943 476 5919", "943-476-5919", "9.434765919E+09", "9434765919.0"])
def test_one_nhs_number_written_two_ways_is_one_person(tmp_path, written):
    """Two admissions of one person, the NHS number written once plainly and once as a person
    or a spreadsheet writes it: one person, so the second admission is not a new one."""
    rows = [
        row(
            NHS_Number="9434765919",
            Event_Type="Service",
            Service_Type=NURS,
            Service_Component="Long term nursing care",
            Event_Start_Date="2025-05-01",
            Event_End_Date="2025-05-20",
        ),
        row(
            NHS_Number=written,
            LA_Person_Unique_Identifier="P2",
            Event_Type="Service",
            Service_Type=NURS,
            Service_Component="Long term nursing care",
            Event_Start_Date="2025-06-01",
        ),
    ]
    ev, people = prepared(tmp_path, rows)
    assert ev["person"].nunique() == 1
    assert ascof_2b_2c(ev, people, S, E)[0][1]["numerator"] == 1


def test_b1_turning_65_between_placements(tmp_path):
    assert run_2bc(
        tmp_path,
        [
            adm("2025-05-01", "2025-05-20", Date_of_Birth="1960-09-10"),
            adm("2025-11-01", stype=NURS, component="Long term nursing care", Date_of_Birth="1960-09-10"),
        ],
    ) == (1, 0)


def test_b2_transfer_is_existing(tmp_path):
    assert run_2bc(
        tmp_path, [adm("2024-06-01", "2025-07-31"), adm("2025-08-01", stype=NURS, component="Long term nursing care")]
    ) == (0, 0)


@pytest.mark.parametrize("prior_end, counted", [("2024-06-01", 1), ("2024-06-02", 0)])
def test_b3_365_day_boundary(tmp_path, prior_end, counted):
    assert run_2bc(tmp_path, [adm("2024-01-01", prior_end), adm("2025-06-01")])[1] == counted


def test_b4_self_funded_then_council_funded(tmp_path):
    assert run_2bc(
        tmp_path,
        [
            adm("2025-07-01", "2025-09-30", Event_Outcome="NFA: Self-funded client or under 12wk disregard"),
            adm("2025-12-01"),
        ],
    ) == (0, 0)


def test_b5_component_test_and_option(tmp_path):
    assert run_2bc(tmp_path, [adm("2025-06-01", component="Short term residential care")]) == (0, 0)
    assert run_2bc(tmp_path, [adm("2025-06-01", component="")]) == (0, 0)  # DHSC parity
    assert run_2bc(tmp_path, [adm("2025-06-01", component="")], Options(blank_component="include")) == (0, 1)
    assert run_2bc(tmp_path, [adm("2025-06-01")]) == (0, 1)


def test_b6_same_day_admissions_count_once(tmp_path):
    assert run_2bc(
        tmp_path, [adm("2025-09-01"), adm("2025-09-01", stype=NURS, component="Long term nursing care")]
    ) == (0, 1)


# ---------------------------------------------------------------------------- 2E (E)
def test_e1_conflicting_status_imputed_at_home(tmp_path):
    rows = [
        row(
            Event_Type="Service",
            Service_Type=COMM,
            Service_Component="Home support or domiciliary care",
            Event_Start_Date="2025-05-01",
            Accommodation_Status="Owner occupier or shared ownership scheme",
        ),
        row(
            Event_Type="Service",
            Service_Type=COMM,
            Service_Component="Day support",
            Event_Start_Date="2025-05-01",
            Accommodation_Status="Registered care home",
        ),
    ]
    ev, people = prepared(tmp_path, rows)
    assert people["accommodation"].iloc[0] == "Unknown: Presumed at home"
    assert counts(ascof_2e(ev, people, S, E)[0], "ascof_2e_all", "65ov") == (1, 1)


def test_e2_invalid_status_with_nursing_is_a_nursing_home(tmp_path):
    ev, people = prepared(
        tmp_path,
        [
            adm(
                "2025-05-01",
                stype=NURS,
                component="Long term nursing care",
                Accommodation_Status="Invalid and not mapped",
            )
        ],
    )
    assert people["accommodation"].iloc[0] == "Registered nursing home"
    assert counts(ascof_2e(ev, people, S, E)[0], "ascof_2e_all", "65ov") == (0, 1)


def test_e3_ld_uses_the_latest_person_level_reason(tmp_path):
    rows = [
        row(
            Date_of_Birth="1985-01-01",
            Event_Type="Service",
            Service_Type=COMM,
            Service_Component="Day support",
            Event_Start_Date="2025-04-10",
            Event_End_Date="2025-09-30",
            Primary_Support_Reason="Physical support: Personal care support",
            Accommodation_Status="Tenant: Private landlord",
        ),
        row(
            Date_of_Birth="1985-01-01",
            Event_Type="Request",
            Event_Start_Date="2025-11-20",
            Event_End_Date="2025-12-01",
            Primary_Support_Reason="Learning disability support",
        ),
    ]
    ev, people = prepared(tmp_path, rows)
    assert counts(ascof_2e(ev, people, S, E)[0], "ascof_2e") == (1, 1)


def test_e4_age_at_the_latest_capped_end_and_e5_prison(tmp_path):
    ev, people = prepared(
        tmp_path,
        [
            row(
                Date_of_Birth="1960-09-15",
                Event_Type="Service",
                Service_Type=COMM,
                Service_Component="Day support",
                Event_Start_Date="2024-05-01",
                Event_End_Date="2025-06-30",
                Accommodation_Status="Tenant: Private landlord",
            ),
            row(
                person="P2",
                Event_Type="Service",
                Service_Type="Long term support: Prison",
                Service_Component="Other long term support",
                Event_Start_Date="2025-05-01",
                Accommodation_Status="Prison, young offenders institution or detention centre",
            ),
        ],
    )
    result = ascof_2e(ev, people, S, E)[0]
    assert counts(result, "ascof_2e_all", "1864") == (1, 1)  # 64 at 2025-06-30
    assert counts(result, "ascof_2e_all", "65ov") == (0, 1)  # prison: denominator only


# ---------------------------------------------------------------------------- 3D (F)
def comm(start="2025-01-01", end="", component="Day support", mechanism="", **kw):
    return row(
        Event_Type="Service",
        Service_Type=COMM,
        Service_Component=component,
        Delivery_Mechanism=mechanism,
        Event_Start_Date=start,
        Event_End_Date=end,
        **kw,
    )


def run_3d(tmp_path, rows, options=Options()):
    ev, people = prepared(tmp_path, rows, options)
    return ascof_3d(ev, people, S, E, options)[0]


def test_f1_residential_outranks_community(tmp_path):
    r = run_3d(tmp_path, [comm(mechanism="Direct payment"), adm("2025-01-01")])
    assert counts(r, "ascof_3d2a") == (0, 0)


def test_f2_dp_component_overrides_and_f3_blank_mechanism(tmp_path):
    r = run_3d(
        tmp_path,
        [
            comm(component="Direct payment", mechanism="CASSR commissioned support"),
            comm(person="P2", component="Home support or domiciliary care"),
        ],
    )
    assert counts(r, "ascof_3d2a") == (1, 2) and counts(r, "ascof_3d1a") == (1, 2)


@pytest.mark.parametrize(
    "end, death, included",
    [("2026-03-30", "", False), ("2026-03-31", "", True), ("", "2026-03-30", False), ("", "2026-03-31", True)],
)
def test_f4_snapshot_boundary(tmp_path, end, death, included):
    r = run_3d(tmp_path, [comm(end=end, mechanism="Direct payment", Date_of_Death=death)])
    assert counts(r, "ascof_3d2a") == ((1, 1) if included else (0, 0))


def carer(component, mechanism, start="2025-05-01", **kw):
    return row(
        Client_Type="Unpaid carer",
        Event_Type="Service",
        Service_Type="Unpaid carer support: Direct to unpaid carer",
        Service_Component=component,
        Delivery_Mechanism=mechanism,
        Event_Start_Date=start,
        Event_End_Date="2025-06-01",
        **kw,
    )


def test_f5_carer_blank_component_quirk(tmp_path):
    r = run_3d(tmp_path, [carer("", "CASSR managed personal budget")])
    assert counts(r, "ascof_3d1b") == (0, 0)  # dropped (DHSC parity)
    r = run_3d(tmp_path, [carer("", "CASSR managed personal budget")], Options(carer_blank_component="include"))
    assert counts(r, "ascof_3d1b") == (1, 1)
    r = run_3d(tmp_path, [carer("Unpaid carer respite", "CASSR managed personal budget")])
    assert counts(r, "ascof_3d1b") == (1, 1) and counts(r, "ascof_3d2b") == (0, 1)


def test_f6_carer_ranking_in_year(tmp_path):
    r = run_3d(
        tmp_path,
        [
            carer("Unpaid carer respite", "Direct payment", "2025-04-10"),
            carer("Unpaid carer respite", "CASSR commissioned support", "2026-02-01"),
        ],
    )
    assert counts(r, "ascof_3d1b") == (1, 1) and counts(r, "ascof_3d2b") == (1, 1)


# ------------------------------------------------------- validation, CLI and round trip
def test_invalid_rows_are_rejected_with_a_located_summary(tmp_path):
    path = write(
        tmp_path,
        [
            stmax("2025-06-01", "2025-06-10"),
            stmax("2025-06-31", "2025-07-10"),
            row(Event_Type="Visit", Event_Start_Date="2025-06-01"),
            row(NHS_Number="", LA_Person_Unique_Identifier="", Event_Type="Request", Event_Start_Date="2025-06-01"),
        ],
    )
    extract = read_extracts([path], invalid="reject")
    assert len(extract.rows) == 1 and len(extract.rejected) == 3
    reasons = set(extract.rejected["reason"])
    assert "Event_Start_Date is not a date (expected YYYY-MM-DD)" in reasons
    assert "Event_Type is not one of Request, Assessment, Service, Review" in reasons
    assert list(extract.rejected["line"]) == [3, 4, 5]
    out = CliRunner().invoke(cli, ["cld", str(path), "--period", "2025-26", "--strict", "--invalid-values", "reject"])
    assert out.exit_code == 1 and "3 rows rejected" in out.stderr
    # DHSC's default: the unknown event type is kept as "Invalid and not mapped" and counted
    kept = read_extracts([path])
    assert len(kept.rows) == 2 and len(kept.rejected) == 2
    assert list(kept.rows["Event_Type"]) == ["Service", "Invalid and not mapped"]
    q = kept.quality.set_index("field")
    assert q.loc["Event_Type", "invalid"] == 1 and q.loc["Event_Type", "example"] == "Visit"
    out = CliRunner().invoke(cli, ["cld", str(path), "--period", "2025-26", "--strict"])
    assert out.exit_code == 1 and "2 rows rejected" in out.stderr


def test_missing_required_column(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("LA_Code,Event_Type,Client_Type,NHS_Number\n855,Service,Service user,1\n")
    out = CliRunner().invoke(cli, ["cld", str(path), "--period", "2025-26"])
    assert out.exit_code == 1 and "missing column Event_Start_Date" in out.stderr


def test_synthetic_extract_round_trip_to_rate(tmp_path):
    from ascbench.cld.synth import synthesise

    extract = tmp_path / "synth.csv"
    synthesise(extract, people=400, seed=3)
    data = tmp_path / "data"
    data.mkdir()
    (data / "areas.csv").write_text(
        "area_code,area_name,area_type\nE10000099,Synthshire,county\nE92000001,England,national\n"
    )
    (data / "dataset.yaml").write_text("default_area: E10000099\nroles: {national: E92000001}\n")
    (tmp_path / "pop.csv").write_text(
        "area_code,period,measure,value\nE10000099,2025-26,population.18-64,250000\n"
        "E10000099,2025-26,population.65+,90000\n"
    )
    out = CliRunner().invoke(
        cli,
        [
            "cld",
            str(extract),
            "--period",
            "2025-26",
            "--area",
            "E10000099",
            "--population",
            str(tmp_path / "pop.csv"),
            "--out",
            str(data),
        ],
    )
    assert out.exit_code == 0, out.stderr
    assert "2D is not available" in out.stderr
    obs = pd.read_csv(data / "observations-cld.csv").set_index("measure")
    num, den = obs.loc["ascof_2a.num", "value"], obs.loc["ascof_2a.den", "value"]
    assert 0 < num <= den
    result = CliRunner().invoke(
        cli,
        [
            "rate",
            "--data",
            str(data),
            "--catalogue",
            str(_root() / "catalogues" / "ascof-2024-25.yaml"),
            "--metric",
            "ASCOF_2A",
            "--metric",
            "ASCOF_2C",
            "--metric",
            "ASCOF_3D_2A",
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.stderr
    rows = pd.read_csv(pd.io.common.StringIO(result.stdout)).set_index("metric_id")
    assert rows.loc["ASCOF_2A", "value"] == pytest.approx(num / den * 100)
    assert rows.loc["ASCOF_2C", "value"] == pytest.approx(obs.loc["ascof_2c.num", "value"] / 90000 * 100000)


def _root():
    from tests.conftest import ROOT

    return ROOT
