"""Building payment events, reading order events, and which handler errors skip or retry."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
import structlog
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError

from common.events import Event, decode_event, encode_event
from payments.events import (
    ORDER_CANCELLED,
    ORDER_CREATED,
    PAYMENT_REFUNDED,
    PAYMENT_SUCCEEDED,
    InvalidEventData,
    OrderData,
    OrderEventHandler,
    parse_order_event,
    payment_event,
)
from payments.models import OrderStatus, Payment, PaymentStatus


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
        order_data(currency="eur"),
        order_data(currency="E\x00R"),
        order_data(currency="EUR\n"),
        order_data(currency=None),
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
        "lower-case currency",
        "nul in currency",
        "newline after currency",
        "null currency",
    ],
)
def test_parse_order_event_rejects_bad_data(data: dict[str, Any]) -> None:
    with pytest.raises(InvalidEventData):
        parse_order_event(Event.new(ORDER_CREATED, data))


class UnusableDatabase:
    """Fails the test if the handler opens a transaction."""

    def sessionmaker(self) -> None:
        raise AssertionError("the handler must not touch the database for this event")


async def refuse_order(*_: object) -> bool:
    raise AssertionError("the handler must not apply this event")


def fail_if_notified() -> None:
    raise AssertionError("the handler must not wake the outbox relay for this event")


@pytest.mark.parametrize(
    "event",
    [
        Event.new("order.shipped", order_data()),
        Event.new(PAYMENT_SUCCEEDED, {}),
        Event.new(ORDER_CANCELLED, {"order_id": "x"}),
        Event.new(ORDER_CREATED, order_data(currency="E\x00R")),
    ],
    ids=["unknown type", "own event type", "invalid data", "nul in currency"],
)
async def test_handler_skips_events_it_cannot_apply(event: Event) -> None:
    handler = OrderEventHandler(UnusableDatabase(), refuse_order, fail_if_notified)  # type: ignore[arg-type]

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


class Recorder:
    """Records calls of the apply function and of the relay notification."""

    def __init__(self, *, result: bool = False, error: Exception | None = None) -> None:
        self.result = result
        self.error = error
        self.applied: list[tuple[OrderData, str]] = []
        self.notified = 0

    async def apply(self, session: object, order: OrderData, status: str) -> bool:
        self.applied.append((order, status))
        if self.error is not None:
            raise self.error
        return self.result

    def notify(self) -> None:
        self.notified += 1


def make_handler(recorder: Recorder) -> OrderEventHandler:
    return OrderEventHandler(FakeDatabase(), recorder.apply, recorder.notify)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("event_type", "status"),
    [(ORDER_CREATED, OrderStatus.PENDING), (ORDER_CANCELLED, OrderStatus.CANCELLED)],
)
async def test_handler_applies_status_of_event_type(event_type: str, status: str) -> None:
    recorder = Recorder()
    data = order_data()

    await make_handler(recorder)(Event.new(event_type, data))

    assert [(str(order.order_id), applied) for order, applied in recorder.applied] == [
        (data["order_id"], status)
    ]


async def test_handler_wakes_relay_after_refund() -> None:
    recorder = Recorder(result=True)

    await make_handler(recorder)(Event.new(ORDER_CANCELLED, order_data()))

    assert recorder.notified == 1


async def test_handler_leaves_relay_without_new_event() -> None:
    recorder = Recorder(result=False)

    await make_handler(recorder)(Event.new(ORDER_CANCELLED, order_data()))

    assert recorder.notified == 0


@pytest.mark.parametrize(
    "error",
    [ValueError("bad value"), RuntimeError("projection row vanished"), KeyError("status")],
    ids=["value error", "runtime error", "key error"],
)
async def test_handler_logs_and_skips_error_retry_cannot_fix(error: Exception) -> None:
    recorder = Recorder(error=error)
    data = order_data()

    with structlog.testing.capture_logs() as logs:
        await make_handler(recorder)(Event.new(ORDER_CANCELLED, data))

    assert len(recorder.applied) == 1
    assert recorder.notified == 0
    failures = [entry for entry in logs if entry["event"] == "event_apply_failed"]
    assert len(failures) == 1
    assert failures[0]["order_id"] == data["order_id"]
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
    recorder = Recorder(error=error)

    with pytest.raises(type(error)):
        await make_handler(recorder)(Event.new(ORDER_CANCELLED, order_data()))

    assert recorder.notified == 0
