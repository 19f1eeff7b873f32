"""Revocation events as signed Security Event Tokens (RFC 8417).

Each event carries one denylist entry. The event type is an OpenID CAEP
type where one fits (session revoked, credential change, token claims
change) and a ``urn:revocast`` type otherwise; the entry itself sits in the
event payload under ``revocation``.
"""

from __future__ import annotations

import enum
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import jwt

from common.denylist.entries import DenyEntry, RevocationKind
from common.tokens.keys import KeySet, SigningKey

__all__ = [
    "SECEVENT_TYPE",
    "InvalidRevocationEvent",
    "RevocationEvent",
    "RevocationReason",
    "UnknownEventKey",
    "decode_revocation_event",
    "encode_revocation_event",
]

SECEVENT_TYPE = "secevent+jwt"

_CAEP = "https://schemas.openid.net/secevent/caep/event-type/"
SESSION_REVOKED = _CAEP + "session-revoked"
CREDENTIAL_CHANGE = _CAEP + "credential-change"
TOKEN_CLAIMS_CHANGE = _CAEP + "token-claims-change"
TOKEN_REVOKED = "urn:revocast:secevent:token-revoked"
KEY_REVOKED = "urn:revocast:secevent:key-revoked"


_MAX_VALUE_LENGTH = 255
# No token lives longer than a day (the settings' upper bound for the access
# token lifetime), so no entry needs to outlive its revocation by more.
_MAX_ENTRY_SECONDS = 86_400 + 120


class RevocationReason(enum.StrEnum):
    """Reason for a revocation, which selects the event type."""

    LOGOUT = "logout"
    LOGOUT_ALL = "logout_all"
    REFRESH_TOKEN_REUSE = "refresh_token_reuse"
    ADMIN = "admin"
    PASSWORD_CHANGE = "password_change"
    ROLE_CHANGE = "role_change"
    USER_DISABLED = "user_disabled"
    KEY_COMPROMISE = "key_compromise"


def _event_type(kind: RevocationKind, reason: RevocationReason) -> str:
    if kind is RevocationKind.TOKEN:
        return TOKEN_REVOKED
    if kind is RevocationKind.KEY:
        return KEY_REVOKED
    if reason is RevocationReason.PASSWORD_CHANGE:
        return CREDENTIAL_CHANGE
    if reason in (RevocationReason.ROLE_CHANGE, RevocationReason.USER_DISABLED):
        return TOKEN_CLAIMS_CHANGE
    return SESSION_REVOKED


class InvalidRevocationEvent(ValueError):
    """A record on the revocation topic is not a valid, signed revocation event."""


class UnknownEventKey(InvalidRevocationEvent):
    """The event names a ``kid`` missing from the current key set; a JWKS refetch may find it."""


@dataclass(frozen=True, slots=True)
class RevocationEvent:
    """A decoded revocation event."""

    event_id: str
    user_id: str
    reason: RevocationReason
    entry: DenyEntry


def encode_revocation_event(
    entry: DenyEntry,
    *,
    user_id: str,
    reason: RevocationReason,
    signing_key: SigningKey,
    issuer: str,
    audience: Sequence[str],
    event_id: str | None = None,
) -> str:
    """Sign a Security Event Token announcing ``entry``."""
    subject = {"format": "opaque", "id": user_id}
    if entry.kind is RevocationKind.SESSION:
        subject = {
            "format": "complex",
            "user": {"format": "opaque", "id": user_id},
            "session": {"format": "opaque", "id": entry.value},
        }
    payload = {
        "iss": issuer,
        "aud": list(audience),
        "iat": int(time.time()),
        "jti": event_id or uuid.uuid4().hex,
        "sub_id": subject,
        "events": {
            _event_type(entry.kind, reason): {
                "event_timestamp": int(entry.revoked_at),
                "reason_admin": {"en": reason.value},
                "revocation": {
                    "kind": entry.kind.value,
                    "value": entry.value,
                    "revoked_at": entry.revoked_at,
                    "expires_at": entry.expires_at,
                    "reason": reason.value,
                },
            }
        },
    }
    return jwt.encode(
        payload,
        signing_key.private_key,
        algorithm=signing_key.algorithm,
        headers={"typ": SECEVENT_TYPE, "kid": signing_key.kid},
    )


def decode_revocation_event(
    token: str,
    *,
    keys: Callable[[], KeySet],
    issuer: str,
    audience: str,
    algorithms: Sequence[str],
) -> RevocationEvent:
    """Verify the signature and shape of a revocation event.

    Raises:
        InvalidRevocationEvent: with the reason; the ``kid`` is in the message
            when the key is unknown, so the caller can refetch the JWKS.
    """
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise InvalidRevocationEvent(f"undecodable header: {exc}") from None
    if header.get("typ") != SECEVENT_TYPE:
        raise InvalidRevocationEvent(f"typ {header.get('typ')!r:.40} is not {SECEVENT_TYPE!r}")
    kid = header.get("kid")
    if not isinstance(kid, str):
        raise InvalidRevocationEvent("header has no 'kid' string")
    key = keys().get(kid)
    if key is None:
        raise UnknownEventKey(f"unknown kid {kid!r:.80}")
    algorithm = header.get("alg")
    if (
        not isinstance(algorithm, str)
        or algorithm not in algorithms
        or algorithm != key.algorithm_name
    ):
        raise InvalidRevocationEvent(f"algorithm {algorithm!r:.40} is not allowed")
    try:
        payload = jwt.decode(
            token,
            key.key,
            algorithms=[algorithm],
            issuer=issuer,
            audience=audience,
            options={"require": ["iss", "aud", "iat", "jti", "events", "sub_id"]},
        )
    except jwt.PyJWTError as exc:
        raise InvalidRevocationEvent(f"{type(exc).__name__}: {exc}") from None
    return _event_from_payload(payload)


def _event_from_payload(payload: dict[str, object]) -> RevocationEvent:
    events = payload.get("events")
    if not isinstance(events, dict) or len(events) != 1:
        raise InvalidRevocationEvent("'events' must hold exactly one event")
    (body,) = events.values()
    details = body.get("revocation") if isinstance(body, dict) else None
    subject = payload["sub_id"]
    if not isinstance(details, dict):
        raise InvalidRevocationEvent("event has no 'revocation' object")
    user = subject.get("user", subject) if isinstance(subject, dict) else None
    user_id = user.get("id") if isinstance(user, dict) else None
    try:
        entry = DenyEntry(
            kind=RevocationKind(details["kind"]),
            value=str(details["value"]),
            revoked_at=float(details["revoked_at"]),
            expires_at=float(details["expires_at"]),
        )
        reason = RevocationReason(details["reason"])
    except (KeyError, TypeError, ValueError, OverflowError) as exc:
        raise InvalidRevocationEvent(f"invalid revocation object: {exc!r:.200}") from None
    if not isinstance(user_id, str):
        raise InvalidRevocationEvent("'sub_id' names no user")
    # The value becomes a Redis key and a log field; the times become a TTL.
    if not (0 < len(entry.value) <= _MAX_VALUE_LENGTH and entry.value.isprintable()):
        raise InvalidRevocationEvent("revocation value must be 1 to 255 printable characters")
    if not (0 <= entry.revoked_at <= entry.expires_at <= entry.revoked_at + _MAX_ENTRY_SECONDS):
        raise InvalidRevocationEvent("revocation times are out of range")
    return RevocationEvent(
        event_id=str(payload["jti"]), user_id=user_id, reason=reason, entry=entry
    )
