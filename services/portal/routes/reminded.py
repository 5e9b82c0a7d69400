"""What the chasing page shows and says: the stale tasks by leader, who has an e-mail on the
roster (chosen at first), and a reminder's answer in the reader's words (each leader skipped
named, with why: ``no_email``, ``not_missing``, ``already_today``, ``not_on_roster``,
``other_committee``)."""

from __future__ import annotations

from typing import Any

from ..apis import Json

KINDS = ("not_registered", "no_recent_progress")
PICK = "pick."
WHY = ("no_email", "not_missing", "already_today", "not_on_roster", "other_committee")


def by_leader(stale: list[Json]) -> list[Json]:
    """The stale tasks grouped by their leader (a reminder goes to a leader), in the order
    reporting lists them; each group with the latest ``reminded_at``."""
    groups: dict[str, Json] = {}
    for item in stale:
        leader = item["registrant"]
        group = groups.setdefault(
            str(leader["id"]).casefold(),
            {"leader": leader, "unit": item["unit"], "tasks": [], "reminded_at": None},
        )
        group["tasks"].append(item)
        reminded = item.get("reminded_at")
        if reminded and (group["reminded_at"] is None or reminded > group["reminded_at"]):
            group["reminded_at"] = reminded
    return list(groups.values())


def emails(roster: Json | None) -> dict[str, bool] | None:
    """Whether each leader of the roster has an e-mail (None: the roster is not known to
    this person, so every leader is chosen at first and the services say who has none)."""
    if roster is None:
        return None
    return {str(p["id"]).casefold(): bool(p.get("email")) for p in roster.get("leaders") or []}


def names(roster: Json | None) -> dict[str, str]:
    """Leaders' names by id, as the roster has them."""
    return {
        str(p["id"]).casefold(): str(p.get("name") or p["id"])
        for p in (roster or {}).get("leaders") or []
    }


def outcome(answer: Json, named: dict[str, str]) -> list[tuple[str, str, dict[str, Any]]]:
    """The messages of ``POST /reminders``' answer: (kind, catalog key, values), how many
    were mailed, then the leaders skipped, by reason, named."""
    said: list[tuple[str, str, dict[str, Any]]] = [
        ("success", "reminders.sent", {"n": int(answer.get("sent") or 0)})
    ]
    skipped: dict[str, list[str]] = {}
    for item in answer.get("skipped") or []:
        leader = str(item.get("leader", ""))
        skipped.setdefault(str(item.get("why")), []).append(named.get(leader.casefold(), leader))
    for why in [*WHY, *sorted(set(skipped) - set(WHY))]:
        if why in skipped:
            key = f"reminders.skipped_{why}" if why in WHY else "reminders.skipped_other"
            people = ", ".join(skipped[why])
            said.append(("warning", key, {"n": len(skipped[why]), "names": people, "why": why}))
    return said
