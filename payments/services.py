"""Domain logic of payments: pay an order once per idempotency key, list, read and refund."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from common.errors import Conflict, NotFound, RetryLater
from common.events import encode_event
from common.logging import get_logger
from common.outbox import OutboxRelay, add_to_outbox
from common.principal import Principal
from payments.events import PAYMENT_REFUNDED, PAYMENT_SUCCEEDED, payment_event
from payments.fence import ProjectionFence
from payments.models import OrderStatus, Payment, PaymentStatus, outbox
from payments.projection import lock_order

__all__ = ["PaymentService"]

log = get_logger(__name__)


class PaymentService:
    """Payments as one caller may see and make them.

    Users reach only their own payments; a payment of another user is
    reported as not found. Admins read and refund every payment.
    """

    def __init__(
        self,
        session: AsyncSession,
        *,
        events_topic: str,
        relay: OutboxRelay,
        fence: ProjectionFence,
        order_wait_seconds: float,
    ) -> None:
        self._session = session
        self._events_topic = events_topic
        self._relay = relay
        self._fence = fence
        self._order_wait_seconds = order_wait_seconds

    async def pay(self, principal: Principal, order_id: uuid.UUID, idempotency_key: str) -> Payment:
        """Pay one of the caller's pending orders for its total, once per idempotency key.

        The same key with the same order returns the payment made the first
        time. Before it reads the order, it waits until this service has
        applied the order's events that are already in Kafka, so that a
        cancellation published before the request is seen. The payment row,
        the projection's ``paid`` status and the ``payment.succeeded`` outbox
        row commit in one transaction.

        Raises:
            Conflict: the key was used for another order, or the order is not pending.
            NotFound: the order belongs to another user.
            RetryLater: the order or its latest events have not reached this service
                within ``order_wait_seconds``.
        """
        existing = await self._find_by_key(principal.user_id, idempotency_key)
        if existing is not None:
            return _replay(existing, order_id)
        # End the read-only transaction, so no connection idles in one while waiting.
        await self._session.commit()

        deadline = time.monotonic() + self._order_wait_seconds
        if not await self._fence.wait(str(order_id), timeout_seconds=self._order_wait_seconds):
            raise RetryLater(
                f"payments is still applying the events of order {order_id}; retry shortly",
                retry_after_seconds=1,
            )
        remaining_seconds = max(0.0, deadline - time.monotonic())
        try:
            return await self._pay_locked(principal, order_id, idempotency_key, remaining_seconds)
        except IntegrityError:
            # A concurrent request committed first: either with the same key
            # (unique user_id, idempotency_key) or for the same order (unique
            # paid order_id).
            await self._session.rollback()
            existing = await self._find_by_key(principal.user_id, idempotency_key)
            if existing is not None:
                return _replay(existing, order_id)
            raise Conflict(f"order {order_id} is already paid") from None

    async def _pay_locked(
        self,
        principal: Principal,
        order_id: uuid.UUID,
        idempotency_key: str,
        wait_seconds: float,
    ) -> Payment:
        # The lock serialises payments of one order: a second request waits
        # here and then finds the order paid, or its own key already used.
        order = await lock_order(self._session, order_id, wait_seconds=wait_seconds)
        existing = await self._find_by_key(principal.user_id, idempotency_key)
        if existing is not None:
            await self._session.commit()  # releases the lock; commit keeps ``existing`` loaded
            return _replay(existing, order_id)
        if order.user_id != principal.user_id:
            raise NotFound("order", str(order_id))
        if order.status != OrderStatus.PENDING:
            raise Conflict(f"order {order_id} is {order.status}; only a pending order can be paid")

        payment = Payment(
            id=uuid.uuid4(),
            user_id=principal.user_id,
            order_id=order.order_id,
            amount_cents=order.total_cents,
            currency=order.currency,
            # NOTE: no payment provider is called yet, so every payment succeeds.
            status=PaymentStatus.SUCCEEDED,
            idempotency_key=idempotency_key,
            created_at=datetime.now(UTC),
            refunded_at=None,
        )
        self._session.add(payment)
        order.status = OrderStatus.PAID
        order.updated_at = payment.created_at
        await self._publish(PAYMENT_SUCCEEDED, payment)
        await self._session.commit()
        self._relay.notify()
        log.info(
            "payment_succeeded",
            payment_id=str(payment.id),
            order_id=str(order_id),
            amount_cents=payment.amount_cents,
            currency=payment.currency,
        )
        return payment

    async def list(self, principal: Principal, *, limit: int, offset: int) -> list[Payment]:
        """Return the caller's payments (an admin's: every payment), newest first."""
        query = select(Payment).order_by(Payment.created_at.desc(), Payment.id.desc())
        if not principal.is_admin:
            query = query.where(Payment.user_id == principal.user_id)
        result = await self._session.scalars(query.limit(limit).offset(offset))
        return list(result)

    async def get(self, principal: Principal, payment_id: uuid.UUID) -> Payment:
        """Return one payment the caller may see.

        Raises:
            NotFound: the payment does not exist or belongs to another user.
        """
        query = select(Payment).where(Payment.id == payment_id)
        if not principal.is_admin:
            query = query.where(Payment.user_id == principal.user_id)
        payment = await self._session.scalar(query)
        if payment is None:
            raise NotFound("payment", str(payment_id))
        return payment

    async def refund(self, payment_id: uuid.UUID) -> Payment:
        """Refund a payment and publish ``payment.refunded``; the caller must be an admin.

        Refunding a refunded payment returns it unchanged, so the request can
        be repeated safely. The order stays ``paid`` in the projection, so a
        refunded order cannot be paid again.

        Raises:
            NotFound: the payment does not exist.
        """
        payment = await self._session.scalar(
            select(Payment).where(Payment.id == payment_id).with_for_update()
        )
        if payment is None:
            raise NotFound("payment", str(payment_id))
        if payment.status == PaymentStatus.REFUNDED:
            return payment
        payment.status = PaymentStatus.REFUNDED
        payment.refunded_at = datetime.now(UTC)
        await self._publish(PAYMENT_REFUNDED, payment)
        await self._session.commit()
        self._relay.notify()
        log.info("payment_refunded", payment_id=str(payment.id), order_id=str(payment.order_id))
        return payment

    async def _find_by_key(self, user_id: str, idempotency_key: str) -> Payment | None:
        query: Select[Payment] = select(Payment).where(
            Payment.user_id == user_id, Payment.idempotency_key == idempotency_key
        )
        return await self._session.scalar(query)

    async def _publish(self, event_type: str, payment: Payment) -> None:
        event = payment_event(event_type, payment)
        await add_to_outbox(
            self._session,
            outbox,
            topic=self._events_topic,
            key=str(payment.order_id),
            payload=encode_event(event),
            event_id=event.id,
        )


def _replay(payment: Payment, order_id: uuid.UUID) -> Payment:
    """Return the payment a repeated request gets, unless it names another order.

    Raises:
        Conflict: the idempotency key was first used for another order.
    """
    if payment.order_id != order_id:
        raise Conflict(
            f"Idempotency-Key was already used for order {payment.order_id}; "
            "use a new key for another order"
        )
    return payment
