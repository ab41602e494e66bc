"""The data as the engine uses them: a data directory read by :mod:`ascbench.io.dataset`,
with the engine's roll-ups (:mod:`ascbench.engine.rollup`: quarters, years to date, years and
rolling windows from monthly rows, each measure by its roll-up rule) added as it is read."""

from __future__ import annotations

import dataclasses

import pandas as pd

from ascbench.catalogue.aggregation import aggregations
from ascbench.engine.rollup import rules_for, with_rollups
from ascbench.io.dataset import Dataset, as_keys, load_dataset


def load(directory, problems=None, catalogue=None) -> Dataset:
    """Read ``directory`` (:func:`ascbench.io.dataset.load_dataset`) with roll-ups added, each
    measure rolled up by the rule ``catalogue`` declares or implies
    (:mod:`ascbench.catalogue.aggregation`; by its name alone without a catalogue). Without
    ``problems`` the first problem is raised."""
    used: dict = {}

    def derive(observations):
        used.update(rules_for(observations, catalogue))
        return with_rollups(observations, used)

    dataset = load_dataset(directory, problems, derive=derive)
    dataset.rollup_rules = {m: a.rule for m, a in used.items()}
    return dataset


def for_catalogue(dataset: Dataset, catalogue) -> Dataset:
    """``dataset`` with its roll-ups made by ``catalogue``'s rules: itself when it was read
    with rules that agree (:func:`load` with this catalogue), else a copy whose roll-ups are
    made again from the rows the files give, so that no figure is summed by a rule the
    catalogue forbids whoever loaded the data."""
    given: pd.DataFrame = dataset.observations
    rules = rules_for(given, catalogue)  # derived rows are never months: the same measures
    if {m: a.rule for m, a in rules.items()} == dataset.rollup_rules:
        return dataset
    if "file" in given.columns:
        given = given[given["file"].astype(str) != ""]
    observations = as_keys(with_rollups(given.reset_index(drop=True), rules)).reset_index(drop=True)
    copy = dataclasses.replace(dataset, observations=observations)
    copy.rollup_rules = {m: a.rule for m, a in rules.items()}
    return copy


def measure_rules(catalogue, dataset) -> dict[str, str]:
    """Each measure of ``catalogue``'s metrics by its roll-up rule (``sum``, ``last``,
    ``none``): the catalogue's (declared or inferred), then the rule the data were rolled up
    by (:attr:`Dataset.rollup_rules`, which may also read the months)."""
    names = {x for m in catalogue.metrics for x in (m.numerator, m.denominator, m.value) if x}
    rules = {m: a.rule for m, a in aggregations(catalogue, sorted(names)).items()}
    return {**rules, **getattr(dataset, "rollup_rules", {})}
