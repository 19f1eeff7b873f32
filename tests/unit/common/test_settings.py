"""Settings: read from REVOCAST_* variables, failing with the variable's name."""

from __future__ import annotations

import pytest

from common.settings import ConfigurationError, ResourceServerSettings, load_settings


def test_missing_variables_are_named(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("REVOCAST_DATABASE_URL", "REVOCAST_REDIS_URL", "REVOCAST_JWKS_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("REVOCAST_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
    with pytest.raises(ConfigurationError) as caught:
        load_settings(ResourceServerSettings, service_name="orders")
    message = str(caught.value)
    assert "REVOCAST_DATABASE_URL is not set" in message
    assert "REVOCAST_REDIS_URL is not set" in message
    assert "REVOCAST_JWKS_URL is not set" in message


def test_lists_accept_commas(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REVOCAST_ALLOWED_ORIGINS", "https://app.example, https://admin.example/")
    settings = ResourceServerSettings(
        service_name="orders",
        database_url="postgresql+asyncpg://x/y",
        kafka_bootstrap_servers="k:1",
        redis_url="redis://r",
        jwks_url="http://a/jwks",
    )
    assert settings.allowed_origins == ("https://app.example", "https://admin.example")


@pytest.mark.parametrize(
    ("variable", "value", "fragment"),
    [
        ("REVOCAST_ALLOWED_ORIGINS", "*", "REVOCAST_ALLOWED_ORIGINS is invalid"),
        ("REVOCAST_JWT_ALGORITHMS", "none", "REVOCAST_JWT_ALGORITHMS is invalid"),
        ("REVOCAST_JWT_ALGORITHMS", "HS512", "REVOCAST_JWT_ALGORITHMS is invalid"),
        ("REVOCAST_COOKIE_SAMESITE", "none", "REVOCAST_COOKIE_SAMESITE is invalid"),
    ],
)
def test_unsafe_values_are_rejected(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, fragment: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigurationError, match=fragment):
        load_settings(
            ResourceServerSettings,
            service_name="orders",
            database_url="postgresql+asyncpg://x/y",
            kafka_bootstrap_servers="k:1",
            redis_url="redis://r",
            jwks_url="http://a/jwks",
        )
