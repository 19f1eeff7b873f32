"""Base class that runs one server binary as a child process and waits for its port."""

from __future__ import annotations

import abc
import ctypes
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar, Self

from .network import LOOPBACK, free_port, port_accepts

__all__ = ["ServerProcess", "ServerStartError", "exit_with_parent", "tail"]

# prctl option that sends the child a signal when the thread that started it exits.
_PR_SET_PDEATHSIG = 1


class ServerStartError(RuntimeError):
    """A server binary failed to start or did not accept connections in time."""


def exit_with_parent(sig: signal.Signals = signal.SIGKILL) -> None:
    """Set the parent-death signal, so that Linux sends `sig` to this process when its parent exits.

    Meant as a `preexec_fn`, so that a child started by a runner that is itself killed
    with SIGKILL does not outlive it. Does nothing on other systems.
    """
    if sys.platform == "linux":
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(sig))


def tail(path: Path, lines: int = 20) -> str:
    """Return the last `lines` lines of a text file, or a note that it cannot be read."""
    try:
        text = path.read_text(errors="replace")
    except OSError as error:
        return f"(cannot read {path}: {error})"
    return "\n".join(text.splitlines()[-lines:])


class ServerProcess(abc.ABC):
    """One server binary listening on 127.0.0.1, with its data and log in a work folder.

    Subclasses name the binary and its arguments. `start()` returns once the server
    accepts connections, `stop()` ends it, and the object is a context manager that does both.
    """

    #: Short name used for the log file and in messages, e.g. "postgres".
    name: ClassVar[str]
    #: Signal that requests a clean shutdown.
    stop_signal: ClassVar[signal.Signals] = signal.SIGTERM

    def __init__(
        self,
        work_dir: str | os.PathLike[str],
        port: int | None = None,
        *,
        start_timeout: float = 30.0,
    ) -> None:
        self.work_dir = Path(work_dir).absolute()
        self.port = port if port is not None else free_port()
        self.start_timeout = start_timeout
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def log_path(self) -> Path:
        """File that receives the server's standard output and standard error."""
        return self.work_dir / f"{self.name}.log"

    @property
    def running(self) -> bool:
        """Whether the server process was started and has not exited."""
        return self._process is not None and self._process.poll() is None

    @property
    def returncode(self) -> int | None:
        """Exit code of the server process, or None while it runs or before it starts."""
        return None if self._process is None else self._process.poll()

    @property
    @abc.abstractmethod
    def binary(self) -> Path:
        """Path of the server executable."""

    @property
    @abc.abstractmethod
    def url(self) -> str:
        """Address that clients connect to."""

    @abc.abstractmethod
    def command(self) -> list[str]:
        """Build the command line that starts the server."""

    def prepare(self) -> None:  # noqa: B027 - an optional hook, empty by default
        """Create whatever the server needs in the work folder before it starts."""

    def popen_options(self) -> dict[str, Any]:
        """Return extra keyword arguments for `subprocess.Popen`."""
        return {}

    def is_ready(self) -> bool:
        """Return whether the server accepts connections."""
        return port_accepts(LOOPBACK, self.port, timeout=0.2)

    def start(self) -> None:
        """Start the server and wait until it accepts connections.

        Raises ServerStartError, naming the binary and its log file, when the process
        exits early or is not ready within `start_timeout` seconds. The process is
        stopped in that case.
        """
        if self.running:
            raise RuntimeError(f"{self.name} is already running on port {self.port}")
        if port_accepts(LOOPBACK, self.port, timeout=0.2):
            raise ServerStartError(
                f"Cannot start {self.binary}: {LOOPBACK}:{self.port} is already in use."
            )
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self.prepare()

        with self.log_path.open("wb") as log:
            # The child keeps its own copy of the file descriptor after this block.
            self._process = subprocess.Popen(
                self.command(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.work_dir,
                # A new session keeps the terminal's Ctrl-C away from the server, so that
                # the runner can stop its clients first.
                start_new_session=True,
                preexec_fn=exit_with_parent,
                **self.popen_options(),
            )

        try:
            self._wait_until_ready()
        except BaseException:
            # Also on KeyboardInterrupt, because no context manager owns the process yet.
            self.stop()
            raise

    def _wait_until_ready(self) -> None:
        assert self._process is not None
        deadline = time.monotonic() + self.start_timeout
        while True:
            code = self._process.poll()
            if code is not None:
                raise ServerStartError(
                    f"{self.binary} exited with code {code} before it accepted connections "
                    f"on {LOOPBACK}:{self.port}. Last lines of {self.log_path}:\n"
                    f"{tail(self.log_path)}"
                )
            if self.is_ready():
                return
            if time.monotonic() > deadline:
                raise ServerStartError(
                    f"{self.binary} did not accept connections on {LOOPBACK}:{self.port} "
                    f"within {self.start_timeout:g} s. Last lines of {self.log_path}:\n"
                    f"{tail(self.log_path)}"
                )
            time.sleep(0.01)

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the server to shut down, and kill it if it has not exited after `timeout` seconds.

        Does nothing when the server is not running.
        """
        process = self._process
        if process is None:
            return
        if process.poll() is None:
            process.send_signal(self.stop_signal)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                # The server's own children (PostgreSQL backends) share its process group.
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.cleanup()

    def cleanup(self) -> None:  # noqa: B027 - an optional hook, empty by default
        """Remove temporary files that the server no longer needs after it stopped."""

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<{type(self).__name__} {self.url} {state}>"
