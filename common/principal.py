"""The authenticated caller of a request."""

from __future__ import annotations

from dataclasses import dataclass

from common.tokens.claims import AccessClaims

__all__ = ["Principal"]


@dataclass(frozen=True, slots=True)
class Principal:
    """The caller: a user in a session, with a role, proven by one access token."""

    user_id: str
    session_id: str
    role: str
    token_id: str
    token_expires_at: int

    @classmethod
    def from_claims(cls, claims: AccessClaims) -> Principal:
        return cls(
            user_id=claims.sub,
            session_id=claims.sid,
            role=claims.role,
            token_id=claims.jti,
            token_expires_at=claims.exp,
        )

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"
