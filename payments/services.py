"""Domain logic of payments: pay an order once per idempotency key, list, read and refund.

Also applies ``orders.events``: a cancellation that crossed a payment refunds it.
"""

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
from payments.events import PAYMENT_REFUNDED, PAYMENT_SUCCEEDED, OrderData, payment_event
from payments.fence import ProjectionFence
from payments.models import OrderStatus, Payment, PaymentStatus, outbox
from payments.projection import lock_order, update_projection

__all__ = [
    "PaymentService",
    "add_payment_event",
    "apply_order_event",
    "refund_cancelled_order",
    "refund_payment",
]

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
        await add_payment_event(
            self._session, PAYMENT_SUCCEEDED, payment, events_topic=self._events_topic
        )
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
        await refund_payment(self._session, payment, events_topic=self._events_topic)
        await self._session.commit()
        self._relay.notify()
        log.info("payment_refunded", payment_id=str(payment.id), order_id=str(payment.order_id))
        return payment

    async def _find_by_key(self, user_id: str, idempotency_key: str) -> Payment | None:
        query: Select[Payment] = select(Payment).where(
            Payment.user_id == user_id, Payment.idempotency_key == idempotency_key
        )
        return await self._session.scalar(query)


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


async def add_payment_event(
    session: AsyncSession, event_type: str, payment: Payment, *, events_topic: str
) -> None:
    """Add a ``payment.*`` event for ``payment`` to the outbox, in the caller's transaction.

    The key is the order id, so all events of one order keep their order in Kafka.
    """
    event = payment_event(event_type, payment)
    await add_to_outbox(
        session,
        outbox,
        topic=events_topic,
        key=str(payment.order_id),
        payload=encode_event(event),
        event_id=event.id,
    )


async def refund_payment(session: AsyncSession, payment: Payment, *, events_topic: str) -> None:
    """Mark ``payment`` refunded and add ``payment.refunded``, in the caller's transaction."""
    payment.status = PaymentStatus.REFUNDED
    payment.refunded_at = datetime.now(UTC)
    await add_payment_event(session, PAYMENT_REFUNDED, payment, events_topic=events_topic)


async def refund_cancelled_order(
    session: AsyncSession, order_id: uuid.UUID, *, events_topic: str
) -> Payment | None:
    """Refund the succeeded payment of a cancelled order, in the caller's transaction.

    This compensates a payment and a cancellation that crossed. Orders
    accepts a cancellation while the order is pending in its own database.
    It cannot reject one because of a payment in flight, because the two
    services never call each other and ``payment.succeeded`` may still be on
    its way to orders. So payments undoes the payment when ``order.cancelled``
    arrives, and orders keeps the order cancelled when ``payment.succeeded``
    arrives.

    The caller must hold the lock on the order's projection row, which
    :meth:`PaymentService.pay` takes too, so no payment of the order can
    commit between this check and the caller's commit.

    Returns:
        The refunded payment, or None when the order has no succeeded payment.
    """
    payment = await session.scalar(
        select(Payment)
        .where(Payment.order_id == order_id, Payment.status == PaymentStatus.SUCCEEDED)
        .with_for_update()
    )
    if payment is None:
        return None
    await refund_payment(session, payment, events_topic=events_topic)
    log.warning(
        "payment_refunded_after_cancel",
        payment_id=str(payment.id),
        order_id=str(order_id),
        amount_cents=payment.amount_cents,
        currency=payment.currency,
    )
    return payment


async def apply_order_event(
    session: AsyncSession, order: OrderData, status: str, *, events_topic: str
) -> bool:
    """Apply one ``order.*`` event in the caller's transaction.

    The projection row of the order is updated with ``status`` (see
    :func:`update_projection`). A cancellation also refunds the order's
    succeeded payment, see :func:`refund_cancelled_order`.

    Returns:
        True when a payment was refunded, so a ``payment.refunded`` event waits in the outbox.
    """
    await update_projection(session, order, status)
    if status != OrderStatus.CANCELLED:
        return False
    refunded = await refund_cancelled_order(session, order.order_id, events_topic=events_topic)
    return refunded is not None
