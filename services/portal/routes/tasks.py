"""A task's page, for whoever may read it: the registration as it stands, its targets and
latest values, the committee's decision (and the reason of a return), the assessments, and
its whole history (who did what, when), from reporting. What the reader may do next is
offered beside it: a leader amends, withdraws, reports or self-assesses their own task; the
secretariat returns, approves, rejects or evaluates someone else's."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from shared.domain.events import Rating
from shared.edge.bodies import TaskId

from ..apis import Json
from ..forms import Form
from ..sessions import Person, Session
from ..web import calls_of, fresh, portal_of, signed_in, translator

router = APIRouter()
Reader = Annotated[Session, Depends(signed_in)]
EDITABLE = ("pending", "returned")
GOING_ON = ("approved", "self_assessed")


def offers(task: Json, who: Person) -> dict[str, bool]:
    """What ``who`` may do with ``task`` now (the services decide again)."""
    registrant = str(task["registrant"]["id"]).casefold()
    own = who.person is not None and who.person.casefold() == registrant
    leader = own and who.holds("registrant")
    judge = who.holds("approver") and not own
    stage = task["stage"]
    return {
        "amend": leader and stage in EDITABLE,
        "withdraw": leader and stage in EDITABLE,
        "report": leader and stage in GOING_ON,
        "self_assess": leader and stage in GOING_ON,
        "decide": judge and stage == "pending",
        "evaluate": judge and stage in GOING_ON,
    }


@router.get("/tasks/{task_id}", response_class=HTMLResponse)
async def task_page(request: Request, task_id: TaskId, reader: Reader) -> HTMLResponse:
    return await render_task(request, task_id)


async def render_task(
    request: Request, task_id: str, *, decision: Form | None = None, evaluation: Form | None = None
) -> HTMLResponse:
    calls = calls_of(request)

    async def read(after: str | None) -> Json:
        found: Json = await calls.reporting.send(
            "GET", f"/tasks/{task_id}", params={"after": after}
        )
        return found

    task = await fresh(request, read)
    session = signed_in(request)
    assert session.who is not None
    t = translator(request)
    forms_ok = (decision is None or decision.ok) and (evaluation is None or evaluation.ok)
    return portal_of(request).pages.render(
        request,
        "task.html",
        status=200 if forms_ok else 422,
        task=task,
        can=offers(task, session.who),
        decision=decision or Form({"decided_by": t("decision.default_body")}, t),
        evaluation=evaluation or Form({"decided_by": t("decision.default_body")}, t),
        ratings=[r.value for r in Rating],
        year=task["year"],
    )
