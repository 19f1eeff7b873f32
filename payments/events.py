"""Events of the payments service: the ones it publishes and the handler of ``orders.events``."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated

import msgspec
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from common.db import Database
from common.events import Event
from common.events.inbox import claim_event
from common.logging import get_logger
from payments.models import OrderStatus, Payment, ProcessedEvent

__all__ = [
    "ORDER_CANCELLED",
    "ORDER_CREATED",
    "PAYMENT_REFUNDED",
    "PAYMENT_SUCCEEDED",
    "InvalidEventData",
    "OrderData",
    "OrderEventHandler",
    "parse_order_event",
    "payment_event",
]

log = get_logger(__name__)

ORDER_CREATED = "order.created"
ORDER_CANCELLED = "order.cancelled"
PAYMENT_SUCCEEDED = "payment.succeeded"
PAYMENT_REFUNDED = "payment.refunded"

# The projection status that each consumed event type sets.
_ORDER_EVENT_STATUS = {
    ORDER_CREATED: OrderStatus.PENDING,
    ORDER_CANCELLED: OrderStatus.CANCELLED,
}


class InvalidEventData(ValueError):
    """An event's ``data`` does not match the schema of its type."""


class OrderData(msgspec.Struct, frozen=True):
    """``data`` of ``order.created`` and ``order.cancelled``; unknown fields are ignored.

    The limits match the projection columns and the orders API. A value that
    the database would reject must fail here, or the consumer would retry
    the event forever. PostgreSQL, for example, rejects NUL characters in text.
    """

    order_id: uuid.UUID
    user_id: Annotated[str, msgspec.Meta(min_length=1, pattern=r"^[^\x00]+$")]
    total_cents: Annotated[int, msgspec.Meta(ge=0, le=2**63 - 1)]
    # Three upper-case letters, as orders accepts them. Unlike $, \Z does not
    # match before a final newline.
    currency: Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{3}\Z")]


def payment_event(event_type: str, payment: Payment) -> Event:
    """Build a ``payment.*`` event for ``payment``."""
    return Event.new(
        event_type,
        {
            "payment_id": str(payment.id),
            "order_id": str(payment.order_id),
            "amount_cents": payment.amount_cents,
            "currency": payment.currency,
        },
    )


def parse_order_event(event: Event) -> OrderData:
    """Read the data of an ``order.created`` or ``order.cancelled`` event.

    Raises:
        InvalidEventData: a field is missing or has the wrong type.
    """
    try:
        return msgspec.convert(event.data, OrderData)
    except msgspec.ValidationError as exc:
        raise InvalidEventData(f"invalid {event.type} data: {exc}") from None


ApplyOrder = Callable[[AsyncSession, OrderData, str], Awaitable[bool]]


class OrderEventHandler:
    """Apply ``orders.events`` to the order projection, each event once.

    ``apply_order`` receives the order data and the status the event sets.
    It returns True when it added an event to the outbox, and the handler
    then calls ``notify_relay`` after the commit. The inbox row and the
    changes commit in one transaction, so a redelivered event finds its id
    in the inbox and changes nothing.

    A database error or an ``OSError`` propagates, and the consumer retries
    the event. Any other error is taken as one that a retry cannot fix,
    such as data that passed the checks but is still wrong: the event is
    logged and skipped, so it does not hold back the events after it.
    """

    def __init__(
        self, database: Database, apply_order: ApplyOrder, notify_relay: Callable[[], None]
    ) -> None:
        self._database = database
        self._apply_order = apply_order
        self._notify_relay = notify_relay

    async def __call__(self, event: Event) -> None:
        status = _ORDER_EVENT_STATUS.get(event.type)
        if status is None:
            log.debug("event_ignored")
            return
        try:
            order = parse_order_event(event)
        except InvalidEventData as exc:
            # Retrying cannot fix a malformed event; skip it so later events flow.
            log.error("event_data_invalid", error=str(exc))
            return
        try:
            added_events = await self._apply_once(event, order, status)
        except (SQLAlchemyError, OSError):
            raise
        except Exception:
            # A retry would fail the same way, as the class docstring explains.
            log.exception("event_apply_failed", order_id=str(order.order_id))
            return
        if added_events:
            self._notify_relay()

    async def _apply_once(self, event: Event, order: OrderData, status: str) -> bool:
        async with self._database.sessionmaker() as session, session.begin():
            if not await claim_event(session, ProcessedEvent.__table__, event.id):
                log.info("event_duplicate_skipped")
                return False
            return await self._apply_order(session, order, status)
