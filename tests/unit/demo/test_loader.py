"""The demo loader against in-memory fakes of the three services (httpx.MockTransport)."""

from __future__ import annotations

from datetime import date

import httpx
import pytest

from deploy.demo import Dataset, DemoLoadError, LoadSummary, build_dataset, load
from deploy.demo.__main__ import parse_args

from .fakes import APPROVAL, REGISTRATION, REPORTING, FakeServices

FAST = {"poll_interval": 0.001, "wait_timeout": 2.0}


@pytest.fixture(scope="module")
def data() -> Dataset:
    return build_dataset()


def small(data: Dataset) -> Dataset:
    """A few 2024 tasks, with at least one rejection and some progress."""
    tasks = data.for_year(2024)
    rejected = [task for task in tasks if not task.approved][:1]
    leaders = {task.registration.registrant.id for task in rejected}
    partners = [t for t in tasks if t.approved and t.registration.registrant.id in leaders]
    chosen = {task.key: task for task in (*tasks[:8], *partners, *rejected)}
    return Dataset(tasks=tuple(chosen.values()))


async def run(fake: FakeServices, data: Dataset, **options: object) -> LoadSummary:
    async with fake.client() as client:
        return await load(
            REGISTRATION, APPROVAL, REPORTING, client=client, dataset=data, **{**FAST, **options}
        )


async def test_loads_everything_once_and_the_report_matches(data: Dataset) -> None:
    fake = FakeServices()
    summary = await run(fake, data)
    reports = sum(len(task.progress) for task in data.tasks)
    assert fake.registration_events == len(data.tasks) == 370
    assert fake.decision_events == len(data.tasks)
    assert fake.progress_events == reports
    y2024 = summary.year(2024)
    assert (y2024.registered, y2024.approved, y2024.rejected, y2024.leaders) == (196, 190, 6, 114)
    assert y2024.progress_reports == sum(len(t.progress) for t in data.for_year(2024))
    assert y2024.report_matches
    assert y2024.report["tasks"]["approved"] == 190
    assert y2024.report["registrants"]["approved"] == 114
    y2023 = summary.year(2023)
    assert (y2023.approved, y2023.rejected, y2023.leaders) == (170, 4, 104)
    assert "2024: 196 registered, 190 approved by 114 leaders, 6 rejected" in summary.text()


async def test_a_rerun_writes_nothing_twice_and_counts_409_decisions_as_done(
    data: Dataset,
) -> None:
    fake = FakeServices()
    first = await run(fake, data)
    writes = (fake.registration_events, fake.decision_events, fake.progress_events)
    second = await run(fake, data)
    assert (fake.registration_events, fake.decision_events, fake.progress_events) == writes
    assert fake.decision_conflicts == len(data.tasks)  # every decision: 409 already decided
    assert second == first
    assert len(fake.tasks) == len(data.tasks)


async def test_sends_deterministic_keys_and_correlation_ids(data: Dataset) -> None:
    fake = FakeServices()
    subset = small(data)
    await run(fake, subset)
    assert all(correlation.startswith("demo-") for _, correlation, _ in fake.headers)
    keys = [key for path, _, key in fake.headers if path == "/tasks"]
    assert keys == [task.key for task in subset.tasks]
    progress_keys = {key for path, _, key in fake.headers if path.endswith("/progress")}
    assert progress_keys == {
        task.progress_key(i) for task in subset.tasks for i in range(len(task.progress))
    }


async def test_waits_for_approval_to_list_tasks_and_registration_to_see_approvals(
    data: Dataset,
) -> None:
    fake = FakeServices(pending_lag=3, approval_lag=2)
    subset = small(data)
    summary = await run(fake, subset)
    assert fake.pending_lag == 0
    assert fake.progress_events == sum(len(task.progress) for task in subset.tasks)
    assert fake.progress_conflicts >= 2  # retried while registration had not seen approvals
    assert summary.year(2024).report_matches


async def test_only_the_requested_years(data: Dataset) -> None:
    fake = FakeServices()
    summary = await run(fake, data, years=(2023,))
    assert [year.year for year in summary.years] == [2023]
    assert {task.body["year"] for task in fake.tasks.values()} == {2023}


async def test_an_unexpected_422_names_the_task_and_shows_the_body(data: Dataset) -> None:
    good = small(data)
    bad = good.tasks[2]
    broken = bad.model_copy(
        update={"registration": bad.registration.model_copy(update={"deadline": date(2025, 1, 31)})}
    )
    tasks = (*good.tasks[:2], broken, *good.tasks[3:])
    with pytest.raises(DemoLoadError) as raised:
        await run(FakeServices(), Dataset(tasks=tasks))
    message = str(raised.value)
    assert bad.key in message
    assert "422" in message
    assert "deadline outside the task's year" in message


async def test_a_quota_409_on_registration_is_an_error(data: Dataset) -> None:
    fake = FakeServices()
    task = next(t for t in data.for_year(2024) if t.approved)
    registrant = task.registration.registrant.model_dump(mode="json")
    for number in range(2):  # someone else already registered 2 tasks for this person
        body = {
            **task.registration.json_body(),
            "title": f"other {number}",
            "registrant": registrant,
        }
        assert fake.register(body).status_code == 201
    with pytest.raises(DemoLoadError, match=r"(?s)demo-2024-.*409.*2 live tasks"):
        await run(fake, Dataset(tasks=(task,)))


async def test_times_out_when_approval_never_lists_the_tasks(data: Dataset) -> None:
    fake = FakeServices(pending_lag=10**6)
    with pytest.raises(DemoLoadError, match="pending"):
        await run(fake, small(data), wait_timeout=0.05)


async def test_a_task_decided_otherwise_is_reported(data: Dataset) -> None:
    fake = FakeServices()
    task = next(t for t in data.for_year(2024) if t.approved and t.progress)
    async with fake.client() as client:  # someone rejected it before the loader ran
        answer = await client.post(
            f"{REGISTRATION}/tasks",
            json=task.registration.json_body(),
            headers={"Idempotency-Key": task.key},
        )
        task_id = answer.json()["task_id"]
        refusal = {"decision": "reject", "decided_by": "someone", "reason": "no"}
        await client.post(f"{APPROVAL}/tasks/{task_id}/decision", json=refusal)
    with pytest.raises(DemoLoadError, match=rf"{task.key}.*409.*rejected"):
        await run(fake, Dataset(tasks=(task,)))


async def test_transport_errors_name_the_task(data: Dataset) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    task = data.tasks[0]
    async with httpx.AsyncClient(transport=httpx.MockTransport(refuse)) as client:
        with pytest.raises(DemoLoadError, match=task.key):
            await load(
                REGISTRATION, APPROVAL, REPORTING, client=client, dataset=Dataset(tasks=(task,))
            )


def test_command_line_defaults_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGISTRATION_URL", "http://reg:1")
    monkeypatch.delenv("APPROVAL_URL", raising=False)
    args = parse_args(["--years", "2024", "--reporting", "http://rep:3"])
    assert (args.registration, args.approval, args.reporting) == (
        "http://reg:1",
        "http://127.0.0.1:8002",
        "http://rep:3",
    )
    assert args.years == (2024,)
