"""Shared fixtures. Tests may read ../shared/ (seeds and reference values); the tool never does."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def shared(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared material not available: {path}")
    return path


@pytest.fixture(scope="session")
def catalogue():
    from ascbench.catalogue import load_catalogue

    return load_catalogue(ROOT / "metrics.yaml")


@pytest.fixture(scope="session")
def dataset():
    from ascbench.io.dataset import load_dataset

    return load_dataset(ROOT / "data")


@pytest.fixture(scope="session")
def built(catalogue, dataset):
    from ascbench.engine import build_results

    return build_results(catalogue, dataset)


@pytest.fixture(scope="session")
def results(built):
    return built[0].set_index("metric_id")
