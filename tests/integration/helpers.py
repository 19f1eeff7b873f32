"""Shared pieces of the integration tests: the running stack and user set-up."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx

from common.settings import AuthSettings
from tests.integration.browser import Browser
from tests.integration.services import RunningService

__all__ = [
    "PASSWORD",
    "Stack",
    "create_order",
    "eventually",
    "new_email",
    "pay_order",
    "register_and_login",
]

T = TypeVar("T")

PASSWORD = "correct horse battery staple"


@dataclass
class Stack:
    auth: RunningService
    orders: list[RunningService]
    payments: RunningService
    auth_settings: AuthSettings
    database_url: str

    @property
    def auth_url(self) -> str:
        return self.auth.url

    @property
    def orders_url(self) -> str:
        return self.orders[0].url

    @property
    def payments_url(self) -> str:
        return self.payments.url


def new_email() -> str:
    return f"user-{uuid.uuid4().hex[:12]}@example.com"


async def register_and_login(
    stack: Stack, browser: Browser, email: str | None = None
) -> dict[str, Any]:
    """Register a fresh user, log ``browser`` in and return the user body."""
    email = email or new_email()
    registered = await browser.post(
        f"{stack.auth_url}/auth/register", json={"email": email, "password": PASSWORD}
    )
    assert registered.status_code == 201, registered.text
    logged_in = await browser.post(
        f"{stack.auth_url}/auth/login", json={"email": email, "password": PASSWORD}
    )
    assert logged_in.status_code == 200, logged_in.text
    return logged_in.json()


async def eventually(
    check: Callable[[], Awaitable[T]], accept: Callable[[T], bool], *, within: float = 10.0
) -> T:
    """Call ``check`` until ``accept`` takes its result, for at most ``within`` seconds.

    For effects that travel through Kafka. The bound only stops a broken run
    from hanging; how fast it happens is measured by benchmarks, not here.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    result = await check()
    while not accept(result) and loop.time() < deadline:
        await asyncio.sleep(0.02)
        result = await check()
    return result


async def create_order(stack: Stack, browser: Browser, *, quantity: int = 2) -> dict[str, Any]:
    response = await browser.post(
        f"{stack.orders_url}/orders",
        json={
            "items": [{"sku": "book-1", "quantity": quantity, "unit_price_cents": 1250}],
            "currency": "EUR",
        },
    )
    assert response.status_code == 201, response.text
    return response.json()


async def pay_order(
    stack: Stack, browser: Browser, order_id: str, *, idempotency_key: str | None = None
) -> httpx.Response:
    """Pay an order, retrying while payments has not seen the order yet (409 with Retry-After)."""
    key = idempotency_key or uuid.uuid4().hex

    async def attempt() -> httpx.Response:
        return await browser.post(
            f"{stack.payments_url}/payments",
            json={"order_id": order_id},
            headers={"Idempotency-Key": key},
        )

    return await eventually(
        attempt, lambda r: not (r.status_code == 409 and "retry-after" in r.headers)
    )
