"""What ``ascbench cld --out DIR`` writes beside its observations so that ``ascbench rate
--data DIR`` runs at once: a catalogue of exactly the measures the run computed
(``DIR/metrics.yaml``, found by ``rate`` as the data directory's own catalogue), the areas
(``DIR/areas.csv``: each council by GSS code, and the aggregates) and ``DIR/dataset.yaml``
(the default area, England's role). A file of these names that ascbench did not write (no
:data:`MARK` in it) is the user's and is kept.
"""

from __future__ import annotations

import re

import pandas as pd
import yaml

from ascbench.cld.areas import ENGLAND

MARK = "written by ascbench cld"
TITLES = {
    "ascof_2a": ("ASCOF 2A", "% of people who had no need for ongoing services following reablement", "high"),
    "ascof_2b": ("ASCOF 2B", "Permanent admissions to care (aged 18-64)", "low"),
    "ascof_2c": ("ASCOF 2C", "Permanent admissions to care (aged 65+)", "low"),
    "ascof_2e": ("ASCOF 2E", "% of adults with a learning disability living at home or with family", "high"),
    "ascof_2e_all": (
        "ASCOF 2E (all clients)",
        "% of people with long-term support living at home or with family",
        "high",
    ),
    "ascof_3d1a": ("ASCOF 3D (1a)", "% of clients receiving self-directed support", "high"),
    "ascof_3d2a": ("ASCOF 3D (2a)", "% of clients receiving direct payments", "high"),
    "ascof_3d1b": ("ASCOF 3D (1b)", "% of carers receiving self-directed support", "high"),
    "ascof_3d2b": ("ASCOF 3D (2b)", "% of carers receiving direct payments", "high"),
}
GROUPS = {"1864": "aged 18-64", "65ov": "aged 65 and over", "male": "men", "female": "women"}


def _split(base: str) -> tuple[str, list[str]]:
    """``ascof_2e_all_1864_female`` -> (``ascof_2e_all``, [``1864``, ``female``])."""
    for stem in sorted(TITLES, key=len, reverse=True):
        if base == stem or base.startswith(stem + "_"):
            rest = base[len(stem) + 1 :]
            return stem, [g for g in rest.split("_") if g]
    return base, []


def catalogue_text(observations: pd.DataFrame) -> str:
    """A catalogue (YAML) of every measure with a computed numerator: proportions where there
    is a denominator, rates per 100,000 for 2B/2C with a population, counts otherwise; 2D
    (not available from CLD) is left out. Rated against England's sum when the run has one."""
    obs = observations[observations["value"].notna()]
    measures = set(obs["measure"])
    national = (obs["area_code"] == ENGLAND).any()
    metrics = []
    for name in sorted(m[:-4] for m in measures if m.endswith(".num")):
        stem, groups = _split(name)
        if stem not in TITLES:
            continue
        code, title, polarity = TITLES[stem]
        words = [GROUPS.get(g, g) for g in groups]
        has_den = f"{name}.den" in measures
        rate = stem in ("ascof_2b", "ascof_2c")
        metric: dict[str, object] = {
            "id": re.sub(r"[^A-Z0-9]+", "_", name.upper()),
            "code": code + (f" ({', '.join(words)})" if words else ""),
            "title": (title + " per 100,000 population" if rate and has_den else title + (" (count)" if rate else ""))
            + (f", {', '.join(words)}" if words else ""),
            "layer": "cld",
            "statistic": ("rate" if rate else "proportion") if has_den else "count",
            "numerator": f"{name}.num",
            "polarity": polarity,
            "source": "ascbench cld (DHSC's CLD method)",
        }
        if has_den:
            metric["denominator"] = f"{name}.den"
        if national:
            metric["comparators"] = [{"area": "national"}]
        metrics.append(metric)
    doc = {
        "catalogue": {"title": "ASCOF measures from Client Level Data (ascbench cld)"},
        "layers": {"cld": "ASCOF from Client Level Data"},
        "metrics": metrics,
    }
    return f"# {MARK}: the measures this run computed\n" + yaml.safe_dump(doc, sort_keys=False, width=120)


def areas_text(areas: pd.DataFrame) -> str:
    body = areas.to_csv(index=False, lineterminator="\n")
    header, rest = body.split("\n", 1)
    return f"{header}\n# {MARK}\n{rest}"


def dataset_text(default_area: str, national: bool) -> str:
    doc: dict = {"title": "ASCOF from Client Level Data", "default_area": default_area}
    if national:
        doc["roles"] = {"national": ENGLAND}
    return f"# {MARK}\n" + yaml.safe_dump(doc, sort_keys=False)


def ours(text: str | None) -> bool:
    """Whether an existing file (its text; None when absent) may be replaced."""
    return text is None or MARK in text
