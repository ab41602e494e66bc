"""Short mutation-fuzz runs in CI (tools/fuzz.py runs longer by hand): the pipeline on the
embedded default, and the importers and cld on files in the published layouts."""

from tools.fuzz import fuzz, fuzz_imports


def test_short_fuzz_run_finds_no_unexpected_exception():
    failures = fuzz(iterations=60, seed=20261123)
    assert failures == []


def test_short_fuzz_of_the_importers_and_cld_finds_no_unexpected_exception():
    failures = fuzz_imports(iterations=150, seed=20261203)
    assert failures == []
