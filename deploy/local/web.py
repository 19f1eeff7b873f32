"""The web UI's Vite dev server, started by the stack when Node.js and npm are installed."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from contextlib import ExitStack
from pathlib import Path

from .output import print_line
from .servers import port_accepts
from .services import ManagedProcess
from .settings import AUTH, HOST, ORDERS, PAYMENTS, PROJECT_ROOT

__all__ = [
    "WEB_DIR",
    "WEB_PORT",
    "WEB_URL",
    "WebDevServer",
    "needs_install",
    "skip_reason",
    "start_web_ui",
    "web_environment",
]

WEB_DIR = PROJECT_ROOT / "web"
WEB_PORT = 5173
# The services set Secure cookies, which a browser stores over plain http only
# for a host it treats as local. Chromium 156 does so for localhost and for
# 127.0.0.1 (web/e2e/login-flow.mjs passes with both).
# NOTE: other browsers were not checked, so the printed URL uses localhost.
WEB_URL = f"http://localhost:{WEB_PORT}"

# Seconds that `npm ci` may take. It fills web/node_modules with about 100 MB.
INSTALL_TIMEOUT = 600
# Seconds that the dev server gets to accept connections.
READY_TIMEOUT = 60.0

# Written by npm at the end of every complete install into node_modules.
INSTALL_RECORD = Path("node_modules") / ".package-lock.json"


def skip_reason(npm: str | None, web_dir: Path) -> str | None:
    """Return why the web UI cannot start, or None when it can."""
    if npm is None:
        return "web UI skipped: Node.js and npm are not installed (npm is not on PATH)"
    if not (web_dir / "package.json").is_file():
        return f"web UI skipped: {web_dir / 'package.json'} not found"
    return None


def needs_install(web_dir: Path) -> bool:
    """Return whether `npm ci` must run first.

    True when no install has completed in node_modules, or when package-lock.json
    changed after the last one.
    """
    record = web_dir / INSTALL_RECORD
    if not record.is_file():
        return True
    return (web_dir / "package-lock.json").stat().st_mtime > record.stat().st_mtime


def web_environment() -> dict[str, str]:
    """Return this process's environment plus the service URLs that vite.config.ts proxies to."""
    environment = dict(os.environ)
    environment["REVOCAST_WEB_AUTH_URL"] = AUTH.base_url
    environment["REVOCAST_WEB_ORDERS_URL"] = ORDERS.base_url
    environment["REVOCAST_WEB_PAYMENTS_URL"] = PAYMENTS.base_url
    return environment


class WebDevServer(ManagedProcess):
    """`npm run dev` in web/, on 127.0.0.1:5173."""

    def __init__(self, npm: str, log_dir: Path, web_dir: Path = WEB_DIR) -> None:
        super().__init__("web", web_environment(), log_dir, working_dir=web_dir)
        self.npm = npm

    def command(self) -> list[str]:
        """Build the npm command line. With --strictPort, Vite exits instead of moving to another port."""
        return [
            self.npm, "run", "dev", "--",
            "--host", HOST,
            "--port", str(WEB_PORT),
            "--strictPort",
        ]  # fmt: skip


def _install(npm: str, web_dir: Path) -> str | None:
    """Run `npm ci` in web_dir. Returns None on success, else why the web UI is skipped."""
    started = time.monotonic()
    try:
        result = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"],
            cwd=web_dir,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=INSTALL_TIMEOUT,
            # Keeps the terminal's Ctrl-C away, as for the setup steps.
            start_new_session=True,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"web UI skipped: npm ci in {web_dir} timed out after {INSTALL_TIMEOUT} s"
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip() or "(no output)"
        return (
            f"web UI skipped: npm ci in {web_dir} failed with exit code {result.returncode}. "
            f"Its output:\n{output}"
        )
    print_line("web", f"npm ci: done in {time.monotonic() - started:.1f} s")
    return None


def _wait_until_listening(server: WebDevServer) -> str | None:
    """Wait for the dev server's port. Returns None once it accepts, else why the UI is skipped."""
    deadline = time.monotonic() + READY_TIMEOUT
    while not port_accepts(HOST, WEB_PORT, timeout=0.2):
        code = server.returncode
        if code is not None:
            return f"web UI skipped: the dev server exited with code {code}. See {server.log_path}."
        if time.monotonic() > deadline:
            return (
                f"web UI skipped: the dev server did not listen on {HOST}:{WEB_PORT} "
                f"within {READY_TIMEOUT:g} s. See {server.log_path}."
            )
        time.sleep(0.1)
    return None


def start_web_ui(stack: ExitStack, log_dir: Path) -> WebDevServer | None:
    """Start the Vite dev server and register its stop on `stack`.

    The UI is optional, so every failure prints one line and returns None, and
    the stack runs on without it.
    """
    npm = shutil.which("npm")
    reason = skip_reason(npm, WEB_DIR)
    if reason is not None:
        print_line("stack", reason)
        return None
    assert npm is not None
    if port_accepts(HOST, WEB_PORT, timeout=0.2):
        print_line("stack", f"web UI skipped: port {WEB_PORT} is already in use on {HOST}")
        return None

    if needs_install(WEB_DIR):
        print_line("web", f"installing the web UI's packages: npm ci in {WEB_DIR}")
        reason = _install(npm, WEB_DIR)
        if reason is not None:
            print_line("stack", reason)
            return None

    server = WebDevServer(npm, log_dir)
    server.start()
    stack.callback(server.stop)
    reason = _wait_until_listening(server)
    if reason is not None:
        server.stop()
        print_line("stack", reason)
        return None
    print_line("stack", f"web is ready at {WEB_URL}")
    return server
