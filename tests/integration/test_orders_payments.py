"""Orders and payments through Kafka: create, pay, marked paid, cancel, isolation, CSRF."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from auth.cli import main as admin_cli
from tests.integration.browser import Browser
from tests.integration.helpers import (
    Stack,
    create_order,
    eventually,
    pay_order,
    register_and_login,
)


async def test_order_total_is_computed_by_server(
    stack: Stack, browser: Browser, user: dict
) -> None:
    response = await browser.post(
        f"{stack.orders_url}/orders",
        json={
            "items": [
                {"sku": "book-1", "quantity": 2, "unit_price_cents": 1250},
                {"sku": "pen-7", "quantity": 3, "unit_price_cents": 199},
            ],
            "currency": "EUR",
        },
    )
    assert response.status_code == 201
    order = response.json()
    assert set(order) == {
        "id",
        "user_id",
        "items",
        "total_cents",
        "currency",
        "status",
        "created_at",
    }
    assert order["total_cents"] == 2 * 1250 + 3 * 199
    assert order["status"] == "pending"
    assert order["user_id"] == user["id"]


async def test_paying_order_marks_it_paid(stack: Stack, browser: Browser, user: dict) -> None:
    order = await create_order(stack, browser)
    payment = await pay_order(stack, browser, order["id"])
    assert payment.status_code == 201, payment.text
    body = payment.json()
    assert set(body) == {"id", "order_id", "amount_cents", "currency", "status", "created_at"}
    assert body["order_id"] == order["id"]
    assert body["amount_cents"] == order["total_cents"] == 2500
    assert body["currency"] == "EUR"

    async def fetch_status() -> str:
        return (await browser.get(f"{stack.orders_url}/orders/{order['id']}")).json()["status"]

    assert await eventually(fetch_status, lambda status: status == "paid") == "paid"
    listed = (await browser.get(f"{stack.payments_url}/payments")).json()
    assert [p["id"] for p in listed] == [body["id"]]


async def test_same_idempotency_key_returns_same_payment(
    stack: Stack, browser: Browser, user: dict
) -> None:
    order = await create_order(stack, browser)
    key = "fixed-key-" + uuid.uuid4().hex
    first = await pay_order(stack, browser, order["id"], idempotency_key=key)
    again = await pay_order(stack, browser, order["id"], idempotency_key=key)
    assert first.status_code == 201, first.text
    assert again.status_code == 201, again.text
    assert again.json()["id"] == first.json()["id"]


async def test_paid_order_cannot_be_deleted(stack: Stack, browser: Browser, user: dict) -> None:
    order = await create_order(stack, browser)
    assert (await pay_order(stack, browser, order["id"])).status_code == 201

    async def fetch_status() -> str:
        return (await browser.get(f"{stack.orders_url}/orders/{order['id']}")).json()["status"]

    await eventually(fetch_status, lambda status: status == "paid")
    response = await browser.delete(f"{stack.orders_url}/orders/{order['id']}")
    assert response.status_code == 409


async def test_cancelled_order_cannot_be_paid(stack: Stack, browser: Browser, user: dict) -> None:
    order = await create_order(stack, browser)
    assert (await browser.delete(f"{stack.orders_url}/orders/{order['id']}")).status_code == 204
    fetched = await browser.get(f"{stack.orders_url}/orders/{order['id']}")
    assert fetched.json()["status"] == "cancelled"

    async def attempt() -> int:
        response = await browser.post(
            f"{stack.payments_url}/payments",
            json={"order_id": order["id"]},
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )
        return response.status_code

    # 409 either way: first while payments has not seen the order, then because it is cancelled.
    assert await attempt() == 409


async def test_users_see_only_their_own_orders(stack: Stack) -> None:
    alice, bob = Browser(), Browser()
    try:
        await register_and_login(stack, alice)
        await register_and_login(stack, bob)
        order = await create_order(stack, alice)

        assert (await bob.get(f"{stack.orders_url}/orders/{order['id']}")).status_code == 404
        assert (await bob.delete(f"{stack.orders_url}/orders/{order['id']}")).status_code == 404
        assert order["id"] not in [
            o["id"] for o in (await bob.get(f"{stack.orders_url}/orders")).json()
        ]
        paid_by_bob = await bob.post(
            f"{stack.payments_url}/payments",
            json={"order_id": order["id"]},
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )
        assert paid_by_bob.status_code in (404, 409)
    finally:
        await alice.aclose()
        await bob.aclose()


async def test_admin_sees_every_order(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    customer, admin = Browser(), Browser()
    try:
        await register_and_login(stack, customer)
        order = await create_order(stack, customer)
        admin_user = await register_and_login(stack, admin)
        monkeypatch.setenv("REVOCAST_DATABASE_URL", stack.database_url)
        assert await asyncio.to_thread(admin_cli, ["promote", admin_user["email"]]) == 0
        assert (await admin.post(f"{stack.auth_url}/auth/refresh")).status_code == 200

        listed = await admin.get(f"{stack.orders_url}/orders")
        assert order["id"] in [o["id"] for o in listed.json()]
        assert (await admin.get(f"{stack.orders_url}/orders/{order['id']}")).status_code == 200
    finally:
        await customer.aclose()
        await admin.aclose()


async def test_cookie_post_without_csrf_header_is_403(
    stack: Stack, browser: Browser, user: dict
) -> None:
    browser.send_csrf = False
    response = await browser.post(
        f"{stack.orders_url}/orders",
        json={
            "items": [{"sku": "book-1", "quantity": 1, "unit_price_cents": 100}],
            "currency": "EUR",
        },
    )
    assert response.status_code == 403
    assert "X-CSRF-Token" in response.json()["detail"]


async def test_bearer_post_needs_no_csrf(stack: Stack, browser: Browser, user: dict) -> None:
    response = await browser.client.post(
        f"{stack.orders_url}/orders",
        headers={"Authorization": f"Bearer {browser.cookie('access_token')}"},
        json={
            "items": [{"sku": "book-1", "quantity": 1, "unit_price_cents": 100}],
            "currency": "EUR",
        },
    )
    assert response.status_code == 201


async def test_foreign_origin_is_403(stack: Stack, browser: Browser, user: dict) -> None:
    response = await browser.post(
        f"{stack.orders_url}/orders",
        headers={"Origin": "https://evil.example"},
        json={
            "items": [{"sku": "book-1", "quantity": 1, "unit_price_cents": 100}],
            "currency": "EUR",
        },
    )
    assert response.status_code == 403


async def test_unauthenticated_request_is_401(stack: Stack, browser: Browser) -> None:
    for url in (f"{stack.orders_url}/orders", f"{stack.payments_url}/payments"):
        response = await browser.get(url)
        assert response.status_code == 401
        assert response.json()["status_code"] == 401


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"items": [], "currency": "EUR"},
        {"items": [{"sku": "book-1", "quantity": 0, "unit_price_cents": 1}], "currency": "EUR"},
        {"items": [{"sku": "book-1", "quantity": 1, "unit_price_cents": -1}], "currency": "EUR"},
        {"items": [{"sku": "", "quantity": 1, "unit_price_cents": 1}], "currency": "EUR"},
        {"items": [{"sku": "book-1", "quantity": "2", "unit_price_cents": 1}], "currency": "EUR"},
        {"items": [{"sku": "book-1", "quantity": 1, "unit_price_cents": 1}], "currency": "euro"},
        {"items": "book-1", "currency": "EUR"},
    ],
)
async def test_invalid_order_body_is_422(
    stack: Stack, browser: Browser, user: dict, body: dict
) -> None:
    response = await browser.post(f"{stack.orders_url}/orders", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["status_code"] == 422


@pytest.mark.parametrize("order_id", ["not-a-uuid", "1", "%00"])
async def test_bad_order_id_is_client_error(
    stack: Stack, browser: Browser, user: dict, order_id: str
) -> None:
    response = await browser.get(f"{stack.orders_url}/orders/{order_id}")
    assert response.status_code in (404, 422)
    assert response.json()["status_code"] == response.status_code


async def test_payment_without_idempotency_key_is_422(
    stack: Stack, browser: Browser, user: dict
) -> None:
    order = await create_order(stack, browser)
    response = await browser.post(f"{stack.payments_url}/payments", json={"order_id": order["id"]})
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["detail"]
