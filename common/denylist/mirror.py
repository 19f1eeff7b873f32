"""In-process copy of the denylist that the request path reads."""

from __future__ import annotations

import time
from collections.abc import Iterable

from common.denylist.entries import DenyEntry, RevocationKind
from common.tokens.claims import AccessClaims

__all__ = ["DenylistMirror"]


class DenylistMirror:
    """Revocations held in dictionaries, one per kind.

    A check is at most four dictionary look-ups with no I/O, which keeps the
    auth check on the request path free of network round trips.
    """

    __slots__ = ("_entries",)

    def __init__(self) -> None:
        self._entries: dict[RevocationKind, dict[str, DenyEntry]] = {
            kind: {} for kind in RevocationKind
        }

    def add(self, entry: DenyEntry) -> None:
        """Store ``entry``, keeping the later revocation when one is already there."""
        existing = self._entries[entry.kind].get(entry.value)
        if existing is None or existing.revoked_at < entry.revoked_at:
            self._entries[entry.kind][entry.value] = entry

    def add_all(self, entries: Iterable[DenyEntry]) -> None:
        for entry in entries:
            self.add(entry)

    def match(self, claims: AccessClaims) -> DenyEntry | None:
        """Return the entry that revokes ``claims``, or ``None`` if the token is still valid."""
        entries = self._entries
        for kind, value in (
            (RevocationKind.TOKEN, claims.jti),
            (RevocationKind.SESSION, claims.sid),
            (RevocationKind.USER, claims.sub),
            (RevocationKind.KEY, claims.kid),
        ):
            entry = entries[kind].get(value)
            if entry is not None and entry.covers(claims):
                return entry
        return None

    def prune(self, now: float | None = None) -> int:
        """Drop entries whose tokens have all expired; return how many were dropped."""
        cutoff = time.time() if now is None else now
        dropped = 0
        for by_value in self._entries.values():
            stale = [value for value, entry in by_value.items() if entry.expires_at <= cutoff]
            for value in stale:
                del by_value[value]
            dropped += len(stale)
        return dropped

    def __len__(self) -> int:
        return sum(len(by_value) for by_value in self._entries.values())
