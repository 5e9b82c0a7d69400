from __future__ import annotations

import pytest

from shared.events import is_position, position_key


@pytest.mark.parametrize(
    "text", ["0", "0-0", "1795313136640-0", "18446744073709551615-18446744073709551615"]
)
def test_stream_ids_redis_accepts(text: str) -> None:
    assert is_position(text)


@pytest.mark.parametrize(
    "text",
    ["", "-1", "1-", "a-1", "98250008990172309100", "1-18446744073709551616", "1-2-3", " 1-0"],
)
def test_what_redis_would_refuse(text: str) -> None:
    assert not is_position(text)


def test_positions_order_numerically() -> None:
    assert position_key("12-3") < position_key("12-10") < position_key("100-0")
