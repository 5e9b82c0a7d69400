"""Every HTTP request the loader makes, as data: pure functions of the data set, no I/O.

A year is loaded in phases, each a set of *chains* sent concurrently, the requests of a chain
in order: the committees, the roster, the registrations, the returns (each followed by its
amendment) and the withdrawals, the decisions (each committee's approvals under its decision
numbers, and the rejections), each approved task's progress, self-assessment and
evaluation, a roster published later in the year, and the closure.

Every write carries an ``Idempotency-Key`` derived from the record (``demo-2024-0042``,
``-p1``...), so a rerun after a crash writes nothing twice, and, in contract 1.2, the admin's
``Recorded-At`` with the record's own moment. A task's id is known only once its registration
is answered: paths and bodies name tasks by their demo key (:class:`TaskRef`), which
:func:`resolve` replaces with the id.

Against services without contract 1.2 (:data:`CONTRACT_1_1`) the plan leaves out what they
would refuse or ignore: the committees, ``managed_by``/``email``/``replaces`` and the
later roster, ``continues``, ``Recorded-At``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from deploy.demo.models import DemoTask, RegistrationBody, RosterBody, Year
from shared.domain.events import Committee, Leader, RosterUnit

Service = Literal["registration", "approval"]


@dataclass(frozen=True, slots=True)
class TaskRef:
    """A task named by its demo key, in a path or a body, until its id is known."""

    key: str


@dataclass(frozen=True, slots=True)
class Features:
    """What the services implement of contract 1.2 that the demo uses."""

    committees: bool  # PUT /committees; managed_by, email, replaces; a roster replaced
    continues: bool  # POST /tasks with continues
    recorded_at: bool  # the admin's Recorded-At header


CONTRACT_1_2 = Features(committees=True, continues=True, recorded_at=True)
CONTRACT_1_1 = Features(committees=False, continues=False, recorded_at=False)


@dataclass(frozen=True, slots=True)
class Request:
    service: Service
    method: str
    route: str  # the route as the API documents it: "POST /tasks/{task_id}/progress"
    path: str  # with "{task}" where the task's id goes
    body: Any  # JSON-ready, with TaskRef where task ids go
    key: str  # Idempotency-Key, and the correlation id
    what: str  # what it is, for messages
    recorded_at: datetime | None = None
    task: str | None = None  # the key of the task the path names
    registers: str | None = None  # the key whose id the answer's task_id is
    accept: tuple[int, ...] = (200, 201)  # answers that mean "done"
    batch: bool = False  # POST /decisions: on 409, decide what is still pending

    def headers(self) -> dict[str, str]:
        headers = {"Idempotency-Key": self.key, "X-Correlation-ID": self.key}
        if self.recorded_at is not None:
            headers["Recorded-At"] = self.recorded_at.isoformat()
        return headers


@dataclass(frozen=True, slots=True)
class Phase:
    name: str
    chains: tuple[tuple[Request, ...], ...]

    @property
    def requests(self) -> tuple[Request, ...]:
        return tuple(request for chain in self.chains for request in chain)


def year_plan(year: Year, features: Features = CONTRACT_1_2) -> tuple[Phase, ...]:
    """Every request that loads ``year``, phase by phase."""
    build = _Builder(year, features)
    phases = [
        Phase("committees", build.committees()),
        Phase("roster", build.rosters(first=True)),
        Phase("registrations", tuple((build.register(task),) for task in year.tasks)),
        Phase(
            "returns and withdrawals",
            tuple(build.revise(task) for task in year.tasks if task.returned or task.withdrawal),
        ),
        Phase("decisions", build.decisions()),
        Phase(
            "progress and evaluations",
            tuple(chain for task in year.tasks if (chain := build.follow_up(task))),
        ),
        Phase("later rosters", build.rosters(first=False)),
        Phase("closure", build.closure()),
    ]
    return tuple(phase for phase in phases if phase.chains)


def counts(phases: tuple[Phase, ...]) -> Counter[str]:
    """How many requests per route."""
    return Counter(request.route for phase in phases for request in phase.requests)


def resolve(request: Request, ids: Mapping[str, str]) -> tuple[str, Any]:
    """The request's path and body with every task key replaced by the task's id (a
    ``KeyError`` names a task not registered yet)."""
    path = request.path.format(task=ids[request.task]) if request.task else request.path
    return path, _resolve(request.body, ids)


def _resolve(value: Any, ids: Mapping[str, str]) -> Any:
    if isinstance(value, TaskRef):
        return ids[value.key]
    if isinstance(value, dict):
        return {name: _resolve(item, ids) for name, item in value.items()}
    if isinstance(value, list | tuple):
        return [_resolve(item, ids) for item in value]
    return value


# --- bodies ------------------------------------------------------------------------------------


def registration_body(
    body: RegistrationBody, continues: str | None, features: Features
) -> dict[str, Any]:
    """``POST /tasks`` (and ``PUT /tasks/{id}``): the registrant's id only, and no unit: with
    a roster the services take both from it, and a body that carried them would have to
    match a roster republished later in the year."""
    wire: dict[str, Any] = body.json_body()
    wire["registrant"] = {"id": body.registrant.id}
    del wire["unit"]
    if continues is not None and features.continues:
        wire["continues"] = TaskRef(continues)
    return wire


def roster_body(body: RosterBody, features: Features) -> dict[str, Any]:
    return {
        "units": [_unit(unit, features) for unit in body.units],
        "leaders": [_leader(leader, features) for leader in body.leaders],
    }


def _unit(unit: RosterUnit, features: Features) -> dict[str, Any]:
    wire: dict[str, Any] = {"code": unit.code, "name": unit.name}
    if unit.replaces and features.committees:
        wire["replaces"] = list(unit.replaces)
    return wire


def _leader(leader: Leader, features: Features) -> dict[str, Any]:
    wire: dict[str, Any] = {
        "id": leader.id,
        "name": leader.name,
        "position": leader.position,
        "level": leader.level.value,
        "unit": leader.unit,
    }
    if features.committees:
        if leader.managed_by is not None:
            wire["managed_by"] = leader.managed_by
        if leader.email is not None:
            wire["email"] = leader.email
    return wire


def committees_body(committees: tuple[Committee, ...]) -> dict[str, Any]:
    return {
        "committees": [{"code": c.code, "name": c.name, "parent": c.parent} for c in committees]
    }


class _Builder:
    def __init__(self, year: Year, features: Features) -> None:
        self.year = year
        self.features = features

    def _at(self, moment: datetime) -> datetime | None:
        return moment if self.features.recorded_at else None

    def committees(self) -> tuple[tuple[Request, ...], ...]:
        if not self.features.committees:
            return ()
        year = self.year.year
        return (
            (
                Request(
                    "registration", "PUT", "PUT /committees/{year}", f"/committees/{year}",
                    committees_body(self.year.committees), f"demo-{year}-committees",
                    f"committees {year}", self._at(self.year.committees_at),
                    accept=(200, 409),  # 409: the year is closed already (a rerun)
                ),
            ),
        )  # fmt: skip

    def rosters(self, *, first: bool) -> tuple[tuple[Request, ...], ...]:
        """The first roster of the year, or the ones that replace it later (contract 1.2:
        their units name the units they replace)."""
        year = self.year.year
        rosters = list(enumerate(self.year.rosters, start=1))
        if not first and not self.features.committees:
            return ()
        chosen = rosters[:1] if first else rosters[1:]
        return tuple(
            (
                Request(
                    "registration", "PUT", "PUT /roster/{year}", f"/roster/{year}",
                    roster_body(roster.body, self.features), f"demo-{year}-roster-{number}",
                    f"roster {year} ({number})", self._at(roster.at),
                    accept=(200, 409),  # 409: the year is closed already (a rerun)
                ),
            )
            for number, roster in chosen
        )  # fmt: skip

    def register(self, task: DemoTask) -> Request:
        return Request(
            "registration", "POST", "POST /tasks", "/tasks",
            registration_body(task.registration, task.continues, self.features), task.key,
            _describe(task), self._at(task.registered_at), registers=task.key,
        )  # fmt: skip

    def revise(self, task: DemoTask) -> tuple[Request, ...]:
        """The committee returns the registration and its registrant amends it; or the
        registrant withdraws it."""
        chain = []
        if task.returned is not None and task.amendment is not None:
            chain.append(self._decision(task, task.returned.body.json_body(),
                                        task.returned.at, "-r"))  # fmt: skip
            chain.append(
                Request(
                    "registration", "PUT", "PUT /tasks/{task_id}", "/tasks/{task}",
                    registration_body(task.amendment.body, task.continues, self.features),
                    f"{task.key}-a", _describe(task), self._at(task.amendment.at),
                    task=task.key,
                )
            )  # fmt: skip
        if task.withdrawal is not None:
            chain.append(
                Request(
                    "registration", "POST", "POST /tasks/{task_id}/withdrawal",
                    "/tasks/{task}/withdrawal", {"reason": task.withdrawal.reason},
                    f"{task.key}-w", _describe(task), self._at(task.withdrawal.at),
                    task=task.key,
                )
            )  # fmt: skip
        return tuple(chain)

    def _decision(self, task: DemoTask, body: dict[str, Any], at: datetime, suffix: str) -> Request:
        return Request(
            "approval", "POST", "POST /tasks/{task_id}/decision", "/tasks/{task}/decision",
            body, f"{task.key}{suffix}", _describe(task), self._at(at), task=task.key,
            accept=(200, 409),  # 409: decided already (a rerun on services without replay)
        )  # fmt: skip

    def decisions(self) -> tuple[tuple[Request, ...], ...]:
        """Each committee's approvals under its decision numbers (``POST /decisions``, at
        most 500 tasks a request), and the rejections one by one."""
        chains: list[tuple[Request, ...]] = []
        for batch in self.year.batches:
            for start in range(0, len(batch.tasks), 500):
                part = batch.tasks[start : start + 500]
                key = batch.key if start == 0 else f"{batch.key}-{start // 500 + 1}"
                body = {
                    "task_ids": [TaskRef(task) for task in part],
                    "decision": "approve",
                    "decided_by": batch.decided_by,
                    "reference": batch.reference,
                    "note": batch.note,
                }
                chains.append(
                    (
                        Request(
                            "approval", "POST", "POST /decisions", "/decisions", body, key,
                            f"{batch.reference} ({len(part)} tasks)", self._at(batch.at),
                            batch=True,
                        ),
                    )
                )  # fmt: skip
        for task in self.year.tasks:
            if task.rejected and task.decision is not None:
                body = task.decision.body.json_body()
                chains.append((self._decision(task, body, task.decision.at, "-d"),))
        return tuple(chains)

    def follow_up(self, task: DemoTask) -> tuple[Request, ...]:
        """An approved task's progress reports, self-assessment and evaluation, in order."""
        if not task.approved:
            return ()
        chain = [
            Request(
                "registration", "POST", "POST /tasks/{task_id}/progress", "/tasks/{task}/progress",
                report.body.json_body(), f"{task.key}-p{number}", _describe(task),
                self._at(report.at), task=task.key,
            )
            for number, report in enumerate(task.progress, start=1)
        ]  # fmt: skip
        if task.self_assessment is not None:
            chain.append(
                Request(
                    "registration", "POST", "POST /tasks/{task_id}/self-assessment",
                    "/tasks/{task}/self-assessment", task.self_assessment.body.json_body(),
                    f"{task.key}-s", _describe(task), self._at(task.self_assessment.at),
                    task=task.key,
                )
            )  # fmt: skip
        if task.evaluation is not None:
            chain.append(
                Request(
                    "approval", "POST", "POST /tasks/{task_id}/evaluation",
                    "/tasks/{task}/evaluation", task.evaluation.body.json_body(),
                    f"{task.key}-e", _describe(task), self._at(task.evaluation.at),
                    task=task.key, accept=(201, 409),  # 409: evaluated already (a rerun)
                )
            )  # fmt: skip
        return tuple(chain)

    def closure(self) -> tuple[tuple[Request, ...], ...]:
        closure = self.year.closure
        if closure is None:
            return ()
        year = self.year.year
        body = {"decided_by": closure.decided_by, "reference": closure.reference}
        return (
            (
                Request(
                    "approval", "POST", "POST /years/{year}/closure", f"/years/{year}/closure",
                    body, f"demo-{year}-closure", f"closing {year}", self._at(closure.at),
                    accept=(201, 409),  # 409: closed already (a rerun)
                ),
            ),
        )  # fmt: skip


def _describe(task: DemoTask) -> str:
    body = task.registration
    return f"task {task.key} ({body.title[:80]!r}, {body.registrant.name}, {body.year})"
