"""Access-token checks for the auth service's own routes."""

from __future__ import annotations

import uuid
from typing import Any

from litestar.connection import ASGIConnection

from auth.keys import KeyRing
from auth.services.sessions import SessionService
from common.db import Database
from common.settings import AuthSettings
from common.tokens.claims import AccessClaims
from common.tokens.errors import InvalidClaims, TokenRevoked
from common.tokens.verifier import AccessTokenVerifier

__all__ = ["SessionAuthenticator"]


class SessionAuthenticator:
    """Verify with the local keys, then check in the database that the session is still active.

    The auth service owns the sessions, so it reads their state directly
    instead of consuming its own revocation events.
    """

    def __init__(self, settings: AuthSettings, keys: KeyRing, sessions: SessionService) -> None:
        self._verifier = AccessTokenVerifier(
            keys.current,
            issuer=settings.jwt_issuer,
            audience=settings.service_name,
            algorithms=settings.jwt_algorithms,
            leeway_seconds=settings.jwt_leeway_seconds,
            max_lifetime_seconds=settings.access_token_ttl_seconds,
        )
        self._sessions = sessions
        self.database: Database | None = None

    async def authenticate(
        self, token: str, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AccessClaims:
        claims = self._verifier.verify(token)
        try:
            session_id = uuid.UUID(claims.sid)
            uuid.UUID(claims.sub)
        except ValueError:
            raise InvalidClaims(
                "claims 'sid' and 'sub' must be UUIDs", kid=claims.kid, jti=claims.jti
            ) from None
        if self.database is None:
            raise RuntimeError("SessionAuthenticator.database was not set")
        async with self.database.sessionmaker() as db:
            active = await self._sessions.is_active(db, session_id)
        if not active:
            raise TokenRevoked(f"session {claims.sid} is revoked", kid=claims.kid, jti=claims.jti)
        return claims
