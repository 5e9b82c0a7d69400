"""deploy/images/mailcatcher/catcher.py, the trial deployment's mail catcher, as a process:
what the services' mailer sends arrives decoded on its page and in its JSON, Vietnamese
intact and escaped in HTML, each mail kept as a .eml file; it stops on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest

from shared.domain.letters import TaskRef, approved
from shared.edge.mail import Mailer
from tests.support.redis_server import free_port

CATCHER = Path(__file__).resolve().parents[2] / "deploy" / "images" / "mailcatcher" / "catcher.py"


@pytest.fixture
def catcher(tmp_path: Path) -> Iterator[tuple[int, str, Path]]:
    smtp, http = free_port(), free_port()
    env = {
        **os.environ,
        "HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp),
        "HTTP_PORT": str(http),
        "MAIL_DIR": str(tmp_path / "mail"),
    }
    process = subprocess.Popen(
        [sys.executable, str(CATCHER)], env=env, stdout=subprocess.PIPE, text=True
    )
    page = f"http://127.0.0.1:{http}"
    deadline = time.monotonic() + 20
    while True:
        try:
            if httpx.get(f"{page}/healthz").text == "ok":
                break
        except httpx.HTTPError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    yield smtp, page, tmp_path / "mail"
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=10) == 0


async def test_a_mail_arrives_decoded_on_the_page(catcher: tuple[int, str, Path]) -> None:
    smtp, page, folder = catcher
    mailer = Mailer.from_url(f"smtp://127.0.0.1:{smtp}", "Văn phòng <nhiemvu@tinhuy.example.vn>")
    letter = approved(
        leader="Phạm Quang Hưng",
        year=2024,
        task=TaskRef("t-1", "Giải phóng mặt bằng <26> dự án"),
        reference="Quyết định số 123-QĐ/TU",
        on=date(2024, 3, 20),
    )
    message = mailer.letter(
        to="hung@kimthanh.example.vn",
        to_name="Phạm Quang Hưng",
        subject=letter.subject,
        body=letter.body,
    )
    await mailer.send(message)

    async with httpx.AsyncClient(base_url=page) as client:
        [mail] = (await client.get("/messages.json")).json()
        html = (await client.get("/")).text
    assert mail["subject"] == "Nhiệm vụ «Giải phóng mặt bằng <26> dự án» đã được phê duyệt"
    assert mail["to"] == "Phạm Quang Hưng <hung@kimthanh.example.vn>"
    assert mail["envelope_to"] == ["hung@kimthanh.example.vn"]
    assert mail["text"] == letter.body
    assert "Hộp thư thử nghiệm: 1 thư" in html
    assert "«Giải phóng mặt bằng &lt;26&gt; dự án»" in html, "escaped, never markup"
    assert "Kính gửi Đồng chí Phạm Quang Hưng," in html
    [saved] = folder.glob("*.eml")
    assert b"Subject: =?utf-8?" in saved.read_bytes()
    assert mail["number"] == 1
