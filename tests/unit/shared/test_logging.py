"""The lines of a batch consumer: ``info_each`` writes what structlog would, one per row."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
import structlog
from structlog.testing import capture_logs

from shared.ops.logging import configure_logging, info_each

ROWS = [
    {"event_id": "e-1", "position": "1-0", "correlation_id": 'Phạm\n{"forged": 1} 100%s'},
    {"event_id": "e-2", "position": "1-1", "correlation_id": "c-2"},
]
FIELDS = ("event_id", "position", "correlation_id")


def each(message: str, common: dict[str, str]) -> None:
    info_each(message, common, FIELDS, ([row[name] for name in FIELDS] for row in ROWS))


@pytest.fixture(autouse=True)
def _restore_structlog() -> Iterator[None]:
    yield
    structlog.reset_defaults()
    structlog.contextvars.clear_contextvars()


def lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines()]


def test_json_lines_carry_what_a_structlog_line_carries(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("reporting", fmt="json")
    structlog.contextvars.bind_contextvars(request_id="r-1", note="50% done")
    structlog.get_logger().info("event applied", stream="s", **ROWS[0])
    each("event applied", {"stream": "s"})

    written = capsys.readouterr().err
    assert written.isascii(), "client text is escaped: no separator survives raw"
    assert len(written.splitlines()) == 3, "a newline in a value cannot split a line"
    reference, *written_each = lines(written)
    for row, line in zip(ROWS, written_each, strict=True):
        assert set(line) == set(reference)
        assert line == {**reference, "timestamp": line["timestamp"], **row}
        assert line["service"] == "reporting"
        assert line["level"] == "info"


def test_nothing_is_written_below_the_configured_level(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("reporting", level="warning", fmt="json")
    each("event applied", {"stream": "s"})
    assert capsys.readouterr().err == ""


def test_captured_logs_see_one_entry_per_row() -> None:
    configure_logging("reporting", fmt="json")
    with capture_logs() as captured:
        each("event applied", {"stream": "s"})
    assert captured == [
        {"event": "event applied", "log_level": "info", "stream": "s", **row} for row in ROWS
    ]


def test_an_exception_logged_through_the_standard_library_carries_its_message_and_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """uvicorn's "Exception in ASGI application", any library's logger.exception(...): the
    error's words and its traceback as text, never the exc_info tuple's repr."""
    configure_logging("registration", fmt="json")
    try:
        raise ValueError("OOM command not allowed when used memory > 'maxmemory'")
    except ValueError:
        logging.getLogger("uvicorn.error").exception("Exception in ASGI application")
        structlog.get_logger().exception("event not applied", stream="s")
    written = lines(capsys.readouterr().err)
    assert [line["message"] for line in written] == [
        "Exception in ASGI application",
        "event not applied",
    ]
    for line in written:
        assert line["error"] == "OOM command not allowed when used memory > 'maxmemory'"
        assert line["error_type"] == "builtins.ValueError"
        assert isinstance(line["exception"], str)
        assert line["exception"].startswith("Traceback (most recent call last)")
        assert "ValueError: OOM command not allowed" in line["exception"]
        assert "exc_info" not in line
