"""What ``make run`` keeps on disk is readable by its user only: deploy/run-local.sh with its
own private Redis (no REDIS_URL), in a copy of the checkout's layout so its ``.data`` is the
test's. Redis's append-only files, the logs and the tokens: no group or world bits."""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.support.redis_server import free_port

ROOT = Path(__file__).resolve().parents[2]
NAMES = ("registration", "approval", "reporting", "portal")


def test_make_run_keeps_redis_data_logs_and_tokens_private(tmp_path: Path) -> None:
    checkout = tmp_path / "checkout"
    (checkout / "deploy").mkdir(parents=True)
    shutil.copy2(ROOT / "deploy" / "run-local.sh", checkout / "deploy" / "run-local.sh")
    (checkout / ".data").mkdir(mode=0o755)  # made before, world-readable: made private
    ports = {name: free_port() for name in NAMES}
    env = {
        "PATH": os.environ.get("PATH", ""),
        "TIMEZONE": os.environ["TIMEZONE"],
        "HOME": str(tmp_path),
        "PYTHON_BIN": sys.executable,
        "REDIS_PORT": str(free_port()),  # its own Redis, never 6379
        **{f"{name.upper()}_PORT": str(port) for name, port in ports.items()},
    }
    output = tmp_path / "make-run.out"
    with output.open("wb") as out:
        process = subprocess.Popen(
            ["bash", str(checkout / "deploy" / "run-local.sh")],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 90
        while "All running." not in output.read_text(errors="replace"):
            assert process.poll() is None, output.read_text()
            assert time.monotonic() < deadline, output.read_text()
            time.sleep(0.2)
        ready = httpx.get(f"http://127.0.0.1:{ports['registration']}/readyz", timeout=10)
        assert ready.status_code == 200
        data = checkout / ".data"
        made = list(data.rglob("*"))
        aof = [path for path in made if "appendonlydir" in path.parts and path.is_file()]
        assert len(aof) >= 3, made  # the manifest, a base and an incremental file
        assert any(path.name == "api-tokens" for path in made)
        assert any(path.suffix == ".log" for path in made)
        for path in [data, *made]:
            mode = stat.S_IMODE(path.stat().st_mode)
            assert mode & 0o077 == 0, f"{path.relative_to(checkout)}: {oct(mode)}"
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
