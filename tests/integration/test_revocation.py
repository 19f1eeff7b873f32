"""Logout and refresh-token reuse revoke access tokens on every replica of every service."""

from __future__ import annotations

import asyncio

import httpx
import jwt

from orders.app import create_app as create_orders_app
from orders.settings import OrdersSettings
from tests.integration.browser import Browser
from tests.integration.helpers import (
    Stack,
    create_order,
    eventually,
    register_and_login,
)
from tests.integration.services import RunningService, start_service


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _status(client: httpx.AsyncClient, url: str, token: str) -> int:
    return (await client.get(url, headers=_bearer(token))).status_code


async def test_logout_revokes_token_on_all_replicas(stack: Stack, browser: Browser) -> None:
    await register_and_login(stack, browser)
    order = await create_order(stack, browser)
    token = browser.cookie("access_token")
    targets = [f"{replica.url}/orders/{order['id']}" for replica in stack.orders]
    targets.append(f"{stack.payments_url}/payments")
    for url in targets:
        assert await _status(browser.client, url, token) == 200, url

    logout = await browser.post(f"{stack.auth_url}/auth/logout")
    assert logout.status_code == 204

    for url in targets:
        status = await eventually(
            lambda url=url: _status(browser.client, url, token), lambda s: s == 401
        )
        assert status == 401, url


async def test_logout_leaves_other_session_working(stack: Stack) -> None:
    laptop, phone = Browser(), Browser()
    try:
        user = await register_and_login(stack, laptop)
        await phone.post(
            f"{stack.auth_url}/auth/login",
            json={"email": user["email"], "password": "correct horse battery staple"},
        )
        laptop_token = laptop.cookie("access_token")
        phone_token = phone.cookie("access_token")

        assert (await laptop.post(f"{stack.auth_url}/auth/logout")).status_code == 204
        url = f"{stack.orders_url}/orders"
        assert (
            await eventually(lambda: _status(laptop.client, url, laptop_token), lambda s: s == 401)
            == 401
        )

        for replica in stack.orders:
            assert await _status(phone.client, f"{replica.url}/orders", phone_token) == 200
        assert await _status(phone.client, f"{stack.payments_url}/payments", phone_token) == 200
        assert (await phone.get(f"{stack.auth_url}/auth/me")).status_code == 200
    finally:
        await laptop.aclose()
        await phone.aclose()


async def test_refresh_reuse_revocation_reaches_business_services(
    stack: Stack, browser: Browser
) -> None:
    await register_and_login(stack, browser)
    stolen = browser.cookie("refresh_token")
    csrf = browser.cookie("csrf_token")
    assert (await browser.post(f"{stack.auth_url}/auth/refresh")).status_code == 200
    fresh_access = browser.cookie("access_token")
    url = f"{stack.orders_url}/orders"
    assert await _status(browser.client, url, fresh_access) == 200

    await asyncio.sleep(stack.auth_settings.refresh_reuse_grace_seconds + 0.2)
    replay = await browser.client.post(
        f"{stack.auth_url}/auth/refresh",
        headers={"Cookie": f"refresh_token={stolen}; csrf_token={csrf}", "X-CSRF-Token": csrf},
    )
    assert replay.status_code == 401
    assert (
        await eventually(lambda: _status(browser.client, url, fresh_access), lambda s: s == 401)
        == 401
    )


async def test_revocation_is_stored_in_redis_with_ttl(
    stack: Stack, browser: Browser, servers
) -> None:
    from redis.asyncio import Redis

    await register_and_login(stack, browser)
    token = browser.cookie("access_token")
    session_id = jwt.decode(token, options={"verify_signature": False})["sid"]
    assert (await browser.post(f"{stack.auth_url}/auth/logout")).status_code == 204

    redis = Redis.from_url(servers.redis_url)
    try:
        for namespace in ("orders", "payments"):
            key = f"revocast:{namespace}:deny:sid:{session_id}"

            async def ttl(key: str = key) -> int:
                return await redis.pttl(key)

            remaining_ms = await eventually(ttl, lambda value: value > 0)
            lifetime_ms = (
                stack.auth_settings.access_token_ttl_seconds
                + stack.auth_settings.jwt_leeway_seconds
            ) * 1000
            assert 0 < remaining_ms <= lifetime_ms, namespace
    finally:
        await redis.aclose()


async def test_forged_tokens_are_rejected_with_one_401(stack: Stack, browser: Browser) -> None:
    await register_and_login(stack, browser)
    genuine = browser.cookie("access_token")
    claims = jwt.decode(genuine, options={"verify_signature": False})
    header = jwt.get_unverified_header(genuine)
    unsigned = jwt.encode(
        claims, None, algorithm="none", headers={"kid": header["kid"], "typ": "at+jwt"}
    )
    hs256 = jwt.encode(
        claims,
        "guessed-secret-of-32-bytes-length!",
        algorithm="HS256",
        headers={"kid": header["kid"], "typ": "at+jwt"},
    )
    tampered = genuine[:-4] + ("AAAA" if not genuine.endswith("AAAA") else "BBBB")
    details = set()
    for token in (unsigned, hs256, tampered, "not.a.jwt", "x" * 5000):
        response = await browser.client.get(f"{stack.orders_url}/orders", headers=_bearer(token))
        assert response.status_code == 401
        details.add(response.json()["detail"])
    assert len(details) == 1


async def _start_orders_replica(stack: Stack, servers, name: str) -> RunningService:
    settings = OrdersSettings(
        database_url=servers.database_url,
        kafka_bootstrap_servers=servers.kafka_bootstrap_servers,
        kafka_fetch_max_wait_ms=10,
        redis_url=servers.redis_url,
        jwks_url=f"{stack.auth_url}/.well-known/jwks.json",
        log_format="console",
    )
    return await start_service(name, create_orders_app(settings))


async def test_replica_started_after_logout_rejects_token(
    stack: Stack, browser: Browser, servers
) -> None:
    await register_and_login(stack, browser)
    token = browser.cookie("access_token")
    assert (await browser.post(f"{stack.auth_url}/auth/logout")).status_code == 204
    url = f"{stack.orders_url}/orders"
    assert await eventually(lambda: _status(browser.client, url, token), lambda s: s == 401) == 401

    # Ready only after loading the denylist and catching up, so its first response counts.
    late = await _start_orders_replica(stack, servers, "orders-late")
    try:
        assert await _status(browser.client, f"{late.url}/orders", token) == 401
    finally:
        await late.stop()


async def test_replica_rebuilds_denylist_from_topic_after_redis_loss(
    stack: Stack, browser: Browser, servers
) -> None:
    from redis.asyncio import Redis

    await register_and_login(stack, browser)
    token = browser.cookie("access_token")
    assert (await browser.post(f"{stack.auth_url}/auth/logout")).status_code == 204
    url = f"{stack.orders_url}/orders"
    assert await eventually(lambda: _status(browser.client, url, token), lambda s: s == 401) == 401

    redis = Redis.from_url(servers.redis_url)
    try:
        # Lose every orders denylist entry and the stored positions.
        keys = [key async for key in redis.scan_iter(match="revocast:orders:*")]
        assert keys
        await redis.delete(*keys)
    finally:
        await redis.aclose()

    rebuilt = await _start_orders_replica(stack, servers, "orders-rebuilt")
    try:
        assert await _status(browser.client, f"{rebuilt.url}/orders", token) == 401
    finally:
        await rebuilt.stop()
