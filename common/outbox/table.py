"""The outbox table and the write that adds an event to it."""

from __future__ import annotations

import uuid

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Identity,
    Index,
    LargeBinary,
    MetaData,
    String,
    Table,
    Uuid,
    func,
    insert,
)
from sqlalchemy.ext.asyncio import AsyncSession

__all__ = ["add_to_outbox", "outbox_table"]


def outbox_table(metadata: MetaData, schema: str) -> Table:
    """Define ``<schema>.outbox`` in ``metadata``.

    Rows are published in ``id`` order; ``published_at`` stays NULL until the
    broker has acknowledged the event.
    """
    table = Table(
        "outbox",
        metadata,
        Column("id", BigInteger, Identity(), primary_key=True),
        Column("event_id", Uuid, nullable=False, unique=True),
        Column("topic", String(255), nullable=False),
        Column("key", String(255), nullable=False),
        Column("payload", LargeBinary, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("published_at", DateTime(timezone=True), nullable=True),
        schema=schema,
    )
    Index(
        f"ix_{schema}_outbox_unpublished",
        table.c.id,
        postgresql_where=table.c.published_at.is_(None),
    )
    return table


async def add_to_outbox(
    session: AsyncSession,
    table: Table,
    *,
    topic: str,
    key: str,
    payload: bytes,
    event_id: uuid.UUID | None = None,
) -> uuid.UUID:
    """Insert one event in the caller's transaction; it is published only if that commits."""
    event_id = event_id or uuid.uuid4()
    await session.execute(
        insert(table).values(event_id=event_id, topic=topic, key=key, payload=payload)
    )
    return event_id
