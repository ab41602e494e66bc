"""CLD code lists (Release 2 names; Release 1 client types accepted) and DHSC's groupings.

Values are compared trimmed and case-folded, as DHSC's SQL Server collation does: a value is
mapped to its canonical spelling by :func:`canonical`.
"""

from __future__ import annotations

import pandas as pd

from ascbench.keys import per_category

EVENT_TYPES = ["Request", "Assessment", "Service", "Review"]
CLIENT_TYPES = {
    "service user": "Service user",
    "unpaid carer": "Unpaid carer",
    "unpaid carer known by association": "Unpaid carer known by association",
    "carer": "Unpaid carer",
    "carer known by association": "Unpaid carer known by association",
}
CARER_TYPES = ("Unpaid carer", "Unpaid carer known by association")
NURSING, RESIDENTIAL, COMMUNITY, PRISON = (
    "Long term support: Nursing care",
    "Long term support: Residential care",
    "Long term support: Community",
    "Long term support: Prison",
)
STMAX, ST_LOW, ST_OTHER = (
    "Short term support: ST-Max",
    "Short term support: Ongoing low level",
    "Short term support: Other short term",
)
CARER_DIRECT = "Unpaid carer support: Direct to unpaid carer"
CARER_INVOLVING = "Unpaid carer support: Support involving the person cared-for"
SERVICE_TYPES = [NURSING, RESIDENTIAL, COMMUNITY, PRISON, STMAX, ST_LOW, ST_OTHER, CARER_DIRECT, CARER_INVOLVING]
LTS = (NURSING, RESIDENTIAL, COMMUNITY, PRISON)
SERVICE_RANK = {NURSING: 1, RESIDENTIAL: 2, COMMUNITY: 3, PRISON: 4, STMAX: 5, ST_LOW: 6, ST_OTHER: 7}
ST_RES_NURSING = "Short term support: Residential or Nursing care"

COMPONENTS = [
    "Reablement",
    "Short term nursing care",
    "Short term residential care",
    "Long term nursing care",
    "Long term residential care",
    "Home support or domiciliary care",
    "Day support",
    "Meals",
    "Transport",
    "Equipment",
    "Direct payment",
    "Shared Lives",
    "Community supported living",
    "Extra care housing",
    "Professional support: Social worker",
    "Professional support: Other",
    "Learning, education or employment support",
    "End of life care",
    "Emergency support",
    "Other short term support",
    "Other long term support",
    "Unpaid carer respite",
    "Unpaid carer sitting service",
    "Unpaid carer universal services",
    "Other unpaid carer support",
]
MECHANISMS = ["Direct payment", "CASSR managed personal budget", "CASSR commissioned support"]

OUTCOMES = [
    "Progress to reablement/ST-Max",
    "Progress to assessment, review or reassessment",
    "Release 1 specification only: Not mapped",
    "Progress to support planning or services",
    "Continuation of support or services",
    "Admitted to hospital",
    "NFA: Responsibility moved to another local authority",
    "NFA: Referral to NHS services or NHS funded social care",
    "NFA: Self-funded client or under 12wk disregard",
    "NFA: Information and advice or signposting",
    "NFA: Referral to other service within the local authority",
    "NFA: Support declined",
    "NFA: Deceased",
    "NFA: Support ended as planned",
    "NFA: Support ended for other reason",
    "NFA: No services offered for other reason",
    "NFA: Other",
]
OUTCOME_RANK = {o: i + 1 for i, o in enumerate(OUTCOMES)}
UNCLASSIFIABLE = (
    "Continuation of support or services",
    "Progress to support planning or services",
    "Progress to assessment, review or reassessment",
    "Progress to reablement/ST-Max",
    "Release 1 specification only: Not mapped",
)
SUCCESS_2A = (
    ST_LOW,
    ST_OTHER,
    "NFA: Information and advice or signposting",
    "NFA: Support ended as planned",
    "NFA: Responsibility moved to another local authority",
    "NFA: Other",
    "NFA: No services offered for other reason",
    "NFA: Support ended for other reason",
    "NFA: Referral to other service within the local authority",
)
FAILURE_2A = (NURSING, RESIDENTIAL, COMMUNITY, PRISON, ST_RES_NURSING)
SELF_FUNDED = "NFA: Self-funded client or under 12wk disregard"

SETTLED = {
    "Owner occupier or shared ownership scheme": 1,
    "Tenant: Local authority or other social housing provider": 1,
    "Tenant: Private landlord": 1,
    "Settled mainstream housing with family or friends": 1,
    "Supported accommodation, supported lodgings or supported group home": 1,
    "Shared Lives scheme": 1,
    "Approved premises for offenders released from prison or under probation supervision": 1,
    "Sheltered housing, extra care housing or other sheltered housing": 1,
    "Mobile accommodation for Gypsy, Roma and Traveller communities": 1,
    "Rough sleeper or squatting": 0,
    "Night shelter, emergency hostel or direct access hostel": 0,
    "Refuge": 0,
    "Placed in temporary accommodation by the council (inc. homelessness resettlement)": 0,
    "Staying with family or friends as a short term guest": 0,
    "Acute hospital or long term healthcare residential facility": 0,
    "Registered care home": 0,
    "Registered nursing home": 0,
    "Prison, young offenders institution or detention centre": 0,
    "Other temporary accommodation": 0,
    "Unknown": 0,
    "Unknown: Presumed at home": 1,
    "Unknown: Presumed in community": 0,
}
LD = "learning disability support"
CARER_PSR = "social support: support to unpaid carer"
UNKNOWN_VALUES = ("", "unknown", "invalid and not mapped")


def fold(value) -> str:
    return " ".join(str(value).split()).casefold() if isinstance(value, str) else ""


def lookup(values) -> dict:
    return {fold(v): v for v in values}


def per_value(series, func):
    """``series.map(func)`` with ``func`` called once per distinct value (an extract repeats
    a few dozen codes half a million times); missing cells get ``func(None)``."""

    return pd.Series(per_category(series, func, missing=None), index=series.index, dtype=object)


def fold_all(series):
    """:func:`fold` of every cell (missing cells fold to "")."""
    return per_value(series, fold)


def canonical(series, values):
    """Map a text column to canonical spellings (trimmed, case-folded match); unmatched
    non-blank values become None and blank values ''."""
    table = lookup(values)
    return per_value(series, lambda v: "" if fold(v) == "" else table.get(fold(v)))
