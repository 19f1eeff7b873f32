"""PostgreSQL, Redis and Kafka for the local stack: configured ones, or embedded ones it starts."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from .servers import (
    EmbeddedKafka,
    EmbeddedPostgres,
    EmbeddedRedis,
    ServerProcess,
    kafka_answers,
    postgres_answers,
    redis_answers,
    to_sqlalchemy_url,
)
from .settings import DATABASE_URL, KAFKA_BOOTSTRAP_SERVERS, REDIS_URL

__all__ = ["Backend", "BackendError", "Backends", "redact_password", "start_backends"]


class BackendError(RuntimeError):
    """A configured server does not accept connections."""


@dataclass(frozen=True)
class Backend:
    """One server that the services use."""

    label: str
    #: Value given to the services, in the form they expect.
    url: str
    #: Source shown in the summary table: "embedded" or the variable that set the URL.
    origin: str
    #: The process when the stack started the server itself.
    process: ServerProcess | None = None


@dataclass(frozen=True)
class Backends:
    """The three servers of the stack."""

    database: Backend
    redis: Backend
    kafka: Backend

    def __iter__(self) -> Iterator[Backend]:
        return iter((self.database, self.redis, self.kafka))

    @property
    def embedded(self) -> list[ServerProcess]:
        """Server processes that the stack started and must stop."""
        return [backend.process for backend in self if backend.process is not None]


def redact_password(url: str) -> str:
    """Return `url` with its password, if any, replaced by `***`."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def _database_url_for_services(url: str) -> str:
    # The services use SQLAlchemy with asyncpg, so a plain libpq URL gets that driver.
    if urlsplit(url).scheme in ("postgres", "postgresql"):
        return to_sqlalchemy_url(url)
    return url


def _configured(
    label: str, variable: str, answers: Callable[[str], bool], convert: Callable[[str], str]
) -> Backend | None:
    value = os.environ.get(variable, "").strip()
    if not value:
        return None
    if not answers(value):
        raise BackendError(
            f"{variable} is set to {redact_password(value)}, but nothing accepts "
            f"connections there. Start that server or unset {variable} so that the "
            f"stack starts an embedded {label} server."
        )
    return Backend(label, convert(value), f"from {variable}")


def _embedded(stack: ExitStack, label: str, server: ServerProcess, url: str) -> Backend:
    server.start()
    stack.callback(server.stop)
    return Backend(label, url, "embedded", server)


def start_backends(stack: ExitStack, work_dir: Path) -> Backends:
    """Return the configured servers and start embedded ones for those not configured.

    Embedded servers keep their data and logs in `work_dir` and are stopped when `stack`
    closes. PostgreSQL and Redis data survive a restart; Kafka data does not.
    """
    database = _configured("PostgreSQL", DATABASE_URL, postgres_answers, _database_url_for_services)
    if database is None:
        postgres = EmbeddedPostgres(work_dir)
        database = _embedded(stack, "PostgreSQL", postgres, to_sqlalchemy_url(postgres.url))

    redis = _configured("Redis", REDIS_URL, redis_answers, str)
    if redis is None:
        # Persistent because Kafka (Tansu in memory) starts empty on every run:
        # the denylist in Redis is what keeps logged-out tokens rejected after
        # a restart of the stack, while PostgreSQL keeps the sessions.
        valkey = EmbeddedRedis(work_dir, persistent=True)
        redis = _embedded(stack, "Redis", valkey, valkey.url)

    kafka = _configured("Kafka", KAFKA_BOOTSTRAP_SERVERS, kafka_answers, str)
    if kafka is None:
        tansu = EmbeddedKafka(work_dir)
        kafka = _embedded(stack, "Kafka", tansu, tansu.bootstrap_servers)

    return Backends(database=database, redis=redis, kafka=kafka)
