"""A seeded synthetic CLD extract of any size, with the code lists of cld-fields.csv.

    python -m ascbench.cld.synth --people 50000 --out extract.csv [--seed 1]

People get a birth date, sometimes a death date, a gender, an accommodation status and a
support reason; each has a handful of events over the two years to March 2026: requests,
assessments, reviews, ST-Max episodes with outcomes, long-term community, residential and
nursing services with delivery mechanisms, and carers with carer support. About 20 events a
person, so 25,000 people make a county's year of about 500,000 event rows.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from ascbench.cld import codes


def synthesise(out: Path, people: int = 1000, seed: int = 1, la_code: str = "855") -> int:
    rng = np.random.default_rng(seed)
    ids = np.arange(people)
    birth = pd.Timestamp("1930-01-01") + pd.to_timedelta(rng.integers(0, 365 * 75, people), unit="D")
    died = rng.random(people) < 0.08
    death = pd.Timestamp("2024-06-01") + pd.to_timedelta(rng.integers(0, 640, people), unit="D")
    carer = rng.random(people) < 0.12
    accommodation = rng.choice(list(codes.SETTLED)[:20], people, p=None)
    psr = rng.choice(
        [
            "Learning disability support",
            "Physical support: Personal care support",
            "Mental health support",
            "Social support: Support for social isolation or other",
        ],
        people,
        p=[0.15, 0.6, 0.15, 0.1],
    )
    gender = rng.choice(["Female", "Male", "Other"], people, p=[0.55, 0.44, 0.01])
    n_events = rng.integers(4, 36, people)
    person = np.repeat(ids, n_events)
    m = len(person)
    start = pd.Timestamp("2024-04-01") + pd.to_timedelta(rng.integers(0, 730, m), unit="D")
    length = rng.integers(0, 200, m)
    kind = rng.choice(["Request", "Assessment", "Review", "ST", "LT"], m, p=[0.25, 0.15, 0.15, 0.2, 0.25])
    service_type = np.where(
        kind == "ST",
        rng.choice([codes.STMAX, codes.ST_LOW, codes.ST_OTHER], m, p=[0.7, 0.2, 0.1]),
        np.where(
            kind == "LT", rng.choice([codes.COMMUNITY, codes.RESIDENTIAL, codes.NURSING], m, p=[0.75, 0.15, 0.10]), ""
        ),
    )
    is_carer = carer[person]
    service_type = np.where(
        is_carer & (kind != "Request"), rng.choice([codes.CARER_DIRECT, codes.CARER_INVOLVING, ""], m), service_type
    )
    event_type = np.where(service_type != "", "Service", np.where(np.isin(kind, ["ST", "LT"]), "Review", kind))
    component = np.select(
        [
            service_type == codes.STMAX,
            service_type == codes.RESIDENTIAL,
            service_type == codes.NURSING,
            service_type == codes.COMMUNITY,
            service_type == codes.CARER_DIRECT,
        ],
        [
            rng.choice(["Reablement", "Equipment"], m, p=[0.9, 0.1]),
            rng.choice(["Long term residential care", "Short term residential care"], m, p=[0.9, 0.1]),
            "Long term nursing care",
            rng.choice(
                ["Home support or domiciliary care", "Direct payment", "Day support", "Community supported living"],
                m,
                p=[0.5, 0.25, 0.15, 0.1],
            ),
            rng.choice(["Unpaid carer respite", "Direct payment", ""], m, p=[0.6, 0.3, 0.1]),
        ],
        "",
    )
    mechanism = np.where(
        np.isin(service_type, [codes.COMMUNITY, codes.CARER_DIRECT]),
        rng.choice(codes.MECHANISMS + [""], m, p=[0.3, 0.3, 0.3, 0.1]),
        "",
    )
    outcome = rng.choice(codes.OUTCOMES, m)
    open_ = (event_type == "Service") & np.isin(service_type, codes.LTS) & (rng.random(m) < 0.5)
    end = np.array((start + pd.to_timedelta(length, unit="D")).strftime("%Y-%m-%d"), dtype=object)
    end[open_] = ""
    nhs = np.char.zfill((9_000_000_000 + ids).astype(str), 10)
    frame = pd.DataFrame(
        {
            "LA_Code": la_code,
            "NHS_Number": nhs[person],
            "LA_Person_Unique_Identifier": np.char.add("P", person.astype(str)),
            "Date_of_Birth": birth[person].strftime("%Y-%m-%d"),
            "Date_of_Death": np.where(died[person], death[person].strftime("%Y-%m-%d"), ""),
            "Gender": gender[person],
            "Client_Type": np.where(is_carer, "Unpaid carer", "Service user"),
            "Primary_Support_Reason": psr[person],
            "Accommodation_Status": accommodation[person],
            "Event_Type": event_type,
            "Event_Start_Date": start.strftime("%Y-%m-%d"),
            "Event_End_Date": end,
            "Event_Outcome": outcome,
            "Service_Type": service_type,
            "Service_Component": component,
            "Delivery_Mechanism": mechanism,
        }
    )
    frame.to_csv(out, index=False)
    return len(frame)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=25_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    rows = synthesise(args.out, args.people, args.seed)
    print(f"{rows:,} event rows for {args.people:,} people -> {args.out}")


if __name__ == "__main__":
    main()
