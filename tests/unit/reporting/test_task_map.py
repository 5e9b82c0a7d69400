"""The projection's task mapping: an update is a new mapping; the old one stays as it was."""

from __future__ import annotations

from types import MappingProxyType

import pytest
from hypothesis import given, settings

from services.reporting.domain import ProjectionState, TaskFacts, fold
from services.reporting.domain.state import TaskMap
from shared.events import StoredEvent
from tests.unit.reporting.test_fold_properties import histories

pytestmark = pytest.mark.unit


def facts(task_id: str) -> TaskFacts:
    return TaskFacts(task_id=task_id)


def test_an_update_leaves_the_old_mapping_as_it_was() -> None:
    first = TaskMap.of({f"task-{n}": facts(f"task-{n}") for n in range(1000)})
    changed = facts("task-7")._replace(decisions=())
    second = first.updated({"task-7": changed, "new": facts("new")})
    assert len(first) == 1000
    assert "new" not in first
    assert len(second) == 1001
    assert second["new"] == facts("new")
    assert second["task-7"] is changed
    assert first["task-7"] is not changed
    assert sorted(second) == sorted([*first, "new"])
    assert first.get("missing") is None
    assert "missing" not in second
    with pytest.raises(KeyError):
        second["missing"]


def test_it_equals_the_plain_mapping_with_the_same_tasks() -> None:
    plain = {f"task-{n}": facts(f"task-{n}") for n in range(50)}
    assert TaskMap.of(plain) == plain
    assert ProjectionState(TaskMap.of(plain)) == ProjectionState(MappingProxyType(plain))
    assert TaskMap.of(TaskMap.of(plain)) == plain
    assert TaskMap().updated({}) == {}


@settings(max_examples=50, deadline=None)
@given(history=histories())
def test_folding_in_batches_gives_the_state_of_one_fold(history: list[StoredEvent]) -> None:
    state = fold(history[: len(history) // 2])
    assert fold(history[len(history) // 2 :], state) == fold(history)
