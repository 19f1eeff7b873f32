"""The outbox relay: publishes committed outbox rows to Kafka, in order, with retries."""

from __future__ import annotations

import asyncio
import contextlib
import zlib

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError
from sqlalchemy import Table, func, select, update
from sqlalchemy.exc import SQLAlchemyError

from common.db import Database
from common.kafka.clients import make_producer
from common.logging import get_logger
from common.metrics import ServiceMetrics

__all__ = ["OutboxRelay"]

log = get_logger(__name__)

_MAX_BACKOFF_SECONDS = 5.0


class OutboxRelay:
    """Publish unpublished outbox rows, oldest first.

    The service calls :meth:`notify` after committing a row, so an event
    leaves within milliseconds; a poll every ``poll_interval_seconds``
    covers rows written by other replicas and rows left by a crash. One
    PostgreSQL advisory lock per table lets one replica publish at a time,
    which keeps events in commit order. A row is marked published only after
    the broker acknowledged it; a crash in between publishes it again, so
    consumers drop duplicates by event id.
    """

    def __init__(
        self,
        *,
        database: Database,
        table: Table,
        bootstrap_servers: str,
        client_id: str,
        metrics: ServiceMetrics,
        poll_interval_seconds: float,
        batch_size: int = 200,
    ) -> None:
        self._database = database
        self._table = table
        self._bootstrap_servers = bootstrap_servers
        self._client_id = client_id
        self._producer: AIOKafkaProducer | None = None
        self._metrics = metrics
        self._poll_interval = poll_interval_seconds
        self._batch_size = batch_size
        self._lock_id = zlib.crc32(f"revocast-outbox:{table.fullname}".encode())
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def notify(self) -> None:
        """Wake the relay because a row was just committed."""
        self._wake.set()

    def start(self) -> None:
        """Start publishing in the background; Kafka need not be reachable yet."""
        self._task = asyncio.create_task(self._run(), name=f"outbox-relay:{self._table.fullname}")
        log.info("outbox_relay_started", table=self._table.fullname)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._producer is not None:
            await self._producer.stop()
        log.info("outbox_relay_stopped", table=self._table.fullname)

    async def _run(self) -> None:
        backoff = 0.1
        while True:
            self._wake.clear()
            try:
                published = await self.publish_pending()
            except (KafkaError, SQLAlchemyError, OSError) as exc:
                self._metrics.outbox_publish_failures.inc()
                log.warning("outbox_publish_failed", error=repr(exc), retry_in_seconds=backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, _MAX_BACKOFF_SECONDS)
                continue
            backoff = 0.1
            if published >= self._batch_size:
                continue  # more rows may be waiting
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._poll_interval)

    async def _connected_producer(self) -> AIOKafkaProducer:
        if self._producer is None:
            producer = make_producer(self._bootstrap_servers, client_id=self._client_id)
            try:
                await producer.start()
            except BaseException:
                await producer.stop()
                raise
            self._producer = producer
        return self._producer

    async def publish_pending(self) -> int:
        """Publish one batch of unpublished rows; return how many were published."""
        producer = await self._connected_producer()
        table = self._table
        async with self._database.sessionmaker() as session, session.begin():
            locked = await session.scalar(select(func.pg_try_advisory_xact_lock(self._lock_id)))
            if not locked:
                return 0  # another replica is publishing this table
            rows = (
                await session.execute(
                    select(table.c.id, table.c.topic, table.c.key, table.c.payload)
                    .where(table.c.published_at.is_(None))
                    .order_by(table.c.id)
                    .limit(self._batch_size)
                )
            ).all()
            if not rows:
                return 0
            # Send the whole batch before waiting, so one round trip covers it;
            # aiokafka keeps per-partition order.
            deliveries = [
                await producer.send(row.topic, value=row.payload, key=row.key.encode())
                for row in rows
            ]
            await asyncio.gather(*deliveries)
            await session.execute(
                update(table)
                .where(table.c.id.in_([row.id for row in rows]))
                .values(published_at=func.now())
            )
        for row in rows:
            self._metrics.outbox_published.labels(topic=row.topic).inc()
        log.debug("outbox_published", table=table.fullname, events=len(rows))
        return len(rows)
