"""The mail settings (MailSettings, of the services that send mail): SMTP_URL and MAIL_FROM
from the environment, the password from a secret file, and a refusal naming the setting
for a value that is none."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from shared.edge.mail import SmtpServer
from shared.edge.settings import MailSettings, mailer

NAMES = ("SECRETS_DIR", "SMTP_URL", "SMTP_PASSWORD", "SMTP_CA_FILE", "SMTP_TIMEOUT", "MAIL_FROM")


@pytest.fixture
def clean(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in NAMES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_the_password_comes_from_a_secret_file(clean: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "smtp_password").write_text("mật-khẩu:1@\n")
    clean.setenv("SECRETS_DIR", str(tmp_path))
    clean.setenv("SMTP_URL", "smtp://nhiemvu@mail.haiduong.example.vn:587")
    clean.setenv("MAIL_FROM", "Văn phòng Tỉnh ủy <nhiemvu@haiduong.example.vn>")
    settings = MailSettings()
    sender = mailer(settings)
    assert sender.server == SmtpServer(
        "mail.haiduong.example.vn", 587, tls=False, username="nhiemvu", password="mật-khẩu:1@"
    )
    assert sender.unconfigured() is None
    assert sender.message_domain() == "haiduong.example.vn"
    assert "mật-khẩu" not in repr(settings)


def test_unset_is_a_reason_to_give_not_an_error(clean: pytest.MonkeyPatch) -> None:
    sender = mailer(MailSettings())
    assert sender.unconfigured() == "SMTP_URL is not set: no mail server to send through"


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("SMTP_URL", "mail.haiduong.example.vn:25", "SMTP_URL must start with smtp://"),
        ("SMTP_URL", "smtp://mail.example.vn:0x19", "SMTP_URL: the port"),
        ("MAIL_FROM", "Văn phòng Tỉnh ủy", "MAIL_FROM must be an address"),
    ],
)
def test_a_value_that_is_none_is_refused_at_start(
    clean: pytest.MonkeyPatch, name: str, value: str, says: str
) -> None:
    clean.setenv(name, value)
    with pytest.raises(ValidationError, match=says):
        MailSettings()
