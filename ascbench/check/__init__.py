"""``ascbench check``: the numeric claims of a committee report, checked against the data.

:func:`check_report` reads a report (:mod:`.document`), finds its claims (:mod:`.claims`),
ties each to a metric, area and period (:mod:`.tie`), and judges it against the engine's
figures (:mod:`.facts`, :mod:`.verdicts`); :mod:`.output` writes the result as a table,
CSV, JSON or an annotated copy of the report. See ``docs/check.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ascbench.check.document import Document
from ascbench.check.verdicts import AGREES, CANNOT, DISAGREES, Checked

__all__ = ["AGREES", "CANNOT", "DISAGREES", "CheckResult", "check_report", "check_text"]


@dataclass
class CheckResult:
    document: Document
    checked: list[Checked]
    focus: str
    report_period: str

    def counts(self) -> dict[str, int]:
        out = {AGREES: 0, DISAGREES: 0, CANNOT: 0}
        for c in self.checked:
            out[c.outcome.verdict] += 1
        return out


def check_text(
    text: str,
    catalogue,
    dataset,
    area: str | None = None,
    period: str | None = None,
    path: str = "<text>",
    source_format: str = "markdown",
) -> CheckResult:
    """Check a report given as text (Markdown or plain)."""
    from ascbench.check.document import parse_document

    return _check(parse_document(text, path, source_format), catalogue, dataset, area, period)


def check_report(
    path: Path | str, catalogue, dataset, area: str | None = None, period: str | None = None
) -> CheckResult:
    """Check the report at ``path`` (Markdown, plain text or DOCX) against ``dataset``, for
    ``area`` (default: the dataset's) as at ``period`` (default: the dataset's)."""
    from ascbench.check.document import read_document

    return _check(read_document(path), catalogue, dataset, area, period)


def _check(document, catalogue, dataset, area, period) -> CheckResult:
    from ascbench.check.claims import extract
    from ascbench.check.facts import gather
    from ascbench.check.verdicts import judge

    facts = gather(catalogue, dataset, area, period)
    claims = extract(document, facts.area_names)
    return CheckResult(document, judge(document, claims, facts), facts.focus, facts.report_period)
