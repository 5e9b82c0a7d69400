"""Pending-set members sort like the positions they are made from, and give them back."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from services.approval.adapters import member_position, pending_member
from shared.events import position_key

ms = st.integers(min_value=0, max_value=10**15 - 1)
seq = st.integers(min_value=0, max_value=10**10 - 1)
positions = st.builds(lambda m, s: f"{m}-{s}", ms, seq)


@given(st.lists(positions, min_size=2, max_size=20, unique=True))
def test_members_sort_like_their_positions(found: list[str]) -> None:
    members = [pending_member(position, "task") for position in found]
    assert sorted(members) == [pending_member(p, "task") for p in sorted(found, key=position_key)]


@given(positions, st.uuids().map(str))
def test_a_member_gives_back_its_position(position: str, task_id: str) -> None:
    assert member_position(pending_member(position, task_id)) == position


def test_examples() -> None:
    assert pending_member("12-3", "t") < pending_member("12-10", "t") < pending_member("100-0", "t")
    assert member_position(pending_member("7", "t")) == "7-0"
