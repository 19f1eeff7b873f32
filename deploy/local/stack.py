"""Run the whole local stack: servers, signing key, topics, migrations and the three services."""

from __future__ import annotations

import os
import shutil
import signal
import time
from contextlib import ExitStack
from pathlib import Path
from types import FrameType

from .backends import Backend, BackendError, Backends, redact_password, start_backends
from .keys import ensure_signing_key
from .output import print_block, print_line
from .servers import ServerStartError, port_accepts
from .services import ManagedProcess, ServiceError, ServiceProcess, wait_until_ready
from .settings import (
    AUTH,
    DATABASE_URL,
    ENVIRONMENT_FILE,
    HOST,
    JWKS_ENDPOINT,
    JWKS_URL,
    KAFKA_BOOTSTRAP_SERVERS,
    KAFKA_FETCH_MAX_WAIT_MS,
    LOCAL_KAFKA_FETCH_MAX_WAIT_MS,
    REDIS_URL,
    SERVICES,
    SIGNING_KEY_FILE,
    SIGNING_KEY_PATH,
    STACK_DIR,
    Service,
)
from .setup_steps import SetupStepError, run_setup_steps
from .web import WEB_URL, WebDevServer, start_web_ui

__all__ = ["StopRequested", "run_stack", "service_environment", "shared_environment"]

# Seconds between two checks that every process still runs.
SUPERVISE_INTERVAL = 0.2


class StopRequested(BaseException):
    """Raised in the main thread by SIGINT or SIGTERM.

    A BaseException, like KeyboardInterrupt, so that no `except Exception` swallows it.
    """


def _request_stop(signum: int, frame: FrameType | None) -> None:
    _ignore_further_signals()
    raise StopRequested(signal.Signals(signum).name)


def _note_stopping(signum: int, frame: FrameType | None) -> None:
    print_line("stack", "already stopping, please wait")


def _ignore_further_signals() -> None:
    # Later signals only print a note, so that they cannot interrupt the shutdown.
    signal.signal(signal.SIGINT, _note_stopping)
    signal.signal(signal.SIGTERM, _note_stopping)


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _origin(backend: Backend) -> str:
    if backend.process is None:
        return backend.origin
    return f"{backend.origin}, log {_relative(backend.process.log_path)}"


def shared_environment(backends: Backends) -> dict[str, str]:
    """Return this process's environment plus the server addresses that every service reads."""
    environment = dict(os.environ)
    environment[DATABASE_URL] = backends.database.url
    environment[REDIS_URL] = backends.redis.url
    environment[KAFKA_BOOTSTRAP_SERVERS] = backends.kafka.url
    environment[KAFKA_FETCH_MAX_WAIT_MS] = LOCAL_KAFKA_FETCH_MAX_WAIT_MS
    return environment


def service_environment(service: Service, backends: Backends) -> dict[str, str]:
    """Return the environment of one service process."""
    environment = shared_environment(backends)
    if service == AUTH:
        environment[SIGNING_KEY_FILE] = str(SIGNING_KEY_PATH)
    else:
        environment[JWKS_URL] = JWKS_ENDPOINT
    return environment


def _write_environment_file(backends: Backends) -> None:
    """Write the server addresses for commands run beside the stack, such as ``make admin``."""
    lines = [
        f"{DATABASE_URL}={backends.database.url}",
        f"{REDIS_URL}={backends.redis.url}",
        f"{KAFKA_BOOTSTRAP_SERVERS}={backends.kafka.url}",
    ]
    ENVIRONMENT_FILE.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(ENVIRONMENT_FILE, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as file:
        file.write("\n".join(lines) + "\n")


def _check_service_ports() -> None:
    for service in SERVICES:
        if port_accepts(HOST, service.port, timeout=0.2):
            raise ServiceError(
                f"Port {service.port} for {service.name} is already in use on {HOST}. "
                f"Stop the program that listens there (another `make run`?) and try again."
            )


def _start_services(stack: ExitStack, backends: Backends, log_dir: Path) -> list[ServiceProcess]:
    # Orders and payments read the signing keys from auth, so auth must be ready first.
    first, rest = SERVICES[:1], SERVICES[1:]
    processes: list[ServiceProcess] = []
    for group in (first, rest):
        started = []
        for service in group:
            process = ServiceProcess(service, service_environment(service, backends), log_dir)
            process.start()
            stack.callback(process.stop)
            started.append(process)
        wait_until_ready(started)
        processes.extend(started)
    return processes


def _print_summary(
    backends: Backends, processes: list[ServiceProcess], web: WebDevServer | None
) -> None:
    lines = ["", "Revocast local stack is running.", ""]
    for process in processes:
        url = process.service.base_url
        lines.append(
            f"  {process.name:<10} {url:<24} API schema {url}/schema   "
            f"log {_relative(process.log_path)}"
        )
    if web is not None:
        # As wide as "API schema URL/schema" above, so that the log columns line up.
        width = len(f"API schema {processes[0].service.base_url}/schema")
        description = "web UI (Vite dev server)"
        lines.append(
            f"  {web.name:<10} {WEB_URL:<24} {description:<{width}}   log {_relative(web.log_path)}"
        )
    lines.append("")
    urls = [redact_password(backend.url) for backend in backends]
    width = max(len(url) for url in urls)
    for backend, url in zip(backends, urls, strict=True):
        lines.append(f"  {backend.label:<10} {url:<{width}}   {_origin(backend)}")
    lines += [
        "",
        "Run the demo from another terminal: make demo",
        "Press Ctrl-C to stop the stack.",
        "",
    ]
    print_block("\n".join(lines))


def _supervise(backends: Backends, processes: list[ManagedProcess]) -> int:
    """Block until a signal arrives or a process exits. Returns the exit code of the runner."""
    while True:
        for process in processes:
            code = process.returncode
            if code is not None:
                print_line(
                    "stack",
                    f"{process.name} exited unexpectedly with code {code}; see its log "
                    f"{_relative(process.log_path)}. Stopping the stack.",
                )
                return 1
        for server in backends.embedded:
            code = server.returncode
            if code is not None:
                print_line(
                    "stack",
                    f"embedded {server.name} server exited unexpectedly with code {code}; "
                    f"see {_relative(server.log_path)}. Stopping the stack.",
                )
                return 1
        time.sleep(SUPERVISE_INTERVAL)


def _run(stack: ExitStack) -> int:
    _check_service_ports()

    print_line("stack", f"starting servers (data and logs in {_relative(STACK_DIR)})")
    backends = start_backends(stack, STACK_DIR)
    for backend in backends:
        print_line("stack", f"{backend.label}: {redact_password(backend.url)} ({_origin(backend)})")

    if ensure_signing_key(SIGNING_KEY_PATH):
        print_line("stack", f"created signing key {_relative(SIGNING_KEY_PATH)}")

    run_setup_steps(shared_environment(backends))
    _write_environment_file(backends)
    stack.callback(ENVIRONMENT_FILE.unlink, missing_ok=True)

    processes = _start_services(stack, backends, STACK_DIR / "logs")
    web = start_web_ui(stack, STACK_DIR / "logs")
    _print_summary(backends, processes, web)
    supervised: list[ManagedProcess] = [*processes]
    if web is not None:
        supervised.append(web)
    return _supervise(backends, supervised)


def run_stack(fresh: bool = False) -> int:
    """Start the stack, wait for Ctrl-C or SIGTERM, then stop services before servers.

    With `fresh`, the embedded servers' data from earlier runs is deleted first. The
    signing key is kept. Returns the process exit code.
    """
    if fresh and STACK_DIR.exists():
        shutil.rmtree(STACK_DIR)
    # The handlers raise StopRequested in the main thread, wherever it is.
    signal.signal(signal.SIGINT, _request_stop)
    signal.signal(signal.SIGTERM, _request_stop)

    try:
        # The ExitStack stops what was started in reverse order: services, then servers.
        with ExitStack() as stack:
            try:
                exit_code = _run(stack)
            except (
                BackendError,
                FileNotFoundError,
                ServerStartError,
                SetupStepError,
                ServiceError,
            ) as error:
                print_line("stack", f"error: {error}")
                exit_code = 1
            finally:
                _ignore_further_signals()
                print_line("stack", "stopping")
    except StopRequested as stop:
        print_line("stack", f"stopped on {stop}")
        return 0
    print_line("stack", "stopped")
    return exit_code
