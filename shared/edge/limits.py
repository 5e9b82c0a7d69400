"""Refuse request bodies over a size limit with 413, before the application reads them.

Checks ``Content-Length`` up front and counts the bytes of a body sent without one, so a
chunked upload cannot get past the limit either.
"""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 1024 * 1024


def too_large(max_bytes: int) -> str:
    return f"request body over {max_bytes // 1024} KiB; nothing was written"


class BodyTooLarge(HTTPException):
    """Raised while a body without ``Content-Length`` is read past the limit. An
    ``HTTPException`` (413), so that a framework reading the body passes it on: FastAPI turns
    any other error raised there into a 400 "There was an error parsing the body". Answered
    by the app's handler for ``HTTPException`` where it has one, by ``BodyLimit`` otherwise."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, too_large(max_bytes))


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._refuse(send)
            return
        seen = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        message = too_large(self.max_bytes)
        body = json.dumps(
            {"detail": [{"loc": ["body"], "msg": message, "type": "too_large"}]}
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
