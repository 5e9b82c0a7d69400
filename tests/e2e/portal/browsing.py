"""Headless Debian Chromium driven by Playwright, an accessibility check of every page with
axe-core, and screenshots kept as artifacts (desktop and a 390 px wide phone).

axe-core comes from the npm registry, pinned in ``axe/package.json`` with its lock file,
installed with ``npm ci`` on first use (git-ignored ``node_modules``). Without Chromium the
browser tests are skipped, and without Node.js the accessibility check is (each with the
reason). A page fails the check on any violation of impact ``serious`` or ``critical`` of
WCAG 2.1 A/AA (and axe's best practices).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_FOLDER = Path(__file__).parent / "axe"
AXE_SCRIPT = AXE_FOLDER / "node_modules" / "axe-core" / "axe.min.js"
ROOT = Path(__file__).resolve().parents[3]
ARTIFACTS = Path(os.environ.get("PORTAL_ARTIFACTS", ROOT / "test-artifacts" / "portal"))
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
SERIOUS = ("serious", "critical")


def chromium_missing() -> str | None:
    if not CHROMIUM.exists():
        return f"the portal's browser tests need Debian's chromium at {CHROMIUM}"
    return None


def install_axe() -> str | None:
    """``npm ci`` for axe-core unless the pinned version is there; why not, if it cannot be."""
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        return "the accessibility check needs node and npm (for axe-core) on PATH"
    wanted = json.loads((AXE_FOLDER / "package.json").read_text())["dependencies"]["axe-core"]
    installed = AXE_FOLDER / "node_modules" / "axe-core" / "package.json"
    if installed.exists() and json.loads(installed.read_text())["version"] == wanted:
        return None
    done = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=AXE_FOLDER,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "npm_config_update_notifier": "false"},
    )
    if done.returncode != 0:
        raise RuntimeError(f"npm ci in {AXE_FOLDER} failed:\n{done.stdout}\n{done.stderr}")
    return None


class Looking:
    """Checks each page a test reaches and keeps its screenshots."""

    def __init__(self, axe_missing: str | None) -> None:
        self.axe_missing = axe_missing
        self.checked: list[str] = []
        ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def __call__(self, page: Page, name: str, *, axe: bool = True) -> None:
        """Screenshots of ``page`` (desktop, and phone) named ``name``, and its axe check."""
        page.wait_for_load_state("networkidle")
        safe = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")
        page.screenshot(path=str(ARTIFACTS / f"{safe}.png"), full_page=True)
        page.set_viewport_size(PHONE)
        page.screenshot(path=str(ARTIFACTS / f"{safe}-phone.png"), full_page=True)
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        page.set_viewport_size(DESKTOP)
        assert overflow <= 1, f"{name}: the page is {overflow}px wider than a 390px phone"
        if axe:
            self.accessible(page, name)
        self.checked.append(name)

    def accessible(self, page: Page, name: str) -> None:
        if self.axe_missing:
            return
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.add_script_tag(path=str(AXE_SCRIPT))
        result: dict[str, Any] = page.evaluate(
            "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
            AXE_TAGS,
        )
        bad = [v for v in result["violations"] if v.get("impact") in SERIOUS]
        assert not bad, f"{name} ({page.url}): axe found\n" + "\n".join(
            f"- {v['id']} ({v['impact']}): {v['help']}: "
            + "; ".join(str(node["target"]) for node in v["nodes"][:5])
            for v in bad
        )
