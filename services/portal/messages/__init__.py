"""The catalogs: ``CATALOGS[lang][key]`` is a message (``str.format`` fields in braces)."""

from __future__ import annotations

from . import en, vi

CATALOGS: dict[str, dict[str, str]] = {"vi": vi.MESSAGES, "en": en.MESSAGES}
