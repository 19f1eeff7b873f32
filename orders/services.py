"""Domain logic of orders: create, read and cancel orders, and mark them paid."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from common.errors import Conflict, NotFound
from common.events import encode_event
from common.logging import get_logger
from common.outbox import OutboxRelay, add_to_outbox
from common.principal import Principal
from orders.events import ORDER_CANCELLED, ORDER_CREATED, PaymentSucceeded, order_event
from orders.models import Order, OrderItem, OrderStatus, outbox
from orders.schemas import CreateOrderRequest, OrderItemBody

__all__ = ["OrderService", "mark_order_paid", "order_total"]

log = get_logger(__name__)

# Seconds a cancellation waits for its event to reach Kafka before the request returns.
PUBLISH_WAIT_SECONDS = 1.0
_PUBLISH_POLL_SECONDS = 0.005


def order_total(items: Iterable[OrderItemBody]) -> int:
    """Return the order total in minor units: the sum of quantity times unit price."""
    return sum(item.quantity * item.unit_price_cents for item in items)


class OrderService:
    """Orders as one caller may see and change them.

    Users reach only their own orders; an order of another user is reported
    as not found, so that order ids do not leak. Admins reach every order.
    """

    def __init__(self, session: AsyncSession, *, events_topic: str, relay: OutboxRelay) -> None:
        self._session = session
        self._events_topic = events_topic
        self._relay = relay

    async def create(self, principal: Principal, request: CreateOrderRequest) -> Order:
        """Create a pending order and publish ``order.created`` through the outbox."""
        now = datetime.now(UTC)
        order = Order(
            id=uuid.uuid4(),
            user_id=principal.user_id,
            currency=request.currency,
            total_cents=order_total(request.items),
            status=OrderStatus.PENDING,
            created_at=now,
            updated_at=now,
            items=[
                OrderItem(
                    position=position,
                    sku=item.sku,
                    quantity=item.quantity,
                    unit_price_cents=item.unit_price_cents,
                )
                for position, item in enumerate(request.items)
            ],
        )
        self._session.add(order)
        await self._publish(ORDER_CREATED, order)
        await self._session.commit()
        self._relay.notify()
        log.info(
            "order_created",
            order_id=str(order.id),
            total_cents=order.total_cents,
            currency=order.currency,
        )
        return order

    async def list(self, principal: Principal, *, limit: int, offset: int) -> list[Order]:
        """Return the caller's orders (an admin's: every order), newest first."""
        query = select(Order).order_by(Order.created_at.desc(), Order.id.desc())
        if not principal.is_admin:
            query = query.where(Order.user_id == principal.user_id)
        result = await self._session.scalars(query.limit(limit).offset(offset))
        return list(result)

    async def get(self, principal: Principal, order_id: uuid.UUID) -> Order:
        """Return one order the caller may see.

        Raises:
            NotFound: the order does not exist or belongs to another user.
        """
        order = await self._session.scalar(self._visible(principal, order_id))
        if order is None:
            raise NotFound("order", str(order_id))
        return order

    async def cancel(self, principal: Principal, order_id: uuid.UUID) -> None:
        """Cancel a pending order and publish ``order.cancelled``.

        Cancelling an order that is already cancelled succeeds and changes
        nothing, so a client may repeat a DELETE whose response it lost.

        A pending order is cancelled even though payments may have taken a
        payment for it whose ``payment.succeeded`` has not arrived yet. This
        service cannot know about such a payment, because the services
        share no database and never call each other, so it cannot reject
        the cancellation. Payments compensates instead. When it applies
        ``order.cancelled`` for an order with a succeeded payment, it
        refunds the payment, and the order stays cancelled here (see
        :func:`mark_order_paid`).

        The call returns once the relay has sent ``order.cancelled`` to Kafka,
        or after ``PUBLISH_WAIT_SECONDS`` with a logged warning. Payments waits
        for the events that are in Kafka before it reads an order, so a
        payment requested after a timely return finds the order cancelled.

        Raises:
            NotFound: the order does not exist or belongs to another user.
            Conflict: the order is paid.
        """
        # The row lock keeps a payment event that arrives meanwhile from
        # marking the order paid between this check and the update.
        order = await self._session.scalar(self._visible(principal, order_id).with_for_update())
        if order is None:
            raise NotFound("order", str(order_id))
        if order.status == OrderStatus.CANCELLED:
            return
        if order.status == OrderStatus.PAID:
            raise Conflict(f"order {order_id} is paid and cannot be cancelled")
        order.status = OrderStatus.CANCELLED
        order.updated_at = datetime.now(UTC)
        event_id = await self._publish(ORDER_CANCELLED, order)
        await self._session.commit()
        self._relay.notify()
        log.info("order_cancelled", order_id=str(order.id))
        await self._wait_until_published(event_id)

    def _visible(self, principal: Principal, order_id: uuid.UUID) -> Select[Order]:
        query = select(Order).where(Order.id == order_id)
        if not principal.is_admin:
            query = query.where(Order.user_id == principal.user_id)
        return query

    async def _publish(self, event_type: str, order: Order) -> uuid.UUID:
        event = order_event(event_type, order)
        return await add_to_outbox(
            self._session,
            outbox,
            topic=self._events_topic,
            key=str(order.id),
            payload=encode_event(event),
            event_id=event.id,
        )

    async def _wait_until_published(self, event_id: uuid.UUID) -> None:
        query = select(outbox.c.published_at).where(outbox.c.event_id == event_id)
        deadline = time.monotonic() + PUBLISH_WAIT_SECONDS
        while True:
            published_at = await self._session.scalar(query)
            await self._session.rollback()  # so no connection idles in a transaction between polls
            if published_at is not None:
                return
            if time.monotonic() >= deadline:
                # The change is committed and the relay keeps retrying, so the
                # request still succeeds; only the guarantee above is lost.
                log.warning(
                    "outbox_event_not_published_in_time",
                    event_id=str(event_id),
                    waited_seconds=PUBLISH_WAIT_SECONDS,
                )
                return
            await asyncio.sleep(_PUBLISH_POLL_SECONDS)


async def mark_order_paid(session: AsyncSession, payment: PaymentSucceeded) -> None:
    """Set the status of the order that ``payment`` paid to ``paid``, in the caller's transaction.

    A payment for an order that is already paid changes nothing. A payment
    for a cancelled order leaves the order cancelled and logs a warning,
    because payments accepted it before it received the cancellation.
    Payments refunds it when it applies ``order.cancelled``.
    """
    order = await session.scalar(
        select(Order).where(Order.id == payment.order_id).with_for_update()
    )
    fields = {"order_id": str(payment.order_id), "payment_id": str(payment.payment_id)}
    if order is None:
        # Payments learns of orders only from this service's events, so this
        # means the two databases disagree; nothing here can repair that.
        log.error("payment_for_unknown_order", **fields)
        return
    if order.status == OrderStatus.PAID:
        return
    if order.status == OrderStatus.CANCELLED:
        # Payments refunds this payment and logs payment_refunded_after_cancel.
        log.warning("payment_for_cancelled_order", **fields)
        return
    if (payment.amount_cents, payment.currency) != (order.total_cents, order.currency):
        log.warning(
            "payment_amount_mismatch",
            expected_cents=order.total_cents,
            expected_currency=order.currency,
            amount_cents=payment.amount_cents,
            currency=payment.currency,
            **fields,
        )
    order.status = OrderStatus.PAID
    order.updated_at = datetime.now(UTC)
    log.info("order_paid", **fields)
