"""A Docker engine for tests/compose, and the base image every image of deploy/ builds on.

The engine is the one that answers, else one started here: Debian's docker.io (installed
first where missing, which needs root and apt-get, as on CI's fresh machine) run in the
background and stopped again by ``Engine.stop``. Where none can run, ``Unavailable`` says
why. The base, debian:bookworm-slim, is the engine's own copy, else pulled, else built with
deploy/debian-base.sh (debootstrap) where no registry answers."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BASE = "debian:bookworm-slim"


class Unavailable(Exception):
    """No Docker engine can run here; the message says why."""


def docker(
    *args: str, timeout: float = 120, check: bool = True
) -> subprocess.CompletedProcess[str]:
    answer = subprocess.run(
        ["docker", *args], capture_output=True, text=True, timeout=timeout, check=False
    )
    if check and answer.returncode != 0:
        raise RuntimeError(f"docker {' '.join(args)}: {answer.stderr.strip() or answer.stdout}")
    return answer


def answers() -> bool:
    if shutil.which("docker") is None:
        return False
    try:
        return docker("info", timeout=15, check=False).returncode == 0
    except subprocess.TimeoutExpired:
        return False


def can_install() -> bool:
    return os.geteuid() == 0 and shutil.which("apt-get") is not None


def apt_install(*packages: str) -> None:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (
        ["apt-get", "update", "-qq"],
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages],
    ):
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        if done.returncode != 0:
            raise Unavailable(f"{' '.join(command)} failed: {done.stderr.strip()[-500:]}")


@dataclass
class Engine:
    """The engine the tests use; ``process`` is set when this module started it."""

    how: str
    process: subprocess.Popen[bytes] | None = None
    log: Path | None = None

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # dockerd stops its containerd too
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def ensure_engine(folder: Path) -> Engine:
    if answers():
        return Engine("an engine already answered")
    installed = ""
    if shutil.which("dockerd") is None or shutil.which("docker") is None:
        if not can_install():
            raise Unavailable(
                "no Docker engine answers, and docker.io cannot be installed here "
                "(needs root and apt-get)"
            )
        apt_install("docker.io", "iptables")
        installed = "installed docker.io, "
        if answers():  # a service manager started it with the package
            return Engine(f"{installed}its service started it")
        if shutil.which("dockerd") is None or shutil.which("docker") is None:
            raise Unavailable("docker.io was installed, but docker or dockerd is not on PATH")
    if os.geteuid() != 0:
        raise Unavailable("no Docker engine answers, and starting dockerd needs root")
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / "dockerd.log"
    command = ["dockerd", "--storage-driver=overlay2"]
    if not Path("/run/systemd/system").is_dir():
        command.append("--exec-opt=native.cgroupdriver=cgroupfs")  # no systemd to manage cgroups
    try:
        with log.open("wb") as out:
            process = subprocess.Popen(
                command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
    except OSError as error:
        raise Unavailable(f"dockerd cannot be started here: {error}") from error
    engine = Engine(f"{installed}started {' '.join(command)}", process, log)
    deadline = time.monotonic() + 60
    while not answers():
        if process.poll() is not None or time.monotonic() > deadline:
            engine.stop()
            tail = " | ".join(log.read_text(errors="replace").strip().splitlines()[-3:])
            raise Unavailable(f"dockerd did not start here: {tail or 'no output'}")
        time.sleep(0.5)
    return engine


def ensure_base() -> str:
    """debian:bookworm-slim in the engine; says where it came from."""
    if docker("image", "inspect", BASE, check=False).returncode == 0:
        return "already in the engine"
    pulled = docker("pull", BASE, timeout=300, check=False)
    if pulled.returncode == 0:
        return "pulled"
    if shutil.which("debootstrap") is None:
        if not can_install():
            raise Unavailable(f"{BASE} cannot be pulled, and debootstrap cannot be installed")
        apt_install("debootstrap")
    built = subprocess.run(
        [str(ROOT / "deploy" / "debian-base.sh"), BASE],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if built.returncode != 0:
        raise RuntimeError(f"deploy/debian-base.sh failed:\n{built.stdout}\n{built.stderr}")
    return (
        "cannot be pulled: built with deploy/debian-base.sh (debootstrap): "
        + built.stdout.strip().splitlines()[-1]
    )
