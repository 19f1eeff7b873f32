"""Authentication middleware: a verified access token becomes the request's principal."""

from __future__ import annotations

from typing import Any, Protocol

import structlog
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.types import ASGIApp

from common.http.credentials import UNSAFE_METHODS, CsrfRejected, check_csrf, read_credentials
from common.logging import get_logger
from common.metrics import ServiceMetrics
from common.principal import Principal
from common.tokens.claims import AccessClaims
from common.tokens.errors import InvalidAccessToken

__all__ = ["EXCLUDE_FROM_AUTH", "UNAUTHORIZED_DETAIL", "AccessTokenMiddleware", "Authenticator"]

log = get_logger(__name__)

#: Route ``opt`` key that marks a public route.
EXCLUDE_FROM_AUTH = "exclude_from_auth"

# The same words for every bad or missing token: the client never learns
# which check failed. Logs and metrics record the reason.
UNAUTHORIZED_DETAIL = "Missing, invalid, expired or revoked access token"
_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="revocast"'}


class Authenticator(Protocol):
    """Turns an access token into verified claims, or raises ``InvalidAccessToken``."""

    async def authenticate(
        self, token: str, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AccessClaims: ...


class AccessTokenMiddleware(AbstractAuthenticationMiddleware):
    """Authenticate by ``Authorization: Bearer`` or the ``access_token`` cookie.

    Cookie-authenticated unsafe requests must also pass the CSRF check.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        authenticator: Authenticator,
        metrics: ServiceMetrics,
        allowed_origins: tuple[str, ...] = (),
        exclude: str | list[str] | None = None,
    ) -> None:
        super().__init__(app=app, exclude=exclude, exclude_from_auth_key=EXCLUDE_FROM_AUTH)
        self._authenticator = authenticator
        self._metrics = metrics
        self._allowed_origins = frozenset(allowed_origins)

    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        credentials = read_credentials(connection)
        if credentials is None:
            self._metrics.auth_failures.labels(reason="missing").inc()
            raise NotAuthorizedException(UNAUTHORIZED_DETAIL, headers=_CHALLENGE)
        try:
            claims = await self._authenticator.authenticate(credentials.token, connection)
        except InvalidAccessToken as exc:
            self._metrics.auth_failures.labels(reason=exc.reason).inc()
            log.info(
                "access_token_rejected",
                reason=exc.reason,
                error=type(exc).__name__,
                # Attacker-chosen values, shortened so a huge token cannot
                # turn into a huge log line.
                detail=str(exc)[:200],
                kid=exc.kid[:80] if exc.kid else None,
                jti=exc.jti[:80] if exc.jti else None,
            )
            raise NotAuthorizedException(UNAUTHORIZED_DETAIL, headers=_CHALLENGE) from None

        if credentials.from_cookie and connection.scope.get("method") in UNSAFE_METHODS:
            try:
                check_csrf(connection, self._allowed_origins)
            except CsrfRejected as exc:
                self._metrics.auth_failures.labels(reason="csrf").inc()
                log.info("csrf_rejected", detail=str(exc), user_id=claims.sub)
                raise PermissionDeniedException(str(exc)) from None

        structlog.contextvars.bind_contextvars(user_id=claims.sub, session_id=claims.sid)
        return AuthenticationResult(user=Principal.from_claims(claims), auth=claims)
