"""A task's years: the tasks it carries on (``continues``, followed back) and those that carry
it on (``continued_by``), as reporting shows them to the reader. "Năm thứ N liên tiếp" counts
the consecutive years of the chain up to this task."""

from __future__ import annotations

from typing import Any

from .apis import ApiError, Calls, Json

LONGEST = 20
"""Years followed back at most (a programme runs a handful of years)."""


async def _read(calls: Calls, task_id: str) -> Json | None:
    """The task as reporting shows it to the reader (None: not theirs to read, or gone)."""
    try:
        found: Json = await calls.reporting.send("GET", f"/tasks/{task_id}")
    except ApiError:
        return None
    return found


def _link(task: Json) -> dict[str, Any]:
    return {"task_id": task["task_id"], "year": task["year"], "title": task["title"]}


async def chain_of(calls: Calls, task: Json) -> dict[str, Any]:
    """``before`` (oldest first), ``after`` (as reporting lists them) and ``running``: the
    years in a row up to this task, each carrying on the year before's (1 when it continues
    none, or a task of a year further back). A task the reader may not read ends the walk
    back (it is shown without a link, and does not count: its year is not known)."""
    before: list[dict[str, Any]] = []
    seen = {task["task_id"]}
    pointer = task.get("continues")
    while pointer and pointer not in seen and len(before) < LONGEST:
        seen.add(pointer)
        earlier = await _read(calls, pointer)
        if earlier is None:
            before.insert(0, {"task_id": None, "year": None, "title": None})
            break
        before.insert(0, _link(earlier))
        pointer = earlier.get("continues")
    after = []
    for later_id in task.get("continued_by") or []:
        later = await _read(calls, later_id)
        if later is not None:
            after.append(_link(later))
    running, year = 1, task["year"]
    for earlier_link in reversed(before):  # back from this task, while no year is skipped
        if earlier_link["year"] != year - 1:
            break
        running, year = running + 1, year - 1
    return {"before": before, "after": after, "running": running}
