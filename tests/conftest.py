"""Shared fixtures. Tests read only what is inside the repository: the embedded default (as the
installed package has it), tests/fixtures/ and the copied reference material in
tests/material/ (PROVENANCE.md there says where each file comes from)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ascbench.sources import embedded_catalogue, embedded_data

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
MATERIAL = Path(__file__).resolve().parent / "material"
DEFAULT_CATALOGUE = embedded_catalogue()
DEFAULT_DATA = embedded_data()


def material(*parts: str) -> Path:
    """A file of tests/material/: a missing one is a failure, never a skip."""
    path = MATERIAL.joinpath(*parts)
    assert path.is_file(), f"test material missing: {path}"
    return path


@pytest.fixture(scope="session")
def catalogue():
    from ascbench.catalogue import load_catalogue

    return load_catalogue(DEFAULT_CATALOGUE)


@pytest.fixture(scope="session")
def dataset():
    from ascbench.engine.data import load as load_dataset

    return load_dataset(DEFAULT_DATA)


@pytest.fixture(scope="session")
def built(catalogue, dataset):
    from ascbench.engine import build_results

    return build_results(catalogue, dataset)


@pytest.fixture(scope="session")
def results(built):
    return built[0].set_index("metric_id")


@pytest.fixture(autouse=True)
def _away_from_the_clone(tmp_path_factory, monkeypatch):
    """Every test runs in an empty working directory, so none depends on where the clone
    lives or picks up the clone's own ./metrics.yaml and ./data by the working-directory rule."""
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))
