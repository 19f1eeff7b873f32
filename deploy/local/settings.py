"""Environment variable names, ports and paths of the local stack."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "AUTH",
    "DATABASE_URL",
    "ENVIRONMENT_FILE",
    "HOST",
    "JWKS_ENDPOINT",
    "JWKS_URL",
    "KAFKA_BOOTSTRAP_SERVERS",
    "KAFKA_FETCH_MAX_WAIT_MS",
    "KEYS_DIR",
    "LOCAL_KAFKA_FETCH_MAX_WAIT_MS",
    "ORDERS",
    "PAYMENTS",
    "PROJECT_ROOT",
    "REDIS_URL",
    "SERVICES",
    "SIGNING_KEY_FILE",
    "SIGNING_KEY_PATH",
    "STACK_DIR",
    "Service",
]

# Variables that the services read. The stack reads the first three as well: when one is
# set, the stack uses that server instead of starting an embedded one.
DATABASE_URL = "REVOCAST_DATABASE_URL"
REDIS_URL = "REVOCAST_REDIS_URL"
KAFKA_BOOTSTRAP_SERVERS = "REVOCAST_KAFKA_BOOTSTRAP_SERVERS"
SIGNING_KEY_FILE = "REVOCAST_SIGNING_KEY_FILE"
JWKS_URL = "REVOCAST_JWKS_URL"
KAFKA_FETCH_MAX_WAIT_MS = "REVOCAST_KAFKA_FETCH_MAX_WAIT_MS"

# Tansu 0.6 responds to a fetch that waits for new records only when the wait time is over, so
# a short wait keeps the delay between a revocation and its enforcement short.
LOCAL_KAFKA_FETCH_MAX_WAIT_MS = "10"

PROJECT_ROOT = Path(__file__).resolve().parents[2]
STACK_DIR = PROJECT_ROOT / ".revocast" / "stack"
KEYS_DIR = PROJECT_ROOT / ".revocast" / "keys"
SIGNING_KEY_PATH = KEYS_DIR / "signing-key.pem"
# Server addresses of the running stack, one VARIABLE=value per line; `make admin` reads it.
ENVIRONMENT_FILE = STACK_DIR / "environment"

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Service:
    """One HTTP service of the stack: its name, ASGI app factory and port."""

    name: str
    app_factory: str
    port: int

    @property
    def base_url(self) -> str:
        """URL of the service root, without a trailing slash."""
        return f"http://{HOST}:{self.port}"


AUTH = Service("auth", "auth.app:create_app", 8001)
ORDERS = Service("orders", "orders.app:create_app", 8002)
PAYMENTS = Service("payments", "payments.app:create_app", 8003)
SERVICES = (AUTH, ORDERS, PAYMENTS)

# Orders and payments fetch the public signing keys from auth.
JWKS_ENDPOINT = f"{AUTH.base_url}/.well-known/jwks.json"
