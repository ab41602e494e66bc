"""The one error of the statistics library: :class:`StatsError`, a ``ValueError`` that names
the argument at fault.

``ascbench.stats`` is a library as well as the engine's arithmetic, so it raises a standard
exception rather than the CLI's located :class:`ascbench.errors.AscbenchError`. Where a
user's file or option is at fault the engine and the CLI turn it into an ``AscbenchError``
with the file, row and field (:meth:`ascbench.errors.AscbenchError.from_stats`).

>>> from ascbench import stats
>>> try:
...     stats.proportion_ci(11, 10)
... except stats.StatsError as error:
...     print(error.argument, "|", error)
numerator | numerator: numerator is greater than its denominator (expected a numerator no greater than the denominator for a proportion)
>>> issubclass(stats.StatsError, ValueError)
True
"""

from __future__ import annotations


class StatsError(ValueError):
    """An argument a statistical method cannot use.

    ``argument`` is the name of the function's parameter at fault (``numerator``,
    ``confidence``, ...), ``message`` what is wrong with it and ``expected`` what would do.
    ``str(error)`` is ``"argument: message (expected ...)"``.
    """

    def __init__(self, message: str, *, argument: str | None = None, expected: str | None = None) -> None:
        self.message = message
        self.argument = argument
        self.expected = expected
        text = f"{argument}: {message}" if argument else message
        if expected:
            text += f" (expected {expected})"
        super().__init__(text)
