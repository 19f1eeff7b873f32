"""The orders app factory and its migrations, checked without any server."""

from __future__ import annotations

import re
from pathlib import Path

import msgspec
import pytest
from alembic.script import ScriptDirectory

import orders
from common.migrations import alembic_config
from common.pagination import MAX_OFFSET, MAX_PAGE_SIZE
from orders.app import create_app
from orders.schemas import CreateOrderRequest
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


def test_page_parameters_are_bounded() -> None:
    schema = create_app(OrdersSettings(**SETTINGS)).openapi_schema.to_schema()

    parameters = {p["name"]: p["schema"] for p in schema["paths"]["/orders"]["get"]["parameters"]}
    assert (parameters["limit"]["minimum"], parameters["limit"]["maximum"]) == (1, MAX_PAGE_SIZE)
    assert (parameters["offset"]["minimum"], parameters["offset"]["maximum"]) == (0, MAX_OFFSET)


def documented_patterns() -> dict[str, str]:
    schemas = create_app(OrdersSettings(**SETTINGS)).openapi_schema.to_schema()["components"]
    return {
        "sku": schemas["schemas"]["OrderItemBody"]["properties"]["sku"]["pattern"],
        "currency": schemas["schemas"]["CreateOrderRequest"]["properties"]["currency"]["pattern"],
    }


def test_openapi_documents_formats() -> None:
    assert documented_patterns() == {
        "sku": "^[A-Za-z0-9][A-Za-z0-9._:/-]*$",
        "currency": "^[A-Z]{3}$",
    }


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("sku", "book-1"),
        ("sku", "ACME.book_1:v2/red-XL"),
        ("sku", "-book"),
        ("sku", "two words"),
        ("sku", "book-1\n"),
        ("currency", "EUR"),
        ("currency", "eur"),
        ("currency", "EURO"),
        ("currency", "EUR\n"),
    ],
)
def test_documented_format_matches_enforced_one(field: str, value: str) -> None:
    # In ECMA-262 without the m flag, $ matches only at the very end, like \Z in Python.
    documented = re.compile(documented_patterns()[field].removesuffix("$") + r"\Z")
    item = {"sku": value if field == "sku" else "book-1", "quantity": 1, "unit_price_cents": 1}
    body = {"items": [item], "currency": value if field == "currency" else "EUR"}
    try:
        msgspec.convert(body, CreateOrderRequest)
        accepted = True
    except msgspec.ValidationError:
        accepted = False

    assert accepted is (documented.search(value) is not None)
