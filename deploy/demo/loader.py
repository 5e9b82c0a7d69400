"""Load the demo data set through the services' public HTTP APIs: the requests of plan.py,
phase by phase, as an admin importing the records of the past (each with its own date in
``Recorded-At``), then ``GET /reports/{year}`` until its counts match.

The first request of the first year, ``PUT /committees/{year}``, tells what the services
implement: a ``404``/``405`` means contract 1.2 is not there, and the loader goes on with
what contract 1.1 allows (see plan.py), saying in the summary what it left out and what
the full demo needs.

Safe to rerun: every write carries its ``Idempotency-Key``; where services without 1.2 do
not replay an answer, a ``409`` on a step already done (a decision, an evaluation, a closed
year) counts as done, and a batch of approvals sends only what is still pending.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Mapping
from typing import Any

import httpx

from deploy.demo.dataset import YEARS, build_dataset
from deploy.demo.models import Dataset, Year
from deploy.demo.plan import CONTRACT_1_1, CONTRACT_1_2, Features, Request, resolve, year_plan
from deploy.demo.summary import DemoLoadError, LoadSummary, YearSummary, year_summary

log = logging.getLogger(__name__)

NEEDS_1_2 = (
    "The full demo needs contract 1.2: PUT /committees/{year}; PUT /roster/{year} with "
    "managed_by, email and replaces; POST /tasks and PUT /tasks/{id} with continues; the "
    "admin's Recorded-At header on every write; an Idempotency-Key replayed on every write "
    "(PUT /roster and PUT /committees included)."
)


def missing_1_2(first: Year, status: int) -> str:
    return (
        f"these services do not implement contract 1.2 (PUT /committees/{first.year} "
        f"answered {status}): loaded what contract 1.1 allows - no committees (the root "
        "decides every task), no managed_by, email or replaces on the rosters and no roster "
        "replaced in December, no continues, no Recorded-At (every event carries the time it "
        f"was loaded, so as_of and on-time follow the load, not the records). {NEEDS_1_2}"
    )


async def load(
    registration_url: str,
    approval_url: str,
    reporting_url: str,
    *,
    years: Iterable[int] = YEARS,
    client: httpx.AsyncClient | None = None,
    concurrency: int = 8,
    token: str | None = None,
    wait_timeout: float = 30.0,
    poll_interval: float = 0.25,
    dataset: Dataset | None = None,
) -> LoadSummary:
    """Load ``years`` of the demo data set (or of ``dataset``) and summarise what was loaded.

    ``token`` is sent as ``Authorization: Bearer``: an admin's, who acts for every leader and
    every committee and imports the records with their dates (the events record the admin
    as their actor). Raises :class:`DemoLoadError` on any unexpected answer."""
    data = dataset if dataset is not None else build_dataset(years=tuple(years))
    urls = {
        "registration": registration_url.rstrip("/"),
        "approval": approval_url.rstrip("/"),
        "reporting": reporting_url.rstrip("/"),
    }
    own = client is None
    http = client or httpx.AsyncClient(timeout=30.0)
    try:
        loader = _Loader(http, urls, concurrency, token, wait_timeout, poll_interval)
        return await loader.run(data)
    finally:
        if own:
            await http.aclose()


class _Loader:
    def __init__(
        self,
        client: httpx.AsyncClient,
        urls: Mapping[str, str],
        concurrency: int,
        token: str | None,
        timeout: float,
        poll_interval: float,
    ) -> None:
        self.client = client
        self.urls = urls
        self.semaphore = asyncio.Semaphore(max(1, concurrency))
        self.auth = {"Authorization": f"Bearer {token}"} if token else {}
        self.timeout = timeout
        self.poll = poll_interval
        self.ids: dict[str, str] = {}

    async def run(self, data: Dataset) -> LoadSummary:
        features, notices = await self._detect(data.years[0])
        summaries = []
        for year in data.years:
            phases = year_plan(year, features)
            for phase in phases:
                if phase.name == "committees" and year is data.years[0]:
                    continue  # sent by _detect
                await self._phase(phase.chains)
            summaries.append(await self._summarise(year, features))
        return LoadSummary(years=tuple(summaries), notices=tuple(notices))

    async def _detect(self, first: Year) -> tuple[Features, list[str]]:
        """Send the first year's committees: answered, the services speak contract 1.2; a
        404 or 405 (no such route), they do not."""
        [phase, *_] = year_plan(first, CONTRACT_1_2)
        [[request]] = phase.chains
        response = await self._send(request, accept=(*request.accept, 404, 405))
        if response.status_code in (404, 405):
            notice = missing_1_2(first, response.status_code)
            log.warning("%s", notice)
            return CONTRACT_1_1, [notice]
        return CONTRACT_1_2, []

    async def _phase(self, chains: tuple[tuple[Request, ...], ...]) -> None:
        """Every chain at once (the semaphore bounds the requests in flight), each in order;
        the first failure cancels the rest and is raised as itself."""
        try:
            async with asyncio.TaskGroup() as group:
                for chain in chains:
                    group.create_task(self._chain(chain))
        except ExceptionGroup as failures:
            first = _first(failures)
            raise first from first.__cause__

    async def _chain(self, chain: tuple[Request, ...]) -> None:
        for request in chain:
            response = await self._send(request)
            if request.registers is not None:
                self.ids[request.registers] = str(response.json()["task_id"])
            if request.batch and response.status_code == 409:
                await self._rest_of_batch(request)

    async def _send(
        self, request: Request, *, accept: tuple[int, ...] | None = None
    ) -> httpx.Response:
        try:
            path, body = resolve(request, self.ids)
        except KeyError as error:
            raise DemoLoadError(f"{request.what}: task {error} was never registered") from error
        url = f"{self.urls[request.service]}{path}"
        codes = accept or (*request.accept, *((409,) if request.batch else ()))
        return await self._http(request.method, url, request.what, request.headers(), body, codes)

    async def _http(
        self,
        method: str,
        url: str,
        what: str,
        headers: Mapping[str, str],
        body: Any,
        accept: tuple[int, ...],
        params: Mapping[str, Any] | None = None,
    ) -> httpx.Response:
        try:
            async with self.semaphore:
                response = await self.client.request(
                    method, url, json=body, params=params, headers={**headers, **self.auth}
                )
        except httpx.HTTPError as error:
            raise DemoLoadError(f"{what}: {method} {url} failed: {error!r}") from error
        if response.status_code not in accept:
            raise DemoLoadError(
                f"{what}: {method} {url} answered {response.status_code}: {response.text[:2000]}"
            )
        return response

    async def _rest_of_batch(self, request: Request) -> None:
        """A batch answered 409 (services that do not replay it): some of its tasks are
        decided already; decide those still pending, under the same decision."""
        _, body = resolve(request, self.ids)
        year = request.key.split("-")[1]
        pending = await self._http(
            "GET",
            f"{self.urls['approval']}/approvals/pending",
            f"pending {year}",
            {"X-Correlation-ID": f"{request.key}-pending"},
            None,
            (200,),
            params={"year": year},
        )
        waiting = {item["task_id"] for item in pending.json()}
        rest = [task_id for task_id in body["task_ids"] if task_id in waiting]
        if rest:
            headers = {**request.headers(), "Idempotency-Key": f"{request.key}-rest{len(rest)}"}
            url = f"{self.urls['approval']}{request.path}"
            await self._http("POST", url, request.what, headers, {**body, "task_ids": rest}, (200,))

    async def _summarise(self, year: Year, features: Features) -> YearSummary:
        expected = {
            "approved": len(year.approved()),
            "rejected": sum(task.rejected for task in year.tasks),
            "withdrawn": sum(task.withdrawal is not None for task in year.tasks),
            "reported": sum(1 for task in year.approved() if task.progress),
        }
        report, matches = await self._await_report(year.year, expected)
        return year_summary(year, report, matches, features)

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
            response = await self._http(
                "GET",
                f"{self.urls['reporting']}/reports/{year}",
                f"report {year}",
                {"X-Correlation-ID": f"demo-report-{year}"},
                None,
                (200,),
            )
            report: dict[str, Any] = response.json()
            found = _counts(report)
            if found == tuple(expected.values()):
                return report, True
            if found != last:
                last, since = found, loop.time()
            now = loop.time()
            if (now - since >= settle and found[0] > 0) or now >= deadline:
                log.warning("report %s: counts %s, expected %s", year, found, dict(expected))
                return report, False
            await asyncio.sleep(self.poll)


def _first(group: BaseExceptionGroup[Exception]) -> Exception:
    first = group.exceptions[0]
    return _first(first) if isinstance(first, BaseExceptionGroup) else first


def _counts(report: Mapping[str, Any]) -> tuple[int, int, int, int]:
    tasks = report.get("tasks") or {}
    progress = report.get("progress") or {}
    return (
        tasks.get("approved", 0),
        tasks.get("rejected", 0),
        tasks.get("withdrawn", 0),
        progress.get("reported", 0),
    )
