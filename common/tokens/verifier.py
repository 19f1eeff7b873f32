"""Access-token verification against a key set, with every check configured up front."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Sequence

import jwt

from common.tokens.claims import ACCESS_TOKEN_TYPE, REQUIRED_CLAIMS, ROLES, AccessClaims
from common.tokens.errors import (
    AlgorithmNotAllowed,
    InvalidClaims,
    InvalidSignature,
    MalformedToken,
    TokenExpired,
    UnknownKeyId,
    WrongTokenType,
)
from common.tokens.keys import KeySet

__all__ = ["MAX_TOKEN_LENGTH", "AccessTokenVerifier"]

# Far above any token this system issues (about 1 KB); bounds the work and
# the log line an oversized token can cause before any parsing.
MAX_TOKEN_LENGTH = 8192
_MAX_CLAIM_LENGTH = 255

_BASE64URL_SEGMENT = re.compile(r"[A-Za-z0-9_-]+")

_ACCEPTED_TYPES = frozenset({ACCESS_TOKEN_TYPE, f"application/{ACCESS_TOKEN_TYPE}"})
_STRING_CLAIMS = ("iss", "sub", "sid", "jti", "role")
_DECODE_OPTIONS: jwt.types.Options = {
    "require": list(REQUIRED_CLAIMS),
    "verify_signature": True,
    "verify_exp": True,
    "verify_nbf": True,
    "verify_iat": True,
    "verify_aud": True,
    "verify_iss": True,
}


class AccessTokenVerifier:
    """Verify access tokens locally: no network call, whatever the token contains.

    The algorithm allow-list, issuer, audience and leeway come from
    configuration and are fixed when the verifier is built; the token header
    only selects a key by ``kid`` among keys already trusted.

    Args:
        keys: returns the current key set; called on every verification, so a
            refetched JWKS takes effect at once.
        issuer: required ``iss``.
        audience: ``aud`` that must be among the token's audiences.
        algorithms: allow-list of JWS algorithms.
        leeway_seconds: clock skew tolerated for ``exp``, ``nbf`` and ``iat``.
        max_lifetime_seconds: longest ``exp - iat`` accepted; a token valid for
            longer was not issued under this configuration.
    """

    def __init__(
        self,
        keys: Callable[[], KeySet],
        *,
        issuer: str,
        audience: str,
        algorithms: Sequence[str],
        leeway_seconds: int,
        max_lifetime_seconds: int,
    ) -> None:
        if not algorithms:
            raise ValueError("the algorithm allow-list is empty")
        if "none" in {a.lower() for a in algorithms}:
            raise ValueError("'none' can never be an allowed algorithm")
        self._keys = keys
        self._issuer = issuer
        self._audience = audience
        self._algorithms = frozenset(algorithms)
        self._leeway = leeway_seconds
        self._max_lifetime = max_lifetime_seconds

    def verify(self, token: str) -> AccessClaims:
        """Check signature, header and claims of ``token``.

        Raises:
            InvalidAccessToken: a subclass naming the failed check.
        """
        if len(token) > MAX_TOKEN_LENGTH:
            raise MalformedToken(f"token of {len(token)} characters exceeds {MAX_TOKEN_LENGTH}")
        header = _read_header(token)

        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise MalformedToken("header has no 'kid' string")
        typ = header.get("typ")
        if not isinstance(typ, str) or typ.lower() not in _ACCEPTED_TYPES:
            raise WrongTokenType(f"header typ {typ!r} is not {ACCESS_TOKEN_TYPE!r}", kid=kid)
        algorithm = header.get("alg")
        if not isinstance(algorithm, str) or algorithm not in self._algorithms:
            raise AlgorithmNotAllowed(f"algorithm {algorithm!r} is not allowed", kid=kid)

        key = self._keys().get(kid)
        if key is None:
            raise UnknownKeyId(f"no key with kid {kid!r}", kid=kid)
        # The key decides the algorithm: a token cannot ask for an RSA public
        # key to be used as an HMAC secret or for any other mismatch.
        if key.algorithm_name != algorithm:
            raise AlgorithmNotAllowed(
                f"algorithm {algorithm!r} does not match key algorithm {key.algorithm_name!r}",
                kid=kid,
            )

        try:
            payload = jwt.decode(
                token,
                key.key,
                algorithms=[algorithm],
                audience=self._audience,
                issuer=self._issuer,
                leeway=self._leeway,
                options=_DECODE_OPTIONS,
            )
        except jwt.ExpiredSignatureError as exc:
            raise TokenExpired(str(exc), kid=kid) from None
        except jwt.InvalidSignatureError as exc:
            raise InvalidSignature(str(exc), kid=kid) from None
        except jwt.DecodeError as exc:
            raise MalformedToken(str(exc), kid=kid) from None
        except jwt.PyJWTError as exc:
            raise InvalidClaims(f"{type(exc).__name__}: {exc}", kid=kid) from None

        claims = _claims_from_payload(payload, kid)
        if claims.exp - claims.iat > self._max_lifetime:
            raise InvalidClaims(
                f"lifetime {claims.exp - claims.iat} s exceeds {self._max_lifetime} s",
                kid=kid,
                jti=claims.jti,
            )
        return claims


def _read_header(token: str) -> dict[str, object]:
    """Decode the JOSE header only, to pick the key.

    ``jwt.get_unverified_header`` would decode and check all three
    segments, which :func:`jwt.decode` then does again; with PyJWT 2.15 that
    added two thirds to the cost of a verification (bench/auth_check.py).
    ``jwt.decode`` still checks the whole token, this header included,
    before anything here is trusted.
    """
    segments = token.split(".")
    if len(segments) != 3 or not _BASE64URL_SEGMENT.fullmatch(segments[0]):
        raise MalformedToken("not a compact JWS of three base64url segments")
    try:
        raw = base64.urlsafe_b64decode(segments[0] + "=" * (-len(segments[0]) % 4))
        header = json.loads(raw)
    except (binascii.Error, ValueError, RecursionError) as exc:
        raise MalformedToken(f"undecodable header: {exc}") from None
    if not isinstance(header, dict):
        raise MalformedToken("header is not a JSON object")
    return header


def _claims_from_payload(payload: dict[str, object], kid: str) -> AccessClaims:
    jti = payload.get("jti")
    jti_text = jti if isinstance(jti, str) else None
    for name in _STRING_CLAIMS:
        value = payload.get(name)
        # Claim values reach SQL parameters, Redis keys and log lines, so
        # control characters and unbounded lengths stop here.
        if (
            not isinstance(value, str)
            or not value
            or len(value) > _MAX_CLAIM_LENGTH
            or not value.isprintable()
        ):
            raise InvalidClaims(
                f"claim {name!r} must be a printable string of 1 to {_MAX_CLAIM_LENGTH} characters",
                kid=kid,
                jti=jti_text,
            )
    for name in ("iat", "nbf", "exp"):
        value = payload.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise InvalidClaims(
                f"claim {name!r} must be a non-negative integer", kid=kid, jti=jti_text
            )
    role = payload["role"]
    if role not in ROLES:
        raise InvalidClaims(f"claim 'role' has unknown value {role!r}", kid=kid, jti=jti_text)
    audience = payload["aud"]
    aud = (audience,) if isinstance(audience, str) else tuple(audience)  # type: ignore[arg-type]
    return AccessClaims(
        iss=payload["iss"],  # type: ignore[arg-type]
        aud=aud,
        sub=payload["sub"],  # type: ignore[arg-type]
        sid=payload["sid"],  # type: ignore[arg-type]
        jti=payload["jti"],  # type: ignore[arg-type]
        iat=payload["iat"],  # type: ignore[arg-type]
        nbf=payload["nbf"],  # type: ignore[arg-type]
        exp=payload["exp"],  # type: ignore[arg-type]
        role=role,  # type: ignore[arg-type]
        kid=kid,
    )
