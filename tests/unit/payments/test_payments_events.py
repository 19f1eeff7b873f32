"""Building payment events, reading order events and skipping the ones payments ignores."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from common.events import Event, decode_event, encode_event
from payments.events import (
    ORDER_CANCELLED,
    ORDER_CREATED,
    PAYMENT_REFUNDED,
    PAYMENT_SUCCEEDED,
    InvalidEventData,
    OrderEventHandler,
    parse_order_event,
    payment_event,
)
from payments.models import Payment, PaymentStatus


def make_payment() -> Payment:
    return Payment(
        id=uuid.uuid4(),
        user_id="user-1",
        order_id=uuid.uuid4(),
        amount_cents=2500,
        currency="EUR",
        status=PaymentStatus.SUCCEEDED,
        idempotency_key="key-1",
        created_at=datetime.now(UTC),
        refunded_at=None,
    )


@pytest.mark.parametrize("event_type", [PAYMENT_SUCCEEDED, PAYMENT_REFUNDED])
def test_payment_event_data(event_type: str) -> None:
    payment = make_payment()

    event = payment_event(event_type, payment)

    assert event.type == event_type
    assert event.data == {
        "payment_id": str(payment.id),
        "order_id": str(payment.order_id),
        "amount_cents": 2500,
        "currency": "EUR",
    }
    assert decode_event(encode_event(event)) == event


def order_data(**changes: Any) -> dict[str, Any]:
    return {
        "order_id": str(uuid.uuid4()),
        "user_id": "user-1",
        "total_cents": 3097,
        "currency": "EUR",
        "status": "pending",
        **changes,
    }


@pytest.mark.parametrize("event_type", [ORDER_CREATED, ORDER_CANCELLED])
def test_parse_order_event_reads_fields(event_type: str) -> None:
    data = order_data()

    order = parse_order_event(Event.new(event_type, data))

    assert str(order.order_id) == data["order_id"]
    assert order.user_id == "user-1"
    assert order.total_cents == 3097
    assert order.currency == "EUR"


@pytest.mark.parametrize(
    "data",
    [
        {},
        order_data(order_id="x"),
        order_data(total_cents=-5),
        order_data(total_cents=2**63),
        order_data(user_id=None),
        order_data(user_id=""),
        order_data(user_id="a\x00b"),
        order_data(currency="EURO"),
    ],
    ids=[
        "empty",
        "bad order id",
        "negative total",
        "total beyond bigint",
        "no user",
        "empty user",
        "nul in user",
        "long currency",
    ],
)
def test_parse_order_event_rejects_bad_data(data: dict[str, Any]) -> None:
    with pytest.raises(InvalidEventData):
        parse_order_event(Event.new(ORDER_CREATED, data))


class UnusableDatabase:
    """Fails the test if the handler opens a transaction."""

    def sessionmaker(self) -> None:
        raise AssertionError("the handler must not touch the database for this event")


async def refuse_order(*_: object) -> None:
    raise AssertionError("the handler must not apply this event")


@pytest.mark.parametrize(
    "event",
    [
        Event.new("order.shipped", order_data()),
        Event.new(PAYMENT_SUCCEEDED, {}),
        Event.new(ORDER_CANCELLED, {"order_id": "x"}),
    ],
    ids=["unknown type", "own event type", "invalid data"],
)
async def test_handler_skips_events_it_cannot_apply(event: Event) -> None:
    handler = OrderEventHandler(UnusableDatabase(), refuse_order)  # type: ignore[arg-type]

    await handler(event)
