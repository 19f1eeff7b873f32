"""Pure helpers of the local stack and demo: URL forms, cookie handling, payment retries."""

from __future__ import annotations

import httpx
import pytest

from deploy.local.backends import redact_password
from deploy.local.cookies import CookieStore
from deploy.local.demo import DemoUrls, _pay
from deploy.local.demo_client import DemoClient, DemoError
from deploy.local.servers import to_asyncpg_url, to_sqlalchemy_url

LOGIN_COOKIES = [
    "access_token=header.claims.signature; HttpOnly; Path=/; SameSite=Strict; Secure",
    "refresh_token=opaque-refresh; HttpOnly; Path=/auth; SameSite=Strict; Secure",
    "csrf_token=csrf-value; Path=/; SameSite=Strict; Secure",
]


def _login_response() -> httpx.Response:
    request = httpx.Request("POST", "http://127.0.0.1:8001/auth/login")
    headers = [("set-cookie", value) for value in LOGIN_COOKIES]
    return httpx.Response(200, headers=headers, request=request)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "postgresql://postgres@127.0.0.1:5432/test",
            "postgresql+asyncpg://postgres@127.0.0.1:5432/test",
        ),
        ("postgres://u:p@db:5432/app?ssl=on", "postgresql+asyncpg://u:p@db:5432/app?ssl=on"),
        ("postgresql+asyncpg://postgres@127.0.0.1/x", "postgresql+asyncpg://postgres@127.0.0.1/x"),
    ],
)
def test_sqlalchemy_url_form(url: str, expected: str) -> None:
    assert to_sqlalchemy_url(url) == expected


def test_asyncpg_url_form() -> None:
    url = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
    assert to_asyncpg_url(url) == "postgresql://postgres@127.0.0.1:5432/test"


def test_url_form_rejects_other_scheme() -> None:
    with pytest.raises(ValueError, match="not a PostgreSQL URL"):
        to_sqlalchemy_url("redis://127.0.0.1:6379/0")


def test_redact_password() -> None:
    assert redact_password("postgresql://app:secret@db:5432/x") == "postgresql://app:***@db:5432/x"
    assert redact_password("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/0"


def test_cookie_store_reads_attributes() -> None:
    store = CookieStore()
    store.update_from(_login_response())

    access = store.get("access_token")
    refresh = store.get("refresh_token")
    csrf = store.get("csrf_token")
    assert access is not None
    assert refresh is not None
    assert csrf is not None
    assert access.value == "header.claims.signature"
    assert access.http_only
    assert access.secure
    assert access.same_site == "Strict"
    assert refresh.path == "/auth"
    assert not csrf.http_only


def test_cookie_store_matches_paths() -> None:
    store = CookieStore()
    store.update_from(_login_response())

    orders_header = store.header_for("/orders/1")
    logout_header = store.header_for("/auth/logout")

    assert "refresh_token" not in orders_header
    assert "access_token=header.claims.signature" in orders_header
    assert "csrf_token=csrf-value" in orders_header
    assert "refresh_token=opaque-refresh" in logout_header
    assert "refresh_token" not in store.header_for("/authors")


def test_cookie_store_copy_is_independent() -> None:
    store = CookieStore()
    store.update_from(_login_response())
    snapshot = store.copy()

    request = httpx.Request("POST", "http://127.0.0.1:8001/auth/logout")
    cleared = httpx.Response(
        204, headers=[("set-cookie", 'access_token=""; Max-Age=0; Path=/')], request=request
    )
    store.update_from(cleared)

    assert store.header_for("/orders") != snapshot.header_for("/orders")
    assert "access_token=header.claims.signature" in snapshot.header_for("/orders")


async def test_payment_retries_after_409() -> None:
    attempts: list[httpx.Request] = []

    def respond(request: httpx.Request) -> httpx.Response:
        attempts.append(request)
        if len(attempts) == 1:
            return httpx.Response(409, headers={"Retry-After": "0"}, json={"detail": "unknown"})
        body = {
            "id": "pay-1",
            "order_id": "order-1",
            "amount_cents": 2500,
            "currency": "EUR",
            "status": "succeeded",
            "created_at": "2025-01-01T00:00:00Z",
        }
        return httpx.Response(201, json=body)

    urls = DemoUrls("http://auth.test", "http://orders.test", "http://payments.test")
    async with httpx.AsyncClient(transport=httpx.MockTransport(respond)) as http:
        client = DemoClient(http)
        client.cookies.update_from(_login_response())
        payment = await _pay(client, urls, "order-1")

    assert payment["id"] == "pay-1"
    assert len(attempts) == 2
    keys = {request.headers["Idempotency-Key"] for request in attempts}
    assert len(keys) == 1
    assert attempts[1].headers["X-CSRF-Token"] == "csrf-value"


async def test_request_error_shows_detail() -> None:
    def respond(request: httpx.Request) -> httpx.Response:
        return httpx.Response(422, json={"detail": "currency must be ISO 4217"})

    async with httpx.AsyncClient(transport=httpx.MockTransport(respond)) as http:
        client = DemoClient(http)
        with pytest.raises(DemoError) as raised:
            await client.request(
                "Creating an order", "POST", "http://o.test/orders", expected={201}
            )

    message = str(raised.value)
    assert "Creating an order failed" in message
    assert "422" in message
    assert "currency must be ISO 4217" in message
