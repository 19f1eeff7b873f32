"""The order projection: this service's copy of each order's owner, total and status."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from common.errors import RetryLater
from common.logging import get_logger
from payments.events import OrderData
from payments.models import OrderProjection, OrderStatus

__all__ = ["POLL_INTERVAL_SECONDS", "lock_order", "merge_status", "update_projection"]

log = get_logger(__name__)

POLL_INTERVAL_SECONDS = 0.05

# Later states win over earlier ones, whatever order the events arrive in.
# ``cancelled`` ranks highest because a cancellation that arrives after a
# payment still ends the order. The payment is then refunded in the same
# transaction, see payments.services.refund_cancelled_order.
_STATUS_RANK = {OrderStatus.PENDING: 0, OrderStatus.PAID: 1, OrderStatus.CANCELLED: 2}


def merge_status(current: str, incoming: str) -> str:
    """Return the projection status after ``incoming`` is applied to ``current``.

    A status never goes back to ``pending``: an ``order.created`` that
    arrives after ``order.cancelled`` keeps the order cancelled. A
    cancellation of a paid order makes it ``cancelled``.
    """
    return max(current, incoming, key=_STATUS_RANK.__getitem__)


async def update_projection(session: AsyncSession, order: OrderData, status: str) -> None:
    """Insert or update the projection row of ``order`` in the caller's transaction.

    Either way the row stays locked until that transaction ends, so a
    payment of the order, which locks the row first, waits for it.
    """
    now = datetime.now(UTC)
    inserted = await session.scalar(
        insert(OrderProjection)
        .values(
            order_id=order.order_id,
            user_id=order.user_id,
            total_cents=order.total_cents,
            currency=order.currency,
            status=status,
            updated_at=now,
        )
        .on_conflict_do_nothing(index_elements=[OrderProjection.order_id])
        .returning(OrderProjection.order_id)
    )
    if inserted is not None:
        log.info("order_projected", order_id=str(order.order_id), status=status)
        return

    row = await session.scalar(
        select(OrderProjection).where(OrderProjection.order_id == order.order_id).with_for_update()
    )
    if row is None:
        # The insert conflicted with this row, and nothing deletes projection rows.
        raise RuntimeError(f"projection row of order {order.order_id} vanished during an update")
    merged = merge_status(row.status, status)
    if merged != row.status:
        row.status = merged
        row.updated_at = now
        log.info("order_projected", order_id=str(order.order_id), status=merged)


async def lock_order(
    session: AsyncSession, order_id: uuid.UUID, *, wait_seconds: float
) -> OrderProjection:
    """Lock the projection row of ``order_id`` for this transaction, waiting for it to appear.

    The order may exist in the orders service before its ``order.created``
    event reaches this service, so a missing row is looked up again every
    ``POLL_INTERVAL_SECONDS`` for up to ``wait_seconds``.

    Raises:
        RetryLater: the row did not appear in time.
    """
    deadline = time.monotonic() + wait_seconds
    query = select(OrderProjection).where(OrderProjection.order_id == order_id).with_for_update()
    while True:
        row = await session.scalar(query)
        if row is not None:
            return row
        # End the transaction between polls, so no connection stays idle in one.
        await session.rollback()
        if time.monotonic() >= deadline:
            log.info("order_not_projected_yet", order_id=str(order_id), waited_seconds=wait_seconds)
            raise RetryLater(
                f"order {order_id} is not known to payments yet (it may not exist); retry shortly",
                retry_after_seconds=1,
            )
        await asyncio.sleep(POLL_INTERVAL_SECONDS)
