"""What the demo loader returns, and how the command line prints it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


class DemoLoadError(RuntimeError):
    """A service answered something the loader did not expect (the message says what)."""


@dataclass(frozen=True, slots=True)
class YearSummary:
    """What the loader sent for one year, and the provincial report it read back."""

    year: int
    registered: int
    approved: int
    rejected: int
    progress_reports: int
    leaders: int  # distinct registrants with at least one approved task
    withdrawn: int = 0
    returned: int = 0
    evaluated: int = 0
    closed: bool = False
    report: Mapping[str, Any] = field(default_factory=dict)  # GET /reports/{year}
    report_matches: bool = False  # the report counts every approval, rejection and report

    def line(self) -> str:
        text = (
            f"{self.year}: {self.registered} registered, {self.returned} returned and amended, "
            f"{self.withdrawn} withdrawn, {self.approved} approved by {self.leaders} leaders, "
            f"{self.rejected} rejected, {self.progress_reports} progress reports, "
            f"{self.evaluated} evaluated" + (", closed" if self.closed else "")
        )
        return f"{text}; report: {_report_text(self.report, self.report_matches)}"


@dataclass(frozen=True, slots=True)
class LoadSummary:
    years: tuple[YearSummary, ...]

    def year(self, year: int) -> YearSummary:
        for summary in self.years:
            if summary.year == year:
                return summary
        raise KeyError(year)

    def text(self) -> str:
        return "\n".join(summary.line() for summary in self.years)


def _report_text(report: Mapping[str, Any], matches: bool) -> str:
    if not report:
        return "not read"
    tasks = report.get("tasks") or {}
    registrants = report.get("registrants") or {}
    progress = report.get("progress") or {}
    targets = report.get("targets") or {}
    text = (
        f"{tasks.get('registered', '?')} registered, {tasks.get('approved', '?')} approved "
        f"({registrants.get('approved', '?')} leaders), {tasks.get('rejected', '?')} rejected, "
        f"{progress.get('completed', '?')} completed, {progress.get('at_risk', '?')} at risk, "
        f"targets met {targets.get('met', '?')}/{targets.get('total', '?')}"
    )
    return text if matches else f"{text} (still catching up, or other data in the store)"
