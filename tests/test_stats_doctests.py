"""Every ``>>>`` example in ascbench.stats runs, and says what it prints: the library's
documentation is tested as code (doctest on each module of the package)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import ascbench.stats

MODULES = ["ascbench.stats"] + [f"ascbench.stats.{m.name}" for m in pkgutil.iter_modules(ascbench.stats.__path__)]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE, verbose=False, report=True)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} failed (printed above)"


def test_the_examples_are_many_and_cover_the_public_api():
    finder = doctest.DocTestFinder()
    examples = {}
    for name in MODULES:
        for test in finder.find(importlib.import_module(name)):
            if test.examples:
                examples[test.name] = len(test.examples)
    assert sum(examples.values()) >= 40
    for documented in ("ascbench.stats", "ascbench.stats.spc.xmr", "ascbench.stats.gap.gap_to_target"):
        assert documented in examples, documented


def test_a_wrong_example_would_fail():
    """The runner can fail: an example that prints something else is counted as failed."""
    wrong = doctest.DocTestParser().get_doctest(">>> 1 + 1\n3\n", {}, "wrong", None, 0)
    runner = doctest.DocTestRunner(verbose=False)
    runner.run(wrong, out=lambda _text: None)
    assert runner.failures == 1
