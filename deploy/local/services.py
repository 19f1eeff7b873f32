"""The HTTP services as uvicorn processes, with their output prefixed in the terminal."""

from __future__ import annotations

import abc
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import IO

import httpx

from .output import print_line
from .servers.process import exit_with_parent
from .settings import HOST, PROJECT_ROOT, Service

__all__ = ["ManagedProcess", "ServiceError", "ServiceProcess", "wait_until_ready"]

# Seconds that all services together get to respond to GET /readyz with 200.
READY_TIMEOUT = 60.0
# Seconds between two rounds of /readyz requests.
READY_POLL_INTERVAL = 0.1


class ServiceError(RuntimeError):
    """A service did not start, did not become ready, or exited."""


class ManagedProcess(abc.ABC):
    """A long-running child process of the stack, stopped with its whole process group.

    Its output goes to the terminal, prefixed with `name`, and to `<log_dir>/<name>.log`.
    """

    def __init__(
        self,
        name: str,
        environment: Mapping[str, str],
        log_dir: Path,
        working_dir: Path = PROJECT_ROOT,
    ) -> None:
        self.name = name
        self.environment = dict(environment)
        self.log_path = log_dir / f"{name}.log"
        self.working_dir = working_dir
        self._process: subprocess.Popen[bytes] | None = None
        self._reader: threading.Thread | None = None

    @property
    def returncode(self) -> int | None:
        """Exit code, or None while the process runs or before it starts."""
        return None if self._process is None else self._process.poll()

    @abc.abstractmethod
    def command(self) -> list[str]:
        """Build the command line."""

    def start(self) -> None:
        """Start the process and the thread that copies its output."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        environment = {**self.environment, "PYTHONUNBUFFERED": "1"}
        self._process = subprocess.Popen(
            self.command(),
            env=environment,
            cwd=self.working_dir,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            # The runner stops the services itself on Ctrl-C, before the servers they use.
            start_new_session=True,
            preexec_fn=lambda: exit_with_parent(signal.SIGTERM),
        )
        assert self._process.stdout is not None
        self._reader = threading.Thread(
            target=self._copy_output,
            args=(self._process.stdout,),
            name=f"{self.name}-output",
            daemon=True,
        )
        self._reader.start()

    def _copy_output(self, stream: IO[bytes]) -> None:
        with self.log_path.open("wb") as log:
            for raw_line in stream:
                log.write(raw_line)
                log.flush()
                print_line(self.name, raw_line.decode(errors="replace").rstrip("\n"))

    def stop(self, timeout: float = 10.0) -> None:
        """Send SIGTERM to the service's process group, and SIGKILL after `timeout` seconds."""
        process = self._process
        if process is None:
            return
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                print_line("stack", f"{self.name} did not stop within {timeout:g} s, killing it")
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        if self._reader is not None:
            self._reader.join(timeout=2)


class ServiceProcess(ManagedProcess):
    """One service run as `python -m uvicorn --factory APP` from the project root."""

    def __init__(self, service: Service, environment: Mapping[str, str], log_dir: Path) -> None:
        super().__init__(service.name, environment, log_dir)
        self.service = service

    def command(self) -> list[str]:
        """Build the uvicorn command line."""
        return [
            sys.executable, "-m", "uvicorn",
            "--factory", self.service.app_factory,
            "--host", HOST,
            "--port", str(self.service.port),
        ]  # fmt: skip


def _is_ready(client: httpx.Client, service: Service) -> bool:
    try:
        response = client.get(f"{service.base_url}/readyz")
    except httpx.TransportError:
        return False
    return response.status_code == 200


def wait_until_ready(processes: list[ServiceProcess], timeout: float = READY_TIMEOUT) -> None:
    """Wait until every service responds to `GET /readyz` with 200.

    Raises ServiceError naming the service and its log file when one exits first or
    the timeout passes.
    """
    pending = list(processes)
    deadline = time.monotonic() + timeout
    # trust_env=False: a proxy from the environment must not receive local requests.
    with httpx.Client(timeout=1.0, trust_env=False) as client:
        while pending:
            for process in list(pending):
                code = process.returncode
                if code is not None:
                    raise ServiceError(
                        f"{process.name} exited with code {code} before it was ready. "
                        f"See its output above or in {process.log_path}."
                    )
                if _is_ready(client, process.service):
                    print_line("stack", f"{process.name} is ready at {process.service.base_url}")
                    pending.remove(process)
            if pending and time.monotonic() > deadline:
                names = ", ".join(process.name for process in pending)
                logs = ", ".join(str(process.log_path) for process in pending)
                raise ServiceError(
                    f"{names} did not respond to GET /readyz with 200 within {timeout:g} s. "
                    f"See the output above or in {logs}."
                )
            if pending:
                time.sleep(READY_POLL_INTERVAL)
