"""The plugin for services that accept access tokens and apply revocations.

A team's own service adds Revocast like this::

    settings = load_settings(ResourceServerSettings, service_name="shipping")
    app = Litestar(route_handlers=[...], plugins=[ResourceServerPlugin(settings)])

Handlers then receive ``principal: Principal`` and ``db_session: AsyncSession``
and use guards such as ``requires_role("admin")``.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import ServiceUnavailableException
from redis.asyncio import Redis

from common.denylist.mirror import DenylistMirror
from common.denylist.store import RedisDenylist
from common.kafka.topics import REVOCATIONS_TOPIC
from common.logging import get_logger
from common.plugin import ServicePlugin
from common.revocation.consumer import RevocationConsumer
from common.revocation.events import (
    RevocationEvent,
    UnknownEventKey,
    decode_revocation_event,
)
from common.settings import ResourceServerSettings
from common.tokens.claims import AccessClaims
from common.tokens.errors import TokenRevoked, UnknownKeyId
from common.tokens.jwks import JwksUnavailable, RemoteJwks
from common.tokens.verifier import AccessTokenVerifier

__all__ = ["FEED_POLICY", "ResourceServerPlugin"]

log = get_logger(__name__)

#: Route ``opt`` key choosing what a route does while the revocation feed is
#: stale: ``"fail_closed"`` returns 503, ``"fail_open"`` serves and counts it.
FEED_POLICY = "revocation_feed_policy"

_STARTUP_RETRY_SECONDS = 1.0


class ResourceServerPlugin(ServicePlugin):
    """Verify access tokens locally and reject revoked ones, on every replica."""

    def __init__(self, settings: ResourceServerSettings) -> None:
        self.jwks = RemoteJwks(
            settings.jwks_url, cooldown_seconds=settings.jwks_refetch_cooldown_seconds
        )
        self.verifier = AccessTokenVerifier(
            self.jwks.current,
            issuer=settings.jwt_issuer,
            audience=settings.audience,
            algorithms=settings.jwt_algorithms,
            leeway_seconds=settings.jwt_leeway_seconds,
            max_lifetime_seconds=settings.access_token_ttl_seconds,
        )
        self.mirror = DenylistMirror()
        self.redis: Redis | None = None
        self.consumer: RevocationConsumer | None = None
        self._startup: asyncio.Task[None] | None = None
        self._max_lag = settings.revocation_max_lag_seconds
        self._default_policy = "fail_closed" if settings.revocation_fail_closed else "fail_open"
        self.resource_settings = settings
        super().__init__(settings, authenticator=self)
        self.readiness_checks["revocation_feed"] = self._feed_ready

    async def authenticate(
        self, token: str, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AccessClaims:
        """Verify ``token`` and check it against the denylist mirror, with no network call.

        The only exception is a ``kid`` this replica has not seen, which
        triggers one JWKS refetch per cooldown.
        """
        try:
            claims = self.verifier.verify(token)
        except UnknownKeyId as exc:
            if not await self.jwks.refresh_for(exc.kid or ""):
                raise
            claims = self.verifier.verify(token)

        entry = self.mirror.match(claims)
        if entry is not None:
            raise TokenRevoked(
                f"{entry.kind.value} {entry.value} revoked at {entry.revoked_at}",
                kid=claims.kid,
                jti=claims.jti,
            )
        self._check_feed(connection)
        return claims

    def _check_feed(self, connection: ASGIConnection[Any, Any, Any, Any]) -> None:
        consumer = self.consumer
        lag = consumer.lag_seconds() if consumer is not None and consumer.ready else float("inf")
        if lag <= self._max_lag:
            return
        policy = connection.route_handler.opt.get(FEED_POLICY, self._default_policy)
        self.metrics.stale_feed_requests.labels(policy=policy).inc()
        if policy == "fail_open":
            log.warning("revocation_feed_stale_serving", lag_seconds=round(lag, 3))
            return
        log.warning("revocation_feed_stale_refusing", lag_seconds=round(lag, 3))
        raise ServiceUnavailableException(
            "Revocation feed is behind; retry shortly", headers={"Retry-After": "1"}
        )

    async def _feed_ready(self) -> str | None:
        if not self.jwks.loaded:
            return "JWKS not loaded yet"
        if self.consumer is None or not self.consumer.ready:
            return "revocation feed not caught up yet"
        return None

    async def _decode_event(self, raw: str) -> RevocationEvent:
        """Verify one revocation event, waiting for the JWKS when its key is new.

        An event whose key this replica does not know yet is not skipped:
        skipping would lose a revocation. The consumer waits here, refetching
        the JWKS, until the key appears or the auth service publishes a JWKS
        without it.

        NOTE: each event with an unknown key costs one JWKS fetch, and none
        succeeds while auth is down, so a client with write access to the
        topic can slow the feed down. Kafka ACLs that let only auth write the topic
        close this.
        """
        settings = self.resource_settings

        def decode() -> RevocationEvent:
            return decode_revocation_event(
                raw,
                keys=self.jwks.current,
                issuer=settings.jwt_issuer,
                audience=settings.audience,
                algorithms=settings.jwt_algorithms,
            )

        try:
            return decode()
        except UnknownEventKey:
            pass
        while True:
            try:
                await self.jwks.fetch()
                return decode()
            except JwksUnavailable as exc:
                log.warning("jwks_unavailable_for_event", error=str(exc))
                await asyncio.sleep(_STARTUP_RETRY_SECONDS)

    async def start(self) -> None:
        settings = self.resource_settings
        self.redis = Redis.from_url(settings.redis_url, socket_timeout=5, socket_connect_timeout=5)
        self.consumer = RevocationConsumer(
            bootstrap_servers=settings.kafka_bootstrap_servers,
            topic=settings.topic(REVOCATIONS_TOPIC),
            store=RedisDenylist(self.redis, namespace=settings.service_name),
            mirror=self.mirror,
            decode=self._decode_event,
            metrics=self.metrics,
            fetch_max_wait_ms=settings.kafka_fetch_max_wait_ms,
            client_id=f"{settings.service_name}-revocations",
        )
        self.metrics.revocation_feed_lag_seconds.set_function(self._lag_for_metrics)
        # Start in the background so /healthz responds while the JWKS and the
        # feed load; /readyz stays 503 until both are there.
        self._startup = asyncio.create_task(self._start_feed(), name="revocation-feed-startup")

    def _lag_for_metrics(self) -> float:
        consumer = self.consumer
        return consumer.lag_seconds() if consumer is not None and consumer.ready else -1.0

    async def _start_feed(self) -> None:
        assert self.consumer is not None
        while True:
            try:
                await self.jwks.fetch()
                break
            except JwksUnavailable as exc:
                log.warning(
                    "jwks_unavailable", error=str(exc), retry_in_seconds=_STARTUP_RETRY_SECONDS
                )
                await asyncio.sleep(_STARTUP_RETRY_SECONDS)
        while True:
            try:
                await self.consumer.start()
                return
            except Exception as exc:  # noqa: BLE001 - any start failure is retried and logged
                log.warning(
                    "revocation_consumer_start_failed",
                    error=repr(exc),
                    retry_in_seconds=_STARTUP_RETRY_SECONDS,
                )
                await asyncio.sleep(_STARTUP_RETRY_SECONDS)

    async def stop(self) -> None:
        if self._startup is not None:
            self._startup.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._startup
        if self.consumer is not None:
            await self.consumer.stop()
        if self.redis is not None:
            await self.redis.aclose()
        await self.jwks.aclose()
