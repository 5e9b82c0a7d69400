"""The docker compose deployment, checked without a Docker engine: Compose v2 validates
deploy/compose.yaml (against the compose spec) and resolves it with .env.example; the
resolved file, the Dockerfiles, the gateway's and Prometheus's files and .env.example must
agree with the code (the three services' settings and the portal's). tests/compose/ brings
the same file up for real (make compose-test)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from services.approval.bootstrap import ApprovalSettings
from services.notifications.bootstrap import NotificationSettings
from services.portal.settings import PortalSettings
from services.registration.bootstrap import RegistrationSettings
from services.reporting.bootstrap import ReportingSettings
from tests.support.compose import COMPOSE, ENV_EXAMPLE, ROOT, compose, resolved

SERVICES = {
    "registration": RegistrationSettings,
    "approval": ApprovalSettings,
    "reporting": ReportingSettings,
}
# the three services, the portal and notifications: one image, one command each
SETTINGS = {**SERVICES, "portal": PortalSettings, "notifications": NotificationSettings}
PORTS = {
    "portal": "8000",
    "registration": "8001",
    "approval": "8002",
    "reporting": "8003",
    "notifications": "8004",
}
# behind the gateway: all but notifications (no API, only its probes)
GATEWAY = {name: port for name, port in PORTS.items() if name != "notifications"}
# settings read from the secret files (SECRETS_DIR=/run/secrets), not variables
FROM_FILES = {
    **dict.fromkeys(
        SERVICES, frozenset({"API_TOKENS", "REDIS_PASSWORD", "OIDC_ISSUER", "OIDC_AUDIENCE"})
    ),
    # no api_tokens: the portal calls the services with the signed-in person's token
    "portal": frozenset(
        {"REDIS_PASSWORD", "OIDC_ISSUER", "OIDC_AUDIENCE", "OIDC_CLIENT_SECRET", "SESSION_KEY"}
    ),
    # and the mail server's password for POST /reminders
    "approval": frozenset(
        {"API_TOKENS", "REDIS_PASSWORD", "OIDC_ISSUER", "OIDC_AUDIENCE", "SMTP_PASSWORD"}
    ),
    # no api_tokens, no OpenID: it serves only its probes
    "notifications": frozenset({"REDIS_PASSWORD", "SMTP_PASSWORD"}),
}
SECRET_SETTINGS = set().union(*FROM_FILES.values())
NOT_PASSED = {
    "API_TOKENS_FILE": "the api_tokens secret file is the same thing",
    "REDIS_PASSWORD_FILE": "the redis_password secret file is the same thing",
    "REDIS_URL": "the Sentinels name the primary",
    "SESSION_KEY_FILE": "the session_key secret file is the same thing",
}
DEPLOYED = {"WRITE_REPLICAS": "1"}
"""Settings the deployment gives another value than the code's default, on purpose: with
two replicas, a write is answered once one of them holds it."""
NODES = {"redis-1", "redis-2", "redis-3"}
SENTINELS = {"sentinel-1", "sentinel-2", "sentinel-3"}
# ServiceSettings fields the portal inherits and never reads (it follows no stream and
# checks no token itself: the services do, on every call it makes as the person)
NOT_READ_BY_THE_PORTAL = {
    "API_TOKENS",
    "ALLOW_ANONYMOUS",
    "BATCH_SIZE",
    "OIDC_PERSON_CLAIM",
    "OIDC_ROLES_CLAIM",
    "OIDC_UNIT_CLAIM",
    "OIDC_COMMITTEE_CLAIM",
    "GRACE_DAYS",
    "WRITE_REPLICAS",  # its sessions are not events: it waits for no replica
    "WRITE_REPLICAS_TIMEOUT_MS",
}
# ServiceSettings fields notifications inherits and never reads (it authenticates nobody),
# and its own that compose leaves to their defaults on purpose
NOT_READ_BY_NOTIFICATIONS = {
    "API_TOKENS",
    "ALLOW_ANONYMOUS",
    "BATCH_SIZE",
    "OIDC_ISSUER",
    "OIDC_AUDIENCE",
    "OIDC_PERSON_CLAIM",
    "OIDC_ROLES_CLAIM",
    "OIDC_UNIT_CLAIM",
    "OIDC_COMMITTEE_CLAIM",
    "GRACE_DAYS",
}
LEFT_TO_NOTIFICATIONS = {
    "NOTIFICATION_CONSUMER": "each container's host name: unique in the group",
    "SMTP_CA_FILE": "a file the operator mounts into the container (deploy/README.md)",
}
# settings whose deployment default is not the code's (which is unset: no mail)
DEPLOYMENT_DEFAULTS = {
    "SMTP_URL": "the trial's mail catcher (profile mail)",
    "MAIL_FROM": "a sender for the trial",
}
# settings whose default under compose is deliberately not the code's
COMPOSE_DEFAULTS = {
    # the code's default (link) suits make run, whose sign-in links it prints; under compose
    # tokens are only pasted in the form: no /#token= links
    "TOKEN_SIGN_IN": "form",
}
LONG_RUNNING = {*NODES, *SENTINELS, *SETTINGS, "gateway", "prometheus", "mailcatcher"}
DEPLOY = ROOT / "deploy"


def services() -> dict[str, Any]:
    found: dict[str, Any] = resolved()["services"]
    return found


def documented() -> dict[str, str]:
    """NAME=default lines of .env.example."""
    pairs = re.findall(r"^([A-Z][A-Z0-9_]*)=(.*)$", ENV_EXAMPLE.read_text(), re.MULTILINE)
    return dict(pairs)


def test_compose_file_is_valid_with_every_profile() -> None:
    answer = compose("--profile=*", "config", "-q")
    assert answer.returncode == 0, answer.stderr
    assert set(services()) == LONG_RUNNING | {"demo"}


def test_every_image_is_built_here_from_debian_bookworm_slim() -> None:
    """No registry needed beyond the base, which deploy/debian-base.sh builds locally."""
    built = {service["image"] for service in services().values() if "build" in service}
    for name, service in services().items():
        assert service["image"] in built, f"{name} would pull {service['image']}"
    dockerfiles = [ROOT / "Dockerfile", *sorted((DEPLOY / "images").glob("*/Dockerfile"))]
    assert len(dockerfiles) == 5
    for dockerfile in dockerfiles:
        stages = re.findall(r"^FROM (\S+)", dockerfile.read_text(), re.MULTILINE)
        assert stages
        assert set(stages) == {"debian:bookworm-slim"}, dockerfile


def test_the_services_image_is_built_once_and_shared() -> None:
    """Compose builds once per service with a `build:` section: one builds, others run it."""
    image = services()["registration"]["image"]
    assert image.startswith("breakthrough:")
    builders = [name for name, service in services().items() if service["image"] == image]
    assert set(builders) == {*SETTINGS, "demo"}
    assert [name for name in builders if "build" in services()[name]] == ["registration"]
    for name in builders:
        assert services()[name]["pull_policy"] == "never", f"{name} must never pull {image}"
    build = services()["registration"]["build"]
    assert Path(build["context"]) == ROOT
    assert build["dockerfile"] == "Dockerfile"


def test_redis_runs_a_primary_two_replicas_and_three_sentinels_behind_a_password_file() -> None:
    """Each node keeps an AOF appended before a write is answered (appendfsync always: the
    runbook says why), on a volume of its own (redis-1 the single Redis's, so an upgrade
    keeps its data), at a fixed address of the redis network; the Sentinels watch it."""
    volumes = {}
    addresses = set()
    for name in NODES | SENTINELS:
        node = services()[name]
        command = " ".join(node["command"])
        if name in NODES:
            assert command.startswith("redis-server")
            assert "--appendonly yes" in command
            assert "--appendfsync always" in command
            assert "--min-replicas-to-write 1" in command
        else:
            assert command == "redis-sentinel"
        assert "requirepass" not in command, "the password is read from its secret file"
        assert [secret["source"] for secret in node["secrets"]] == ["redis_password"]
        [volume] = node["volumes"]
        assert volume["target"] == "/data"
        volumes[name] = volume["source"]
        assert node["restart"] == "unless-stopped"
        assert "ports" not in node, "Redis stays on the compose network"
        assert node["image"] == services()["redis-1"]["image"], "one image"
        [(network, attached)] = node["networks"].items()
        assert network == "redis"
        addresses.add(attached["ipv4_address"])
    assert volumes["redis-1"] == "redis-data"
    assert len(set(volumes.values())) == 6
    assert set(volumes.values()) <= set(resolved()["volumes"])
    assert len(addresses) == 6
    environment = services()["sentinel-1"]["environment"]
    assert (
        environment["REDIS_INITIAL_PRIMARY"]
        == services()["redis-1"]["environment"]["REDIS_ADDRESS"]
    )
    assert [name for name in NODES | SENTINELS if "build" in services()[name]] == ["redis-1"]
    entrypoint = (DEPLOY / "images" / "redis" / "entrypoint.sh").read_text()
    assert "refusing to start an open Redis" in entrypoint
    assert "umask 077" in entrypoint, "data files readable by the redis user only"
    dockerfile = (DEPLOY / "images" / "redis" / "Dockerfile").read_text()
    assert "redis-sentinel" in dockerfile, "Debian's redis-sentinel"
    for name in SETTINGS:
        environment = services()[name]["environment"]
        assert environment["REDIS_SENTINELS"] == ",".join(
            f"{sentinel}:26379" for sentinel in sorted(SENTINELS)
        )
        assert environment["REDIS_MASTER_NAME"] == "breakthrough"
        if name != "portal":
            assert environment["WRITE_REPLICAS"] == "1"
        assert set(services()[name]["networks"]) == {"default", "redis"}


@pytest.mark.parametrize("name", list(SETTINGS))
def test_each_service_runs_its_module_probed_on_readyz_and_scales(name: str) -> None:
    """The portal too: a service of the shared image, its settings passed in full."""
    service = services()[name]
    assert service["command"] == ["python", "-m", f"services.{name}"]
    assert "/readyz" in " ".join(service["healthcheck"]["test"])
    assert service["restart"] == "unless-stopped"
    for sentinel in SENTINELS:
        assert service["depends_on"][sentinel]["condition"] == "service_healthy"
    for pinned in ("ports", "container_name", "hostname"):
        assert pinned not in service, f"{pinned} would break --scale"
    environment = service["environment"]
    assert environment["HOST"] == "0.0.0.0"  # noqa: S104 - inside the container
    assert environment["PORT"] == PORTS[name]
    assert environment["SECRETS_DIR"] == "/run/secrets"
    assert environment["FORWARDED_ALLOW_IPS"] == "*", "X-Forwarded-* from the gateway"
    assert not (set(NOT_PASSED) | FROM_FILES[name]) & set(environment), "a file would lose"
    secrets = {secret["source"] for secret in service["secrets"]}
    assert {name.lower() for name in FROM_FILES[name]} == secrets
    fields = {field.upper() for field in SETTINGS[name].model_fields} - set(NOT_PASSED)
    if name == "portal":
        assert not NOT_READ_BY_THE_PORTAL & set(environment), "settings it never reads"
        fields -= NOT_READ_BY_THE_PORTAL
    if name == "notifications":
        unread = NOT_READ_BY_NOTIFICATIONS | set(LEFT_TO_NOTIFICATIONS)
        assert not unread & set(environment), "settings it never reads, or must not be given"
        fields -= unread
    if name == "approval":
        fields.discard("SMTP_CA_FILE")  # a file the operator mounts (deploy/README.md)
    passed = set(environment) | {secret.upper() for secret in secrets}
    assert fields <= passed, f"settings compose does not pass: {fields - passed}"
    replicas = re.search(rf"^  {name}:.*?replicas: (\S+)", COMPOSE.read_text(), re.M | re.S)
    assert replicas
    assert replicas[1] == f"${{{name.upper()}_REPLICAS:-1}}"


def test_every_secret_is_a_file_of_the_secrets_folder() -> None:
    secrets = resolved()["secrets"]
    expected = {
        "api_tokens",
        "redis_password",
        "oidc_issuer",
        "oidc_audience",
        "oidc_client_secret",
        "smtp_password",
        "session_key",
        "tls_certificate",
        "tls_key",
    }
    assert set(secrets) == expected
    for secret in secrets.values():
        assert Path(secret["file"]).parent == DEPLOY / "secrets"
    made = (DEPLOY / "make-secrets.sh").read_text()
    for secret in secrets.values():
        assert Path(secret["file"]).name in made, "make-secrets.sh makes every one of them"
    assert "deploy/secrets" in (ROOT / ".dockerignore").read_text(), "never in an image"
    assert "deploy/secrets/" in (ROOT / ".gitignore").read_text(), "never committed"


def test_every_long_running_service_has_a_healthcheck() -> None:
    for name in LONG_RUNNING:
        check = services()[name].get("healthcheck", {})
        assert check.get("test"), f"{name} has no healthcheck"
        assert not check.get("disable"), f"{name}'s healthcheck is off"
        assert services()[name]["restart"] == "unless-stopped"


def test_env_example_documents_every_setting_and_every_compose_variable() -> None:
    text = ENV_EXAMPLE.read_text()
    fields = {field.upper() for settings in SETTINGS.values() for field in settings.model_fields}
    assert not [name for name in fields if name not in text], "a setting .env.example omits"
    used = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", COMPOSE.read_text()))
    assert used - set(documented()) == set(), "a compose variable .env.example omits"
    defaults = dict(re.findall(r"\$\{([A-Z][A-Z0-9_]*):-([^}]*)\}", COMPOSE.read_text()))
    for name, default in defaults.items():
        assert documented()[name] == default, f"{name}: compose and .env.example disagree"
    assert not SECRET_SETTINGS & set(documented()), "secrets are files, not variables in .env"
    for service, settings in SETTINGS.items():
        unread = NOT_READ_BY_NOTIFICATIONS if service == "notifications" else set()
        for field, info in settings.model_fields.items():
            name = field.upper()
            if name in DEPLOYMENT_DEFAULTS or name in unread:
                continue
            if name in DEPLOYED:
                assert documented()[name] == DEPLOYED[name], name
                assert str(info.default) != DEPLOYED[name], f"{name}: not deployed otherwise"
            elif name in documented() and info.default_factory is None:
                default, given = info.default, documented()[name]
                if name in COMPOSE_DEFAULTS:
                    assert given == COMPOSE_DEFAULTS[name], f"{name}: compose's own default"
                    assert given != default
                    continue
                if isinstance(default, float):
                    assert float(given) == default, f"{name}: .env.example and the code disagree"
                    continue
                text = (
                    ""
                    if default is None
                    else str(default).lower()
                    if isinstance(default, bool)
                    else str(default)
                )
                assert given == text, f"{name}: .env.example and the code disagree"


def test_the_gateway_is_the_only_published_entry_binds_localhost_and_speaks_tls() -> None:
    published = {name for name, service in services().items() if service.get("ports")}
    assert published == {"gateway", "prometheus", "mailcatcher"}
    gateway = services()["gateway"]
    ports = {(port["host_ip"], port["published"], port["target"]) for port in gateway["ports"]}
    assert ports == {("127.0.0.1", port, int(port)) for port in GATEWAY.values()}
    assert {secret["source"] for secret in gateway["secrets"]} == {"tls_certificate", "tls_key"}
    conf = (DEPLOY / "gateway.conf").read_text()
    for name, port in GATEWAY.items():
        assert f"listen {port} ssl;" in conf
        assert f"{name}:{port};" in conf
    assert conf.count("error_page 497 =307 https://$http_host$request_uri;") == len(GATEWAY)
    assert "ssl_certificate     /run/secrets/tls_certificate;" in conf
    assert "ssl_certificate_key /run/secrets/tls_key;" in conf
    assert conf.count("location /metrics { return 404; }") == len(GATEWAY)
    health = " ".join(gateway["healthcheck"]["test"])
    assert f"for port in {' '.join(sorted(GATEWAY.values()))};" in health, "every server probed"
    assert set(gateway["depends_on"]) == set(GATEWAY)
    for header in ("Host", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-For"):
        assert f"proxy_set_header {header} " in conf
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in conf, "the client's own: dropped"


def test_the_portal_calls_the_services_inside_and_its_cookies_are_always_secure(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """It reaches the services on the compose network (not through the gateway, whose
    certificate it would not trust), keeps its sessions in the system's Redis under the
    system's prefix, and marks its cookies Secure: the gateway serves it over TLS only. Its
    environment and secret files as the container gets them (make-secrets.sh leaves the
    OpenID ones empty) are a configuration it starts with."""
    portal = services()["portal"]
    environment = portal["environment"]
    for name in SERVICES:
        assert environment[f"{name.upper()}_URL"] == f"http://{name}:{PORTS[name]}"
    assert environment["SECURE_COOKIES"] == "always"
    prefix = services()["registration"]["environment"]["STREAM_PREFIX"]
    assert environment["STREAM_PREFIX"] == prefix
    for secret in portal["secrets"]:  # the container's /run/secrets
        text = "pw\n" if secret["source"] == "redis_password" else ""
        (tmp_path / secret["source"]).write_text(text)
    for name in {field.upper() for field in PortalSettings.model_fields}:
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, str(value))
    monkeypatch.setenv("SECRETS_DIR", str(tmp_path))
    settings = PortalSettings()
    settings.check()  # token sign-in, no provider: it starts
    assert settings.redis.sentinels == tuple((f"sentinel-{n}", 26379) for n in (1, 2, 3))
    assert settings.redis.master == "breakthrough"
    assert settings.redis.password == "pw"
    assert settings.token_sign_in == "form"  # pasted tokens only: no /#token= links
    assert not settings.token_links
    assert {secret["source"] for secret in portal["secrets"]} >= {"session_key"}
    assert not settings.oidc_enabled
    assert settings.public_url is None, "an empty PUBLIC_URL is unset, not an invalid URL"
    assert settings.secure_cookies == "always"
    assert settings.port == int(PORTS["portal"])


def test_notifications_starts_with_what_compose_gives_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Its environment and secret files as the container gets them (make-secrets.sh leaves
    smtp_password empty): the trial's mail catcher, a sender, the group's defaults; and the
    catcher runs on the port it is told of."""
    notifications = services()["notifications"]
    environment = notifications["environment"]
    for secret in notifications["secrets"]:
        text = "redis://:pw@redis:6379/0\n" if secret["source"] == "redis_url" else ""
        (tmp_path / secret["source"]).write_text(text)
    for name in {field.upper() for field in NotificationSettings.model_fields}:
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, str(value))
    monkeypatch.setenv("SECRETS_DIR", str(tmp_path))
    settings = NotificationSettings()
    assert settings.smtp_url == "smtp://mailcatcher:2525"
    assert settings.smtp_password is None, "an empty file is unset"
    assert settings.mail_from == "nhiemvu@trial.invalid"
    assert settings.portal_url is None
    assert settings.reclaim_ms == 210_000
    assert "ALLOW_ANONYMOUS" not in environment, "the services' false would stop it"
    catcher = services()["mailcatcher"]
    assert catcher["profiles"] == ["mail"]
    assert "2525" in (DEPLOY / "images" / "mailcatcher" / "catcher.py").read_text()
    assert [(p["host_ip"], p["published"], p["target"]) for p in catcher["ports"]] == [
        ("127.0.0.1", "8025", 8025)
    ]


def test_prometheus_expects_the_replicas_compose_runs() -> None:
    """ReplicaDown counts the replicas answering against *_REPLICAS: a stopped replica
    vanishes from Docker's DNS, so `up == 0` alone never fires for it."""
    prometheus = services()["prometheus"]
    assert prometheus["environment"] == {f"{name.upper()}_REPLICAS": "1" for name in SETTINGS}
    config = yaml.safe_load((DEPLOY / "prometheus.yml").read_text())
    assert "/etc/prometheus/generated/*.yml" in config["rule_files"]
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    assert set(jobs) == set(SETTINGS)
    for name, job in jobs.items():
        assert job["dns_sd_configs"] == [
            {"names": [name], "type": "A", "port": int(PORTS[name]), "refresh_interval": "30s"}
        ]
    rules = yaml.safe_load((DEPLOY / "alerts.yml").read_text())["groups"][0]["rules"]
    down = next(rule for rule in rules if rule.get("alert") == "ReplicaDown")
    assert "job:replicas_expected:count" in down["expr"]
    cases = yaml.safe_load((DEPLOY / "alerts.test.yml").read_text())["tests"]
    tested = {test["alertname"] for case in cases for test in case["alert_rule_test"]}
    assert "ReplicaDown" in tested, "promtool test rules (make compose-test runs it)"
    script = (DEPLOY / "images" / "prometheus" / "expected-replicas.sh").read_text()
    assert "record: job:replicas_expected:count" in script
    assert "_REPLICAS" in script
    jobs_listed = re.search(r"\$\{EXPECTED_JOBS:-([^}]*)\}", script)
    assert jobs_listed
    assert set(jobs_listed[1].split()) == set(SETTINGS), "a rule for every job scraped"


def test_the_demo_runs_from_the_image_not_the_host() -> None:
    demo = services()["demo"]
    assert demo["profiles"] == ["demo"]
    assert "python -m deploy.demo" in " ".join(demo["command"])
    assert demo["environment"]["REPORTING_URL"] == "http://reporting:8003"
    makefile = (ROOT / "Makefile").read_text()
    assert "run --rm demo" in makefile, "make demo says how the compose deployment loads it"


def test_the_image_is_slim_non_root_locked_and_without_dev_tools() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    users = re.findall(r"^USER (\S+)", dockerfile, re.MULTILINE)
    assert users
    assert users[-1].split(":")[0] not in {"root", "0"}
    assert "[dev]" not in dockerfile
    assert "dev.txt" not in dockerfile
    assert "--require-hashes" in dockerfile
    assert "-r /tmp/runtime.txt" in dockerfile
    assert 'CMD ["python", "-m", "services.' in dockerfile
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", ".data", ".env", ".git", ".pytest_cache", "deploy/secrets"} <= set(ignored)
