"""A viewer whose identity carries a unit (an OpenID Connect unit claim) sees that unit only:
reports, CSV, lists, missing and task views; another unit is 403. Static tokens carry no
unit, so the app runs in process with a stand-in verifier for such identities."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

import shared.edge.identity
from services.reporting.bootstrap import ReportingSettings, create_app
from shared.domain.people import Actor, Role
from shared.log.eventlog import EventLog, connect
from shared.log.keys import Keys
from tests.support.writing import Writer

STAFF = Actor("staff-kt", frozenset({Role.viewer}), person="staff-kt", unit="Kim-Thanh")
ALSO_LEADER = Actor(
    "staff-kt", frozenset({Role.viewer, Role.registrant}), person="staff-kt", unit="Kim-Thanh"
)


class Verifier:
    def __init__(self, who: Actor) -> None:
        self.who = who

    def looks_like_jwt(self, token: str) -> bool:
        return token.count(".") == 2

    async def actor(self, token: str) -> Actor:
        return self.who

    async def aclose(self) -> None:
        return None


@pytest.fixture(params=[STAFF, ALSO_LEADER], ids=["a viewer", "a viewer also a registrant"])
async def client(
    redis_url: str, prefix: str, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> AsyncIterator[tuple[httpx.AsyncClient, dict[str, str]]]:
    log = EventLog(connect(redis_url), Keys(prefix), "test")
    writer = Writer(log)
    ours, _ = await writer.register("hung", unit="kim-thanh")
    theirs, _ = await writer.register("lan", unit="cam-giang")
    await log.redis.aclose()
    verifier = Verifier(request.param)
    monkeypatch.setattr(shared.edge.identity, "oidc_actors", lambda _settings: verifier)
    settings = ReportingSettings(
        redis_url=redis_url, stream_prefix=prefix, api_tokens="viewer:all-units-token-12345"
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        for _ in range(500):  # the rebuild runs in the background; no event tells its end
            if not app.state.runtime.starting():
                break
            await asyncio.sleep(0.02)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://reporting") as http:
            yield http, {"ours": ours, "theirs": theirs}


async def get(http: httpx.AsyncClient, path: str, **params: Any) -> httpx.Response:
    return await http.get(path, params=params, headers={"Authorization": "Bearer a.b.c"})


async def test_a_viewer_with_a_unit_sees_that_unit_only(
    client: tuple[httpx.AsyncClient, dict[str, str]],
) -> None:
    http, tasks = client
    report = (await get(http, "/reports/2024")).json()
    assert report["scope"]["unit"] == "kim-thanh"  # in its one form
    assert [row["code"] for row in report["by_unit"]] == ["kim-thanh"]
    assert (await get(http, "/reports/2024", unit="KIM-THANH")).status_code == 200
    for path in ("/reports/2024", "/reports/2024.csv", "/reports/2024/missing", "/tasks"):
        refused = await get(http, path, unit="cam-giang")
        assert refused.status_code == 403, path
        assert refused.json()["detail"][0]["type"] == "other_unit"
    listed = (await get(http, "/tasks")).json()["tasks"]
    assert [task["task_id"] for task in listed] == [tasks["ours"]]
    assert (await get(http, f"/tasks/{tasks['ours']}")).status_code == 200
    assert (await get(http, f"/tasks/{tasks['theirs']}")).status_code == 403
    csv = (await get(http, "/reports/2024.csv")).text
    assert tasks["ours"] in csv
    assert tasks["theirs"] not in csv


async def test_a_static_viewer_token_sees_every_unit(
    client: tuple[httpx.AsyncClient, dict[str, str]],
) -> None:
    http, _ = client
    answer = await http.get(
        "/reports/2024", headers={"Authorization": "Bearer all-units-token-12345"}
    )
    assert len(answer.json()["by_unit"]) == 2
