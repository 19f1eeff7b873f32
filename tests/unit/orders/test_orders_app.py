"""The orders app factory and its migrations, checked without any server."""

from __future__ import annotations

from pathlib import Path

from alembic.script import ScriptDirectory

import orders
from common.migrations import alembic_config
from orders.app import create_app
from orders.settings import OrdersSettings

SETTINGS = {
    "database_url": "postgresql+asyncpg://postgres@127.0.0.1:1/unused",
    "kafka_bootstrap_servers": "127.0.0.1:1",
    "redis_url": "redis://127.0.0.1:1/0",
    "jwks_url": "http://127.0.0.1:1/jwks.json",
}


def test_app_serves_contract_routes() -> None:
    app = create_app(OrdersSettings(**SETTINGS))

    schema = app.openapi_schema
    assert schema.info.title == "Revocast orders"
    assert set(schema.paths or {}) == {"/orders", "/orders/{order_id}"}
    assert schema.paths["/orders"].get is not None
    assert schema.paths["/orders"].post is not None
    assert schema.paths["/orders/{order_id}"].get is not None
    assert schema.paths["/orders/{order_id}"].delete is not None


def test_settings_default_to_orders_audience() -> None:
    settings = OrdersSettings(**SETTINGS)

    assert settings.service_name == "orders"
    assert settings.audience == "orders"
    assert settings.revocation_fail_closed is True


def test_migrations_have_one_head() -> None:
    migrations = Path(orders.__file__).parent / "migrations"
    config = alembic_config(migrations, SETTINGS["database_url"])

    assert ScriptDirectory.from_config(config).get_heads() == ["0001"]
