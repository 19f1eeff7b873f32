"""Revocation events: signed SETs that only the auth service's key can produce."""

from __future__ import annotations

import jwt
import pytest

from common.denylist.entries import DenyEntry, RevocationKind
from common.revocation.events import (
    SESSION_REVOKED,
    InvalidRevocationEvent,
    RevocationReason,
    decode_revocation_event,
    encode_revocation_event,
)
from common.tokens.keys import KeySet, SigningKey

ENTRY = DenyEntry(
    kind=RevocationKind.SESSION,
    value="session-1",
    revoked_at=1_700_000_000.5,
    expires_at=1_700_000_910.5,
)


def _encode(key: SigningKey, entry: DenyEntry = ENTRY) -> str:
    return encode_revocation_event(
        entry,
        user_id="user-1",
        reason=RevocationReason.LOGOUT,
        signing_key=key,
        issuer="revocast-auth",
        audience=["orders", "payments"],
    )


def _decode(token: str, key: SigningKey, audience: str = "orders") -> object:
    keys = KeySet([key.public_jwk()])
    return decode_revocation_event(
        token, keys=lambda: keys, issuer="revocast-auth", audience=audience, algorithms=["RS256"]
    )


def test_round_trip_keeps_entry(rsa_key: SigningKey) -> None:
    event = _decode(_encode(rsa_key), rsa_key)
    assert event.entry == ENTRY
    assert event.user_id == "user-1"
    assert event.reason is RevocationReason.LOGOUT


def test_event_is_a_caep_session_revoked_set(rsa_key: SigningKey) -> None:
    token = _encode(rsa_key)
    assert jwt.get_unverified_header(token)["typ"] == "secevent+jwt"
    payload = jwt.decode(token, options={"verify_signature": False})
    assert list(payload["events"]) == [SESSION_REVOKED]
    assert payload["sub_id"]["session"] == {"format": "opaque", "id": "session-1"}


def test_event_signed_by_other_key_is_rejected(rsa_key: SigningKey, ec_key: SigningKey) -> None:
    """Stops anyone who can write to the topic from revoking other users' sessions."""
    forged = _encode(ec_key)
    with pytest.raises(InvalidRevocationEvent, match="unknown kid"):
        _decode(forged, rsa_key)


def test_event_for_other_audience_is_rejected(rsa_key: SigningKey) -> None:
    with pytest.raises(InvalidRevocationEvent):
        _decode(_encode(rsa_key), rsa_key, audience="shipping")


def test_access_token_is_not_accepted_as_event(rsa_key: SigningKey) -> None:
    token = jwt.encode(
        {"iss": "revocast-auth"},
        rsa_key.private_key,
        algorithm="RS256",
        headers={"kid": rsa_key.kid, "typ": "at+jwt"},
    )
    with pytest.raises(InvalidRevocationEvent, match="typ"):
        _decode(token, rsa_key)


@pytest.mark.parametrize("garbage", ["", "junk", "a.b.c"])
def test_garbage_is_invalid(rsa_key: SigningKey, garbage: str) -> None:
    with pytest.raises(InvalidRevocationEvent):
        _decode(garbage, rsa_key)
