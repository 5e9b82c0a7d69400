"""Load the demo data set through the three services' public HTTP APIs, as the people of the
programme would send it: the office publishes each year's roster; leaders register; the
Standing Committee returns some registrations for revision and their registrants amend them;
a few leaders withdraw a registration; the committee approves the year's tasks under one
decision number (``POST /decisions``) and rejects a few one by one; leaders report progress
and self-assess; in a year the demo closes, the committee evaluates every approved task and
closes the year.

The loader is safe to re-run: every registration, amendment and progress report carries a
fixed ``Idempotency-Key`` (``demo-2024-0042``, ``-a``, ``-p1``...), so the services write
nothing twice, and a ``409`` on a step already done (a decision, an evaluation, a closed
year) counts as done. Finally it reads ``GET /reports/{year}`` until its counts match.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Iterable, Mapping
from typing import Any, TypeVar

import httpx

from deploy.demo.cycle import DECIDED_BY, REFERENCES
from deploy.demo.dataset import build_dataset
from deploy.demo.models import Dataset, DemoTask
from deploy.demo.summary import DemoLoadError, LoadSummary, YearSummary

log = logging.getLogger(__name__)
T = TypeVar("T")
BATCH = 500


async def load(
    registration_url: str,
    approval_url: str,
    reporting_url: str,
    *,
    years: Iterable[int] = (2023, 2024),
    client: httpx.AsyncClient | None = None,
    concurrency: int = 8,
    token: str | None = None,
    wait_timeout: float = 30.0,
    poll_interval: float = 0.25,
    dataset: Dataset | None = None,
) -> LoadSummary:
    """Load ``years`` of the demo data set (or of ``dataset``) and summarise what was loaded.

    ``token`` is sent as ``Authorization: Bearer``: an admin's, who acts for every leader and
    for the committee (the events record the admin as their actor). Raises
    :class:`DemoLoadError` on any unexpected answer."""
    wanted = tuple(sorted(set(years)))
    data = dataset if dataset is not None else build_dataset(years=wanted)
    urls = (registration_url.rstrip("/"), approval_url.rstrip("/"), reporting_url.rstrip("/"))
    own = client is None
    http = client or httpx.AsyncClient(timeout=30.0)
    try:
        loader = _Loader(http, urls, concurrency, token, wait_timeout, poll_interval)
        return await loader.run(data, wanted)
    finally:
        if own:
            await http.aclose()


class _Loader:
    def __init__(
        self,
        client: httpx.AsyncClient,
        urls: tuple[str, str, str],
        concurrency: int,
        token: str | None,
        timeout: float,
        poll_interval: float,
    ) -> None:
        self.client = client
        self.registration, self.approval, self.reporting = urls
        self.semaphore = asyncio.Semaphore(max(1, concurrency))
        self.token = token
        self.timeout = timeout
        self.poll = poll_interval

    async def run(self, data: Dataset, years: tuple[int, ...]) -> LoadSummary:
        summaries = []
        for year in years:
            tasks = list(data.for_year(year))
            if year in data.rosters:
                await self._roster(year, data.rosters[year].json_body())
            registered: list[str] = await self._each(self._register, tasks)
            ids = dict(zip((t.key for t in tasks), registered, strict=True))
            await self._year(year, tasks, ids)
            if year in data.closed:
                await self._close(year)
            summaries.append(await self._summarise(year, tasks, year in data.closed))
        return LoadSummary(years=tuple(summaries))

    async def _year(self, year: int, tasks: list[DemoTask], ids: dict[str, str]) -> None:
        """What follows the registrations: returns and amendments, withdrawals, the
        decisions, then progress, self-assessments and evaluations."""

        def each(
            step: Callable[[DemoTask, str], Coroutine[Any, Any, None]],
        ) -> Callable[[DemoTask], Coroutine[Any, Any, None]]:
            return lambda task: step(task, ids[task.key])

        await self._each(each(self._revise), [t for t in tasks if t.returned])
        await self._each(each(self._withdraw), [t for t in tasks if t.withdrawal])
        await self._approve_all(year, [ids[t.key] for t in tasks if t.approved])
        await self._each(each(self._reject), [t for t in tasks if t.rejected])
        await self._each(each(self._follow_up), [t for t in tasks if t.approved])

    async def _each(
        self, step: Callable[[DemoTask], Coroutine[Any, Any, T]], tasks: list[DemoTask]
    ) -> list[T]:
        """``step`` for every task (the semaphore bounds the requests in flight); the first
        failure cancels the rest and is raised as itself, not as an exception group."""
        try:
            async with asyncio.TaskGroup() as group:
                running = [group.create_task(step(task)) for task in tasks]
        except ExceptionGroup as failures:
            first = _first(failures)
            raise first from first.__cause__
        return [job.result() for job in running]

    async def _send(
        self,
        method: str,
        url: str,
        what: str,
        correlation: str,
        *,
        body: Any = None,
        params: Mapping[str, Any] | None = None,
        key: str | None = None,
        accept: tuple[int, ...] = (200, 201),
    ) -> httpx.Response:
        headers = {"X-Correlation-ID": correlation}
        if key is not None:
            headers["Idempotency-Key"] = key
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            async with self.semaphore:
                response = await self.client.request(
                    method, url, json=body, params=params, headers=headers
                )
        except httpx.HTTPError as error:
            raise DemoLoadError(f"{what}: {method} {url} failed: {error!r}") from error
        if response.status_code not in accept:
            raise DemoLoadError(
                f"{what}: {method} {url} answered {response.status_code}: {response.text[:2000]}"
            )
        return response

    async def _roster(self, year: int, body: dict[str, Any]) -> None:
        url = f"{self.registration}/roster/{year}"
        # 409: the year is closed already (a re-run)
        await self._send(
            "PUT", url, f"roster {year}", f"demo-roster-{year}", body=body, accept=(200, 409)
        )

    async def _register(self, task: DemoTask) -> str:
        response = await self._send(
            "POST",
            f"{self.registration}/tasks",
            _describe(task),
            task.key,
            body=task.registration.json_body(),
            key=task.key,
        )
        return str(response.json()["task_id"])

    async def _revise(self, task: DemoTask, task_id: str) -> None:
        """The committee returns the registration; its registrant amends it."""
        assert task.returned is not None
        assert task.amendment is not None
        url = f"{self.approval}/tasks/{task_id}/decision"
        await self._send(
            "POST",
            url,
            _describe(task),
            task.key,
            body=task.returned.json_body(),
            accept=(200, 409),
        )
        await self._send(
            "PUT",
            f"{self.registration}/tasks/{task_id}",
            _describe(task),
            task.key,
            body=task.amendment.json_body(),
            key=f"{task.key}-a",
        )

    async def _withdraw(self, task: DemoTask, task_id: str) -> None:
        url = f"{self.registration}/tasks/{task_id}/withdrawal"
        body = {"reason": task.withdrawal}
        await self._send("POST", url, _describe(task), task.key, body=body, key=f"{task.key}-w")

    async def _approve_all(self, year: int, task_ids: list[str]) -> None:
        """The year's approvals under one decision number, for the tasks still pending."""
        pending = await self._send(
            "GET",
            f"{self.approval}/approvals/pending",
            f"pending {year}",
            f"demo-pending-{year}",
            params={"year": year},
        )
        waiting = {item["task_id"] for item in pending.json()}
        todo = [task_id for task_id in task_ids if task_id in waiting]
        for start in range(0, len(todo), BATCH):
            body = {
                "task_ids": todo[start : start + BATCH],
                "decision": "approve",
                "decided_by": DECIDED_BY,
                "reference": REFERENCES.get(year),
                "note": f"Approved for {year} under Project No. 02-DA/TU.",
            }
            await self._send(
                "POST",
                f"{self.approval}/decisions",
                f"approvals {year}",
                f"demo-approve-{year}",
                body=body,
            )

    async def _reject(self, task: DemoTask, task_id: str) -> None:
        assert task.decision is not None
        url = f"{self.approval}/tasks/{task_id}/decision"
        await self._send(
            "POST",
            url,
            _describe(task),
            task.key,
            body=task.decision.json_body(),
            accept=(200, 409),
        )

    async def _follow_up(self, task: DemoTask, task_id: str) -> None:
        """Progress reports, the self-assessment and the committee's evaluation, in order."""
        registration = f"{self.registration}/tasks/{task_id}"
        for index, report in enumerate(task.progress):
            await self._send(
                "POST",
                f"{registration}/progress",
                _describe(task),
                task.key,
                body=report.json_body(),
                key=task.progress_key(index),
            )
        if task.self_assessment is not None:
            await self._send(
                "POST",
                f"{registration}/self-assessment",
                _describe(task),
                task.key,
                body=task.self_assessment.json_body(),
                key=f"{task.key}-s",
            )
        if task.evaluation is not None:
            url = f"{self.approval}/tasks/{task_id}/evaluation"
            await self._send(
                "POST",
                url,
                _describe(task),
                task.key,
                body=task.evaluation.json_body(),
                accept=(201, 409),
            )

    async def _close(self, year: int) -> None:
        body = {"decided_by": DECIDED_BY, "reference": f"Conclusion on the {year} programme"}
        url = f"{self.approval}/years/{year}/closure"
        await self._send(
            "POST", url, f"closing {year}", f"demo-close-{year}", body=body, accept=(201, 409)
        )

    async def _summarise(self, year: int, tasks: list[DemoTask], closed: bool) -> YearSummary:
        approved = [task for task in tasks if task.approved]
        expected = {
            "approved": len(approved),
            "rejected": sum(task.rejected for task in tasks),
            "withdrawn": sum(task.withdrawal is not None for task in tasks),
            "reported": sum(1 for task in approved if task.progress),
        }
        report, matches = await self._await_report(year, expected)
        return YearSummary(
            year=year,
            registered=len(tasks),
            approved=len(approved),
            rejected=expected["rejected"],
            withdrawn=expected["withdrawn"],
            returned=sum(task.returned is not None for task in tasks),
            progress_reports=sum(len(task.progress) for task in approved),
            evaluated=sum(task.evaluation is not None for task in tasks),
            leaders=len({task.registration.registrant.id for task in approved}),
            closed=closed,
            report=report,
            report_matches=matches,
        )

    async def _await_report(
        self, year: int, expected: Mapping[str, int]
    ) -> tuple[dict[str, Any], bool]:
        """Poll the report until its counts match ``expected`` or stop changing for a while."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        settle = max(2.0, 8 * self.poll)
        last: tuple[int, ...] | None = None
        since = loop.time()
        while True:
            response = await self._send(
                "GET", f"{self.reporting}/reports/{year}", f"report {year}", f"demo-report-{year}"
            )
            report: dict[str, Any] = response.json()
            counts = _counts(report)
            if counts == tuple(expected.values()):
                return report, True
            if counts != last:
                last, since = counts, loop.time()
            now = loop.time()
            if (now - since >= settle and counts[0] > 0) or now >= deadline:
                log.warning("report %s: counts %s, expected %s", year, counts, dict(expected))
                return report, False
            await asyncio.sleep(self.poll)


def _first(group: BaseExceptionGroup[Exception]) -> Exception:
    first = group.exceptions[0]
    return _first(first) if isinstance(first, BaseExceptionGroup) else first


def _describe(task: DemoTask) -> str:
    body = task.registration
    return f"task {task.key} ({body.title[:80]!r}, {body.registrant.name}, {body.year})"


def _counts(report: Mapping[str, Any]) -> tuple[int, int, int, int]:
    tasks = report.get("tasks") or {}
    progress = report.get("progress") or {}
    return (
        tasks.get("approved", 0),
        tasks.get("rejected", 0),
        tasks.get("withdrawn", 0),
        progress.get("reported", 0),
    )
