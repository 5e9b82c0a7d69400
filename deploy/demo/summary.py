"""What the loader returns, and how the command line prints it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from deploy.demo.places import PROVINCE, PROVINCE_NAME

if TYPE_CHECKING:
    from deploy.demo.models import Year
    from deploy.demo.plan import Features


class DemoLoadError(RuntimeError):
    """A service answered something the loader did not expect (the message says what)."""


@dataclass(frozen=True, slots=True)
class YearSummary:
    """What the loader sent for one year, and the report it read back."""

    year: int
    registered: int
    approved: int
    rejected: int
    progress_reports: int
    leaders: int  # distinct registrants with at least one approved task
    province_approved: int = 0  # approved by the Provincial Standing Committee
    province_leaders: int = 0
    district_committees: int = 0  # district committees that approved tasks
    withdrawn: int = 0
    returned: int = 0
    evaluated: int = 0
    closed: bool = False
    dated: bool = False  # sent with each record's own date (Recorded-At)
    report: Mapping[str, Any] = field(default_factory=dict)  # GET /reports/{year}
    report_matches: bool = False  # the report counts every approval, rejection and report

    def line(self) -> str:
        districts = self.approved - self.province_approved
        text = (
            f"{self.year}: {self.registered} registered, {self.returned} returned and amended, "
            f"{self.withdrawn} withdrawn, {self.approved} approved ({PROVINCE_NAME}: "
            f"{self.province_approved} approved by {self.province_leaders} leaders; "
            f"{self.district_committees} district committees: {districts} approved by "
            f"{self.leaders - self.province_leaders} leaders), {self.rejected} rejected, "
            f"{self.progress_reports} progress reports, {self.evaluated} evaluated"
            + (", closed" if self.closed else "")
            + ("" if self.dated else " (dated as loaded)")
        )
        return f"{text}; report: {_report_text(self.report, self.report_matches)}"


@dataclass(frozen=True, slots=True)
class LoadSummary:
    years: tuple[YearSummary, ...]
    notices: tuple[str, ...] = ()  # what the services lacked, and what was left out

    def year(self, year: int) -> YearSummary:
        for summary in self.years:
            if summary.year == year:
                return summary
        raise KeyError(year)

    def text(self) -> str:
        notes = [f"NOTE: {notice}" for notice in self.notices]
        return "\n".join([*notes, *(summary.line() for summary in self.years)])


def year_summary(
    year: Year, report: Mapping[str, Any], matches: bool, features: Features
) -> YearSummary:
    approved = year.approved()
    return YearSummary(
        year=year.year,
        registered=len(year.tasks),
        approved=len(approved),
        rejected=sum(task.rejected for task in year.tasks),
        withdrawn=sum(task.withdrawal is not None for task in year.tasks),
        returned=sum(task.returned is not None for task in year.tasks),
        progress_reports=sum(len(task.progress) for task in approved),
        evaluated=sum(task.evaluation is not None for task in year.tasks),
        leaders=len(year.approved_leaders()),
        province_approved=len(year.approved(PROVINCE)),
        province_leaders=len(year.approved_leaders(PROVINCE)),
        district_committees=len({task.managed_by for task in approved} - {PROVINCE}),
        closed=year.closure is not None,
        dated=features.recorded_at,
        report=report,
        report_matches=matches,
    )


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
        f"{progress.get('completed', '?')} completed ({progress.get('completed_late', '?')} "
        f"late), {progress.get('at_risk', '?')} at risk, "
        f"targets met {targets.get('met', '?')}/{targets.get('total', '?')}"
    )
    for row in report.get("by_committee") or ():
        if row.get("code") == PROVINCE:
            text += f"; {PROVINCE}: {row.get('approved', '?')} approved"
    return text if matches else f"{text} (still catching up, or other data in the store)"
