"""The payments app factory and its migrations, checked without any server."""

from __future__ import annotations

from pathlib import Path

from alembic.script import ScriptDirectory

import payments
from common.migrations import alembic_config
from common.pagination import MAX_OFFSET, MAX_PAGE_SIZE
from payments.app import create_app
from payments.settings import PaymentsSettings

SETTINGS = {
    "database_url": "postgresql+asyncpg://postgres@127.0.0.1:1/unused",
    "kafka_bootstrap_servers": "127.0.0.1:1",
    "redis_url": "redis://127.0.0.1:1/0",
    "jwks_url": "http://127.0.0.1:1/jwks.json",
}


def test_app_serves_contract_routes() -> None:
    app = create_app(PaymentsSettings(**SETTINGS))

    schema = app.openapi_schema
    paths = schema.paths or {}
    assert schema.info.title == "Revocast payments"
    assert set(paths) == {"/payments", "/payments/{payment_id}", "/payments/{payment_id}/refund"}
    assert paths["/payments"].get is not None
    assert paths["/payments"].post is not None
    assert paths["/payments/{payment_id}"].get is not None
    assert paths["/payments/{payment_id}/refund"].post is not None


def test_idempotency_key_header_is_required() -> None:
    app = create_app(PaymentsSettings(**SETTINGS))

    operation = app.openapi_schema.paths["/payments"].post
    headers = [p for p in operation.parameters or [] if getattr(p, "param_in", None) == "header"]
    assert [(p.name, p.required) for p in headers] == [("Idempotency-Key", True)]


def test_settings_defaults() -> None:
    settings = PaymentsSettings(**SETTINGS)

    assert settings.service_name == "payments"
    assert settings.audience == "payments"
    assert settings.order_wait_seconds == 2.0
    assert settings.revocation_fail_closed is True


def test_migrations_have_one_head() -> None:
    migrations = Path(payments.__file__).parent / "migrations"
    config = alembic_config(migrations, SETTINGS["database_url"])

    assert ScriptDirectory.from_config(config).get_heads() == ["0001"]


def test_page_parameters_are_bounded() -> None:
    schema = create_app(PaymentsSettings(**SETTINGS)).openapi_schema.to_schema()

    operation = schema["paths"]["/payments"]["get"]
    parameters = {p["name"]: p["schema"] for p in operation["parameters"]}
    assert (parameters["limit"]["minimum"], parameters["limit"]["maximum"]) == (1, MAX_PAGE_SIZE)
    assert (parameters["offset"]["minimum"], parameters["offset"]["maximum"]) == (0, MAX_OFFSET)
