"""The whole system for integration tests: auth, two orders replicas and payments.

Everything runs against the real servers of the ``servers`` fixture, with
each service served by uvicorn on its own loopback port.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from auth.app import create_app as create_auth_app
from common.migrations import alembic_config
from common.settings import AuthSettings
from orders.app import create_app as create_orders_app
from orders.settings import OrdersSettings
from payments.app import create_app as create_payments_app
from payments.settings import PaymentsSettings
from tests.integration.browser import Browser
from tests.integration.helpers import Stack, register_and_login
from tests.integration.services import start_service, write_signing_key

PROJECT_ROOT = Path(__file__).resolve().parents[2]


async def _migrate(database_url: str) -> None:
    from alembic import command

    for package in ("auth", "orders", "payments"):
        migrations = PROJECT_ROOT / package / "migrations"
        # Alembic's env.py runs its own event loop, so it gets a thread.
        await asyncio.to_thread(command.upgrade, alembic_config(migrations, database_url), "head")


@pytest.fixture(scope="session")
async def stack(servers, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    key_file = write_signing_key(tmp_path_factory.mktemp("keys") / "signing-key.pem")
    await _migrate(servers.database_url)
    shared = {
        "database_url": servers.database_url,
        "kafka_bootstrap_servers": servers.kafka_bootstrap_servers,
        # Tansu returns a waiting fetch only at this deadline.
        "kafka_fetch_max_wait_ms": 10,
        "outbox_poll_interval_seconds": 0.2,
        "log_format": "console",
    }
    auth_settings = AuthSettings(
        **shared,
        signing_key_file=key_file,
        # Low hashing cost keeps the suite fast; the production default is set in AuthSettings.
        password_hash_time_cost=1,
        password_hash_memory_kib=8192,
        password_hash_parallelism=1,
        refresh_reuse_grace_seconds=1.0,
        # Every test logs in from 127.0.0.1; the limiter has a test of its own.
        login_rate_limit_per_minute=1_000_000,
    )
    auth = await start_service("auth", create_auth_app(auth_settings))
    jwks_url = f"{auth.url}/.well-known/jwks.json"
    resource = {**shared, "redis_url": servers.redis_url, "jwks_url": jwks_url}
    # Two orders replicas share one Redis denylist, as two pods of one Deployment would.
    orders = [
        await start_service(f"orders-{n}", create_orders_app(OrdersSettings(**resource)))
        for n in (1, 2)
    ]
    payments = await start_service("payments", create_payments_app(PaymentsSettings(**resource)))
    yield Stack(auth, orders, payments, auth_settings, servers.database_url)
    for service in (payments, *orders, auth):
        await service.stop()


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    client = Browser()
    yield client
    await client.aclose()


@pytest.fixture
async def user(stack: Stack, browser: Browser) -> dict:
    return await register_and_login(stack, browser)
