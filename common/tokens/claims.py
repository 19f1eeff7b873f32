"""Access-token claims: names, required set and the typed form verifiers return."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ACCESS_TOKEN_TYPE",
    "REQUIRED_CLAIMS",
    "ROLES",
    "AccessClaims",
]

#: JOSE ``typ`` header of access tokens (RFC 9068). It keeps an ID token, a
#: revocation event or any other JWT signed by the same key from being
#: accepted as an access token.
ACCESS_TOKEN_TYPE = "at+jwt"

REQUIRED_CLAIMS = ("iss", "aud", "sub", "sid", "jti", "iat", "nbf", "exp", "role")

ROLES = frozenset({"user", "admin"})


@dataclass(frozen=True, slots=True)
class AccessClaims:
    """The verified claims of one access token."""

    iss: str
    aud: tuple[str, ...]
    sub: str
    sid: str
    jti: str
    iat: int
    nbf: int
    exp: int
    role: str
    kid: str

    def to_payload(self) -> dict[str, object]:
        """Return the JWT payload, without ``kid`` (which travels in the header)."""
        return {
            "iss": self.iss,
            "aud": list(self.aud),
            "sub": self.sub,
            "sid": self.sid,
            "jti": self.jti,
            "iat": self.iat,
            "nbf": self.nbf,
            "exp": self.exp,
            "role": self.role,
        }
