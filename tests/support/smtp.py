"""A real SMTP server for tests (aiosmtpd, in a thread of the test process, on a free port):
it keeps what it accepts, and can be told to refuse, to hold a message before answering,
to ask for a login, to offer STARTTLS or to speak TLS from the start."""

from __future__ import annotations

import asyncio
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.support.redis_server import free_port


@dataclass(frozen=True)
class Received:
    """A message the server accepted (or was handed, for a held one)."""

    sender: str
    recipients: tuple[str, ...]
    raw: bytes
    tls: bool
    login: str | None

    @property
    def message(self) -> EmailMessage:
        parsed = message_from_bytes(self.raw, policy=default)
        assert isinstance(parsed, EmailMessage)
        return parsed

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def to(self) -> str:
        return str(self.message["To"])

    @property
    def body(self) -> str:
        """The text as a mail reader shows it (MIME's canonical CRLF line ends as LF)."""
        part = self.message.get_body(("plain",))
        assert part is not None, "a text/plain part"
        text: str = part.get_content()  # type: ignore[attr-defined]
        return text.replace("\r\n", "\n")


@dataclass
class Catcher:
    """The server's handler. ``answer``: what to answer a message with instead of
    accepting it (``"451 4.3.0 try again later"``); ``refuse``: recipients to refuse;
    ``hold``: while set, a message is kept waiting before its answer (``handed`` records
    that it came)."""

    answer: str | None = None
    refuse: dict[str, str] = field(default_factory=dict)
    hold: threading.Event | None = None
    received: list[Received] = field(default_factory=list)
    handed: list[Received] = field(default_factory=list)
    attempts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(
        self, _server: Any, _session: Any, envelope: Any, address: str, _options: Any
    ) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        auth = session.auth_data
        implicit = server.transport is not None and server.transport.get_extra_info("ssl_object")
        got = Received(
            sender=envelope.mail_from,
            recipients=tuple(envelope.rcpt_tos),
            raw=bytes(envelope.original_content or envelope.content),
            tls=session.ssl is not None or bool(implicit),
            login=auth.login.decode() if isinstance(auth, LoginPassword) else None,
        )
        with self.lock:
            self.attempts += 1
            self.handed.append(got)
        hold = self.hold
        if hold is not None:
            await asyncio.to_thread(hold.wait, 60)
        if self.answer:
            return self.answer
        with self.lock:
            self.received.append(got)
        return f"250 2.0.0 OK queued as {len(self.received)}"

    def wait_for(self, count: int, timeout: float = 30.0, what: str = "received") -> None:
        """Until ``count`` messages were accepted (or ``handed``, or ``attempts`` made)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.count(what) >= count:
                return
            time.sleep(0.05)
        raise TimeoutError(f"{self.count(what)} {what} after {timeout}s, expected {count}")

    def count(self, what: str = "received") -> int:
        with self.lock:
            return self.attempts if what == "attempts" else len(getattr(self, what))


def password_check(login: str, password: str) -> Callable[..., AuthResult]:
    def check(_server: Any, _session: Any, _envelope: Any, _mechanism: str, data: Any) -> Any:
        ok = (
            isinstance(data, LoginPassword)
            and data.login == login.encode()
            and data.password == password.encode()
        )
        return AuthResult(success=ok, handled=False, auth_data=data if ok else None)

    return check


@dataclass
class SmtpTestServer:
    catcher: Catcher
    port: int
    controller: Controller | None = None
    scheme: str = "smtp"

    def url(self, user: str | None = None, password: str | None = None) -> str:
        auth = f"{user}:{password}@" if user and password else f"{user}@" if user else ""
        return f"{self.scheme}://{auth}127.0.0.1:{self.port}"

    def start(self, **options: Any) -> SmtpTestServer:
        self.controller = Controller(self.catcher, hostname="127.0.0.1", port=self.port, **options)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@contextmanager
def smtp_server(
    catcher: Catcher | None = None,
    *,
    port: int | None = None,
    starttls: ssl.SSLContext | None = None,
    implicit_tls: ssl.SSLContext | None = None,
    login: tuple[str, str] | None = None,
) -> Iterator[SmtpTestServer]:
    """An SMTP server on a free port (plain; with ``starttls``, offering STARTTLS; with
    ``implicit_tls``, TLS from the start; with ``login``, requiring it), stopped after."""
    options: dict[str, Any] = {}
    if starttls is not None:
        options |= {"tls_context": starttls, "require_starttls": True}
    if implicit_tls is not None:
        options |= {"ssl_context": implicit_tls}
    if login is not None:
        # aiosmtpd cannot tell implicit TLS from none: there, AUTH is offered, not required
        required = implicit_tls is None
        options |= {"authenticator": password_check(*login), "auth_required": required}
        options["auth_require_tls"] = starttls is not None
    server = SmtpTestServer(catcher or Catcher(), port or free_port())
    server.scheme = "smtps" if implicit_tls is not None else "smtp"
    server.start(**options)
    try:
        yield server
    finally:
        server.stop()
