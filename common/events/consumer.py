"""A consumer-group reader of business events: replicas of a service share the work."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

import structlog
from aiokafka import AIOKafkaConsumer
from aiokafka.errors import KafkaError

from common.events.envelope import Event, InvalidEvent, decode_event
from common.logging import get_logger

__all__ = ["EventConsumer", "EventHandler"]

log = get_logger(__name__)

EventHandler = Callable[[Event], Awaitable[None]]

_RETRY_SECONDS = 1.0


class EventConsumer:
    """Read a topic in a consumer group and hand each event to an idempotent handler.

    The offset is committed only after the handler returned, so an event is
    handled at least once; handlers drop duplicates by event id.
    """

    def __init__(
        self,
        *,
        bootstrap_servers: str,
        topic: str,
        group_id: str,
        handler: EventHandler,
        fetch_max_wait_ms: int,
        client_id: str,
    ) -> None:
        self._topic = topic
        self._handler = handler
        self._consumer = AIOKafkaConsumer(
            topic,
            bootstrap_servers=bootstrap_servers,
            group_id=group_id,
            client_id=client_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            fetch_max_wait_ms=fetch_max_wait_ms,
            # Joining a group takes about half the session timeout on some
            # brokers; a shorter one lets a new replica start consuming sooner.
            session_timeout_ms=6000,
            heartbeat_interval_ms=2000,
        )
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start consuming in the background; Kafka need not be reachable yet."""
        self._task = asyncio.create_task(
            self._connect_and_run(), name=f"event-consumer:{self._topic}"
        )

    async def _connect_and_run(self) -> None:
        while True:
            try:
                await self._consumer.start()
                break
            except KafkaError as exc:
                log.warning(
                    "event_consumer_start_failed",
                    topic=self._topic,
                    error=repr(exc),
                    retry_in_seconds=_RETRY_SECONDS,
                )
                await asyncio.sleep(_RETRY_SECONDS)
        log.info("event_consumer_started", topic=self._topic)
        await self._run()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._consumer.stop()
        log.info("event_consumer_stopped", topic=self._topic)

    async def _run(self) -> None:
        # The loop must outlive any single failure: a dead consumer would leave
        # the service serving requests while it no longer applies events.
        while True:
            try:
                await self._consume()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("event_consumer_failed", topic=self._topic)
                await asyncio.sleep(_RETRY_SECONDS)
                # Go back to the last committed offsets, so the records of the
                # failed batch are read again instead of skipped.
                with contextlib.suppress(KafkaError):
                    await self._consumer.seek_to_committed()

    async def _consume(self) -> None:
        while True:
            try:
                batch = await self._consumer.getmany(timeout_ms=1000)
            except KafkaError as exc:
                log.warning("event_fetch_failed", topic=self._topic, error=repr(exc))
                await asyncio.sleep(_RETRY_SECONDS)
                continue
            for records in batch.values():
                for record in records:
                    await self._handle(record.value, record.partition, record.offset)
            if batch:
                await self._commit()

    async def _handle(self, raw: bytes, partition: int, offset: int) -> None:
        try:
            event = decode_event(raw)
        except InvalidEvent as exc:
            log.error(
                "event_invalid",
                topic=self._topic,
                partition=partition,
                offset=offset,
                error=str(exc),
            )
            return
        with structlog.contextvars.bound_contextvars(event_id=str(event.id), event_type=event.type):
            while True:
                try:
                    await self._handler(event)
                    return
                except Exception as exc:  # noqa: BLE001 - retried; the handler decides what is fatal
                    # A handler failure (database down) must not skip the event:
                    # retry until it succeeds, holding back later events.
                    # TODO: a permanent error (a constraint the handler's checks
                    # missed) blocks the partition; add a retry limit and a
                    # dead-letter topic.
                    log.warning(
                        "event_handler_failed", error=repr(exc), retry_in_seconds=_RETRY_SECONDS
                    )
                    await asyncio.sleep(_RETRY_SECONDS)

    async def _commit(self) -> None:
        try:
            await self._consumer.commit()
        except KafkaError as exc:
            # The next commit covers these offsets; a crash before it redelivers
            # events that the idempotent handlers then drop.
            log.warning("event_commit_failed", topic=self._topic, error=repr(exc))
