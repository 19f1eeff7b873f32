"""Typed service settings read once from ``REVOCAST_*`` environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal, TypeVar

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

__all__ = [
    "ENV_PREFIX",
    "AuthSettings",
    "ConfigurationError",
    "ResourceServerSettings",
    "ServiceSettings",
    "load_settings",
]

ENV_PREFIX = "REVOCAST_"

# Algorithms a deployment may allow. A verifier accepts the algorithm a token
# names only when it is on this list and on the configured allow-list, so
# ``none`` can never pass.
# TODO: HS256 for single-key setups needs a shared-secret key source; until then
# only asymmetric algorithms, whose public keys the JWKS can publish, are accepted.
SUPPORTED_ALGORITHMS = frozenset({"RS256", "ES256", "EdDSA"})

SettingsT = TypeVar("SettingsT", bound="ServiceSettings")


class ConfigurationError(RuntimeError):
    """Settings are missing or invalid; the message names each variable and the fix."""


def _split_list(value: object) -> object:
    """Accept ``a,b`` as well as a JSON list for list-valued variables."""
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.startswith("["):
            import json

            return json.loads(stripped)
        return [item.strip() for item in stripped.split(",") if item.strip()]
    return value


class ServiceSettings(BaseSettings):
    """Settings every Revocast service reads."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, frozen=True, extra="ignore")

    service_name: str
    """Name used in logs, metrics and as the token audience of a resource server."""

    database_url: str
    """SQLAlchemy URL of PostgreSQL, e.g. ``postgresql+asyncpg://user@host:5432/db``."""

    kafka_bootstrap_servers: str
    """Comma-separated ``host:port`` list of Kafka brokers."""

    jwt_issuer: str = "revocast-auth"
    """``iss`` value the auth service writes and every verifier requires."""

    jwt_algorithms: Annotated[tuple[str, ...], NoDecode] = ("RS256",)
    """Allow-list of signature algorithms; a token naming any other is rejected."""

    jwt_leeway_seconds: int = Field(default=10, ge=0, le=120)
    """Clock skew, in seconds, tolerated when checking ``exp``, ``nbf`` and ``iat``."""

    access_token_ttl_seconds: int = Field(default=900, ge=30, le=86_400)
    """Access-token lifetime in seconds; denylist entries live this long plus the leeway."""

    cookie_secure: bool = True
    """Set the ``Secure`` attribute on every cookie. Disable only for plain-HTTP development."""

    cookie_samesite: Literal["strict", "lax"] = "strict"
    """``SameSite`` attribute of every cookie."""

    cookie_domain: str | None = None
    """``Domain`` attribute of every cookie; unset means host-only cookies."""

    allowed_origins: Annotated[tuple[str, ...], NoDecode] = ()
    """Origins allowed for CORS and for cookie-authenticated unsafe requests."""

    kafka_fetch_max_wait_ms: int = Field(default=500, ge=1, le=10_000)
    """Maximum time, in milliseconds, that a Kafka fetch waits for data before returning."""

    kafka_topic_prefix: str = ""
    """Prefix for every topic name, so that several deployments can share one cluster."""

    outbox_poll_interval_seconds: float = Field(default=0.5, gt=0)
    """Fallback interval, in seconds, at which the outbox relay looks for unpublished events."""

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["auto", "json", "console"] = "auto"
    """``auto`` writes JSON unless standard error is a terminal."""

    @field_validator("jwt_algorithms", "allowed_origins", mode="before")
    @classmethod
    def _parse_list(cls, value: object) -> object:
        return _split_list(value)

    @field_validator("jwt_algorithms")
    @classmethod
    def _check_algorithms(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = sorted(set(value) - SUPPORTED_ALGORITHMS)
        if unknown or not value:
            raise ValueError(
                f"unsupported algorithm(s) {unknown or value!r}; "
                f"choose from {sorted(SUPPORTED_ALGORITHMS)}"
            )
        return value

    @field_validator("allowed_origins")
    @classmethod
    def _check_origins(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if "*" in value:
            raise ValueError("'*' cannot be used with credentials; list each origin explicitly")
        return tuple(origin.rstrip("/") for origin in value)

    def topic(self, name: str) -> str:
        """Return the full name of topic ``name`` with the configured prefix."""
        return f"{self.kafka_topic_prefix}{name}"


class AuthSettings(ServiceSettings):
    """Settings of the auth service."""

    service_name: str = "auth"

    signing_key_file: Path
    """PEM file with the private key that signs access tokens and revocation events."""

    previous_public_key_files: Annotated[tuple[Path, ...], NoDecode] = ()
    """PEM public keys of retired signing keys, published until their tokens expire."""

    access_token_audience: Annotated[tuple[str, ...], NoDecode] = ("auth", "orders", "payments")
    """``aud`` of every access token: the services it is for, the auth service included."""

    refresh_token_ttl_seconds: int = Field(default=7 * 86_400, ge=60)
    """Refresh-token and session lifetime in seconds."""

    refresh_reuse_grace_seconds: float = Field(default=10.0, ge=0, le=120)
    """Seconds during which a just-rotated refresh token may be used again.

    Two browser tabs that refresh at the same time both present the same
    token; the second one inside this window gets fresh tokens instead of
    being treated as a stolen-token replay.
    """

    password_hash_time_cost: int = Field(default=3, ge=1, le=20)
    """Argon2id iterations for new password hashes."""

    password_hash_memory_kib: int = Field(default=65_536, ge=8_192)
    """Argon2id memory for new password hashes, in KiB."""

    password_hash_parallelism: int = Field(default=4, ge=1, le=16)
    """Argon2id lanes for new password hashes."""

    login_rate_limit_per_minute: int = Field(default=30, ge=1)
    """Login and register requests allowed per client address and minute, per replica.

    The client address is the connection's peer; behind a proxy, run uvicorn
    with ``--proxy-headers`` and ``--forwarded-allow-ips`` so it is the user's.
    """

    password_hash_max_concurrent: int = Field(default=2, ge=1, le=64)
    """Password hashes computed at once; each takes ``password_hash_memory_kib`` of memory."""

    @field_validator("previous_public_key_files", "access_token_audience", mode="before")
    @classmethod
    def _parse_auth_list(cls, value: object) -> object:
        return _split_list(value)

    @field_validator("signing_key_file")
    @classmethod
    def _check_key_file(cls, value: Path) -> Path:
        if not value.is_file():
            raise ValueError(f"no file at {value}; generate one with `revocast-admin generate-key`")
        return value


class ResourceServerSettings(ServiceSettings):
    """Settings of a service that verifies tokens and consumes revocations."""

    redis_url: str
    """Redis URL of this service's denylist, e.g. ``redis://127.0.0.1:6379/0``."""

    jwks_url: str
    """Auth service JWKS, e.g. ``http://auth:8001/.well-known/jwks.json``."""

    jwks_refetch_cooldown_seconds: float = Field(default=10.0, ge=0)
    """Minimum seconds between two fetches of the JWKS triggered by unknown ``kid`` values."""

    revocation_max_lag_seconds: float = Field(default=5.0, gt=0)
    """Seconds the revocation feed may go without catching up before requests follow the
    stale-feed policy."""

    revocation_fail_closed: bool = True
    """On a stale revocation feed, return 503 (true) or serve with a warning (false)."""

    @property
    def audience(self) -> str:
        """The ``aud`` value this service requires: its own name."""
        return self.service_name


def load_settings(cls: type[SettingsT], **overrides: object) -> SettingsT:
    """Read ``cls`` from the environment, failing with every problem named.

    Raises:
        ConfigurationError: a required variable is missing or a value is invalid.
    """
    try:
        return cls(**overrides)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "?"
            variable = f"{ENV_PREFIX}{field.upper()}"
            if error["type"] == "missing":
                problems.append(f"{variable} is not set")
            else:
                problems.append(f"{variable} is invalid: {error['msg']}")
        raise ConfigurationError(
            f"{cls.__name__}: " + "; ".join(problems) + ". Set the variable(s) and start again."
        ) from None
