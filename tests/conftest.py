"""Session-scoped servers for the whole test suite: PostgreSQL, Redis and Kafka.

Where the servers come from, in order:

1. REVOCAST_TEST_CONTAINERS=1: Docker containers started with testcontainers. The run
   fails if no Docker engine responds.
2. Otherwise each server separately: REVOCAST_TEST_DATABASE_URL (a libpq URL of a user
   that may create databases), REVOCAST_TEST_REDIS_URL and
   REVOCAST_TEST_KAFKA_BOOTSTRAP_SERVERS when set, else an embedded server from the
   `embedded` extra, private to this run, on a free port.

PostgreSQL gets a new database for every run, dropped at the end. Service fixtures
live in tests/integration/conftest.py.
"""

from __future__ import annotations

import gc
import os
import secrets
import shutil
import tempfile
import warnings
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest
import redis.asyncio

from common.kafka.topics import ensure_topics
from deploy.local.servers import (
    EmbeddedKafka,
    EmbeddedPostgres,
    EmbeddedRedis,
    to_asyncpg_url,
    to_sqlalchemy_url,
)

CONTAINERS_VARIABLE = "REVOCAST_TEST_CONTAINERS"
DATABASE_VARIABLE = "REVOCAST_TEST_DATABASE_URL"
REDIS_VARIABLE = "REVOCAST_TEST_REDIS_URL"
KAFKA_VARIABLE = "REVOCAST_TEST_KAFKA_BOOTSTRAP_SERVERS"

# Images for REVOCAST_TEST_CONTAINERS=1. testcontainers' KafkaContainer (4.15) configures
# the broker through the Confluent image's start scripts, so it needs cp-kafka (Apache
# Kafka 3.6 packaged by Confluent) and does not work with the apache/kafka image.
POSTGRES_IMAGE = "postgres:17-alpine"
REDIS_IMAGE = "redis:7-alpine"
KAFKA_IMAGE = "confluentinc/cp-kafka:7.6.0"


@dataclass(frozen=True)
class TestServers:
    """Addresses of the servers that the tests use."""

    __test__ = False  # not a test class, despite the name

    #: SQLAlchemy URL (`postgresql+asyncpg://`) of a database created for this run.
    database_url: str
    #: Redis URL of a database that was empty when the run started.
    redis_url: str
    #: Kafka bootstrap servers, `host:port`.
    kafka_bootstrap_servers: str


@dataclass(frozen=True)
class _ServerAddresses:
    # `postgres_url` is a libpq URL of a maintenance database, used to create the run's database.
    postgres_url: str
    redis_url: str
    kafka_bootstrap_servers: str


def _ping_docker() -> bool:
    import docker

    try:
        client = docker.from_env()
    except docker.errors.DockerException:
        return False
    try:
        return bool(client.ping())
    except docker.errors.DockerException:
        return False
    finally:
        client.close()


def _docker_answers() -> bool:
    with warnings.catch_warnings():
        # docker-py leaves a socket unclosed when no engine responds. Collecting it here,
        # with the warning ignored, keeps the run's warnings-as-errors from failing on it.
        warnings.simplefilter("ignore", ResourceWarning)
        answers = _ping_docker()
        gc.collect()
    return answers


def _start_containers(stack: ExitStack) -> _ServerAddresses:
    if not _docker_answers():
        pytest.fail(
            f"{CONTAINERS_VARIABLE}=1 asks for Docker containers, but no Docker engine "
            f"answers. Start Docker or unset {CONTAINERS_VARIABLE} to use local servers.",
            pytrace=False,
        )
    # The community modules; the top-level testcontainers.postgres etc. are deprecated.
    from testcontainers.community.kafka import KafkaContainer
    from testcontainers.community.postgres import PostgresContainer
    from testcontainers.community.redis import RedisContainer

    postgres = stack.enter_context(PostgresContainer(POSTGRES_IMAGE, driver=None))
    redis_container = stack.enter_context(RedisContainer(REDIS_IMAGE))
    kafka = stack.enter_context(KafkaContainer(KAFKA_IMAGE).with_kraft())
    redis_host = redis_container.get_container_host_ip()
    redis_port = redis_container.get_exposed_port(redis_container.port)
    return _ServerAddresses(
        postgres_url=postgres.get_connection_url(),
        redis_url=f"redis://{redis_host}:{redis_port}/0",
        kafka_bootstrap_servers=kafka.get_bootstrap_server(),
    )


def _start_local(stack: ExitStack, work_dir: Path) -> _ServerAddresses:
    postgres_url = os.environ.get(DATABASE_VARIABLE)
    if not postgres_url:
        postgres_url = stack.enter_context(EmbeddedPostgres(work_dir)).url

    redis_url = os.environ.get(REDIS_VARIABLE)
    if not redis_url:
        redis_url = stack.enter_context(EmbeddedRedis(work_dir)).url

    kafka_bootstrap_servers = os.environ.get(KAFKA_VARIABLE)
    if not kafka_bootstrap_servers:
        kafka_bootstrap_servers = stack.enter_context(EmbeddedKafka(work_dir)).bootstrap_servers

    return _ServerAddresses(to_asyncpg_url(postgres_url), redis_url, kafka_bootstrap_servers)


@pytest.fixture(scope="session")
def server_addresses() -> Iterator[_ServerAddresses]:
    """Start or locate the servers for this run, and stop the started ones at the end."""
    # Not tmp_path_factory: its folders are mode 0700, and embedded PostgreSQL may run
    # as another user (when the tests run as root) that must reach its work folder.
    work_dir = Path(tempfile.mkdtemp(prefix="revocast-test-servers-"))
    try:
        with ExitStack() as stack:
            if os.environ.get(CONTAINERS_VARIABLE) == "1":
                yield _start_containers(stack)
            else:
                yield _start_local(stack, work_dir)
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)


@pytest.fixture(scope="session")
async def servers(server_addresses: _ServerAddresses) -> AsyncIterator[TestServers]:
    """Return the servers with a new database, an emptied Redis database and the topics created."""
    database = f"revocast_test_{secrets.token_hex(6)}"
    maintenance = await asyncpg.connect(server_addresses.postgres_url)
    try:
        await maintenance.execute(f'CREATE DATABASE "{database}"')
    finally:
        await maintenance.close()

    # A Redis given by REVOCAST_TEST_REDIS_URL is used as is, so this erases whatever
    # its database held before the run.
    client = redis.asyncio.from_url(server_addresses.redis_url)
    try:
        await client.flushdb()
    finally:
        await client.aclose()

    await ensure_topics(server_addresses.kafka_bootstrap_servers)

    database_url = urlsplit(server_addresses.postgres_url)._replace(path=f"/{database}")
    yield TestServers(
        database_url=to_sqlalchemy_url(urlunsplit(database_url)),
        redis_url=server_addresses.redis_url,
        kafka_bootstrap_servers=server_addresses.kafka_bootstrap_servers,
    )

    maintenance = await asyncpg.connect(server_addresses.postgres_url)
    try:
        # FORCE (PostgreSQL 13 and later) ends sessions that tests left open.
        await maintenance.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    finally:
        await maintenance.close()
