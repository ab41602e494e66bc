"""The data as the engine uses them: a data directory read by :mod:`ascbench.io.dataset`,
with the engine's roll-ups (:mod:`ascbench.engine.rollup`: quarters, years to date, years and
rolling windows from monthly rows) added as it is read."""

from __future__ import annotations

from ascbench.engine.rollup import with_rollups
from ascbench.io.dataset import Dataset, load_dataset


def load(directory, problems=None) -> Dataset:
    """Read ``directory`` (:func:`ascbench.io.dataset.load_dataset`) with roll-ups added.
    Without ``problems`` the first problem is raised."""
    return load_dataset(directory, problems, derive=with_rollups)
