"""The narrative's figures (tests/material/seeds/q3-2025-26-narrative-facts.csv), recomputed.

Each case names the paragraph of the report and the claim; the expected figure is the one
the report prints, at the precision it prints. Where the report disagrees with its own
counts the case asserts the recomputed figure and says so.
"""

from __future__ import annotations

import pandas as pd
import pytest

from ascbench.render.numbers import round_half_away
from tests.conftest import material


def r1(x, d=1):
    return round_half_away(float(x), d)


def test_facts_file_is_the_one_we_check():
    facts = pd.read_csv(material("seeds", "q3-2025-26-narrative-facts.csv"))
    assert len(facts) >= 60 and {"paragraph", "claim", "stated_result"} <= set(facts.columns)


# (paragraph, metric, column, printed figure, decimals)
FIGURES = [
    ("9", "new_contacts", "change_pct", -4.9, 1),  # a 4.9% reduction from 17,270
    ("9", "new_contacts", "change", -850, 0),
    ("9", "new_contacts_phone_email_share", "value", 64.6, 1),  # 'two-thirds' (loose)
    ("9", "new_contacts_self_family_share", "value", 44.7, 1),  # 'four in every 10' (loose)
    ("9", "new_contacts_hospital_share", "value", 26.2, 1),  # 'a quarter'
    ("9", "new_contacts_hospital", "change", -200, 0),
    ("10", "new_contacts_rate_18_64", "diff", -42, 0),
    ("10", "new_contacts_rate_65_plus", "diff_pct", 27.1, 1),  # called 'slightly higher'
    ("11", "ASCOF_2E", "previous_value", 87.3, 1),
    ("11", "ASCOF_2E", "comparator_value", 81.4, 1),
    ("12", "local_awaiting_assessment", "change", -256, 0),
    ("12", "awaiting_assessment_6m_share", "value", 1.9, 1),
    ("12", "awaiting_assessment_6m_share", "previous_value", 9.1, 1),
    ("14", "ASCOF_2A", "previous_value", 73.7, 1),
    ("14", "ASCOF_2A", "value", 69.7, 1),
    ("14", "ASCOF_2D", "previous_value", 58.7, 1),
    ("14", "ASCOF_2D", "value", 59.1, 1),
    ("15", "people_supported_18_64", "value", 706, 0),
    ("15", "people_supported_65_plus", "value", 5002, 0),
    ("16", "residential_share_18_64", "diff", -4.2, 1),
    ("16", "residential_share_65_plus", "diff", -7.8, 1),
    ("17", "ASCOF_2B", "previous_value", 11.3, 1),
    ("17", "ASCOF_2C", "previous_value", 526.9, 1),
    ("17", "ASCOF_2B", "comparator_value", 17.0, 1),
    ("17", "ASCOF_2C", "comparator_value", 592.5, 1),
    ("18", "ASCOF_3D_2A", "previous_value", 32.5, 1),
    ("18", "ASCOF_3D_2A", "value", 32.4, 1),
    ("18", "ASCOF_3D_2A", "comparator_value", 24.5, 1),
    ("20", "ASCOF_3C1", "change", 1.8, 1),
    ("20", "ASCOF_3C1", "diff", -6.7, 1),
    ("20", "ASCOF_5A1", "diff", -5.8, 1),
    ("20", "satisfaction", "diff", -4, 0),
    ("20", "ASCOF_4A", "value", 67, 0),  # the narrative rounds 66.8 to 67
    ("20", "ASCOF_4A", "comparator_value", 70, 0),
    ("21", "safeguarding_alerts_rate", "value", 486, 0),
    ("21", "safeguarding_alerts_rate", "comparator_value", 1379, 0),
    ("22", "s42_enquiries_rate", "value", 176, 0),
    ("22", "safeguarding_conversion_rate", "value", 36, 0),
    ("22", "safeguarding_conversion_rate", "comparator_value", 29, 0),
    ("23", "ASCOF_4B", "comparator_value", 91.2, 1),
    ("24", "local_annual_review", "previous_value", 77.3, 1),
    ("24", "local_annual_review", "value", 78.3, 1),
    ("24", "local_annual_review", "change", 1.0, 1),
    ("26", "local_heritage_visits", "change_pct", 3, 0),
    ("26", "local_heritage_visits", "diff_pct", -1.9, 1),
    ("27", "local_library_visits", "change", 21086, 0),
    ("27", "local_library_visits", "change_pct", 3.7, 1),
    ("27", "local_library_visits", "diff", 8183, 0),
    ("27", "local_library_visits", "diff_pct", 1.4, 1),
    ("27", "local_library_loans_total", "change_pct", 1.0, 1),
    ("27", "local_library_eloans", "change", 129980, 0),
    ("27", "local_library_eloans", "change_pct", 14.3, 1),  # printed 14.2%: the counts give 14.30%
    ("27", "local_library_eloans", "diff", 94135, 0),
    ("27", "local_library_eloans", "diff_pct", 10.0, 1),
    ("27", "local_library_loans_junior", "value", 543459, 0),
    ("27", "local_library_loans_junior", "diff_pct", -3.4, 1),
    ("28", "local_volunteering_hours", "change", 3454, 0),
    ("28", "local_volunteering_hours", "change_pct", 22, 0),
    ("28", "local_volunteering_hours", "diff", 4100, -2),  # '4,100 hours above' (to the 100)
    ("29", "local_cls_workshop_attendances", "change", 124, 0),
    ("29", "local_cls_workshop_attendances", "diff", 465, 0),
    ("30", "local_lals_success_rate", "diff", 4.4, 1),
]


@pytest.mark.parametrize(
    "para, metric, column, printed, decimals", FIGURES, ids=[f"para{f[0]}-{f[1]}-{f[2]}" for f in FIGURES]
)
def test_narrative_figure(results, para, metric, column, printed, decimals):
    assert r1(results.loc[metric, column], decimals) == pytest.approx(printed)


# (paragraph, metric, comparator area role, expected rating): 'lower than', 'higher than' ...
COMPARISONS = [
    ("11", "ASCOF_2E", "E92000001", "better"),
    ("14", "ASCOF_2A", "E92000001", "worse"),  # 'slightly below'
    ("14", "ASCOF_2D", "E92000001", "similar"),  # 'close to'
    ("15", "people_supported_18_64", "E92000001", "lower"),
    ("15", "people_supported_18_64", "LCC-PEERS", "lower"),
    ("15", "people_supported_65_plus", "E92000001", "similar"),  # 5,002 v 5,245 (within 5%)
    ("15", "people_supported_65_plus", "LCC-PEERS", "higher"),
    ("16", "residential_share_18_64", "LCC-PEERS", "better"),
    ("17", "ASCOF_2C", "E92000001", "better"),
    ("18", "ASCOF_3D_2A", "E92000001", "better"),
    ("21", "safeguarding_alerts_rate", "E92000001", "lower"),
    ("22", "s42_enquiries_rate", "E92000001", "lower"),
    ("22", "safeguarding_conversion_rate", "E92000001", "higher"),
    ("23", "ASCOF_4B", "E92000001", "better"),
    ("24", "local_annual_review", "E92000001", "better"),
    ("33", "ASCOF_4A", "E92000001", "worse"),
    ("34", "local_library_loans_junior", "E10000018", "worse"),
    ("35", "local_cls_workshop_attendances", "E10000018", "better"),
]


@pytest.mark.parametrize(
    "para, metric, area, rating", COMPARISONS, ids=[f"para{c[0]}-{c[1]}-{c[2]}" for c in COMPARISONS]
)
def test_narrative_comparison(built, para, metric, area, rating):
    comparisons = built[2]
    row = comparisons[(comparisons["metric_id"] == metric) & (comparisons["comparator_area"] == area)]
    assert len(row) == 1
    assert row["rating"].iloc[0] == rating


def test_people_supported_ages_add_up(results):
    # para 15: 3,110 + 7,870 people 'over 10,980' - exactly 10,980
    total = results.loc["people_supported_18_64", "numerator"] + results.loc["people_supported_65_plus", "numerator"]
    assert total == 10980


def test_heritage_is_below_its_milestone_despite_para_34(results):
    # para 34 says heritage visits are 'on course'; para 26 and App. A put them 1.9% short
    h = results.loc["local_heritage_visits"]
    assert h["value"] < h["comparator_value"] and h["rating"] == "similar"
