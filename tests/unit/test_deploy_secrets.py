"""deploy/make-secrets.sh: the files compose mounts as secrets, consistent with each other,
readable by the containers' users, made once and never overwritten."""

from __future__ import annotations

import shutil
import ssl
import stat
import subprocess
from pathlib import Path

import pytest

from shared.edge.identity import Tokens
from tests.support.compose import ROOT

SCRIPT = ROOT / "deploy" / "make-secrets.sh"


def make(folder: Path, **env: str) -> str:
    done = subprocess.run(
        [str(SCRIPT), str(folder)],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/local/bin:/usr/bin:/bin", **env},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl makes the TLS pair")
def test_the_secrets_agree_and_are_readable_by_the_containers(tmp_path: Path) -> None:
    folder = tmp_path / "secrets"
    said = make(folder, TLS_NAMES="gateway.example.vn,10.1.2.3")
    assert (
        "made redis_password api_tokens oidc_issuer oidc_audience oidc_client_secret "
        "smtp_password session_key tls.crt"
    ) in said
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700, "only the operator enters the folder"
    readable = (
        "redis_password",
        "api_tokens",
        "oidc_issuer",
        "oidc_client_secret",
        "smtp_password",
    )
    for name in (*readable, "tls.crt"):
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o644, name
    assert stat.S_IMODE((folder / "tls.key").stat().st_mode) == 0o600

    password = (folder / "redis_password").read_text()
    assert password.isalnum()
    assert len(password) >= 32
    tokens = Tokens.parse((folder / "api_tokens").read_text())
    assert len(tokens) == 4
    roles = [line.split(":")[0] for line in (folder / "api_tokens").read_text().splitlines()]
    assert roles == ["registrant", "approver", "viewer", "admin"]
    assert (folder / "oidc_issuer").read_text() == "", "OpenID Connect off until filled in"
    assert (folder / "oidc_client_secret").read_text() == "", "the portal: a public client"
    assert (folder / "smtp_password").read_text() == "", "SMTP_URL alone (the trial's catcher)"
    session_key = (folder / "session_key").read_text()
    assert len(session_key) >= 64, "the portal's sealing key: random, long"
    assert stat.S_IMODE((folder / "session_key").stat().st_mode) == 0o644

    context = ssl.create_default_context()
    context.load_cert_chain(folder / "tls.crt", folder / "tls.key")  # the key fits
    text = subprocess.run(
        ["openssl", "x509", "-in", str(folder / "tls.crt"), "-noout", "-text"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for name in ("DNS:localhost", "IP Address:127.0.0.1", "DNS:gateway.example.vn"):
        assert name in text
    assert "IP Address:10.1.2.3" in text


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl makes the TLS pair")
def test_existing_files_are_never_replaced(tmp_path: Path) -> None:
    folder = tmp_path / "secrets"
    make(folder)
    before = {path.name: path.read_bytes() for path in folder.iterdir()}
    (folder / "api_tokens").write_text("admin:" + "b" * 32 + ":mine\n")
    (folder / "oidc_audience").unlink()
    said = make(folder)
    assert "made oidc_audience" in said
    assert (folder / "api_tokens").read_text() == "admin:" + "b" * 32 + ":mine\n"
    assert (folder / "tls.crt").read_bytes() == before["tls.crt"]
    assert (folder / "redis_password").read_bytes() == before["redis_password"]
    assert "nothing made" in make(folder)
