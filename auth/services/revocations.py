"""Revocations written to the outbox in the caller's transaction."""

from __future__ import annotations

import time
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from auth.models import outbox
from common.denylist.entries import DenyEntry, RevocationKind
from common.kafka.topics import REVOCATIONS_TOPIC
from common.outbox import add_to_outbox
from common.revocation.events import RevocationReason, encode_revocation_event
from common.settings import AuthSettings
from common.tokens.keys import SigningKey

__all__ = ["RevocationWriter"]


class RevocationWriter:
    """Add signed revocation events to the auth outbox.

    The event commits or rolls back with the change that caused it, so a
    logout never loses its event and never waits for Kafka.
    """

    def __init__(self, settings: AuthSettings, signing_key: SigningKey) -> None:
        self._settings = settings
        self._signing_key = signing_key
        self._topic = settings.topic(REVOCATIONS_TOPIC)
        # An entry must outlive every token it covers: tokens issued up to
        # now expire within one lifetime, plus the leeway verifiers allow.
        self._entry_ttl = settings.access_token_ttl_seconds + settings.jwt_leeway_seconds

    async def revoke(
        self,
        db: AsyncSession,
        *,
        kind: RevocationKind,
        value: str,
        user_id: uuid.UUID,
        reason: RevocationReason,
    ) -> DenyEntry:
        now = time.time()
        entry = DenyEntry(kind=kind, value=value, revoked_at=now, expires_at=now + self._entry_ttl)
        event_id = uuid.uuid4()
        token = encode_revocation_event(
            entry,
            user_id=str(user_id),
            reason=reason,
            signing_key=self._signing_key,
            issuer=self._settings.jwt_issuer,
            audience=self._settings.access_token_audience,
            event_id=event_id.hex,
        )
        # Keyed by user id, so one user's events stay in order on one partition.
        await add_to_outbox(
            db,
            outbox,
            topic=self._topic,
            key=str(user_id),
            payload=token.encode(),
            event_id=event_id,
        )
        return entry
