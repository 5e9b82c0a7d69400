"""shared.edge.mail against a real SMTP server (aiosmtpd): what arrives (decoded: To,
Subject, the Vietnamese body), STARTTLS when offered, TLS from the start, a login, and a
reason for every way it fails: unset, unreachable, refused (temporarily or for good),
uncertain."""

from __future__ import annotations

import ssl
import threading
from datetime import date
from pathlib import Path

import pytest
import trustme

from shared.domain.events import ReminderKind
from shared.domain.letters import reminder
from shared.edge.mail import (
    Mailer,
    MailNotConfigured,
    MailRefused,
    MailUncertain,
    MailUnreachable,
    SmtpServer,
)
from tests.support.redis_server import free_port
from tests.support.smtp import Catcher, smtp_server

SENDER = "Văn phòng Tỉnh ủy <nhiemvu@haiduong.example.vn>"
BODY = "Kính gửi Đồng chí Phạm Quang Hưng,\n\nNhiệm vụ «Giải phóng mặt bằng» đã được phê duyệt.\n"


def mailer(url: str | None, *, sender: str | None = SENDER, **options: object) -> Mailer:
    return Mailer.from_url(url, sender, **options)  # type: ignore[arg-type]


async def send_one(m: Mailer, to: str = "hung@kimthanh.example.vn", **extra: str) -> str:
    message = m.letter(
        to=to,
        to_name="Phạm Quang Hưng",
        subject="Nhiệm vụ đột phá năm 2024 đã được phê duyệt",
        body=BODY,
        **extra,
    )
    return await m.send(message)


@pytest.fixture(scope="module")
def authority(tmp_path_factory: pytest.TempPathFactory) -> tuple[ssl.SSLContext, Path]:
    """A server certificate for 127.0.0.1, and the file of the authority that issued it."""
    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return context, path


async def test_a_plain_text_utf8_message_arrives_as_written() -> None:
    with smtp_server() as server:
        answer = await send_one(mailer(server.url()), message_id="notification.e1@haiduong")
    [got] = server.catcher.received
    assert "queued" in answer
    assert got.sender == "nhiemvu@haiduong.example.vn"
    assert got.recipients == ("hung@kimthanh.example.vn",)
    assert got.to == "Phạm Quang Hưng <hung@kimthanh.example.vn>"
    assert got.subject == "Nhiệm vụ đột phá năm 2024 đã được phê duyệt"
    assert got.body == BODY
    message = got.message
    assert str(message["From"]) == SENDER
    assert message["Message-ID"] == "<notification.e1@haiduong>"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    assert got.raw.isascii(), "7-bit on the wire: any server takes it"
    assert not got.tls, "the server offered no STARTTLS"


async def test_a_reminder_in_one_call() -> None:
    """What POST /reminders needs: a letter of shared.domain.letters, sent in one call."""
    letter = reminder(
        ReminderKind.not_registered, leader="Phạm Quang Hưng", year=2024, on=date(2024, 2, 15)
    )
    with smtp_server() as server:
        m = mailer(server.url())
        await m.send_text(
            to="hung@kimthanh.example.vn",
            to_name="Phạm Quang Hưng",
            subject=letter.subject,
            body=letter.body,
            message_id=f"reminder.2024.not_registered.hung.20240215@{m.message_domain()}",
        )
    [got] = server.catcher.received
    assert got.subject == "Nhắc đăng ký nhiệm vụ đột phá, sáng tạo năm 2024"
    assert got.body == letter.body
    assert got.message["Message-ID"].strip() == (
        "<reminder.2024.not_registered.hung.20240215@haiduong.example.vn>"
    )


async def test_starttls_when_offered_and_a_login(authority: tuple[ssl.SSLContext, Path]) -> None:
    context, ca_file = authority
    with smtp_server(starttls=context, login=("nhiemvu", "p@ss:word")) as server:
        url = server.url("nhiemvu", "p%40ss%3Aword")  # reserved characters percent-encoded
        await send_one(mailer(url, ca_file=ca_file))
    [got] = server.catcher.received
    assert got.tls, "upgraded with STARTTLS before anything else"
    assert got.login == "nhiemvu"
    assert got.body == BODY


async def test_smtps_speaks_tls_from_the_start_with_the_password_given_apart(
    authority: tuple[ssl.SSLContext, Path],
) -> None:
    context, ca_file = authority
    with smtp_server(implicit_tls=context, login=("nhiemvu", "secret")) as server:
        await send_one(mailer(server.url("nhiemvu"), password="secret", ca_file=ca_file))
    [got] = server.catcher.received
    assert got.tls
    assert got.login == "nhiemvu"


async def test_a_certificate_nobody_vouches_for_is_refused(
    authority: tuple[ssl.SSLContext, Path],
) -> None:
    context, _ = authority
    with smtp_server(starttls=context) as server, pytest.raises(MailUnreachable) as failure:
        await send_one(mailer(server.url()))
    assert "CERTIFICATE_VERIFY_FAILED" in failure.value.reason
    assert server.catcher.received == []


async def test_unset_server_or_sender_is_a_reason_not_a_crash() -> None:
    with pytest.raises(MailNotConfigured, match="SMTP_URL is not set"):
        await send_one(mailer(None))
    assert mailer(None).unconfigured() == "SMTP_URL is not set: no mail server to send through"
    assert "MAIL_FROM" in (mailer("smtp://127.0.0.1:25", sender=None).unconfigured() or "")


async def test_unreachable_server_names_where_but_never_the_password() -> None:
    port = free_port()  # nothing listens there
    with pytest.raises(MailUnreachable) as failure:
        await send_one(mailer(f"smtp://user:hunter2@127.0.0.1:{port}", timeout=5))
    assert f"smtp://user@127.0.0.1:{port}" in failure.value.reason
    assert "hunter2" not in failure.value.reason
    assert failure.value.transient


async def test_a_wrong_password_is_refused_for_good_without_showing_it(
    authority: tuple[ssl.SSLContext, Path],
) -> None:
    context, ca_file = authority
    with (
        smtp_server(starttls=context, login=("nhiemvu", "right")) as server,
        pytest.raises(MailRefused) as failure,
    ):
        await send_one(mailer(server.url("nhiemvu", "wrong-one"), ca_file=ca_file))
    assert failure.value.code == 535
    assert "login" in failure.value.reason
    assert "wrong-one" not in failure.value.reason
    assert not failure.value.transient


async def test_refusals_carry_the_code_temporary_or_permanent() -> None:
    catcher = Catcher(refuse={"nobody@kimthanh.example.vn": "550 5.1.1 no such user"})
    with smtp_server(catcher) as server:
        m = mailer(server.url())
        with pytest.raises(MailRefused) as permanent:
            await send_one(m, to="nobody@kimthanh.example.vn")
        catcher.answer = "451 4.3.0 try again later"
        with pytest.raises(MailRefused) as temporary:
            await send_one(m)
    assert permanent.value.code == 550
    assert not permanent.value.transient
    assert "nobody@kimthanh.example.vn" in permanent.value.reason
    assert temporary.value.code == 451
    assert temporary.value.transient
    assert "451" in temporary.value.reason
    assert catcher.received == []


async def test_no_answer_to_the_message_itself_is_uncertain() -> None:
    """The server has the message but its answer never comes: it may have been accepted."""
    began: list[str] = []
    hold = threading.Event()
    with smtp_server(Catcher(hold=hold)) as server:
        m = mailer(server.url(), timeout=1.5)

        async def beginning() -> None:
            began.append("data")

        message = m.letter(to="hung@kimthanh.example.vn", subject="S", body="B")
        try:
            with pytest.raises(MailUncertain) as failure:
                await m.send(message, before_data=beginning)
        finally:
            hold.set()
    assert began == ["data"], "told once, just before the message went"
    assert "may or may not have been accepted" in failure.value.reason
    assert not failure.value.transient
    assert len(server.catcher.handed) == 1


async def test_before_data_is_not_called_when_the_envelope_is_refused() -> None:
    began: list[str] = []
    catcher = Catcher(refuse={"nobody@x.example.vn": "550 no"})

    async def beginning() -> None:
        began.append("data")

    with smtp_server(catcher) as server:
        m = mailer(server.url())
        message = m.letter(to="nobody@x.example.vn", subject="S", body="B")
        with pytest.raises(MailRefused):
            await m.send(message, before_data=beginning)
    assert began == []


def test_smtp_url_forms() -> None:
    assert SmtpServer.parse("smtp://mail.haiduong.gov.vn") == SmtpServer(
        "mail.haiduong.gov.vn", 25, tls=False
    )
    assert SmtpServer.parse("smtps://a%40b:p%3Aw@mail.example.vn") == SmtpServer(
        "mail.example.vn", 465, tls=True, username="a@b", password="p:w"
    )
    assert SmtpServer.parse("smtp://u@h:587", password="from-file").password == "from-file"
    assert SmtpServer.parse("smtp://u:in-url@h:587", password="from-file").password == "in-url"
    assert SmtpServer.parse("smtp://h:587", password="unused").password is None
    assert "in-url" not in repr(SmtpServer.parse("smtp://u:in-url@h:587"))
    assert str(SmtpServer.parse("smtp://u:in-url@h:587")) == "smtp://u@h:587"
    for wrong in ("http://h", "smtp://", "smtp://h:99999", "smtp://h:25/path", "h:25"):
        with pytest.raises(ValueError, match="SMTP_URL"):
            SmtpServer.parse(wrong)


def test_a_header_cannot_be_injected_through_a_name_or_subject() -> None:
    m = mailer("smtp://127.0.0.1:25")
    message = m.letter(
        to="hung@kimthanh.example.vn",
        to_name="Hưng\r\nBcc: all@example.vn",
        subject="Phê duyệt\nBcc: all@example.vn",
        body="B",
    )
    assert message["Bcc"] is None
    assert str(message["Subject"]) == "Phê duyệt Bcc: all@example.vn"
    with pytest.raises(ValueError, match="not an e-mail address"):
        m.letter(to="a@b\r\nBcc: c@d", subject="S", body="B")
