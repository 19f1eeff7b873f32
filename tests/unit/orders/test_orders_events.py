"""Building order events, reading payment events and skipping the ones orders does not handle."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from common.events import Event, decode_event, encode_event
from orders.events import (
    ORDER_CANCELLED,
    ORDER_CREATED,
    PAYMENT_SUCCEEDED,
    InvalidEventData,
    PaymentEventHandler,
    order_event,
    parse_payment_succeeded,
)
from orders.models import Order, OrderStatus


def make_order(status: str = OrderStatus.PENDING) -> Order:
    now = datetime.now(UTC)
    return Order(
        id=uuid.uuid4(),
        user_id="user-1",
        currency="EUR",
        total_cents=3097,
        status=status,
        created_at=now,
        updated_at=now,
    )


@pytest.mark.parametrize(
    ("event_type", "status"),
    [(ORDER_CREATED, OrderStatus.PENDING), (ORDER_CANCELLED, OrderStatus.CANCELLED)],
)
def test_order_event_carries_whole_order(event_type: str, status: str) -> None:
    order = make_order(status)

    event = order_event(event_type, order)

    assert event.type == event_type
    assert event.data == {
        "order_id": str(order.id),
        "user_id": "user-1",
        "total_cents": 3097,
        "currency": "EUR",
        "status": status,
    }


def test_order_event_survives_encoding() -> None:
    event = order_event(ORDER_CREATED, make_order())

    decoded = decode_event(encode_event(event))

    assert decoded == event


def test_order_events_get_distinct_ids() -> None:
    order = make_order()

    assert order_event(ORDER_CREATED, order).id != order_event(ORDER_CREATED, order).id


def payment_data(**changes: Any) -> dict[str, Any]:
    return {
        "payment_id": str(uuid.uuid4()),
        "order_id": str(uuid.uuid4()),
        "amount_cents": 2500,
        "currency": "EUR",
        **changes,
    }


def test_parse_payment_succeeded_reads_fields() -> None:
    data = payment_data(extra_field="ignored")

    payment = parse_payment_succeeded(Event.new(PAYMENT_SUCCEEDED, data))

    assert str(payment.payment_id) == data["payment_id"]
    assert str(payment.order_id) == data["order_id"]
    assert payment.amount_cents == 2500
    assert payment.currency == "EUR"


@pytest.mark.parametrize(
    "data",
    [
        {},
        payment_data(order_id="not-a-uuid"),
        payment_data(amount_cents=-1),
        payment_data(amount_cents="2500"),
        {key: value for key, value in payment_data().items() if key != "currency"},
    ],
    ids=["empty", "bad order id", "negative amount", "amount as string", "no currency"],
)
def test_parse_payment_succeeded_rejects_bad_data(data: dict[str, Any]) -> None:
    with pytest.raises(InvalidEventData):
        parse_payment_succeeded(Event.new(PAYMENT_SUCCEEDED, data))


class UnusableDatabase:
    """Fails the test if the handler opens a transaction."""

    def sessionmaker(self) -> None:
        raise AssertionError("the handler must not touch the database for this event")


async def refuse_payment(*_: object) -> None:
    raise AssertionError("the handler must not apply this event")


@pytest.mark.parametrize(
    "event",
    [
        Event.new("payment.refunded", payment_data()),
        Event.new(ORDER_CREATED, {}),
        Event.new(PAYMENT_SUCCEEDED, {"order_id": "x"}),
    ],
    ids=["other type", "own event type", "invalid data"],
)
async def test_handler_skips_events_it_cannot_apply(event: Event) -> None:
    handler = PaymentEventHandler(UnusableDatabase(), refuse_payment)  # type: ignore[arg-type]

    await handler(event)
