"""Access-token issuing, used only by the auth service."""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence

import jwt

from common.tokens.claims import ACCESS_TOKEN_TYPE, ROLES, AccessClaims
from common.tokens.keys import SigningKey

__all__ = ["AccessTokenIssuer"]


class AccessTokenIssuer:
    """Sign access tokens for a user session with one signing key."""

    def __init__(
        self,
        signing_key: SigningKey,
        *,
        issuer: str,
        audience: Sequence[str],
        ttl_seconds: int,
    ) -> None:
        if not audience:
            raise ValueError("access tokens need at least one audience")
        self._key = signing_key
        self._issuer = issuer
        self._audience = tuple(audience)
        self._ttl = ttl_seconds

    @property
    def ttl_seconds(self) -> int:
        return self._ttl

    def issue(
        self, *, subject: str, session_id: str, role: str, now: float | None = None
    ) -> tuple[str, AccessClaims]:
        """Sign a new access token.

        Returns:
            The compact JWT and its claims.
        """
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}; expected one of {sorted(ROLES)}")
        issued_at = int(time.time() if now is None else now)
        claims = AccessClaims(
            iss=self._issuer,
            aud=self._audience,
            sub=subject,
            sid=session_id,
            jti=uuid.uuid4().hex,
            iat=issued_at,
            nbf=issued_at,
            exp=issued_at + self._ttl,
            role=role,
            kid=self._key.kid,
        )
        token = jwt.encode(
            claims.to_payload(),
            self._key.private_key,
            algorithm=self._key.algorithm,
            headers={"typ": ACCESS_TOKEN_TYPE, "kid": self._key.kid},
        )
        return token, claims
