"""Building order events, reading payment events, and which handler errors skip or retry."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest
import structlog
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError

from common.events import Event, decode_event, encode_event
from orders.events import (
    ORDER_CANCELLED,
    ORDER_CREATED,
    PAYMENT_SUCCEEDED,
    InvalidEventData,
    PaymentEventHandler,
    PaymentSucceeded,
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
        payment_data(amount_cents=2**63),
        {key: value for key, value in payment_data().items() if key != "currency"},
        payment_data(currency="eur"),
        payment_data(currency="EURO"),
        payment_data(currency="EUR\n"),
        payment_data(currency=None),
    ],
    ids=[
        "empty",
        "bad order id",
        "negative amount",
        "amount as string",
        "amount beyond bigint",
        "no currency",
        "lower-case currency",
        "long currency",
        "newline after currency",
        "null currency",
    ],
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


class FakeSession:
    """An open transaction in which every inbox claim succeeds."""

    async def __aenter__(self) -> FakeSession:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        return None

    def begin(self) -> FakeSession:
        return self

    async def scalar(self, statement: object) -> uuid.UUID:
        return uuid.uuid4()


class FakeDatabase:
    def sessionmaker(self) -> FakeSession:
        return FakeSession()


def failing_apply(error: Exception) -> Callable[..., Awaitable[None]]:
    async def apply(session: object, payment: PaymentSucceeded) -> None:
        raise error

    return apply


async def test_handler_applies_payment() -> None:
    applied: list[PaymentSucceeded] = []

    async def apply(session: object, payment: PaymentSucceeded) -> None:
        applied.append(payment)

    data = payment_data()
    handler = PaymentEventHandler(FakeDatabase(), apply)  # type: ignore[arg-type]

    await handler(Event.new(PAYMENT_SUCCEEDED, data))

    assert [str(payment.payment_id) for payment in applied] == [data["payment_id"]]


@pytest.mark.parametrize(
    "error",
    [ValueError("bad value"), RuntimeError("unexpected"), KeyError("status")],
    ids=["value error", "runtime error", "key error"],
)
async def test_handler_logs_and_skips_error_retry_cannot_fix(error: Exception) -> None:
    data = payment_data()
    handler = PaymentEventHandler(FakeDatabase(), failing_apply(error))  # type: ignore[arg-type]

    with structlog.testing.capture_logs() as logs:
        await handler(Event.new(PAYMENT_SUCCEEDED, data))

    failures = [entry for entry in logs if entry["event"] == "event_apply_failed"]
    assert len(failures) == 1
    assert failures[0]["order_id"] == data["order_id"]
    assert failures[0]["payment_id"] == data["payment_id"]
    assert failures[0]["log_level"] == "error"


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("SELECT 1", {}, ConnectionRefusedError("database down")),
        SQLAlchemyTimeoutError("connection pool exhausted"),
        ConnectionResetError("connection reset"),
    ],
    ids=["operational error", "pool timeout", "connection reset"],
)
async def test_handler_raises_error_for_retry(error: Exception) -> None:
    handler = PaymentEventHandler(FakeDatabase(), failing_apply(error))  # type: ignore[arg-type]

    with pytest.raises(type(error)):
        await handler(Event.new(PAYMENT_SUCCEEDED, payment_data()))
