"""Events of the orders service: the ones it publishes and the handler of ``payments.events``."""

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
from orders.models import Order, ProcessedEvent

__all__ = [
    "ORDER_CANCELLED",
    "ORDER_CREATED",
    "PAYMENT_SUCCEEDED",
    "InvalidEventData",
    "PaymentEventHandler",
    "PaymentSucceeded",
    "order_event",
    "parse_payment_succeeded",
]

log = get_logger(__name__)

ORDER_CREATED = "order.created"
ORDER_CANCELLED = "order.cancelled"
PAYMENT_SUCCEEDED = "payment.succeeded"


class InvalidEventData(ValueError):
    """An event's ``data`` does not match the schema of its type."""


class PaymentSucceeded(msgspec.Struct, frozen=True):
    """``data`` of a ``payment.succeeded`` event; unknown fields are ignored."""

    payment_id: uuid.UUID
    order_id: uuid.UUID
    amount_cents: Annotated[int, msgspec.Meta(ge=0, le=2**63 - 1)]
    # Three upper-case letters, as the orders API accepts them. Unlike $, \Z
    # does not match before a final newline.
    currency: Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{3}\Z")]


def order_event(event_type: str, order: Order) -> Event:
    """Build an ``order.*`` event carrying the order's current state.

    ``order.cancelled`` carries the same fields as ``order.created``, so a
    consumer that receives the cancellation first can still record the whole order.
    """
    return Event.new(
        event_type,
        {
            "order_id": str(order.id),
            "user_id": order.user_id,
            "total_cents": order.total_cents,
            "currency": order.currency,
            "status": order.status,
        },
    )


def parse_payment_succeeded(event: Event) -> PaymentSucceeded:
    """Read the data of a ``payment.succeeded`` event.

    Raises:
        InvalidEventData: a field is missing or has the wrong type.
    """
    try:
        return msgspec.convert(event.data, PaymentSucceeded)
    except msgspec.ValidationError as exc:
        raise InvalidEventData(f"invalid {event.type} data: {exc}") from None


ApplyPayment = Callable[[AsyncSession, PaymentSucceeded], Awaitable[None]]


class PaymentEventHandler:
    """Apply ``payments.events`` to orders, each event once.

    The inbox row and the order update commit in one transaction, so a
    redelivered event finds its id in the inbox and changes nothing.

    A database error or an ``OSError`` propagates, and the consumer retries
    the event. Any other error is taken as one that a retry cannot fix,
    such as data that passed the checks but is still wrong: the event is
    logged and skipped, so it does not hold back the events after it.
    """

    def __init__(self, database: Database, apply_payment: ApplyPayment) -> None:
        self._database = database
        self._apply_payment = apply_payment

    async def __call__(self, event: Event) -> None:
        if event.type != PAYMENT_SUCCEEDED:
            log.debug("event_ignored")
            return
        try:
            payment = parse_payment_succeeded(event)
        except InvalidEventData as exc:
            # Retrying cannot fix a malformed event; skip it so later events flow.
            log.error("event_data_invalid", error=str(exc))
            return
        try:
            await self._apply_once(event, payment)
        except (SQLAlchemyError, OSError):
            raise
        except Exception:
            # A retry would fail the same way, as the class docstring explains.
            log.exception(
                "event_apply_failed",
                order_id=str(payment.order_id),
                payment_id=str(payment.payment_id),
            )

    async def _apply_once(self, event: Event, payment: PaymentSucceeded) -> None:
        async with self._database.sessionmaker() as session, session.begin():
            if not await claim_event(session, ProcessedEvent.__table__, event.id):
                log.info("event_duplicate_skipped")
                return
            await self._apply_payment(session, payment)
