"""Where a setting comes from: the environment first, then a file named after it in the
folder SECRETS_DIR names (docker compose mounts its secrets in /run/secrets); an empty
variable or an empty file counts as unset."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from shared.edge.identity import authenticator
from shared.edge.settings import ServiceSettings

TOKEN = "admin:" + "a" * 24 + ":operator"


@pytest.fixture
def clean(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("SECRETS_DIR", "API_TOKENS", "API_TOKENS_FILE", "REDIS_URL", "OIDC_ISSUER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("OIDC_UNIT_CLAIM", raising=False)
    return monkeypatch


def secrets(folder: Path, **files: str) -> Path:
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text)
    return folder


def test_settings_are_read_from_files_in_secrets_dir(
    clean: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    folder = secrets(
        tmp_path / "secrets",
        api_tokens=TOKEN + "\n",
        redis_url="redis://:pw@redis:6379/0\n",
        oidc_issuer="https://id.example.vn/realms/province\n",
        oidc_audience="breakthrough-api\n",
    )
    clean.setenv("SECRETS_DIR", str(folder))
    settings = ServiceSettings()
    assert settings.redis_url == "redis://:pw@redis:6379/0", "trailing new line stripped"
    assert settings.oidc_issuer == "https://id.example.vn/realms/province"
    callers = authenticator(settings)
    assert callers.tokens is not None
    assert len(callers.tokens) == 1
    assert callers.verifier is not None, "the OpenID Connect settings came from files too"


def test_the_environment_wins_over_a_file(clean: pytest.MonkeyPatch, tmp_path: Path) -> None:
    folder = secrets(tmp_path / "secrets", redis_url="redis://from-file:6379/0")
    clean.setenv("SECRETS_DIR", str(folder))
    clean.setenv("REDIS_URL", "redis://from-env:6379/0")
    assert ServiceSettings().redis_url == "redis://from-env:6379/0"


def test_empty_files_and_empty_variables_are_unset(
    clean: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """compose passes `${OIDC_UNIT_CLAIM:-}` as an empty value, and an operator leaves the
    oidc_issuer file empty when OpenID Connect is not used: neither may mean ''."""
    folder = secrets(tmp_path / "secrets", oidc_issuer="", oidc_audience="\n")
    clean.setenv("SECRETS_DIR", str(folder))
    clean.setenv("OIDC_UNIT_CLAIM", "")
    clean.setenv("OIDC_ISSUER", "")
    settings = ServiceSettings()
    assert settings.oidc_issuer is None
    assert settings.oidc_audience is None
    assert settings.oidc_unit_claim is None


def test_without_secrets_dir_no_folder_is_read(clean: pytest.MonkeyPatch) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no 'directory does not exist' warning either
        settings = ServiceSettings()
    assert settings.api_tokens == ""
    assert settings.redis_url == "redis://localhost:6379/0"
