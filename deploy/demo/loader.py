"""Load the demo data set through the three services' public HTTP APIs (contract v1).

The loader is safe to re-run: every registration and progress report carries a fixed
``Idempotency-Key`` (``demo-2024-0042``, ``demo-2024-0042-p1``), so the services write
nothing twice, and a ``409`` "already decided" on a decision counts as done. Steps:
register every task; wait until the approval service lists each one as pending (or the
registration service says it is already decided); post every decision; log the progress
of the approved tasks (retrying while registration has not yet seen the approval); read
``GET /reports/{year}`` until its counts match the data set or stop changing.

Where the contract is silent we assume: ``GET /approvals/pending`` answers a JSON list of
objects with ``task_id`` (an object holding such a list under ``tasks``/``items``/
``pending`` is accepted too), and ``GET /tasks/{task_id}`` has a top-level ``status``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any, TypeVar

import httpx

from deploy.demo.dataset import build_dataset
from deploy.demo.models import Dataset, DemoTask
from deploy.demo.summary import DemoLoadError, LoadSummary, YearSummary

log = logging.getLogger(__name__)
T = TypeVar("T")


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

    ``token`` is sent as ``Authorization: Bearer`` (it needs the registrant, approver and
    viewer roles, e.g. an admin token). ``wait_timeout`` bounds each wait for the services to
    catch up with each other. Raises :class:`DemoLoadError` on any unexpected answer.
    """
    wanted = tuple(sorted(set(years)))
    data = dataset if dataset is not None else build_dataset(years=wanted)
    tasks = [task for task in data.tasks if task.year in wanted]
    urls = (registration_url.rstrip("/"), approval_url.rstrip("/"), reporting_url.rstrip("/"))
    if client is None:
        async with httpx.AsyncClient(timeout=10.0) as own:
            loader = _Loader(own, urls, concurrency, token, wait_timeout, poll_interval)
            return await loader.run(tasks, wanted)
    return await _Loader(client, urls, concurrency, token, wait_timeout, poll_interval).run(
        tasks, wanted
    )


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

    async def run(self, tasks: list[DemoTask], years: tuple[int, ...]) -> LoadSummary:
        task_ids = await self._gather(self._register, tasks)
        ids = {task.key: task_id for task, task_id in zip(tasks, task_ids, strict=True)}
        for year in years:
            await self._await_pending(year, [ids[t.key] for t in tasks if t.year == year])
        await self._gather(lambda task: self._decide(task, ids[task.key]), tasks)
        approved = [task for task in tasks if task.approved]
        await self._gather(lambda task: self._log_progress(task, ids[task.key]), approved)
        summaries = []
        for year in years:
            mine = [task for task in tasks if task.year == year]
            summaries.append(await self._summarise(year, mine))
        return LoadSummary(years=tuple(summaries))

    async def _gather(
        self, step: Callable[[DemoTask], Awaitable[T]], tasks: list[DemoTask]
    ) -> list[T]:
        """Run ``step`` for every task (the semaphore bounds the requests in flight); the
        first failure cancels the rest and is raised as itself, not as an exception group."""

        async def run(task: DemoTask) -> T:
            return await step(task)

        try:
            async with asyncio.TaskGroup() as group:
                running = [group.create_task(run(task)) for task in tasks]
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
        body: Mapping[str, Any] | None = None,
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

    async def _status(self, task_id: str, correlation: str) -> str | None:
        """The task's status as registration knows it (None while it does not know it)."""
        url = f"{self.registration}/tasks/{task_id}"
        response = await self._send("GET", url, f"task {task_id}", correlation, accept=(200, 404))
        return None if response.status_code == 404 else str(response.json().get("status"))

    async def _await_pending(self, year: int, task_ids: list[str]) -> None:
        """Wait until approval lists every still-undecided task of ``year`` as pending."""
        deadline = asyncio.get_running_loop().time() + self.timeout
        decided: set[str] = set()
        correlation = f"demo-pending-{year}"
        while True:
            response = await self._send(
                "GET",
                f"{self.approval}/approvals/pending",
                f"pending {year}",
                correlation,
                params={"year": year},
            )
            listed = _pending_ids(response.json()) | decided
            missing = [i for i in task_ids if i not in listed]
            statuses = await asyncio.gather(*(self._status(i, correlation) for i in missing))
            decided |= {i for i, s in zip(missing, statuses, strict=True) if s in _DECIDED}
            missing = [i for i in missing if i not in decided]
            if not missing:
                return
            if asyncio.get_running_loop().time() >= deadline:
                raise DemoLoadError(
                    f"{year}: after {self.timeout:.0f} s the approval service still does not "
                    f"list {len(missing)} registered task(s) as pending, e.g. {missing[:5]}"
                )
            await asyncio.sleep(self.poll)

    async def _decide(self, task: DemoTask, task_id: str) -> None:
        # 409: already decided (a re-run); the progress step notices a different decision.
        await self._send(
            "POST",
            f"{self.approval}/tasks/{task_id}/decision",
            _describe(task),
            task.key,
            body=task.decision.json_body(),
            accept=(200, 201, 409),
        )

    async def _log_progress(self, task: DemoTask, task_id: str) -> None:
        url = f"{self.registration}/tasks/{task_id}/progress"
        for index, report in enumerate(task.progress):
            deadline = asyncio.get_running_loop().time() + self.timeout
            key = task.progress_key(index)
            while True:
                response = await self._send(
                    "POST",
                    url,
                    _describe(task),
                    task.key,
                    body=report.json_body(),
                    key=key,
                    accept=(200, 201, 409),
                )
                if response.status_code != 409:
                    break
                # Registration learns the approval from the event log: wait while it has not.
                status = await self._status(task_id, task.key)
                late = asyncio.get_running_loop().time() >= deadline
                if status not in (None, "pending") or late:
                    raise DemoLoadError(
                        f"{_describe(task)}: POST {url} (report {key}) answered 409 with the "
                        f"task {status or 'unknown'}: {response.text[:2000]}"
                    )
                await asyncio.sleep(self.poll)

    async def _summarise(self, year: int, tasks: list[DemoTask]) -> YearSummary:
        approved = [task for task in tasks if task.approved]
        expected = {
            "approved": len(approved),
            "rejected": len(tasks) - len(approved),
            "reported": sum(1 for task in approved if task.progress),
        }
        report, matches = await self._await_report(year, expected)
        return YearSummary(
            year=year,
            registered=len(tasks),
            approved=len(approved),
            rejected=len(tasks) - len(approved),
            progress_reports=sum(len(task.progress) for task in approved),
            leaders=len({task.registration.registrant.id for task in approved}),
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


_DECIDED = frozenset({"approved", "rejected"})


def _first(group: BaseExceptionGroup[Exception]) -> Exception:
    first = group.exceptions[0]
    return _first(first) if isinstance(first, BaseExceptionGroup) else first


def _describe(task: DemoTask) -> str:
    body = task.registration
    return f"task {task.key} ({body.title[:80]!r}, {body.registrant.name}, {body.year})"


def _pending_ids(body: Any) -> set[str]:
    if isinstance(body, dict):
        body = next((body[k] for k in ("tasks", "items", "pending") if k in body), [])
    return {str(item["task_id"]) for item in body if isinstance(item, dict) and "task_id" in item}


def _counts(report: Mapping[str, Any]) -> tuple[int, int, int]:
    tasks = report.get("tasks") or {}
    progress = report.get("progress") or {}
    return (tasks.get("approved", 0), tasks.get("rejected", 0), progress.get("reported", 0))
