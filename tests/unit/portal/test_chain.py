"""A task's years: followed back along ``continues`` and forward along ``continued_by``;
"in a row" counts consecutive years only, and a task the reader may not read ends the walk."""

from __future__ import annotations

from typing import Any, cast

from services.portal.apis import Calls, Problem, Refused
from services.portal.chain import chain_of

TASKS = {
    "a": {"task_id": "a", "year": 2021, "title": "A", "continues": None},
    "b": {"task_id": "b", "year": 2023, "title": "B", "continues": "a"},
    "c": {"task_id": "c", "year": 2024, "title": "C", "continues": "b"},
    "d": {"task_id": "d", "year": 2025, "title": "D", "continues": "hidden"},
    "e": {"task_id": "e", "year": 2025, "title": "E", "continues": "c"},
}


class Reporting:
    async def send(self, method: str, path: str, **_: Any) -> dict[str, Any]:
        found = TASKS.get(path.rsplit("/", 1)[1])
        if found is None:
            raise Refused(403, [Problem((), "not yours", "forbidden")])
        return found


CALLS = cast(Calls, type("FakeCalls", (), {"reporting": Reporting()})())


async def test_consecutive_years_are_counted_and_a_gap_ends_the_run() -> None:
    chain = await chain_of(CALLS, TASKS["c"] | {"continued_by": ["e"]})
    assert [link["task_id"] for link in chain["before"]] == ["a", "b"]
    assert [link["task_id"] for link in chain["after"]] == ["e"]
    assert chain["running"] == 2  # 2023 and 2024; 2021 is not the year before 2023


async def test_a_task_the_reader_may_not_read_is_shown_without_a_link_and_not_counted() -> None:
    chain = await chain_of(CALLS, TASKS["d"])
    assert chain["before"] == [{"task_id": None, "year": None, "title": None}]
    assert chain["running"] == 1


async def test_a_first_year_continues_nothing() -> None:
    assert await chain_of(CALLS, TASKS["a"]) == {"before": [], "after": [], "running": 1}
