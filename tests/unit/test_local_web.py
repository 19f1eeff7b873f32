"""The local stack's helpers for the web UI: when it starts, when npm ci runs, how Vite starts."""

from __future__ import annotations

import os
from pathlib import Path

from deploy.local.settings import AUTH, HOST, ORDERS, PAYMENTS
from deploy.local.web import (
    WEB_DIR,
    WEB_PORT,
    WebDevServer,
    needs_install,
    skip_reason,
    web_environment,
)


def _web_dir(tmp_path: Path) -> Path:
    web_dir = tmp_path / "web"
    web_dir.mkdir()
    (web_dir / "package.json").write_text("{}")
    (web_dir / "package-lock.json").write_text("{}")
    return web_dir


def _record_install(web_dir: Path) -> Path:
    record = web_dir / "node_modules" / ".package-lock.json"
    record.parent.mkdir()
    record.write_text("{}")
    return record


def test_skip_reason_without_npm(tmp_path: Path) -> None:
    reason = skip_reason(None, _web_dir(tmp_path))

    assert reason is not None
    assert "Node.js and npm are not installed" in reason


def test_skip_reason_without_package_json(tmp_path: Path) -> None:
    reason = skip_reason("/usr/bin/npm", tmp_path)

    assert reason is not None
    assert str(tmp_path / "package.json") in reason


def test_skip_reason_none_when_ready(tmp_path: Path) -> None:
    assert skip_reason("/usr/bin/npm", _web_dir(tmp_path)) is None


def test_needs_install_without_node_modules(tmp_path: Path) -> None:
    assert needs_install(_web_dir(tmp_path))


def test_needs_install_after_partial_install(tmp_path: Path) -> None:
    web_dir = _web_dir(tmp_path)
    (web_dir / "node_modules" / "react").mkdir(parents=True)

    assert needs_install(web_dir)


def test_needs_install_false_after_install(tmp_path: Path) -> None:
    web_dir = _web_dir(tmp_path)
    record = _record_install(web_dir)
    os.utime(web_dir / "package-lock.json", (1_000, 1_000))
    os.utime(record, (2_000, 2_000))

    assert not needs_install(web_dir)


def test_needs_install_after_lockfile_change(tmp_path: Path) -> None:
    web_dir = _web_dir(tmp_path)
    record = _record_install(web_dir)
    os.utime(record, (1_000, 1_000))
    os.utime(web_dir / "package-lock.json", (2_000, 2_000))

    assert needs_install(web_dir)


def test_dev_server_command(tmp_path: Path) -> None:
    server = WebDevServer("/usr/bin/npm", tmp_path / "logs")

    assert server.command() == [
        "/usr/bin/npm", "run", "dev", "--",
        "--host", HOST,
        "--port", str(WEB_PORT),
        "--strictPort",
    ]  # fmt: skip
    assert server.working_dir == WEB_DIR
    assert server.name == "web"
    assert server.log_path == tmp_path / "logs" / "web.log"


def test_web_environment_points_proxy_at_services() -> None:
    environment = web_environment()

    assert environment["REVOCAST_WEB_AUTH_URL"] == AUTH.base_url
    assert environment["REVOCAST_WEB_ORDERS_URL"] == ORDERS.base_url
    assert environment["REVOCAST_WEB_PAYMENTS_URL"] == PAYMENTS.base_url


def test_web_dir_has_package_json() -> None:
    assert (WEB_DIR / "package.json").is_file()
    assert (WEB_DIR / "package-lock.json").is_file()
