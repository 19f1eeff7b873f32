"""The embedded servers of deploy.local.servers and the session `servers` fixture."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest
import redis.asyncio
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from deploy.local.servers import (
    EmbeddedKafka,
    EmbeddedPostgres,
    EmbeddedRedis,
    ServerStartError,
    free_port,
    kafka_answers,
    port_accepts,
    postgres_answers,
    redis_answers,
    to_asyncpg_url,
)

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def work_dir() -> Iterator[Path]:
    # Not tmp_path, whose parents are private: when the tests run as root, PostgreSQL runs
    # as another user that must traverse this folder to reach its own.
    path = Path(tempfile.mkdtemp(prefix="revocast-test-local-servers-"))
    path.chmod(0o711)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def embedded_postgres(work_dir: Path) -> Iterator[EmbeddedPostgres]:
    with EmbeddedPostgres(work_dir / "postgres") as server:
        yield server


@pytest.fixture(scope="module")
def embedded_redis(work_dir: Path) -> Iterator[EmbeddedRedis]:
    with EmbeddedRedis(work_dir / "redis") as server:
        yield server


@pytest.fixture(scope="module")
def embedded_kafka(work_dir: Path) -> Iterator[EmbeddedKafka]:
    with EmbeddedKafka(work_dir / "kafka") as server:
        yield server


async def test_embedded_postgres_runs_query(embedded_postgres: EmbeddedPostgres) -> None:
    connection = await asyncpg.connect(embedded_postgres.url)
    try:
        assert await connection.fetchval("SELECT 1") == 1
        assert await connection.fetchval("SELECT current_user") == "postgres"
        assert await connection.fetchval("SHOW listen_addresses") == "127.0.0.1"
    finally:
        await connection.close()


def test_embedded_postgres_url_form(embedded_postgres: EmbeddedPostgres) -> None:
    assert (
        embedded_postgres.url
        == f"postgresql://postgres@127.0.0.1:{embedded_postgres.port}/postgres"
    )
    assert postgres_answers(embedded_postgres.url)


async def test_embedded_postgres_keeps_data_on_restart(work_dir: Path) -> None:
    server = EmbeddedPostgres(work_dir / "postgres-restart")
    with server:
        connection = await asyncpg.connect(server.url)
        try:
            await connection.execute("CREATE TABLE kept (value int)")
            await connection.execute("INSERT INTO kept VALUES (42)")
        finally:
            await connection.close()
    assert not server.running

    with server:
        connection = await asyncpg.connect(server.url)
        try:
            assert await connection.fetchval("SELECT value FROM kept") == 42
        finally:
            await connection.close()


async def test_embedded_redis_answers_ping(embedded_redis: EmbeddedRedis) -> None:
    client = redis.asyncio.from_url(embedded_redis.url)
    try:
        assert await client.ping() is True
        await client.set("revocast-test-key", "value")
        assert await client.get("revocast-test-key") == b"value"
        # Persistence is off, so nothing is written to disk.
        assert await client.config_get("save") == {"save": ""}
        assert await client.config_get("appendonly") == {"appendonly": "no"}
    finally:
        await client.aclose()
    assert embedded_redis.url == f"redis://127.0.0.1:{embedded_redis.port}/0"
    assert redis_answers(embedded_redis.url)


async def test_embedded_kafka_round_trip(embedded_kafka: EmbeddedKafka) -> None:
    topic = "local-servers-check"
    bootstrap = embedded_kafka.bootstrap_servers
    assert bootstrap == f"127.0.0.1:{embedded_kafka.port}"
    assert kafka_answers(bootstrap)

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)])
    finally:
        await admin.close()

    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        sent = await producer.send_and_wait(topic, b"revoked", key=b"jti-1")
    finally:
        await producer.stop()

    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    await consumer.start()
    try:
        partition = TopicPartition(topic, sent.partition)
        consumer.assign([partition])
        consumer.seek(partition, sent.offset)
        record = await asyncio.wait_for(consumer.getone(), timeout=10)
    finally:
        await consumer.stop()

    assert record.topic == topic
    assert record.offset == sent.offset
    assert record.key == b"jti-1"
    assert record.value == b"revoked"


def test_stop_frees_port(work_dir: Path) -> None:
    server = EmbeddedRedis(work_dir / "redis-stop")
    server.start()
    assert server.running
    assert port_accepts("127.0.0.1", server.port)

    server.stop()

    assert not server.running
    assert server.returncode == 0
    assert not port_accepts("127.0.0.1", server.port)


def test_start_rejects_used_port(embedded_redis: EmbeddedRedis, work_dir: Path) -> None:
    server = EmbeddedKafka(work_dir / "kafka-conflict", port=embedded_redis.port)
    with pytest.raises(ServerStartError, match="already in use"):
        server.start()
    assert not server.running


def test_failed_start_names_binary_and_log(work_dir: Path) -> None:
    class BrokenRedis(EmbeddedRedis):
        def command(self) -> list[str]:
            return [*super().command(), "--no-such-option", "yes"]

    server = BrokenRedis(work_dir / "redis-broken")
    with pytest.raises(ServerStartError) as raised:
        server.start()

    message = str(raised.value)
    assert "valkey-server" in message
    assert str(server.log_path) in message
    assert not server.running


def test_answers_false_without_server() -> None:
    port = free_port()
    assert not postgres_answers(f"postgresql+asyncpg://postgres@127.0.0.1:{port}/postgres")
    assert not redis_answers(f"redis://127.0.0.1:{port}/0")
    assert not kafka_answers(f"127.0.0.1:{port}")


async def test_servers_fixture_gives_fresh_database(servers) -> None:
    assert servers.database_url.startswith("postgresql+asyncpg://")
    connection = await asyncpg.connect(to_asyncpg_url(servers.database_url))
    try:
        database = await connection.fetchval("SELECT current_database()")
        tables = await connection.fetchval(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        )
    finally:
        await connection.close()
    assert database.startswith("revocast_test_")
    assert tables == 0

    client = redis.asyncio.from_url(servers.redis_url)
    try:
        assert await client.ping() is True
    finally:
        await client.aclose()
    assert kafka_answers(servers.kafka_bootstrap_servers)
