"""The commands that start the system, run here for real.

The containers': each service's command from deploy/compose.yaml as docker compose resolves
it with .env.example, with its environment (HOST 0.0.0.0, JSON logs, the Sentinels,
WRITE_REPLICAS=1...) and its secret files in the folder SECRETS_DIR names (as in
/run/secrets), from an empty working directory, and the healthcheck compose runs on it;
the Sentinels are real ones on loopback instead of the compose network's.

A checkout's: ``make run`` (deploy/run-local.sh, in a copy of the checkout's layout so its
``.data`` is the test's) prints a token for each role bound to a person, which the services
take as that person; ``make demo`` loads the demo with the admin one, and each person then
sees what the README promises them."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from deploy.demo import build_dataset
from tests.support.compose import resolved
from tests.support.redis_server import free_port
from tests.support.sentinel import ReplicatedRedis

SERVICES = ("registration", "approval", "reporting")


def local(argv: list[str]) -> list[str]:
    """The container's ``python`` is this virtualenv's here."""
    return [sys.executable if argv[0] == "python" else argv[0], *argv[1:]]


def healthcheck(service: dict[str, Any], env: dict[str, str]) -> int:
    test = service["healthcheck"]["test"]
    assert test[0] == "CMD"
    return subprocess.run(local(test[1:]), env=env, capture_output=True, timeout=10).returncode


@pytest.fixture(scope="module")
def sentinels(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReplicatedRedis]:
    """What compose's services find the log through: a primary, two replicas, three
    Sentinels (here on loopback, as tests/support/sentinel.py runs them)."""
    servers = ReplicatedRedis(tmp_path_factory.mktemp("sentinels")).start()
    yield servers
    servers.stop()


@pytest.fixture
def started(sentinels: ReplicatedRedis, tmp_path: Path) -> Any:
    config = resolved()["services"]
    prefix = f"deploy{uuid.uuid4().hex[:8]}"
    running: dict[str, tuple[subprocess.Popen[bytes], dict[str, str], Path]] = {}
    workdir = tmp_path / "app"  # like the image's empty WORKDIR
    workdir.mkdir()
    try:
        secrets = {
            "api_tokens": f"admin:{uuid.uuid4().hex}:operator\n",
            "redis_password": sentinels.env["REDIS_PASSWORD"] + "\n",
            "oidc_issuer": "",  # as deploy/make-secrets.sh leaves them: OpenID Connect off
            "oidc_audience": "",
            "smtp_password": "",  # make-secrets.sh leaves it empty for the mail catcher
        }
        for name in SERVICES:
            folder = tmp_path / f"{name}-secrets"  # the container's /run/secrets
            folder.mkdir()
            for secret in config[name]["secrets"]:
                (folder / secret["source"]).write_text(secrets[secret["source"]])
            environment = config[name]["environment"]
            assert environment["SECRETS_DIR"] == "/run/secrets"
            env = {
                "PATH": os.environ.get("PATH", ""),
                "TIMEZONE": os.environ["TIMEZONE"],
                **{key: str(value) for key, value in environment.items()},
                # compose's Sentinels are on its network: these are ours, on loopback
                "REDIS_SENTINELS": sentinels.env["REDIS_SENTINELS"],
                "SECRETS_DIR": str(folder),
                "STREAM_PREFIX": prefix,
                "PORT": str(free_port()),
            }
            log = tmp_path / f"{name}.log"
            with log.open("wb") as out:
                process = subprocess.Popen(
                    local(config[name]["command"]), env=env, cwd=workdir, stdout=out, stderr=out
                )
            running[name] = (process, env, log)
        yield config, running
    finally:
        for process, _, _ in running.values():
            if process.poll() is None:
                process.kill()
                process.wait()


def test_commands_serve_pass_their_healthchecks_log_json_and_stop_cleanly(started: Any) -> None:
    config, running = started
    for name, (process, env, log) in running.items():
        nobody = {**env, "PORT": str(free_port())}
        assert healthcheck(config[name], nobody) != 0, "a healthcheck that nothing answers fails"
        deadline = time.monotonic() + 30
        while healthcheck(config[name], env) != 0:
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, f"{name} never healthy:\n{log.read_text()}"
            time.sleep(0.2)
        metrics = httpx.get(f"http://127.0.0.1:{env['PORT']}/metrics", timeout=5).text
        assert f'stream="{env["STREAM_PREFIX"]}:tasks:registered"' in metrics, "ours answered"
        assert process.poll() is None

    for name, (process, _, log) in running.items():
        process.send_signal(signal.SIGTERM)  # docker stop; uvicorn re-raises it once done
        assert process.wait(timeout=20) in {0, -signal.SIGTERM}, log.read_text()
        lines = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
        assert all(line["service"] == name for line in lines)
        said = [line["message"] for line in lines]
        assert "ready" in said
        assert "stopped" in said, "the runtime shut down (broker stopped, Redis closed)"


# --- make run, make demo -----------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
PEOPLE = {
    "admin": "quan-tri",
    "approver": "thu-ky",
    "registrant": "pham-quang-hung",
    "viewer": "nhan-vien",
}
"""The person each token of ``make run`` stands for, by role."""


@dataclass
class Local:
    """deploy/run-local.sh running in ``checkout``: what it printed, its services' addresses."""

    process: subprocess.Popen[bytes]
    checkout: Path
    output: Path
    urls: dict[str, str]
    env: dict[str, str]

    def printed(self) -> str:
        return self.output.read_text(errors="replace")

    def tokens(self) -> dict[str, tuple[str, str]]:
        """role -> (person, token), as printed under "tokens"."""
        lines = re.findall(r"^  (\w+) +(\S+) +([\w-]+)$", self.printed(), re.M)
        return {role: (person, token) for role, person, token in lines}

    def portal_links(self) -> dict[str, str]:
        """role -> the portal link printed for that role's person."""
        lines = re.findall(r"^  (\w+) +\S+ +(http\S+)$", self.printed(), re.M)
        return dict(lines)

    def get(self, service: str, path: str, token: str, **query: Any) -> httpx.Response:
        return httpx.get(
            f"{self.urls[service]}{path}",
            params=query,
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )


@pytest.fixture
def make_run(redis_url: str, tmp_path: Path) -> Iterator[Local]:
    yield from run_local(tmp_path, REDIS_URL=redis_url)  # the tests' own: never 6379's


def run_local(tmp_path: Path, **given: str) -> Iterator[Local]:
    checkout = tmp_path / "checkout"  # the script works in the folder above its own
    (checkout / "deploy").mkdir(parents=True)
    shutil.copy2(ROOT / "deploy" / "run-local.sh", checkout / "deploy" / "run-local.sh")
    ports = {name: free_port() for name in (*SERVICES, "portal")}
    env = {
        "PATH": os.environ.get("PATH", ""),
        "TIMEZONE": os.environ["TIMEZONE"],
        "HOME": str(tmp_path),
        "PYTHON_BIN": sys.executable,  # the checkout's .venv/bin/python
        "STREAM_PREFIX": f"local{uuid.uuid4().hex[:8]}",
        **{f"{name.upper()}_PORT": str(port) for name, port in ports.items()},
        **given,
    }
    output = tmp_path / "make-run.out"
    with output.open("wb") as out:
        process = subprocess.Popen(
            ["bash", str(checkout / "deploy" / "run-local.sh")],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group: what it started can be stopped with it
        )
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    running = Local(process, checkout, output, urls, env)
    try:
        deadline = time.monotonic() + 60
        while "All running." not in running.printed():
            assert process.poll() is None, running.printed()
            assert time.monotonic() < deadline, running.printed()
            time.sleep(0.2)
        yield running
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def test_make_run_prints_a_token_per_role_bound_to_its_person_and_make_demo_uses_the_admins(
    make_run: Local,
) -> None:
    tokens = make_run.tokens()
    assert {role: person for role, (person, _) in tokens.items()} == PEOPLE
    assert len({token for _, token in tokens.values()}) == 4
    kept = make_run.checkout / ".data" / "api-tokens"
    assert kept.stat().st_mode & 0o777 == 0o600, "readable by this user only"
    assert sorted(kept.read_text().split()) == sorted(
        f"{role}:{token}:{person}" for role, (person, token) in tokens.items()
    )
    for name, url in make_run.urls.items():
        assert f"{name:<12} {url}" in make_run.printed()
    portal = make_run.urls["portal"]
    assert make_run.portal_links() == {
        role: f"{portal}/#token={token}" for role, (_, token) in tokens.items()
    }
    for role, (person, token) in tokens.items():
        for service in SERVICES:
            me = make_run.get(service, "/me", token)
            assert me.status_code == 200, me.text
            assert (me.json()["person"], me.json()["actor"]) == (person, person)
            assert role in me.json()["roles"]

    # make demo, as a checkout runs it (its virtual environment is this one)
    demo_env = {
        **make_run.env,
        **{f"{name.upper()}_URL": url for name, url in make_run.urls.items()},
    }
    done = subprocess.run(
        [
            "make",
            "-f",
            str(ROOT / "Makefile"),
            "demo",
            "STAMP=",
            f"BIN={Path(sys.executable).parent}",
        ],
        cwd=make_run.checkout,
        env=demo_env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "190 approved by 114 leaders" in done.stdout

    # the README's way to the viewer token, and what each person then sees
    readme = (ROOT / "README.md").read_text()
    [command] = re.findall(r"^TOKEN=\$\((sed .*?)\)\s", readme, re.M)
    viewer = subprocess.run(
        ["sh", "-c", command], cwd=make_run.checkout, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert viewer == tokens["viewer"][1]
    report = make_run.get("reporting", "/reports/2024", viewer)
    assert report.status_code == 200, report.text
    figures = report.json()
    year = build_dataset().year(2024)  # the province's 190 by 114 leaders, the districts' own
    assert (figures["tasks"]["approved"], figures["registrants"]["approved"]) == (
        len(year.approved()),
        len(year.approved_leaders()),
    )

    _, hung = tokens["registrant"]
    own = make_run.get("reporting", "/tasks", hung, year=2024)
    assert own.status_code == 200, own.text
    listed = own.json()["tasks"]
    assert listed, "the demo registers the Chairman of Kim Thanh's tasks"
    assert {(t["registrant"]["id"], t["unit"]["code"]) for t in listed} == {
        ("pham-quang-hung", "kim-thanh")
    }
    assert make_run.get("reporting", "/reports/2024", hung).status_code == 403
    someone_else = next(
        t["task_id"]
        for t in make_run.get("reporting", "/tasks", viewer, year=2024, limit=50).json()["tasks"]
        if t["registrant"]["id"] != "pham-quang-hung"
    )
    assert make_run.get("registration", f"/tasks/{someone_else}", hung).status_code == 403
    _, secretary = tokens["approver"]
    pending = make_run.get("approval", "/approvals/pending", secretary, year=2024)
    assert pending.status_code == 200, pending.text


def test_make_run_stops_everything_it_started(make_run: Local) -> None:
    make_run.process.send_signal(signal.SIGTERM)  # Ctrl-C's way
    code = make_run.process.wait(timeout=30)
    assert code in (0, 128 + signal.SIGTERM), make_run.printed()
    assert make_run.printed().rstrip().endswith("stopped"), make_run.printed()
    for url in make_run.urls.values():
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"{url}/healthz", timeout=2)


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="make run starts redis-server")
def test_make_run_keeps_its_files_for_this_user_alone(tmp_path: Path) -> None:
    """Its own Redis's AOF files hold every session (and every event): like the tokens and
    the portal's session key, nobody else on the machine may read them."""
    running = run_local(tmp_path, REDIS_PORT=str(free_port()))
    local = next(running)
    try:
        data = local.checkout / ".data"
        aof = [path for path in (data / "redis").rglob("*") if path.is_file()]
        assert aof, "Redis keeps its append-only files there"
        shared = [
            f"{path.relative_to(data)} {stat.filemode(path.stat().st_mode)}"
            for path in [data, *data.rglob("*")]
            if path.stat().st_mode & 0o077
        ]
        assert shared == [], "readable by others"
        assert (data / "session-key").stat().st_size > 40, "the portal's sealing key, kept"
    finally:
        running.close()
