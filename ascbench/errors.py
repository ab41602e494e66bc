"""The one error type of ascbench.

Every problem with a user's input (catalogue, data, options) is raised as
:class:`AscbenchError`, which carries where it was found (file, line or row, field) and what
was expected. The CLI prints it as a single line and exits with status 1; nothing else in the
package prints.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass
class Location:
    """Where a problem was found. Every part is optional."""

    file: str | None = None
    line: int | None = None  # 1-based line in a YAML or CSV file (CSV header is line 1)
    field: str | None = None
    item: str | None = None  # e.g. a metric id

    def __str__(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file + (f":{self.line}" if self.line else ""))
        elif self.line:
            parts.append(f"line {self.line}")
        if self.item:
            parts.append(self.item)
        if self.field:
            parts.append(self.field)
        return ": ".join(parts)


class AscbenchError(Exception):
    """A located, explainable problem with the user's input.

    ``str(error)`` is the one-line message the CLI prints, for example::

        data/observations.csv:14: value: '12a' is not a number (expected a number, or a
        suppression marker such as c, *, [x], ..)
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        field: str | None = None,
        item: str | None = None,
        expected: str | None = None,
    ) -> None:
        self.message = message
        self.location = Location(file=file, line=line, field=field, item=item)
        self.expected = expected
        super().__init__(self.one_line())

    @classmethod
    def from_stats(
        cls,
        error: ValueError,
        *,
        file: str | None = None,
        line: int | None = None,
        field: str | None = None,
        item: str | None = None,
    ) -> AscbenchError:
        """The user's-input error behind a :class:`ascbench.stats.StatsError` (a
        ``ValueError`` with ``message``, ``argument`` and ``expected``), located where the
        caller knows the input came from. ``field`` defaults to the statistics argument."""
        return cls(
            getattr(error, "message", str(error)),
            file=file,
            line=line,
            field=field or getattr(error, "argument", None),
            item=item,
            expected=getattr(error, "expected", None),
        )

    def one_line(self) -> str:
        where = str(self.location)
        text = f"{where}: {self.message}" if where else self.message
        if self.expected:
            text += f" (expected {self.expected})"
        return " ".join(text.split())


@dataclass
class Problems:
    """A collector for ``validate``: every error and warning, not just the first."""

    errors: list[AscbenchError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was done and why (validate prints them, counts nothing)

    def add(self, error: AscbenchError) -> None:
        self.errors.append(error)

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def raise_first(self) -> None:
        if self.errors:
            raise self.errors[0]


_CONTROLS = None


def printable(text) -> str:
    """Text with control characters (terminal escape sequences, C0 and C1 controls, bidi
    overrides) taken out, and line breaks and tabs turned into spaces: what a data file says
    reaches a terminal as text, never as instructions to it."""
    global _CONTROLS
    if _CONTROLS is None:
        _CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
    return _CONTROLS.sub("", str(text)).replace("\r\n", " ").replace("\n", " ").replace("\t", " ")


def did_you_mean(word, candidates, cutoff: float = 0.6) -> str:
    """ "; did you mean 'x'?" for the candidate closest to ``word`` (difflib's ratio at least
    ``cutoff``), or "": the one suggestion rule of every message."""
    import difflib

    close = difflib.get_close_matches(str(word), sorted(map(str, candidates)), n=1, cutoff=cutoff)
    return f"; did you mean '{close[0]}'?" if close else ""
