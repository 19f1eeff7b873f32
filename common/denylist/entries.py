"""Denylist entries: what is revoked, since when, and until when the entry matters."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from common.tokens.claims import AccessClaims

__all__ = ["DenyEntry", "RevocationKind"]


class RevocationKind(enum.StrEnum):
    """Scope of a revocation, named after the claim it matches."""

    TOKEN = "jti"
    """One access token."""
    SESSION = "sid"
    """Every access token of a session issued up to the revocation."""
    USER = "sub"
    """Every access token of a user issued up to the revocation."""
    KEY = "kid"
    """Every access token signed by a key, for a compromised key."""


@dataclass(frozen=True, slots=True)
class DenyEntry:
    """One revocation as a service stores it.

    Attributes:
        kind: the claim the entry matches.
        value: the claim value (a ``jti``, session id, user id or key id).
        revoked_at: Unix time, in seconds, of the revocation.
        expires_at: Unix time after which no token the entry covers can still
            be valid, so the entry can be dropped.
    """

    kind: RevocationKind
    value: str
    revoked_at: float
    expires_at: float

    def covers(self, claims: AccessClaims) -> bool:
        """Check whether this entry revokes a token with ``claims``.

        Token, session and key entries cover every token they name, because the
        auth service issues no new token for a revoked session or key. A user
        entry covers tokens issued up to the revocation second, because ``iat``
        has whole-second resolution.
        """
        if self.kind is RevocationKind.USER:
            return claims.iat <= int(self.revoked_at)
        return True
