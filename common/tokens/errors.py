"""One exception per reason an access token is rejected.

Clients see a single 401 whatever the reason; these classes exist so that
logs and metrics record the precise one.
"""

from __future__ import annotations

__all__ = [
    "AlgorithmNotAllowed",
    "InvalidAccessToken",
    "InvalidClaims",
    "InvalidSignature",
    "MalformedToken",
    "TokenExpired",
    "TokenRevoked",
    "UnknownKeyId",
    "WrongTokenType",
]


class InvalidAccessToken(Exception):
    """Base class: the access token must not be accepted."""

    reason = "invalid"

    def __init__(self, message: str, *, kid: str | None = None, jti: str | None = None) -> None:
        super().__init__(message)
        self.kid = kid
        self.jti = jti


class MalformedToken(InvalidAccessToken):
    reason = "malformed"


class WrongTokenType(InvalidAccessToken):
    """The ``typ`` header is not ``at+jwt``."""

    reason = "wrong_type"


class AlgorithmNotAllowed(InvalidAccessToken):
    """The header names an algorithm outside the allow-list or unlike its key's."""

    reason = "algorithm_not_allowed"


class UnknownKeyId(InvalidAccessToken):
    """No key with the header's ``kid`` is known, even after a JWKS refetch."""

    reason = "unknown_kid"


class InvalidSignature(InvalidAccessToken):
    reason = "invalid_signature"


class TokenExpired(InvalidAccessToken):
    reason = "expired"


class InvalidClaims(InvalidAccessToken):
    """A claim is missing, of the wrong type, or has a value this service rejects."""

    reason = "invalid_claims"


class TokenRevoked(InvalidAccessToken):
    """The token, its session, its user or its key is on the denylist."""

    reason = "revoked"
