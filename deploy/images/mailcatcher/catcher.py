"""A mail catcher for trial deployments: an SMTP server that accepts every mail and sends
none on, and a page listing what came (newest first, decoded: From, To, Subject, the text).

    python3 catcher.py        # SMTP on SMTP_PORT (2525), the page on HTTP_PORT (8025)

Only Debian's python3 and python3-aiosmtpd. It keeps the last KEEP (500) mails in memory
and, with MAIL_DIR set, each as a .eml file there; each mail is also one JSON line on
standard output. GET / is the page, /messages.json the same as JSON, /healthz "ok". Never
for real mail: it delivers nothing, and its page is open to whoever reaches the port.
"""

from __future__ import annotations

import asyncio
import html
import json
import os
import signal
import sys
import threading
from collections import deque
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP

KEEP = int(os.environ.get("KEEP", "500"))
caught: deque[dict[str, Any]] = deque(maxlen=KEEP)
lock = threading.Lock()
count = 0


def text_of(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    if part is None:
        return "(no text part)"
    try:
        content = part.get_content()
    except (LookupError, ValueError) as error:
        return f"(unreadable text: {error})"
    return str(content).replace("\r\n", "\n")


class Catcher:
    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    async def handle_DATA(self, _server: Any, session: Any, envelope: Any) -> str:
        global count
        raw = bytes(envelope.original_content or envelope.content)
        message = message_from_bytes(raw, policy=default)
        assert isinstance(message, EmailMessage)
        with lock:
            count += 1
            number = count
            mail = {
                "number": number,
                "received_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "peer": str(session.peer[0]) if session.peer else "",
                "envelope_from": envelope.mail_from,
                "envelope_to": list(envelope.rcpt_tos),
                "from": str(message.get("From", "")),
                "to": str(message.get("To", "")),
                "subject": str(message.get("Subject", "")),
                "message_id": str(message.get("Message-ID", "")).strip(),
                "text": text_of(message),
            }
            caught.appendleft(mail)
        if self.folder is not None:
            (self.folder / f"{number:06d}.eml").write_bytes(raw)
        line = {key: mail[key] for key in ("number", "envelope_to", "subject", "message_id")}
        print(json.dumps({"message": "mail caught", **line}, ensure_ascii=False), flush=True)  # noqa: T201
        return f"250 2.0.0 OK: caught as {number}"


PAGE = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Hộp thư thử nghiệm ({n})</title>
<style>body{{font:15px system-ui,sans-serif;margin:2em;max-width:60em}}
article{{border-top:1px solid #ccc;padding:.5em 0}}pre{{white-space:pre-wrap;background:#f6f6f6;
padding:.7em}}dt{{font-weight:bold;float:left;width:7em}}dd{{margin-left:7em}}</style></head>
<body><h1>Hộp thư thử nghiệm: {n} thư</h1>
<p>Mail catcher: every mail the system sent, newest first. Nothing was delivered to anyone.</p>
{articles}</body></html>"""
ARTICLE = """<article><h2>{number}. {subject}</h2><dl>
<dt>Lúc</dt><dd>{received_at}</dd><dt>Từ</dt><dd>{sender}</dd><dt>Đến</dt><dd>{to}</dd>
<dt>Message-ID</dt><dd>{message_id}</dd></dl><pre>{text}</pre></article>"""


class Page(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        with lock:
            mails = list(caught)
        if self.path == "/healthz":
            self.answer(b"ok", "text/plain")
        elif self.path == "/messages.json":
            self.answer(json.dumps(mails, ensure_ascii=False).encode(), "application/json")
        elif self.path == "/":
            articles = "\n".join(
                ARTICLE.format(
                    number=mail["number"],
                    subject=html.escape(mail["subject"]),
                    received_at=html.escape(mail["received_at"]),
                    sender=html.escape(mail["from"]),
                    to=html.escape(mail["to"]),
                    message_id=html.escape(mail["message_id"]),
                    text=html.escape(mail["text"]),
                )
                for mail in mails
            )
            page = PAGE.format(n=len(mails), articles=articles)
            self.answer(page.encode(), "text/html; charset=utf-8")
        else:
            self.send_error(404)

    def answer(self, body: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: Any) -> None:
        pass  # one line per mail is enough


async def main() -> None:
    host = os.environ.get("HOST", "0.0.0.0")  # noqa: S104 - inside its container
    folder = Path(os.environ["MAIL_DIR"]) if os.environ.get("MAIL_DIR") else None
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
    page = ThreadingHTTPServer((host, int(os.environ.get("HTTP_PORT", "8025"))), Page)
    threading.Thread(target=page.serve_forever, daemon=True).start()
    loop = asyncio.get_running_loop()
    smtp_port = int(os.environ.get("SMTP_PORT", "2525"))
    handler = Catcher(folder)
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="mailcatcher", enable_SMTPUTF8=True), host, smtp_port
    )
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    print(  # noqa: T201
        json.dumps({"message": "catching mail", "smtp_port": smtp_port, "keep": KEEP}),
        flush=True,
    )
    await stop.wait()
    server.close()
    page.shutdown()


if __name__ == "__main__":
    asyncio.run(main())
    sys.exit(0)
