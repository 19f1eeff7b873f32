"""Free ports, TCP reachability checks and connection URL forms for the local servers."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit, urlunsplit

__all__ = [
    "free_port",
    "kafka_answers",
    "port_accepts",
    "postgres_answers",
    "redis_answers",
    "to_asyncpg_url",
    "to_sqlalchemy_url",
]

LOOPBACK = "127.0.0.1"

# Seconds that a reachability check waits for a TCP connection.
DEFAULT_CHECK_TIMEOUT = 1.0


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that no socket is bound to right now.

    Another process may still take the port before the caller binds it.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def port_accepts(host: str, port: int, timeout: float = DEFAULT_CHECK_TIMEOUT) -> bool:
    """Return whether a TCP connection to host:port succeeds within `timeout` seconds."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _url_accepts(url: str, default_port: int, timeout: float) -> bool:
    parts = urlsplit(url)
    return port_accepts(parts.hostname or LOOPBACK, parts.port or default_port, timeout)


def postgres_answers(url: str, timeout: float = DEFAULT_CHECK_TIMEOUT) -> bool:
    """Return whether the host and port of a PostgreSQL URL accept TCP connections.

    Both the libpq form (`postgresql://`) and SQLAlchemy forms (`postgresql+asyncpg://`)
    are accepted. Credentials and the database name are not checked.
    """
    return _url_accepts(url, 5432, timeout)


def redis_answers(url: str, timeout: float = DEFAULT_CHECK_TIMEOUT) -> bool:
    """Return whether the host and port of a `redis://` URL accept TCP connections."""
    return _url_accepts(url, 6379, timeout)


def kafka_answers(bootstrap_servers: str, timeout: float = DEFAULT_CHECK_TIMEOUT) -> bool:
    """Return whether any broker of a comma-separated `host:port` list accepts TCP connections."""
    for server in bootstrap_servers.split(","):
        host, _, port = server.strip().rpartition(":")
        if host and port.isdigit() and port_accepts(host.strip("[]"), int(port), timeout):
            return True
    return False


def _with_scheme(url: str, scheme: str) -> str:
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        raise ValueError(f"not a PostgreSQL URL: {url!r}")
    return urlunsplit(parts._replace(scheme=scheme))


def to_sqlalchemy_url(url: str) -> str:
    """Return a PostgreSQL URL in the SQLAlchemy asyncpg form `postgresql+asyncpg://...`."""
    return _with_scheme(url, "postgresql+asyncpg")


def to_asyncpg_url(url: str) -> str:
    """Return a PostgreSQL URL in the plain `postgresql://...` form that asyncpg and libpq accept."""
    return _with_scheme(url, "postgresql")
