"""The inbox: the ids of consumed events, so that each event is applied once."""

from __future__ import annotations

import uuid

from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

__all__ = ["claim_event"]


async def claim_event(session: AsyncSession, inbox: Table, event_id: uuid.UUID) -> bool:
    """Record ``event_id`` in ``inbox`` in the caller's transaction.

    Returns:
        False when the id was already there: the event was applied before and
        must be skipped. The caller applies the event in the same transaction,
        so the inbox row and the change commit together or not at all.
    """
    claimed = await session.scalar(
        insert(inbox)
        .values(event_id=event_id)
        .on_conflict_do_nothing(index_elements=[inbox.c.event_id])
        .returning(inbox.c.event_id)
    )
    return claimed is not None
