"""Log lines of every service never contain an email, a password or a token."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from tests.integration.browser import Browser
from tests.integration.helpers import (
    PASSWORD,
    Stack,
    create_order,
    eventually,
    new_email,
    pay_order,
)


class _Collector(logging.Handler):
    def __init__(self, formatter: logging.Formatter | None) -> None:
        super().__init__(level=logging.DEBUG)
        self.setFormatter(formatter)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        # httpx and httpcore lines here come from the test's own client, which
        # sends the cookies on purpose; the services' loggers are the subject.
        if not record.name.startswith(("httpx", "httpcore")):
            self.lines.append(self.format(record))


@pytest.fixture
def service_logs(stack: Stack) -> Iterator[list[str]]:
    root = logging.getLogger()
    # The services' own handler formats structlog events; reuse its formatter.
    collector = _Collector(root.handlers[0].formatter if root.handlers else None)
    previous_level = root.level
    root.addHandler(collector)
    root.setLevel(logging.DEBUG)
    try:
        yield collector.lines
    finally:
        root.removeHandler(collector)
        root.setLevel(previous_level)


async def test_logs_hold_no_email_password_or_token(
    stack: Stack, browser: Browser, service_logs: list[str]
) -> None:
    email = new_email()
    await browser.post(
        f"{stack.auth_url}/auth/register", json={"email": email, "password": PASSWORD}
    )
    await browser.post(
        f"{stack.auth_url}/auth/login", json={"email": email, "password": "wrong password"}
    )
    await browser.post(f"{stack.auth_url}/auth/login", json={"email": email, "password": PASSWORD})
    order = await create_order(stack, browser)
    await pay_order(stack, browser, order["id"])
    await browser.post(f"{stack.auth_url}/auth/refresh")
    secrets = {
        "email": email,
        "password": PASSWORD,
        "access token": browser.cookie("access_token"),
        "refresh token": browser.cookie("refresh_token"),
        "csrf token": browser.cookie("csrf_token"),
    }
    old_access = browser.cookie("access_token")
    await browser.post(f"{stack.auth_url}/auth/logout")

    async def rejected() -> int:
        response = await browser.client.get(
            f"{stack.orders_url}/orders", headers={"Authorization": f"Bearer {old_access}"}
        )
        return response.status_code

    await eventually(rejected, lambda status: status == 401)

    assert len(service_logs) > 10
    joined = "\n".join(service_logs)
    assert "session_revoked" in joined
    for name, secret in secrets.items():
        assert secret not in joined, f"{name} appears in a log line"
    # No JWT of any kind: every one starts with the base64url of '{"'.
    assert "eyJ" not in joined
