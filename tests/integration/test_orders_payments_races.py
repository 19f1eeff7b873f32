"""Orders and payments under races and bad input.

Covers a cancellation racing a payment, an ``order.cancelled`` that arrives
after the payment, malformed ``orders.events``, page bounds, readable
validation errors and the 404 for another user's order.
"""

from __future__ import annotations

import asyncio
import functools
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import httpx
import pytest

from common.events import Event, decode_event, encode_event
from common.kafka.clients import make_producer
from common.kafka.topics import ORDERS_EVENTS_TOPIC
from common.pagination import MAX_OFFSET
from deploy.local.servers import to_asyncpg_url
from tests.integration.browser import Browser
from tests.integration.helpers import (
    Stack,
    create_order,
    eventually,
    pay_order,
    register_and_login,
)

RACE_ROUNDS = 5


@asynccontextmanager
async def connect(stack: Stack) -> AsyncIterator[asyncpg.Connection]:
    connection = await asyncpg.connect(to_asyncpg_url(stack.database_url))
    try:
        yield connection
    finally:
        await connection.close()


async def publish_order_events(bootstrap_servers: str, key: str, events: list[Event]) -> None:
    """Send events to ``orders.events`` with ``key``, as the orders outbox relay would."""
    producer = make_producer(bootstrap_servers, client_id="test-orders-events")
    await producer.start()
    try:
        for event in events:
            await producer.send_and_wait(
                ORDERS_EVENTS_TOPIC, value=encode_event(event), key=key.encode()
            )
    finally:
        await producer.stop()


async def payment_event_ids(stack: Stack, order_id: str, event_type: str) -> list[uuid.UUID]:
    """Return the ids of the ``event_type`` events in the payments outbox for ``order_id``."""
    async with connect(stack) as connection:
        rows = await connection.fetch(
            "SELECT payload FROM payments.outbox WHERE key = $1 ORDER BY id", order_id
        )
    events = [decode_event(row["payload"]) for row in rows]
    return [event.id for event in events if event.type == event_type]


async def orders_applied(stack: Stack, event_id: uuid.UUID) -> bool:
    async with connect(stack) as connection:
        found = await connection.fetchval(
            "SELECT count(*) FROM orders.processed_events WHERE event_id = $1", event_id
        )
    return found == 1


async def payments_has_order(stack: Stack, order_id: str) -> bool:
    async with connect(stack) as connection:
        found = await connection.fetchval(
            "SELECT count(*) FROM payments.order_projection WHERE order_id = $1",
            uuid.UUID(order_id),
        )
    return found == 1


async def order_status(stack: Stack, browser: Browser, order_id: str) -> str:
    response = await browser.get(f"{stack.orders_url}/orders/{order_id}")
    assert response.status_code == 200, response.text
    return response.json()["status"]


async def payments_of_order(stack: Stack, browser: Browser, order_id: str) -> list[dict[str, Any]]:
    response = await browser.get(f"{stack.payments_url}/payments")
    assert response.status_code == 200, response.text
    return [payment for payment in response.json() if payment["order_id"] == order_id]


async def payment_status(stack: Stack, browser: Browser, payment_id: str) -> str:
    response = await browser.get(f"{stack.payments_url}/payments/{payment_id}")
    assert response.status_code == 200, response.text
    return response.json()["status"]


async def check_race_outcome(
    stack: Stack,
    browser: Browser,
    order_id: str,
    cancel: httpx.Response,
    payment: httpx.Response,
) -> None:
    """Check that one cancel-and-pay race left the two services in agreement."""
    assert cancel.status_code in (204, 409), cancel.text
    assert payment.status_code in (201, 409), payment.text

    if cancel.status_code == 409:
        # Orders had applied payment.succeeded before the DELETE, so the payment stays.
        assert payment.status_code == 201, payment.text
        assert await order_status(stack, browser, order_id) == "paid"
        assert await payment_status(stack, browser, payment.json()["id"]) == "succeeded"
        return

    assert await order_status(stack, browser, order_id) == "cancelled"
    if payment.status_code == 409:
        assert await payments_of_order(stack, browser, order_id) == []
        return

    # Both requests succeeded: payments must refund the payment when it
    # applies order.cancelled, and orders must keep the order cancelled when
    # it applies payment.succeeded.
    payment_id = payment.json()["id"]
    refunded = await eventually(
        lambda: payment_status(stack, browser, payment_id), lambda status: status == "refunded"
    )
    assert refunded == "refunded"
    succeeded_ids = await payment_event_ids(stack, order_id, "payment.succeeded")
    assert len(succeeded_ids) == 1
    applied = await eventually(lambda: orders_applied(stack, succeeded_ids[0]), bool)
    assert applied
    assert await order_status(stack, browser, order_id) == "cancelled"
    listed = await payments_of_order(stack, browser, order_id)
    assert [(p["id"], p["status"]) for p in listed] == [(payment_id, "refunded")]


async def test_cancel_racing_payment_ends_consistent(
    stack: Stack, browser: Browser, user: dict
) -> None:
    for _ in range(RACE_ROUNDS):
        order = await create_order(stack, browser)
        # A payment for an order that payments has stored does not wait for
        # order.created, so it runs while the DELETE runs and the race is real.
        assert await eventually(functools.partial(payments_has_order, stack, order["id"]), bool)
        cancel, payment = await asyncio.gather(
            browser.delete(f"{stack.orders_url}/orders/{order['id']}"),
            pay_order(stack, browser, order["id"]),
        )
        await check_race_outcome(stack, browser, order["id"], cancel, payment)


async def test_late_cancellation_refunds_payment(
    stack: Stack, browser: Browser, user: dict, servers
) -> None:
    order = await create_order(stack, browser)
    payment = await pay_order(stack, browser, order["id"])
    assert payment.status_code == 201, payment.text
    payment_id = payment.json()["id"]

    # The order.cancelled that orders publishes when it accepts a DELETE
    # before payment.succeeded reaches it.
    cancelled = Event.new(
        "order.cancelled",
        {
            "order_id": order["id"],
            "user_id": order["user_id"],
            "total_cents": order["total_cents"],
            "currency": order["currency"],
            "status": "cancelled",
        },
    )
    await publish_order_events(servers.kafka_bootstrap_servers, order["id"], [cancelled])

    refunded = await eventually(
        lambda: payment_status(stack, browser, payment_id), lambda status: status == "refunded"
    )
    assert refunded == "refunded"
    refund_events = await payment_event_ids(stack, order["id"], "payment.refunded")
    assert len(refund_events) == 1

    async def published() -> bool:
        async with connect(stack) as connection:
            published_at = await connection.fetchval(
                "SELECT published_at FROM payments.outbox WHERE event_id = $1", refund_events[0]
            )
        return published_at is not None

    assert await eventually(published, bool)

    # A second payment of the cancelled order is rejected.
    again = await pay_order(stack, browser, order["id"])
    assert again.status_code == 409, again.text


async def test_malformed_order_events_are_skipped(
    stack: Stack, browser: Browser, user: dict, servers
) -> None:
    order = await create_order(stack, browser)

    def order_created(**changes: Any) -> Event:
        data = {
            "order_id": str(uuid.uuid4()),
            "user_id": "someone",
            "total_cents": 100,
            "currency": "EUR",
            "status": "pending",
            **changes,
        }
        return Event.new("order.created", data)

    # PostgreSQL rejects a NUL character in text. The other values parse but are wrong.
    malformed = [
        order_created(currency="E\x00R"),
        order_created(user_id="some\x00one"),
        order_created(currency="eur"),
        order_created(total_cents=-1),
    ]
    # The same key puts them on the order's partition, after its order.created.
    await publish_order_events(servers.kafka_bootstrap_servers, order["id"], malformed)

    # Payments waits until it has applied every event of the order's
    # partition, so the payment goes through only if it skipped the malformed ones.
    payment = await pay_order(stack, browser, order["id"])
    assert payment.status_code == 201, payment.text


@pytest.mark.parametrize("resource", ["orders", "payments"])
@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("offset=9223372036854775808", "offset"),
        (f"offset={MAX_OFFSET + 1}", "offset"),
        ("offset=-1", "offset"),
        ("offset=ten", "offset"),
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("limit=9223372036854775808", "limit"),
    ],
)
async def test_page_parameter_out_of_range_is_422(
    stack: Stack, browser: Browser, user: dict, resource: str, query: str, parameter: str
) -> None:
    base = stack.orders_url if resource == "orders" else stack.payments_url

    response = await browser.get(f"{base}/{resource}?{query}")

    assert response.status_code == 422, response.text
    assert response.json()["detail"].startswith(f"Invalid request: {parameter}: ")


@pytest.mark.parametrize("resource", ["orders", "payments"])
async def test_largest_offset_is_accepted(
    stack: Stack, browser: Browser, user: dict, resource: str
) -> None:
    base = stack.orders_url if resource == "orders" else stack.payments_url

    response = await browser.get(f"{base}/{resource}?offset={MAX_OFFSET}")

    assert response.status_code == 200, response.text
    assert response.json() == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"currency": "eur"},
            'currency: must be three upper-case letters (ISO 4217), e.g. "EUR"',
        ),
        (
            {"currency": "EUR\n"},
            'currency: must be three upper-case letters (ISO 4217), e.g. "EUR"',
        ),
        (
            {"items": [{"sku": "two words", "quantity": 1, "unit_price_cents": 1}]},
            "items[0].sku: must start with a letter or digit and contain only letters, "
            'digits and ".", "_", ":", "/", "-"',
        ),
    ],
    ids=["lower-case currency", "newline after currency", "space in sku"],
)
async def test_format_error_is_plain_words(
    stack: Stack, browser: Browser, user: dict, changes: dict[str, Any], expected: str
) -> None:
    body = {
        "items": [{"sku": "book-1", "quantity": 1, "unit_price_cents": 1}],
        "currency": "EUR",
        **changes,
    }

    response = await browser.post(f"{stack.orders_url}/orders", json=body)

    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert detail.startswith("Invalid request: ")
    assert detail.endswith(expected)
    assert "regex" not in detail


async def test_paying_other_users_order_hides_owner(stack: Stack) -> None:
    alice, bob = Browser(), Browser()
    try:
        await register_and_login(stack, alice)
        await register_and_login(stack, bob)
        order = await create_order(stack, alice)

        # pay_order retries until payments has stored the order, so the response is final.
        response = await pay_order(stack, bob, order["id"])

        assert response.status_code == 404, response.text
        assert response.json()["detail"] == f"order {order['id']} not found"
    finally:
        await alice.aclose()
        await bob.aclose()
