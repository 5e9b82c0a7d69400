"""Valid request bodies and events for integration and end-to-end tests."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import msgspec

from shared.domain.events import Event, TaskRegistered, new_event, utc_now


def registration_body(
    registrant: str = "pham-quang-hung", year: int = 2024, **overrides: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "year": year,
        "registrant": {
            "id": registrant,
            "name": "Phạm Quang Hưng",
            "position": "Chủ tịch UBND huyện Kim Thành",
            "level": "district_leader",
        },
        "unit": {"code": "kim-thanh", "name": "Huyện Kim Thành"},
        "title": "Giải phóng mặt bằng 26 dự án",
        "category": "socio_economic",
        "kind": "breakthrough",
        "targets": [
            {"metric": "projects cleared", "unit": "project", "target": 26},
            {"metric": "area cleared", "unit": "ha", "target": 287},
        ],
        "deadline": f"{year}-12-31",
    }
    body.update(overrides)
    return body


def registered_event(
    registrant: str = "pham-quang-hung", year: int = 2024
) -> Event[TaskRegistered]:
    now = utc_now()
    fields = registration_body(registrant, year) | {
        "task_id": str(uuid.uuid4()),
        "registered_at": now.isoformat(),
    }
    data = msgspec.convert(fields, TaskRegistered, strict=False)
    return new_event(
        data,
        source="/breakthrough/registration",
        correlation_id="test",
        time=now,
        actor=registrant,
        actor_role="registrant",
    )


def deadline(year: int) -> date:
    return date(year, 12, 31)
