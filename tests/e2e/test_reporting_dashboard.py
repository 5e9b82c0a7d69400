"""The dashboard in a real headless Chromium (Debian's ``chromium``) over the demo data, read
with a viewer token (a person-bound system: nobody is let in anonymously). Given in the
address's fragment, the token is sent as a bearer token and never to the server in the
address; the page's SVG charts carry the demo's numbers, and a screenshot shows them drawn.
Without a token, or with one that holds no viewer role, the page asks for a viewer's; one
typed into its form shows the reports."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import struct
import subprocess
import sys
import uuid
import zlib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect, sync_playwright

from deploy.demo import build_dataset
from tests.e2e.conftest import System, secured_system
from tests.e2e.test_demo import run_demo
from tests.support.oidc import OidcProvider
from tests.support.people import ADMIN, VIEWER, Caller, pooled_registrant
from tests.support.services import SERVICES

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--window-size=1400,1000",
    "--virtual-time-budget=15000",
]
APPROVED_BLUE, COMPLETED_GREEN, REGISTERED_GREY = (37, 99, 235), (22, 163, 74), (203, 213, 225)
_DEMO_2024 = build_dataset().year(2024)
APPROVED = len(_DEMO_2024.approved())  # the province's 190 and the district committees' own
LEADERS = len(_DEMO_2024.approved_leaders())


@pytest.fixture(scope="module")
def provider(request: pytest.FixtureRequest) -> OidcProvider | None:
    """The tests' OpenID provider, for a viewer whose token carries a unit (None without
    Node.js: the tests of such a viewer are skipped, the others run)."""
    try:
        found: OidcProvider = request.getfixturevalue("oidc_provider")
    except pytest.skip.Exception:
        return None
    return found


@pytest.fixture(scope="module")
def demo(
    redis_url: str, tmp_path_factory: pytest.TempPathFactory, provider: OidcProvider | None
) -> Iterator[System]:
    if not Path(CHROMIUM).exists():
        pytest.fail("no chromium: install Debian's chromium package (deploy/system-packages.sh)")
    folder = tmp_path_factory.mktemp("dashboard")
    oidc = (
        {}
        if provider is None
        else {
            "OIDC_ISSUER": provider.issuer,
            "OIDC_AUDIENCE": provider.audience,
            "OIDC_UNIT_CLAIM": "unit",
        }
    )
    running = secured_system(
        redis_url, folder, f"dash{uuid.uuid4().hex[:8]}", services=SERVICES, **oidc
    )
    try:
        run_demo(running)
        yield running
    finally:
        running.close()


def report(system: System, year: int = 2024) -> dict[str, Any]:
    answer = system.reporting.get(f"/reports/{year}", headers=VIEWER.headers)
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


def page_url(
    system: System, caller: Caller | str | None = VIEWER, year: int = 2024, unit: str = ""
) -> str:
    """The dashboard of ``year`` (and ``unit``), signed in with ``caller``'s token (or the
    token given) in the fragment."""
    token = caller.token if isinstance(caller, Caller) else caller
    query = f"?year={year}" + (f"&unit={unit}" if unit else "")
    return f"{system.services['reporting'].url}/{query}" + (f"#token={token}" if token else "")


def chromium(url: str, folder: Path, *extra: str) -> subprocess.CompletedProcess[bytes]:
    profile = folder / f"profile-{uuid.uuid4().hex[:6]}"
    done = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *extra, url],
        capture_output=True,
        timeout=90,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-3000:]
    return done


def test_the_charts_carry_the_demo_numbers(demo: System, tmp_path: Path) -> None:
    figures = report(demo)
    dom = chromium(page_url(demo), tmp_path, "--dump-dom").stdout.decode()
    assert 'data-rendered="2024"' in dom, dom[-2000:]
    assert VIEWER.token not in dom, "the token is taken out of the address and the page"
    assert _kpi(dom, "approved") == str(APPROVED)
    assert _kpi(dom, "leaders") == str(LEADERS)
    assert _kpi(dom, "registered") == str(figures["tasks"]["registered"])

    units = _elements(dom, "g", "unit-row")
    top = sorted(figures["by_unit"], key=lambda u: (-u["registered"], -u["approved"], u["code"]))
    assert [(u["data-code"], int(u["data-approved"])) for u in units] == [
        (u["code"], u["approved"]) for u in top[:12]
    ]
    assert f'data-units="{len(figures["by_unit"])}"' in dom

    slices = {s["data-status"]: int(s["data-count"]) for s in _elements(dom, "path", "slice")}
    assert sum(slices.values()) == APPROVED
    assert slices["completed"] == figures["progress"]["completed"]

    categories = _elements(dom, "g", "category-row")
    assert sum(int(c["data-targets-total"]) for c in categories) == figures["targets"]["total"]
    assert sum(int(c["data-targets-met"]) for c in categories) == figures["targets"]["met"]
    assert "Nhiệm vụ đột phá" in dom


def test_a_screenshot_shows_the_charts_drawn(demo: System, tmp_path: Path) -> None:
    shot = tmp_path / "dashboard.png"
    chromium(page_url(demo), tmp_path, f"--screenshot={shot}")
    width, height, pixels = read_png(shot.read_bytes())
    assert (width, height) == (1400, 1000)
    colours = Counter(pixels)
    page = colours.most_common(1)[0][0]
    assert sum(n for colour, n in colours.items() if colour != page) > 0.3 * width * height
    assert len(colours) > 200, "text, charts and shades, not a blank page"
    assert _near(colours, APPROVED_BLUE) > 5_000, "approved bars and the KPI accents"
    assert _near(colours, COMPLETED_GREEN) > 3_000, "completed slice and targets met"
    assert _near(colours, REGISTERED_GREY) > 2_000, "registered bars"


def test_the_token_reaches_the_service_only_as_a_bearer_token(demo: System, tmp_path: Path) -> None:
    log = demo.services["reporting"].log_path
    start = log.stat().st_size
    chromium(page_url(demo), tmp_path, "--dump-dom")
    written = log.read_bytes()[start:].decode(errors="replace")
    lines = [json.loads(line) for line in written.splitlines() if line.startswith("{")]
    viewer = f"viewer-{hashlib.sha256(VIEWER.token.encode()).hexdigest()[:8]}"
    reads = [
        line for line in lines if line.get("message") == "request" and line.get("actor") == viewer
    ]
    assert {(line["route"], line["status"]) for line in reads} == {("/reports/{year}", 200)}
    assert VIEWER.token not in written, "neither in an address nor in a log line"


@pytest.mark.parametrize(
    ("caller", "said"),
    [
        (None, "Sign in with a viewer token to see the reports."),
        (pooled_registrant(0), "This token has no viewer role: use a viewer token."),
    ],
    ids=["no token", "a registrant's token"],
)
def test_without_a_viewers_token_the_page_asks_for_one(
    demo: System, tmp_path: Path, caller: Caller | None, said: str
) -> None:
    dom = chromium(page_url(demo, caller), tmp_path, "--dump-dom").stdout.decode()
    assert "data-rendered" not in dom, "no report drawn"
    assert re.search(r'<form id="signin"[^>]*style="display: flex;"', dom), dom[-3000:]
    assert f'<span id="signin-why">{said}</span>' in dom
    assert _elements(dom, "g", "unit-row") == []


@pytest.mark.parametrize("caller", [VIEWER, ADMIN], ids=["viewer", "admin"])
def test_a_token_typed_into_the_form_shows_the_reports(demo: System, caller: Caller) -> None:
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS[:-2])
        try:
            page = browser.new_page()
            page.goto(page_url(demo, None))
            form = page.locator("#signin")
            expect(form).to_be_visible()
            page.fill("#signin-token", caller.token)
            page.click("#signin button")
            expect(page.locator("body")).to_have_attribute("data-rendered", "2024")
            expect(form).to_be_hidden()
            expect(page.locator('[data-kpi="approved"] .value')).to_have_text(str(APPROVED))
            expect(page.locator('[data-kpi="leaders"] .value')).to_have_text(str(LEADERS))
            assert caller.token not in page.content()
            page.reload()  # kept for this tab: the page signs in again by itself
            expect(page.locator("body")).to_have_attribute("data-rendered", "2024")
        finally:
            browser.close()


def test_a_viewer_of_one_unit_sees_that_unit_and_is_told_why_not_another(
    demo: System, provider: OidcProvider | None, tmp_path: Path
) -> None:
    if provider is None:
        pytest.skip("tokens carrying a unit come from the OpenID provider of the tests (Node.js)")
    token = provider.service_token("staff-kim-thanh", ["viewer"], unit="kim-thanh")
    kim_thanh = demo.reporting.get(
        "/reports/2024", params={"unit": "kim-thanh"}, headers=VIEWER.headers
    ).json()
    dom = chromium(page_url(demo, token), tmp_path, "--dump-dom").stdout.decode()
    assert 'data-rendered="2024"' in dom, dom[-2000:]
    assert [u["data-code"] for u in _elements(dom, "g", "unit-row")] == ["kim-thanh"]
    assert _kpi(dom, "registered") == str(kim_thanh["tasks"]["registered"])
    assert _kpi(dom, "approved") == str(kim_thanh["tasks"]["approved"])

    elsewhere = chromium(page_url(demo, token, unit="cam-giang"), tmp_path, "--dump-dom")
    dom = elsewhere.stdout.decode()
    assert "data-rendered" not in dom, "nothing of another unit drawn"
    assert '<form id="signin" onsubmit="signIn(event)">' in dom, "a viewer's token: no sign-in"
    status = re.search(r'<div id="status"[^>]*>([^<]*)</div>', dom)
    assert status, dom[-3000:]
    assert status.group(1) == (
        "Could not load the report: this token sees its own unit only: choose it, or all units"
    )


def _kpi(dom: str, name: str) -> str:
    found = re.search(rf'data-kpi="{name}"[^>]*>.*?<div class="value">([^<]*)<', dom, re.S)
    assert found, f"no KPI {name}"
    return found.group(1).replace(",", "")


def _elements(dom: str, tag: str, css_class: str) -> list[dict[str, str]]:
    return [
        dict(re.findall(r'([\w-]+)="([^"]*)"', attributes))
        for attributes in re.findall(rf'<{tag} ([^>]*class="{css_class}"[^>]*)>', dom)
    ]


def _near(colours: Counter[tuple[int, ...]], wanted: tuple[int, int, int], slack: int = 12) -> int:
    return sum(
        n
        for colour, n in colours.items()
        if all(abs(a - b) <= slack for a, b in zip(colour, wanted, strict=False))
    )


def read_png(data: bytes) -> tuple[int, int, list[tuple[int, ...]]]:
    """A PNG's width, height and RGB(A) pixels: 8-bit truecolour, as Chromium writes."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    chunks: dict[bytes, Any] = {}
    idat, offset = b"", 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind, body = data[offset + 4 : offset + 8], data[offset + 8 : offset + 8 + length]
        idat += body if kind == b"IDAT" else b""
        chunks.setdefault(kind, body)
        offset += length + 12
    width, height, depth, colour_type = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert (depth, colour_type) in ((8, 2), (8, 6)), (depth, colour_type)
    size = 4 if colour_type == 6 else 3
    raw, stride = zlib.decompress(idat), width * size
    rows, previous = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        row = _unfilter(raw[start], bytearray(raw[start + 1 : start + 1 + stride]), previous, size)
        rows.append(row)
        previous = row
    pixels = [tuple(row[x : x + 3]) for row in rows for x in range(0, stride, size)]
    return width, height, pixels


def _unfilter(kind: int, row: bytearray, above: bytearray, size: int) -> bytearray:
    for i in range(len(row)):
        left = row[i - size] if i >= size else 0
        up, corner = above[i], above[i - size] if i >= size else 0
        if kind == 1:
            row[i] = (row[i] + left) & 0xFF
        elif kind == 2:
            row[i] = (row[i] + up) & 0xFF
        elif kind == 3:
            row[i] = (row[i] + (left + up) // 2) & 0xFF
        elif kind == 4:
            p = left + up - corner
            pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
            predictor = left if pa <= pb and pa <= pc else up if pb <= pc else corner
            row[i] = (row[i] + predictor) & 0xFF
    return row


def test_a_restart_rebuilds_the_same_reports_and_rebuild_finds_them_equal(demo: System) -> None:
    """Last in this module: it restarts the reporting service."""
    reporting = demo.services["reporting"]
    before = report(demo)
    reporting.stop()
    reporting.start().wait_ready()  # rebuilt from the log
    assert report(demo) == before
    done = subprocess.run(
        [sys.executable, "-m", "services.reporting", "rebuild", "--service", reporting.url],
        env={**reporting.env, "LOG_LEVEL": "warning", "API_TOKEN": VIEWER.token},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "EQUAL" in done.stdout
