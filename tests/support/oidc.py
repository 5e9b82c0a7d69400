"""A real OpenID provider for the tests: ``oidc-provider`` (certified, from the npm registry,
pinned in ``tests/support/oidc_provider/package.json``) run by the machine's Node.js.

Fixtures (session-scoped, imported by ``tests/conftest.py``):

- ``oidc_provider``: one provider process on a free port of 127.0.0.1; ``.issuer`` is its
  issuer (``http://127.0.0.1:<port>``) and ``.audience`` the API's resource
  (``https://breakthrough.test/api``), the ``aud`` of its access tokens unless a test asks
  for another.
- ``other_oidc_provider``: a second, independent one (another issuer, other keys).

On first use ``npm ci`` installs the pinned modules into ``tests/support/oidc_provider``
(git-ignored ``node_modules``); without ``node``/``npm`` on PATH the tests using these
fixtures are skipped, with the reason. The processes stop when the session ends.

Every token comes from the provider's real token endpoint and is a JWT access token
(RFC 9068, resource indicators) signed with the provider's current key:

- ``provider.service_token(person, roles, unit=..., person_claim="sub", realm_roles=...,
  audience=..., ttl=..., claims=...)``: registers a client (dynamic client registration)
  whose access tokens carry ``{person_claim: person, "roles": [...], "realm_access":
  {"roles": [...]}, "unit": ...}`` plus ``claims``, and runs the client-credentials grant.
  ``provider.service_client(...)`` takes the same arguments and keeps the client, whose
  ``.token()`` asks for another token (say after a key rotation).
- ``provider.sign_in(username)``: the authorization-code flow with PKCE, as a browser does
  it (authorize, the login form, the consent form, the code exchange), with plain httpx.
  Accounts: ``hung`` (registrant, unit ``kim-thanh``), ``thu-ky`` (approver), ``nhan-vien``
  (viewer), ``quan-tri`` (admin); ``provider.add_account(...)`` adds more. Their access
  tokens carry ``sub`` and ``preferred_username`` (the username), ``name``, ``roles``,
  ``realm_access.roles`` and ``unit``. For a real browser (Playwright):
  ``provider.browser_client(redirect_uri, refresh=..., access_token_ttl=...)`` registers a
  public client (with refresh tokens, if asked: rotated on each use); the login page has
  a ``username`` field, an optional ``password`` and a "Sign in" button, the consent page
  an "Allow" button.
- ``provider.rotate_key()``: from now on the provider signs with a new key (new ``kid``,
  another algorithm), published beside the old ones; five rotations per provider.
- ``provider.counters()``: how many discovery, JWKS and token requests it has served.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.oidc_clients import ServiceClient, SignIn
from tests.support.redis_server import free_port

FOLDER = Path(__file__).parent / "oidc_provider"
API_AUDIENCE = "https://breakthrough.test/api"


def node_tools() -> tuple[str, str] | str:
    """``node`` and ``npm``, or why the provider cannot run here."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        return "the OpenID provider tests need node and npm on PATH (Node.js 20 or later)"
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=False)
    major = version.stdout.strip().lstrip("v").split(".")[0]
    if not major.isdigit() or int(major) < 20:
        return f"oidc-provider needs Node.js 20 or later, not {version.stdout.strip()!r}"
    return node, npm


def install_modules(npm: str) -> None:
    """``npm ci`` unless the pinned oidc-provider is already installed."""
    wanted = json.loads((FOLDER / "package.json").read_text())["dependencies"]["oidc-provider"]
    installed = FOLDER / "node_modules" / "oidc-provider" / "package.json"
    if installed.exists() and json.loads(installed.read_text())["version"] == wanted:
        return
    done = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=FOLDER,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "npm_config_update_notifier": "false"},
    )
    if done.returncode != 0:
        raise RuntimeError(f"npm ci in {FOLDER} failed:\n{done.stdout}\n{done.stderr}")


class OidcProvider:
    """One ``node provider.mjs`` process and the helpers to get real tokens from it."""

    def __init__(self, node: str, log_path: Path, *, audience: str = API_AUDIENCE) -> None:
        self.node = node
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.audience = audience
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None
        self.http = httpx.Client(base_url=self.issuer, timeout=10.0)
        self._browser_clients: dict[str, str] = {}

    def start(self) -> OidcProvider:
        env = {**os.environ, "PORT": str(self.port), "ISSUER": self.issuer}
        env.update(API_AUDIENCE=self.audience, EXIT_WITH_STDIN="1")
        with self.log_path.open("ab") as out:
            self.process = subprocess.Popen(  # it exits when its stdin closes: with us
                [self.node, "provider.mjs"],
                cwd=FOLDER,
                env=env,
                stdin=subprocess.PIPE,
                stdout=out,
                stderr=out,
            )
        self.wait_ready()
        return self

    def wait_ready(self, timeout: float = 30.0) -> None:
        with httpx.Client(timeout=1.0) as probe:
            for _ in range(int(timeout / 0.1)):
                if self.process and self.process.poll() is not None:
                    break
                try:
                    if probe.get(f"{self.issuer}/.well-known/openid-configuration").is_success:
                        return
                except httpx.HTTPError:
                    pass
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the OpenID provider did not start:\n{self.logs()}")

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        self.http.close()
        if self.process is None or self.process.poll() is not None:
            return
        if self.process.stdin:
            self.process.stdin.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def service_client(
        self,
        person: str,
        roles: tuple[str, ...] | list[str] = (),
        *,
        person_claim: str = "sub",
        realm_roles: tuple[str, ...] | list[str] | None = None,
        unit: str | None = None,
        audience: str | None = None,
        ttl: int | None = None,
        claims: dict[str, object] | None = None,
    ) -> ServiceClient:
        """A client whose access tokens carry this person, these roles and this unit."""
        carried: dict[str, object] = {person_claim: person, "roles": list(roles)}
        carried["realm_access"] = {"roles": list(roles if realm_roles is None else realm_roles)}
        if unit is not None:
            carried["unit"] = unit
        carried.update(claims or {})
        return ServiceClient.register(self.http, carried, ttl, audience or self.audience)

    def service_token(
        self, person: str, roles: tuple[str, ...] | list[str] = (), **options: Any
    ) -> str:
        """One access token of a new ``service_client(person, roles, **options)``."""
        return self.service_client(person, roles, **options).token()

    def browser_client(
        self, redirect_uri: str, *, refresh: bool = False, access_token_ttl: int | None = None
    ) -> str:
        """The client id of a public client (authorization code, PKCE) for ``redirect_uri``;
        ``refresh``: given refresh tokens too; ``access_token_ttl``: its tokens' seconds."""
        wanted = f"{redirect_uri} {refresh} {access_token_ttl}"
        if wanted not in self._browser_clients:
            self._browser_clients[wanted] = SignIn.register(
                self.http, redirect_uri, refresh=refresh, access_token_ttl=access_token_ttl
            )
        return self._browser_clients[wanted]

    def sign_in(
        self, username: str, *, redirect_uri: str = "http://127.0.0.1:9/callback"
    ) -> dict[str, str]:
        """The token response (access_token, id_token, ...) after ``username`` signs in."""
        flow = SignIn(self.issuer, self.browser_client(redirect_uri), redirect_uri, self.audience)
        return flow.run(username)

    def add_account(
        self,
        username: str,
        roles: list[str],
        *,
        unit: str | None = None,
        name: str | None = None,
        realm_roles: list[str] | None = None,
    ) -> None:
        account = {"username": username, "roles": roles, "unit": unit, "name": name}
        account["realm_roles"] = realm_roles
        self.http.post("/test/accounts", json=account).raise_for_status()

    def rotate_key(self) -> str:
        """Sign with the next key from now on; its ``kid``."""
        answer = self.http.post("/test/rotate")
        answer.raise_for_status()
        kid: str = answer.json()["kid"]
        return kid

    def counters(self) -> dict[str, int]:
        answer = self.http.get("/test/counters")
        answer.raise_for_status()
        counted: dict[str, int] = answer.json()
        return counted


def _provider(factory: pytest.TempPathFactory, name: str) -> Iterator[OidcProvider]:
    tools = node_tools()
    if isinstance(tools, str):
        pytest.skip(tools)
    install_modules(tools[1])
    provider = OidcProvider(tools[0], factory.mktemp(name) / "provider.log").start()
    try:
        yield provider
    finally:
        provider.stop()


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OidcProvider]:
    yield from _provider(tmp_path_factory, "oidc")


@pytest.fixture(scope="session")
def other_oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OidcProvider]:
    yield from _provider(tmp_path_factory, "oidc-other")
