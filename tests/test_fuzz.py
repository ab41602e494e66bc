"""A short mutation-fuzz run in CI (tools/fuzz.py runs longer by hand)."""

from tools.fuzz import fuzz


def test_short_fuzz_run_finds_no_unexpected_exception():
    failures = fuzz(iterations=60, seed=20261123)
    assert failures == []
