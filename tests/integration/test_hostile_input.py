"""Regression tests for hostile input: each one names the attack it stops."""

from __future__ import annotations

import json
import uuid

import jwt
import pytest
from aiokafka import AIOKafkaProducer

from auth.app import create_app as create_auth_app
from common.settings import AuthSettings
from tests.integration.browser import Browser
from tests.integration.helpers import (
    PASSWORD,
    Stack,
    create_order,
    eventually,
    new_email,
    pay_order,
    register_and_login,
)
from tests.integration.services import start_service


def _raw_token(header: object, payload: object) -> str:
    def part(value: object) -> str:
        return jwt.utils.base64url_encode(json.dumps(value).encode()).decode()

    return f"{part(header)}.{part(payload)}.AAAA"


@pytest.mark.parametrize(
    "header",
    [
        {"alg": "RS256", "typ": "at+jwt", "kid": 1},
        {"alg": ["RS256"], "typ": "at+jwt", "kid": "x"},
        {"alg": "RS256", "typ": "at+jwt", "kid": "x", "crit": ["exp"]},
    ],
)
async def test_malformed_token_header_is_401_everywhere(
    stack: Stack, browser: Browser, header: dict[str, object]
) -> None:
    """Stops unauthenticated 500 errors from token headers of unexpected types."""
    token = _raw_token(header, {})
    for url in (
        f"{stack.auth_url}/auth/me",
        f"{stack.orders_url}/orders",
        f"{stack.payments_url}/payments",
    ):
        response = await browser.client.get(url, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, url


async def test_non_uuid_subject_is_401(stack: Stack, browser: Browser) -> None:
    """A token with a subject that is no user id must not reach the user lookup."""
    from common.tokens.issuer import AccessTokenIssuer
    from common.tokens.keys import SigningKey

    key = SigningKey.from_file(stack.auth_settings.signing_key_file)
    issuer = AccessTokenIssuer(
        key, issuer=stack.auth_settings.jwt_issuer, audience=["auth"], ttl_seconds=900
    )
    token, _ = issuer.issue(subject="not-a-uuid", session_id=str(uuid.uuid4()), role="user")
    response = await browser.client.get(
        f"{stack.auth_url}/auth/me", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 401


@pytest.mark.parametrize("path", ["/auth/login", "/auth/register"])
async def test_deeply_nested_body_is_422(stack: Stack, browser: Browser, path: str) -> None:
    """Stops a RecursionError 500 from a body of a thousand nested arrays."""
    body = "[" * 1000 + "]" * 1000
    response = await browser.client.post(
        f"{stack.auth_url}{path}", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["status_code"] == 422


@pytest.mark.parametrize(
    "email",
    ["a\u0000b@example.com", "a\u007fb@example.com", "\u0130" * 126 + "@example.com"],
)
async def test_unstorable_email_is_422(stack: Stack, browser: Browser, email: str) -> None:
    """Stops 500 errors (and SQL parameters in logs) from NUL bytes and case-folding growth."""
    response = await browser.post(
        f"{stack.auth_url}/auth/register", json={"email": email, "password": PASSWORD}
    )
    assert response.status_code == 422
    assert "email" in response.json()["detail"]


async def test_fullwidth_email_is_same_account(stack: Stack, browser: Browser) -> None:
    """Stops registering look-alike duplicates of an existing address."""
    local = uuid.uuid4().hex[:10]
    first = await browser.post(
        f"{stack.auth_url}/auth/register",
        json={"email": f"a{local}@example.com", "password": PASSWORD},
    )
    lookalike = await browser.post(
        f"{stack.auth_url}/auth/register",
        json={"email": f"\uff41{local}@example.com", "password": PASSWORD},
    )
    assert first.status_code == 201
    assert lookalike.status_code == 409


async def test_text_plain_login_is_415(stack: Stack, browser: Browser) -> None:
    """Stops login CSRF through a cross-site text/plain form post, which needs no preflight."""
    response = await browser.client.post(
        f"{stack.auth_url}/auth/login",
        content=json.dumps({"email": new_email(), "password": PASSWORD}),
        headers={"Content-Type": "text/plain"},
    )
    assert response.status_code == 415
    assert response.json()["detail"] == "Content-Type must be application/json"


@pytest.mark.parametrize(
    "origin", ["https://evil.example", "null", "http://[::1", "javascript://127.0.0.1"]
)
async def test_foreign_origin_login_is_403(stack: Stack, browser: Browser, origin: str) -> None:
    """Stops login CSRF from a foreign page that sends JSON with CORS."""
    response = await browser.client.post(
        f"{stack.auth_url}/auth/login",
        json={"email": new_email(), "password": PASSWORD},
        headers={"Origin": origin},
    )
    assert response.status_code == 403


async def test_malformed_origin_on_refresh_is_403(stack: Stack, browser: Browser) -> None:
    """Stops an unauthenticated 500 from an Origin that urlsplit cannot parse."""
    response = await browser.client.post(
        f"{stack.auth_url}/auth/refresh",
        headers={"Cookie": "csrf_token=x", "X-CSRF-Token": "x", "Origin": "http://[::1"},
    )
    assert response.status_code == 403


async def test_third_reuse_within_grace_revokes_session(
    stack: Stack, browser: Browser, user: dict
) -> None:
    """Stops a stolen refresh token from forking a session into many live tokens."""
    refresh = browser.cookie("refresh_token")
    csrf = browser.cookie("csrf_token")
    headers = {"Cookie": f"refresh_token={refresh}; csrf_token={csrf}", "X-CSRF-Token": csrf}
    statuses = [
        (await browser.client.post(f"{stack.auth_url}/auth/refresh", headers=headers)).status_code
        for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 401]
    assert (await browser.get(f"{stack.auth_url}/auth/me")).status_code == 401


async def test_login_rate_limit_returns_429_with_retry_after(
    stack: Stack, browser: Browser
) -> None:
    settings = stack.auth_settings.model_copy(update={"login_rate_limit_per_minute": 3})
    limited = await start_service("auth-limited", create_auth_app(settings))
    try:
        statuses = []
        for _ in range(5):
            response = await browser.client.post(
                f"{limited.url}/auth/login", json={"email": new_email(), "password": PASSWORD}
            )
            statuses.append(response.status_code)
        assert statuses == [401, 401, 401, 429, 429]
        assert int(response.headers["Retry-After"]) > 0
        assert response.json()["status_code"] == 429
    finally:
        await limited.stop()


async def test_database_outage_is_503_not_500(stack: Stack, browser: Browser) -> None:
    missing = stack.database_url.rsplit("/", 1)[0] + "/revocast_missing_database"
    settings = AuthSettings(
        **{
            **stack.auth_settings.model_dump(),
            "database_url": missing,
        }
    )
    broken = await start_service("auth-no-database", create_auth_app(settings), wait_ready=False)
    try:
        login = await browser.client.post(
            f"{broken.url}/auth/login", json={"email": new_email(), "password": PASSWORD}
        )
        ready = await browser.client.get(f"{broken.url}/readyz")
        assert login.status_code == 503
        assert login.headers["Retry-After"] == "1"
        assert ready.status_code == 503
        assert ready.json()["detail"] == "Not ready: database: unavailable"
    finally:
        await broken.stop()


async def test_poison_records_do_not_stop_revocations(
    stack: Stack, browser: Browser, servers
) -> None:
    """Stops a single unverifiable record on the topic from halting the revocation feed."""
    producer = AIOKafkaProducer(bootstrap_servers=servers.kafka_bootstrap_servers)
    await producer.start()
    try:
        poison = [
            _raw_token({"alg": "RS256", "typ": "secevent+jwt", "kid": 1}, {"x": 1}).encode(),
            _raw_token(
                {"alg": "RS256", "typ": "secevent+jwt", "kid": "x", "crit": ["a"]}, {}
            ).encode(),
            b"\xff\xfe not utf-8",
            None,
        ]
        for partition in range(3):
            for value in poison:
                await producer.send_and_wait(
                    "auth.revocations", key=b"attacker", value=value, partition=partition
                )
            await producer.send_and_wait(
                "orders.events", key=b"attacker", value=None, partition=partition
            )
            await producer.send_and_wait("orders.events", value=b"[[[", partition=partition)
    finally:
        await producer.stop()

    await register_and_login(stack, browser)
    order = await create_order(stack, browser)
    payment = await pay_order(stack, browser, order["id"])
    assert payment.status_code == 201, payment.text

    token = browser.cookie("access_token")
    assert (await browser.post(f"{stack.auth_url}/auth/logout")).status_code == 204

    async def status(url: str) -> int:
        headers = {"Authorization": f"Bearer {token}"}
        return (await browser.client.get(url, headers=headers)).status_code

    for url in (
        f"{stack.orders[0].url}/orders",
        f"{stack.orders[1].url}/orders",
        f"{stack.payments_url}/payments",
    ):
        assert await eventually(lambda url=url: status(url), lambda s: s == 401) == 401, url
