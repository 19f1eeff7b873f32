"""The in-process denylist mirror: what each kind of entry covers, and pruning."""

from __future__ import annotations

from common.denylist.entries import DenyEntry, RevocationKind
from common.denylist.mirror import DenylistMirror
from common.tokens.claims import AccessClaims


def _claims(**overrides: object) -> AccessClaims:
    values: dict[str, object] = {
        "iss": "revocast-auth",
        "aud": ("orders",),
        "sub": "user-1",
        "sid": "session-1",
        "jti": "token-1",
        "iat": 1_000,
        "nbf": 1_000,
        "exp": 1_900,
        "role": "user",
        "kid": "key-1",
    }
    values.update(overrides)
    return AccessClaims(**values)  # type: ignore[arg-type]


def _entry(kind: RevocationKind, value: str, revoked_at: float = 1_500.0) -> DenyEntry:
    return DenyEntry(kind=kind, value=value, revoked_at=revoked_at, expires_at=revoked_at + 910)


def test_empty_mirror_matches_nothing() -> None:
    assert DenylistMirror().match(_claims()) is None


def test_session_entry_revokes_every_token_of_session() -> None:
    mirror = DenylistMirror()
    mirror.add(_entry(RevocationKind.SESSION, "session-1"))
    assert mirror.match(_claims(jti="a")) is not None
    assert mirror.match(_claims(jti="b", iat=1_600)) is not None
    assert mirror.match(_claims(sid="session-2")) is None


def test_token_entry_revokes_only_that_jti() -> None:
    mirror = DenylistMirror()
    mirror.add(_entry(RevocationKind.TOKEN, "token-1"))
    assert mirror.match(_claims()) is not None
    assert mirror.match(_claims(jti="token-2")) is None


def test_user_entry_revokes_tokens_issued_up_to_revocation() -> None:
    mirror = DenylistMirror()
    mirror.add(_entry(RevocationKind.USER, "user-1", revoked_at=1_500.4))
    assert mirror.match(_claims(iat=1_400)) is not None
    assert mirror.match(_claims(iat=1_500)) is not None
    assert mirror.match(_claims(iat=1_501)) is None
    assert mirror.match(_claims(sub="user-2", iat=1_400)) is None


def test_key_entry_revokes_tokens_signed_by_key() -> None:
    mirror = DenylistMirror()
    mirror.add(_entry(RevocationKind.KEY, "key-1"))
    assert mirror.match(_claims()) is not None
    assert mirror.match(_claims(kid="key-2")) is None


def test_adding_same_entry_twice_is_idempotent() -> None:
    mirror = DenylistMirror()
    entry = _entry(RevocationKind.SESSION, "session-1")
    mirror.add(entry)
    mirror.add(entry)
    assert len(mirror) == 1


def test_later_revocation_of_same_value_wins() -> None:
    mirror = DenylistMirror()
    mirror.add(_entry(RevocationKind.USER, "user-1", revoked_at=1_500))
    mirror.add(_entry(RevocationKind.USER, "user-1", revoked_at=1_200))
    assert mirror.match(_claims(iat=1_400)) is not None


def test_prune_drops_only_expired_entries() -> None:
    mirror = DenylistMirror()
    mirror.add(_entry(RevocationKind.SESSION, "old", revoked_at=100))
    mirror.add(_entry(RevocationKind.SESSION, "new", revoked_at=5_000))
    assert mirror.prune(now=2_000) == 1
    assert len(mirror) == 1
    assert mirror.match(_claims(sid="new")) is not None
