"""The AsyncAPI 3.0 document of the event log: one channel per Redis stream, one message per
event type (its payload schema from ``shared.log.schemas``), and who appends to and who
follows each stream. Written to ``docs/asyncapi.json`` by ``python -m shared.log.contracts``."""

from __future__ import annotations

from typing import Any

from shared.domain.events import SCHEMA_VERSION
from shared.log.keys import Keys
from shared.log.schemas import TYPES, event_schema

PREFIX = "{prefix}"
KEYS = Keys(PREFIX)
STREAMS = {**KEYS.streams, "DeadLetter": KEYS.dead_letter, "DeadLetterReplayed": KEYS.dead_letter}
SUMMARIES = {
    "TaskRegistered": "A leader registered a breakthrough or creative task with its targets.",
    "TaskApproved": "The Standing Committee approved a registered task.",
    "TaskRejected": "The Standing Committee rejected a registered task, with a reason.",
    "ProgressLogged": "The registrant reported progress (cumulative values) on an approved task.",
    "TaskAmended": "The registrant amended a pending or returned task (it is pending again).",
    "TaskWithdrawn": "The registrant withdrew a pending or returned task (its slot is freed).",
    "TaskReturned": "The Standing Committee returned a registration for revision, with a reason.",
    "TaskSelfAssessed": "The registrant self-assessed an approved task (the latest counts).",
    "TaskEvaluated": "The Standing Committee rated an approved task on the four levels.",
    "YearClosed": "The year was closed: nothing more is written for it; its reports are final.",
    "RosterPublished": "The roster of a year: the units and leaders expected to register.",
    "CommitteesPublished": "The approving committees of a year, as a tree under one root.",
    "ReminderSent": "A leader was e-mailed a reminder of what is due (not registered, no "
    "recent progress).",
    "NotificationSent": "A task's registrant was e-mailed about a return, an approval or an "
    "evaluation of the task.",
    "DeadLetter": "A reader gave up on a stream entry; the original is kept in `data.fields`.",
    "DeadLetterReplayed": "An operator appended a dead letter's original entry to its stream "
    "again (`actor`: who).",
}
WRITERS = {
    "TaskRegistered": ["registration"],
    "TaskAmended": ["registration"],
    "TaskWithdrawn": ["registration"],
    "ProgressLogged": ["registration"],
    "TaskSelfAssessed": ["registration"],
    "RosterPublished": ["registration"],
    "CommitteesPublished": ["registration"],
    "ReminderSent": ["approval"],
    "NotificationSent": ["notifications"],
    "TaskApproved": ["approval"],
    "TaskRejected": ["approval"],
    "TaskReturned": ["approval"],
    "TaskEvaluated": ["approval"],
    "YearClosed": ["approval"],
    "DeadLetter": ["reporting"],
    "DeadLetterReplayed": ["operators"],
}
READERS = {name: ["reporting"] for name in KEYS.streams} | {
    "DeadLetter": [],
    "DeadLetterReplayed": [],
}
HOW_READ = {
    "reporting": "without a group: every replica reads every entry into its own projection",
}
INFO = (
    "The event log of the breakthrough-tasks system: one Redis stream per event type, never "
    "trimmed. Every entry has exactly two fields: `type` (the event type) and `event` (a "
    "CloudEvents 1.0 JSON document, UTF-8). Order holds within one stream only; a task's "
    "events are stamped with increasing `time`, so (time, id) orders them across streams. "
    "Deliveries are at least once: skip an event whose `id` you have seen. Every event names "
    "who made it in the extension attributes `actor` and `actorrole`. See docs/subscribing.md."
)


def channel_of(name: str) -> str:
    """The channel id of an event type's stream (``tasks:self-assessed`` -> tasksSelfAssessed)."""
    words = STREAMS[name].removeprefix(PREFIX + ":").replace("-", ":").split(":")
    return words[0] + "".join(word.capitalize() for word in words[1:])


def _refs_to_components(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            key: value.replace("#/$defs/", "#/components/schemas/")
            if key == "$ref" and isinstance(value, str)
            else _refs_to_components(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_refs_to_components(item) for item in node]
    return node


def _schemas() -> dict[str, Any]:
    schemas: dict[str, Any] = {}
    for name in TYPES:
        schema = _refs_to_components(event_schema(name))
        schema.pop("$schema")
        for key, definition in schema.pop("$defs").items():
            if schemas.setdefault(key, definition) != definition:
                raise ValueError(f"two different schemas named {key}")
        schemas[f"{name}Event"] = schema
    return dict(sorted(schemas.items()))


def _message(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "title": name,
        "summary": SUMMARIES[name],
        "contentType": "application/json",
        "headers": {
            "type": "object",
            "description": "The entry's other field, `type`, names the event type.",
            "properties": {"type": {"const": name, "type": "string"}},
            "required": ["type"],
        },
        "payload": {"$ref": f"#/components/schemas/{name}Event"},
        "correlationId": {
            "description": "The request or event that started the chain.",
            "location": "$message.payload#/correlationid",
        },
    }


def _channel(names: list[str]) -> dict[str, Any]:
    address = STREAMS[names[0]]
    return {
        "address": address,
        "title": f"{address} stream",
        "description": " ".join(f"`{name}` entries: {SUMMARIES[name]}" for name in names),
        "parameters": {"prefix": {"$ref": "#/components/parameters/prefix"}},
        "messages": {name: {"$ref": f"#/components/messages/{name}"} for name in names},
    }


def _channels() -> dict[str, list[str]]:
    channels: dict[str, list[str]] = {}
    for name in STREAMS:
        channels.setdefault(channel_of(name), []).append(name)
    return channels


def _operations() -> dict[str, Any]:
    operations: dict[str, Any] = {}
    for name in STREAMS:
        channel = channel_of(name)
        target = {
            "channel": {"$ref": f"#/channels/{channel}"},
            "messages": [{"$ref": f"#/channels/{channel}/messages/{name}"}],
        }
        for service in WRITERS[name]:
            summary = f"{service} appends {name} entries (XADD)."
            operations[f"{service}Appends{name}"] = {"action": "send", **target, "summary": summary}
        for service in READERS[name]:
            summary = f"{service} follows the stream {HOW_READ[service]}."
            operations[f"{service}Follows{name}"] = {
                "action": "receive",
                **target,
                "summary": summary,
            }
    return operations


def asyncapi_document() -> dict[str, Any]:
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Breakthrough tasks: event log",
            "version": f"{SCHEMA_VERSION}.1",
            "description": INFO,
        },
        "defaultContentType": "application/json",
        "servers": {
            "redis": {
                "host": "redis:6379",
                "protocol": "redis",
                "description": "The Redis named by REDIS_URL (AUTH with its password).",
            }
        },
        "channels": {channel: _channel(names) for channel, names in _channels().items()},
        "operations": _operations(),
        "components": {
            "schemas": _schemas(),
            "messages": {name: _message(name) for name in STREAMS},
            "parameters": {
                "prefix": {
                    "default": "breakthrough",
                    "description": "STREAM_PREFIX of the deployment.",
                }
            },
        },
    }
