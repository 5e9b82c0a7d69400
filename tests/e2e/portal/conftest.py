"""Fixtures of the portal's browser tests: the running system, Chromium, and pages signed
in as a role (by a token through the address fragment, as demos do)."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from tests.e2e.portal.browsing import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    Looking,
    chromium_missing,
    install_axe,
)
from tests.e2e.portal.system import PortalSystem, ReportingCannotStart, token_of
from tests.support.oidc import OidcProvider
from tests.support.smtp import smtp_server

SignedIn = Callable[[str], Page]


@pytest.fixture(scope="session")
def portal_system(
    redis_url: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[PortalSystem]:
    provider: OidcProvider | None
    try:
        provider = request.getfixturevalue("oidc_provider")
    except pytest.skip.Exception:
        provider = None  # no Node.js: the OpenID sign-in test is skipped, the rest runs
    folder: Path = tmp_path_factory.mktemp("portal")
    with smtp_server() as smtp:
        try:
            system = PortalSystem(redis_url, folder, provider, smtp).start()
        except ReportingCannotStart as error:
            pytest.skip(
                "the reporting service of this branch does not start, and every page of the "
                f"portal reads from it:\n{error}"
            )
        yield system
        system.stop()


@pytest.fixture(scope="package")
def playwright_driver() -> Iterator[Playwright]:
    """Playwright for this package only: its sync API marks the main thread's event loop as
    running between calls, so no asyncio test may run while it lives."""
    missing = chromium_missing()
    if missing:
        pytest.skip(missing)
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="package")
def browser(playwright_driver: Playwright) -> Iterator[Browser]:
    launched = playwright_driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield launched
    launched.close()


@pytest.fixture(scope="session")
def look() -> Looking:
    missing = install_axe()
    if missing:
        warnings.warn(f"no accessibility check: {missing}", pytest.PytestWarning, stacklevel=1)
    return Looking(missing)


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh browser (no cookies); axe is injected as a script, past the portal's CSP."""
    made = browser.new_context(
        viewport=DESKTOP, locale="vi-VN", bypass_csp=True, accept_downloads=True
    )
    made.set_default_timeout(15_000)
    yield made
    made.close()


def sign_in_by_link(page: Page, url: str, token: str) -> None:
    """Open ``url#token=<token>`` and say yes where the portal asks who signs in."""
    page.goto(f"{url}#token={token}")
    page.wait_for_url(lambda now: "/sign-in" not in now or "/sign-in/link" in now)
    if "/sign-in/link" in page.url:
        page.get_by_role("button", name=re.compile("^Đăng nhập với tư cách")).click()
        page.wait_for_url(lambda now: "/sign-in" not in now)
    assert "#token" not in page.url


@pytest.fixture
def signed_in(context: BrowserContext, portal_system: PortalSystem) -> SignedIn:
    """A page signed in with ``name``'s token (``/#token=...``, confirmed), on where that
    person lands."""

    def sign_in(name: str) -> Page:
        page = context.new_page()
        sign_in_by_link(page, f"{portal_system.url}/", token_of(name))
        return page

    return sign_in
