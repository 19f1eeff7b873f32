"""Walk through Revocast against the running local stack: `python -m deploy.local.demo`.

Registers a user, logs in, creates and pays an order, waits until orders learns of the
payment over Kafka, logs out, and measures how soon orders and payments reject the
old access token.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import sys
import time
import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from .cookies import CookieStore
from .demo_client import DemoClient, DemoError
from .demo_revocation import PROBE_TIMEOUT, measure_rejection
from .settings import AUTH, ORDERS, PAYMENTS

__all__ = ["DemoUrls", "main", "run_demo"]

ORDER_REQUEST = {
    "items": [{"sku": "book-1", "quantity": 2, "unit_price_cents": 1250}],
    "currency": "EUR",
}
# Bounds of the wait for payments to learn of a new order (409 with Retry-After).
MAX_PAYMENT_ATTEMPTS = 20
MAX_RETRY_AFTER = 5.0
# Interval and bound, in seconds, of the wait for orders to mark the order paid.
PAID_POLL_INTERVAL = 0.05
PAID_TIMEOUT = 10.0
# Cookie name, expected HttpOnly flag and path, as the login response must set them.
EXPECTED_COOKIES = (
    ("access_token", True, "/"),
    ("refresh_token", True, "/auth"),
    ("csrf_token", False, "/"),
)


@dataclass(frozen=True)
class DemoUrls:
    """Base URLs of the three services, without a trailing slash."""

    auth: str
    orders: str
    payments: str


def _say(text: str) -> None:
    print(text, flush=True)


def _money(cents: int, currency: str) -> str:
    return f"{cents // 100}.{cents % 100:02d} {currency}"


def _field(body: Any, name: str, step: str) -> Any:
    if not isinstance(body, dict) or name not in body:
        raise DemoError(f"{step} failed: the response has no field {name!r}.")
    return body[name]


def _check_login_cookies(cookies: CookieStore) -> None:
    for name, http_only, path in EXPECTED_COOKIES:
        cookie = cookies.get(name)
        if cookie is None:
            raise DemoError(f"Login failed: the response did not set the {name} cookie.")
        problems = []
        if cookie.http_only != http_only:
            problems.append("HttpOnly" if http_only else "no HttpOnly")
        if cookie.path != path:
            problems.append(f"Path={path}")
        if not cookie.secure:
            problems.append("Secure")
        if cookie.same_site.lower() != "strict":
            problems.append("SameSite=Strict")
        if problems:
            # A warning only: the demo still works with other attributes.
            _say(f"  warning: cookie {name} should have {', '.join(problems)}")


async def _register_and_login(client: DemoClient, urls: DemoUrls) -> None:
    credentials = {
        "email": f"demo-{secrets.token_hex(4)}@example.com",
        "password": secrets.token_urlsafe(24),
    }
    response = await client.request(
        "Registration", "POST", f"{urls.auth}/auth/register", json=credentials, expected={201}
    )
    user = response.json()
    user_id = _field(user, "id", "Registration")
    _say(f"Registered {credentials['email']} as user {user_id} (role {user.get('role')})")

    response = await client.request(
        "Login", "POST", f"{urls.auth}/auth/login", json=credentials, expected={200}
    )
    try:
        client.cookies.update_from(response)
    except ValueError as error:
        raise DemoError(f"Login failed: {error}") from error
    _check_login_cookies(client.cookies)
    _say("Logged in: received the access_token, refresh_token and csrf_token cookies")


async def _create_order(client: DemoClient, urls: DemoUrls) -> dict[str, Any]:
    response = await client.request(
        "Creating an order", "POST", f"{urls.orders}/orders", json=ORDER_REQUEST, expected={201}
    )
    order = response.json()
    order_id = _field(order, "id", "Creating an order")
    status = _field(order, "status", "Creating an order")
    if status != "pending":
        raise DemoError(f"Creating an order failed: status is {status!r}, expected 'pending'.")
    item = ORDER_REQUEST["items"][0]
    _say(
        f"Created order {order_id}: {item['quantity']} x {item['sku']} at "
        f"{_money(item['unit_price_cents'], order['currency'])}, total "
        f"{_money(order['total_cents'], order['currency'])}, status {status}"
    )
    return order


def _retry_after(response: httpx.Response) -> float:
    try:
        seconds = float(response.headers.get("retry-after", "1"))
    except ValueError:
        seconds = 1.0
    return min(max(seconds, 0.05), MAX_RETRY_AFTER)


async def _pay(client: DemoClient, urls: DemoUrls, order_id: str) -> dict[str, Any]:
    # The same key on every attempt, so a retried payment cannot be charged twice.
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    for _attempt in range(MAX_PAYMENT_ATTEMPTS):
        response = await client.request(
            "Paying the order",
            "POST",
            f"{urls.payments}/payments",
            json={"order_id": order_id},
            headers=headers,
            expected={201, 409},
        )
        if response.status_code == 201:
            payment = response.json()
            _say(
                f"Paid order {order_id}: payment {_field(payment, 'id', 'Paying the order')}, "
                f"{_money(payment['amount_cents'], payment['currency'])}, "
                f"status {payment.get('status')}"
            )
            return payment
        delay = _retry_after(response)
        _say(f"  payments has not seen order {order_id} yet, retrying in {delay:g} s")
        await asyncio.sleep(delay)
    raise DemoError(
        f"Paying the order failed: payments still responded with 409 after "
        f"{MAX_PAYMENT_ATTEMPTS} attempts."
    )


async def _wait_until_paid(client: DemoClient, urls: DemoUrls, order_id: str) -> None:
    started = time.perf_counter()
    status = None
    while time.perf_counter() - started < PAID_TIMEOUT:
        response = await client.request(
            "Reading the order", "GET", f"{urls.orders}/orders/{order_id}", expected={200}
        )
        status = _field(response.json(), "status", "Reading the order")
        if status == "paid":
            elapsed_ms = (time.perf_counter() - started) * 1000
            _say(f"Orders marked order {order_id} paid {elapsed_ms:.1f} ms after the payment")
            return
        await asyncio.sleep(PAID_POLL_INTERVAL)
    raise DemoError(
        f"Waiting for the payment failed: order {order_id} still has status {status!r} "
        f"{PAID_TIMEOUT:g} s after the payment."
    )


async def _logout_and_measure(client: DemoClient, urls: DemoUrls, order_id: str) -> None:
    old_cookies = client.cookies.copy()
    await client.request("Logout", "POST", f"{urls.auth}/auth/logout", expected={204})
    logged_out_at = time.perf_counter()
    _say("Logged out; now sending requests with the old access token")

    targets = {
        "orders": f"{urls.orders}/orders/{order_id}",
        "payments": f"{urls.payments}/payments",
    }
    results = await measure_rejection(client.http, targets, old_cookies, logged_out_at)

    still_accepting = []
    for result in results:
        if result.delay is None:
            still_accepting.append(result.service)
            continue
        accepted = "request" if result.accepted_before == 1 else "requests"
        _say(
            f"{result.service} rejected the logged-out token {result.delay * 1000:.1f} ms "
            f"after logout ({result.accepted_before} {accepted} accepted before)"
        )
    if still_accepting:
        raise DemoError(
            f"{' and '.join(still_accepting)} still accepted the logged-out token "
            f"{PROBE_TIMEOUT:g} s after logout."
        )


async def run_demo(urls: DemoUrls) -> None:
    """Run every step of the demo against `urls`. Raises DemoError on the first failure."""
    # trust_env=False: a proxy from the environment must not receive local requests.
    async with httpx.AsyncClient(timeout=5.0, trust_env=False) as http:
        client = DemoClient(http)
        await _register_and_login(client, urls)
        order = await _create_order(client, urls)
        await _pay(client, urls, order["id"])
        await _wait_until_paid(client, urls, order["id"])
        await _logout_and_measure(client, urls, order["id"])


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the demo. Returns the exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m deploy.local.demo",
        description="Walk through login, an order, its payment and logout against the local stack.",
    )
    parser.add_argument("--auth-url", default=AUTH.base_url, help="base URL of the auth service")
    parser.add_argument(
        "--orders-url", default=ORDERS.base_url, help="base URL of the orders service"
    )
    parser.add_argument(
        "--payments-url", default=PAYMENTS.base_url, help="base URL of the payments service"
    )
    arguments = parser.parse_args(argv)
    urls = DemoUrls(
        auth=arguments.auth_url.rstrip("/"),
        orders=arguments.orders_url.rstrip("/"),
        payments=arguments.payments_url.rstrip("/"),
    )
    try:
        asyncio.run(run_demo(urls))
    except DemoError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
