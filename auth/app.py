"""The auth service application factory: ``uvicorn --factory auth.app:create_app``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar, Request
from litestar.di import Provide
from litestar.middleware.rate_limit import RateLimitConfig

from auth.authenticator import SessionAuthenticator
from auth.keys import KeyRing
from auth.models import outbox
from auth.passwords import PasswordHasher
from auth.routes import AuthController, jwks
from auth.services.accounts import AccountService
from auth.services.container import AuthServices
from auth.services.revocations import RevocationWriter
from auth.services.sessions import SessionService
from common.http.openapi import openapi_config
from common.plugin import ServicePlugin
from common.settings import AuthSettings, load_settings
from common.tokens.issuer import AccessTokenIssuer

__all__ = ["create_app"]

_CREDENTIAL_PATHS = frozenset({"/auth/login", "/auth/register"})


def _is_credential_request(request: Request[Any, Any, Any]) -> bool:
    """Select the requests that cost a password hash, the ones worth limiting."""
    return request.url.path in _CREDENTIAL_PATHS


def create_app(settings: AuthSettings | None = None) -> Litestar:
    """Build the auth service; settings come from ``REVOCAST_*`` variables when not given."""
    settings = settings or load_settings(AuthSettings)
    if settings.service_name not in settings.access_token_audience:
        raise ValueError(
            f"REVOCAST_ACCESS_TOKEN_AUDIENCE must include {settings.service_name!r}, "
            "because the auth service accepts its own tokens on /auth/me and /auth/logout"
        )
    keys = KeyRing(settings)
    issuer = AccessTokenIssuer(
        keys.signing_key,
        issuer=settings.jwt_issuer,
        audience=settings.access_token_audience,
        ttl_seconds=settings.access_token_ttl_seconds,
    )
    sessions = SessionService(settings, issuer, RevocationWriter(settings, keys.signing_key))
    hasher = PasswordHasher(
        time_cost=settings.password_hash_time_cost,
        memory_cost_kib=settings.password_hash_memory_kib,
        parallelism=settings.password_hash_parallelism,
        max_concurrent=settings.password_hash_max_concurrent,
    )

    # The plugin needs the authenticator and the authenticator the plugin's
    # database, so the authenticator gets it right after both exist.
    authenticator = SessionAuthenticator(settings, keys, sessions)
    plugin = ServicePlugin(settings, authenticator=authenticator)
    authenticator.database = plugin.database

    relay = plugin.outbox_relay(outbox)
    services = AuthServices(
        settings=settings,
        keys=keys,
        accounts=AccountService(hasher),
        sessions=sessions,
        relay=relay,
    )

    @asynccontextmanager
    async def run_relay(app: Litestar) -> AsyncIterator[None]:
        relay.start()
        try:
            yield
        finally:
            await relay.stop()

    # NOTE: the limit lives in each replica's memory, so N replicas allow N
    # times the configured rate; a shared store would make it global.
    rate_limit = RateLimitConfig(
        rate_limit=("minute", settings.login_rate_limit_per_minute),
        check_throttle_handler=_is_credential_request,
    )
    return Litestar(
        route_handlers=[AuthController, jwks],
        middleware=[rate_limit.middleware],
        plugins=[plugin],
        lifespan=[run_relay],
        dependencies={"services": Provide(lambda: services, sync_to_thread=False)},
        openapi_config=openapi_config("Revocast auth"),
    )
