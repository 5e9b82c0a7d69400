"""The dashboard in a real headless Chromium (Debian's ``chromium``) over the demo data: the
page's SVG charts carry the demo's numbers, and a screenshot shows them drawn."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import sys
import time
import uuid
import zlib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from tests.e2e.test_demo import run_demo
from tests.support.services import ServiceProcess, start_system

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


@pytest.fixture(scope="module")
def demo(
    redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, ServiceProcess]]:
    if not Path(CHROMIUM).exists():
        pytest.fail("no chromium: install Debian's chromium package (deploy/system-packages.sh)")
    folder = tmp_path_factory.mktemp("dashboard")
    services = start_system(redis_url, f"dash{uuid.uuid4().hex[:8]}", folder)
    run_demo(services)
    yield services
    for service in services.values():
        service.stop()


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


def test_the_charts_carry_the_demo_numbers(demo: dict[str, ServiceProcess], tmp_path: Path) -> None:
    base = demo["reporting"].url
    report = httpx.get(f"{base}/reports/2024").json()
    dom = chromium(f"{base}/?year=2024", tmp_path, "--dump-dom").stdout.decode()
    assert 'data-rendered="2024"' in dom, dom[-2000:]
    assert _kpi(dom, "approved") == "190"
    assert _kpi(dom, "leaders") == "114"
    assert _kpi(dom, "registered") == str(report["tasks"]["registered"])

    units = _elements(dom, "g", "unit-row")
    top = sorted(report["by_unit"], key=lambda u: (-u["registered"], -u["approved"], u["code"]))
    assert [(u["data-code"], int(u["data-approved"])) for u in units] == [
        (u["code"], u["approved"]) for u in top[:12]
    ]
    assert f'data-units="{len(report["by_unit"])}"' in dom

    slices = {s["data-status"]: int(s["data-count"]) for s in _elements(dom, "path", "slice")}
    assert sum(slices.values()) == 190
    assert slices["completed"] == report["progress"]["completed"]

    categories = _elements(dom, "g", "category-row")
    assert sum(int(c["data-targets-total"]) for c in categories) == report["targets"]["total"]
    assert sum(int(c["data-targets-met"]) for c in categories) == report["targets"]["met"]
    assert "Nhiệm vụ đột phá" in dom


def test_a_screenshot_shows_the_charts_drawn(
    demo: dict[str, ServiceProcess], tmp_path: Path
) -> None:
    shot = tmp_path / "dashboard.png"
    chromium(f"{demo['reporting'].url}/?year=2024", tmp_path, f"--screenshot={shot}")
    width, height, pixels = read_png(shot.read_bytes())
    assert (width, height) == (1400, 1000)
    colours = Counter(pixels)
    page = colours.most_common(1)[0][0]
    assert sum(n for colour, n in colours.items() if colour != page) > 0.3 * width * height
    assert len(colours) > 200, "text, charts and shades, not a blank page"
    assert _near(colours, APPROVED_BLUE) > 5_000, "approved bars and the KPI accents"
    assert _near(colours, COMPLETED_GREEN) > 3_000, "completed slice and targets met"
    assert _near(colours, REGISTERED_GREY) > 2_000, "registered bars"


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


def test_a_restart_loads_the_snapshot_and_rebuild_finds_it_equal(
    demo: dict[str, ServiceProcess],
) -> None:
    """Last in this module: it restarts the reporting service."""
    reporting = demo["reporting"]
    before = httpx.get(f"{reporting.url}/reports/2024").json()
    reporting.stop()
    reporting.env["SNAPSHOT_EVERY"] = "100"
    reporting.start().wait_ready()  # rebuilt from the log, then writes a snapshot
    key = f"{reporting.env['STREAM_PREFIX']}:reporting:snapshot"
    client = redis.Redis.from_url(reporting.env["REDIS_URL"])
    deadline = time.monotonic() + 30
    while not client.exists(key):
        assert time.monotonic() < deadline, "no snapshot was written"
        time.sleep(0.2)
    client.close()
    reporting.stop()
    reporting.start().wait_ready()
    assert '"message": "snapshot loaded"' in reporting.logs(tail=None)
    assert httpx.get(f"{reporting.url}/reports/2024").json() == before
    done = subprocess.run(
        [sys.executable, "-m", "services.reporting", "rebuild"],
        env={**reporting.env, "LOG_LEVEL": "warning"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "facts: equal" in done.stdout
