"""What a session keeps that would let its reader act as the person (their access and
refresh tokens) is sealed before it goes to Redis: AES-256-GCM under a key derived from the
portal's secret (``SESSION_KEY``, or the file ``SESSION_KEY_FILE`` names), bound to the
session it belongs to (the digest of its id is the associated data, so a sealed token moved
to another session does not open).

Without a configured secret the portal makes one at start: sessions then end with the
process and replicas cannot share them (a warning says so); under compose the secret is the
file ``session_key`` that ``deploy/make-secrets.sh`` makes.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VERSION = "v1."
MIN_SECRET = 32


class Sealer:
    def __init__(self, secret: str | bytes) -> None:
        material = secret.encode() if isinstance(secret, str) else secret
        if len(material.strip()) < MIN_SECRET:
            raise ValueError(
                f"the session key must be at least {MIN_SECRET} characters (SESSION_KEY or "
                "the file SESSION_KEY_FILE names)"
            )
        key = hashlib.sha256(b"portal-session-seal\n" + material.strip()).digest()
        self._aead = AESGCM(key)

    @classmethod
    def ephemeral(cls) -> Sealer:
        return cls(secrets.token_urlsafe(48))

    @classmethod
    def from_file(cls, path: Path) -> Sealer:
        return cls(path.read_bytes())

    def seal(self, text: str, bound_to: str) -> str:
        nonce = secrets.token_bytes(12)
        sealed = self._aead.encrypt(nonce, text.encode(), bound_to.encode())
        return VERSION + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")

    def open(self, sealed: str, bound_to: str) -> str | None:
        """The text, or None when it was not sealed by this key for this session."""
        if not sealed.startswith(VERSION):
            return None
        try:
            raw = base64.urlsafe_b64decode(sealed[len(VERSION) :])
            return self._aead.decrypt(raw[:12], raw[12:], bound_to.encode()).decode()
        except (InvalidTag, ValueError):
            return None
