"""Plain-text mail over SMTP: one message, one connection, a reason for every failure.

``SMTP_URL`` names the server: ``smtp://[user[:password]@]host[:port]`` (port 25 by
default; STARTTLS whenever the server offers it) or ``smtps://...`` (TLS from the first
byte, port 465 by default). A password with reserved characters is percent-encoded in the
URL, or given alone as ``SMTP_PASSWORD`` (a secret file, like the other settings).
``MAIL_FROM`` is the sender: an address, or ``Name <address>``. ``SMTP_CA_FILE`` adds a
certificate authority to trust (a province's own), ``SMTP_TIMEOUT`` bounds one whole
transaction (connection to the server's answer to the message).

A reminder, as ``POST /reminders`` would send one (``settings``: a ``MailSettings``)::

    mailer = shared.edge.settings.mailer(settings)       # once, at start
    if (why := mailer.unconfigured()) is not None: ...   # 503 with why, nothing sent
    letter = shared.domain.letters.reminder(kind, leader=name, year=year, on=today, tasks=due)
    try:
        await mailer.send_text(to=email, to_name=name, subject=letter.subject,
                               body=letter.body, message_id=f"reminder.{year}.{kind}.{leader_id}"
                               f".{today:%Y%m%d}@{mailer.message_domain()}")
    except MailError as error: ...                       # 503 with error.reason, no event

Every failure is a ``MailError`` whose ``reason`` says what happened in words an operator
can act on, without the password: callers answer 503 with it (``POST /reminders``) or retry
and park it (notifications). The server's refusal of an address or of the message
(``MailRefused``, with its SMTP code) is *definitive*: nothing was accepted. A connection
lost or a time-out while the message itself was being handed over (``MailUncertain``) is
not: the server may have accepted it, and a careful caller does not simply send again.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime, getaddresses, make_msgid, parseaddr
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:
    import aiosmtplib

BeforeData = Callable[[], Awaitable[None]]


class MailError(Exception):
    """The mail was not accepted (or may not have been); ``reason`` says why."""

    transient = True
    """Whether the same mail may be accepted if tried again later."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class MailNotConfigured(MailError):
    """SMTP_URL or MAIL_FROM is not set: no mail can be sent at all."""

    transient = False


class MailUnreachable(MailError):
    """The server could not be reached, or the connection failed, before the message was
    handed over: nothing was accepted."""


class MailRefused(MailError):
    """The server answered with an error code: nothing was accepted. 4xx is temporary (try
    again later), 5xx permanent (this address, sender, login or message will not do)."""

    def __init__(self, reason: str, code: int) -> None:
        super().__init__(reason)
        self.code = code
        self.transient = code < 500


class MailUncertain(MailError):
    """The connection failed while the message was being handed over, or before the
    server's answer came: it may or may not have been accepted."""

    transient = False


@dataclass(frozen=True)
class SmtpServer:
    """Where mail goes, from ``SMTP_URL``."""

    host: str
    port: int
    tls: bool
    """TLS from the first byte (``smtps://``); otherwise STARTTLS when the server offers it."""
    username: str | None = None
    password: str | None = field(default=None, repr=False)

    @classmethod
    def parse(cls, url: str, password: str | None = None) -> SmtpServer:
        """The server an ``SMTP_URL`` names; ``password`` (``SMTP_PASSWORD``) when the URL
        has a user but no password. ``ValueError`` saying what is wrong (never echoing the
        password)."""
        parts = urlsplit(url.strip())
        if parts.scheme not in ("smtp", "smtps"):
            raise ValueError("SMTP_URL must start with smtp:// or smtps://")
        try:
            port = parts.port
        except ValueError as error:
            raise ValueError("SMTP_URL: the port is not a number from 1 to 65535") from error
        if not parts.hostname:
            raise ValueError("SMTP_URL names no host (smtp://host:port)")
        if parts.path not in ("", "/") or parts.query or parts.fragment:
            raise ValueError("SMTP_URL: nothing may follow host:port")
        tls = parts.scheme == "smtps"
        username = unquote(parts.username) if parts.username else None
        given = unquote(parts.password) if parts.password is not None else None
        return cls(
            host=parts.hostname,
            port=port or (465 if tls else 25),
            tls=tls,
            username=username,
            password=given if given is not None else (password if username else None),
        )

    def __str__(self) -> str:
        user = f"{self.username}@" if self.username else ""
        return f"{'smtps' if self.tls else 'smtp'}://{user}{self.host}:{self.port}"


def sender_address(sender: str) -> str:
    """The address of ``MAIL_FROM`` (``Name <address>`` or a bare address); ``ValueError``
    when it holds none."""
    _, address = parseaddr(sender)
    if "@" not in address or any(c.isspace() or ord(c) < 32 for c in address):
        raise ValueError("MAIL_FROM must be an address (name@domain) or 'Name <name@domain>'")
    return address


def compose(
    *,
    sender: str,
    to: str,
    subject: str,
    body: str,
    to_name: str | None = None,
    message_id: str | None = None,
    now: datetime | None = None,
) -> EmailMessage:
    """A plain-text UTF-8 message. ``sender`` is ``MAIL_FROM``; ``message_id`` (without the
    angle brackets, e.g. ``notification.<event id>@<domain>``) makes the same mail carry the
    same Message-ID whoever sends it. It says it was sent by a program (``Auto-Submitted``),
    so that out-of-office replies stay away. ``ValueError`` for an address that is none."""
    name, address = parseaddr(sender)
    if "@" not in to or any(c.isspace() or ord(c) < 32 for c in to):
        raise ValueError(f"not an e-mail address: {to[:80]!r}")
    message = EmailMessage(policy=SMTP_POLICY)
    message["From"] = Address(display_name=name, addr_spec=sender_address(sender))
    message["To"] = Address(display_name=_one_line(to_name or ""), addr_spec=to.strip())
    message["Subject"] = _one_line(subject)
    message["Date"] = format_datetime(now or datetime.now(UTC))
    domain = address.rpartition("@")[2] or "localhost"
    message["Message-ID"] = f"<{message_id}>" if message_id else make_msgid(domain=domain)
    message["Auto-Submitted"] = "auto-generated"
    message["MIME-Version"] = "1.0"
    message.set_content(body, charset="utf-8", cte="base64")  # 7-bit: any server takes it
    return message


def _one_line(text: str) -> str:
    """A header's text on one line: no control character can start another header."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


class Mailer:
    """Sends one message per call over its own connection (mail here is a few a minute at
    most: no pool to keep healthy)."""

    def __init__(
        self,
        server: SmtpServer | None,
        sender: str | None,
        *,
        timeout: float = 30.0,
        ca_file: Path | None = None,
    ) -> None:
        self.server = server
        self.sender = sender
        self.timeout = timeout
        self.ca_file = ca_file
        self._tls: ssl.SSLContext | None = None

    @classmethod
    def from_url(
        cls,
        url: str | None,
        sender: str | None,
        *,
        password: str | None = None,
        timeout: float = 30.0,
        ca_file: Path | None = None,
    ) -> Mailer:
        server = SmtpServer.parse(url, password) if url else None
        if sender is not None:
            sender_address(sender)
        return cls(server, sender, timeout=timeout, ca_file=ca_file)

    def unconfigured(self) -> str | None:
        """Why no mail can be sent (SMTP_URL or MAIL_FROM unset), or None."""
        try:
            self._configured()
        except MailNotConfigured as error:
            return error.reason
        return None

    def _configured(self) -> tuple[SmtpServer, str]:
        if self.server is None:
            raise MailNotConfigured("SMTP_URL is not set: no mail server to send through")
        if not self.sender:
            raise MailNotConfigured("MAIL_FROM is not set: no sender address for the mail")
        return self.server, self.sender

    def letter(
        self,
        *,
        to: str,
        subject: str,
        body: str,
        to_name: str | None = None,
        message_id: str | None = None,
        now: datetime | None = None,
    ) -> EmailMessage:
        """A message from ``MAIL_FROM`` (``compose``); ``MailNotConfigured`` without one."""
        _, sender = self._configured()
        return compose(
            sender=sender,
            to=to,
            subject=subject,
            body=body,
            to_name=to_name,
            message_id=message_id,
            now=now,
        )

    async def send_text(
        self,
        *,
        to: str,
        subject: str,
        body: str,
        to_name: str | None = None,
        message_id: str | None = None,
        before_data: BeforeData | None = None,
    ) -> str:
        """``letter`` then ``send``: the server's answer, or a ``MailError`` (a ``ValueError``
        for an address that is none)."""
        message = self.letter(
            to=to, subject=subject, body=body, to_name=to_name, message_id=message_id
        )
        return await self.send(message, before_data=before_data)

    def message_domain(self) -> str:
        """The domain of MAIL_FROM: the right-hand side of the Message-IDs made here."""
        return sender_address(self.sender or "mail@localhost").rpartition("@")[2]

    async def send(self, message: EmailMessage, *, before_data: BeforeData | None = None) -> str:
        """Hand ``message`` to the server for its ``To`` addresses; the server's answer to it
        (often naming its queue id). ``before_data`` is awaited once the server has accepted
        the envelope, just before the message itself is sent: the moment from which a lost
        connection leaves the outcome uncertain (a caller records there that it began).

        Raises a ``MailError``: ``MailNotConfigured``, ``MailUnreachable``, ``MailRefused``
        (with the code) or ``MailUncertain``."""
        server, sender = self._configured()
        recipients = [address for _, address in getaddresses(message.get_all("To", []))]
        if not recipients:
            raise ValueError("the message has no To address")
        payload = message.as_bytes(policy=SMTP_POLICY)
        import aiosmtplib  # here: a process that sends no mail never loads it

        client = aiosmtplib.SMTP(
            hostname=server.host,
            port=server.port,
            use_tls=server.tls,
            start_tls=False if server.tls else None,  # None: STARTTLS when offered
            username=server.username,
            password=server.password,
            timeout=self.timeout,
            tls_context=self._tls_context(),
        )
        phase = "connecting to"
        try:
            async with asyncio.timeout(self.timeout):
                await client.connect()
                phase = "sending the envelope to"
                await client.mail(sender_address(sender))
                for recipient in recipients:
                    await client.rcpt(recipient)
                if before_data is not None:
                    phase = "preparing to send the message to"
                    await before_data()
                phase = "sending the message to"
                answer = await client.data(payload)
        except aiosmtplib.SMTPResponseException as error:
            client.close()
            what = _refusal(error)
            raise MailRefused(
                f"{server} refused {what}: {error.code} {_short(error.message)}", error.code
            ) from error
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            client.close()
            detail = _short(str(error)) or type(error).__name__
            if phase == "sending the message to":
                raise MailUncertain(
                    f"the connection to {server} failed while the message was handed over "
                    f"({detail}): it may or may not have been accepted"
                ) from error
            raise MailUnreachable(f"{phase} {server} failed: {detail}") from error
        except BaseException:
            client.close()
            raise
        await self._quit(client)
        return answer.message

    def _tls_context(self) -> ssl.SSLContext:
        """The system's certificate authorities, and SMTP_CA_FILE's; host names checked."""
        if self._tls is None:
            context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
            if self.ca_file is not None:
                context.load_verify_locations(cafile=str(self.ca_file))
            self._tls = context
        return self._tls

    async def _quit(self, client: aiosmtplib.SMTP) -> None:
        """Say goodbye; the message is accepted already, so a failure here changes nothing."""
        import aiosmtplib

        try:
            async with asyncio.timeout(min(self.timeout, 5.0)):
                await client.quit()
        except (aiosmtplib.SMTPException, OSError, TimeoutError):
            pass
        finally:
            client.close()


def _refusal(error: aiosmtplib.SMTPResponseException) -> str:
    import aiosmtplib

    if isinstance(error, aiosmtplib.SMTPAuthenticationError):
        return "the login (SMTP_URL's user and password)"
    if isinstance(error, aiosmtplib.SMTPSenderRefused):
        return "the sender (MAIL_FROM)"
    if isinstance(error, aiosmtplib.SMTPRecipientRefused):
        return f"the recipient {error.recipient}"
    if isinstance(error, aiosmtplib.SMTPDataError):
        return "the message"
    return "the connection"


def _short(text: str) -> str:
    return " ".join(text.split())[:300]
