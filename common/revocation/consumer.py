"""The revocation consumer: every replica reads every revocation event.

Replicas do not share work: each assigns itself every partition of the
revocation topic (no consumer group), stores what it reads in its service's
Redis denylist and in its own in-process mirror, and records its position in
Redis in the same transaction as the entries.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.errors import KafkaError
from redis.exceptions import RedisError

from common.denylist.entries import DenyEntry
from common.denylist.mirror import DenylistMirror
from common.denylist.store import RedisDenylist
from common.logging import get_logger
from common.metrics import ServiceMetrics
from common.revocation.events import InvalidRevocationEvent, RevocationEvent

__all__ = ["RevocationConsumer"]

log = get_logger(__name__)

EventDecoder = Callable[[str], Awaitable[RevocationEvent]]

_PRUNE_INTERVAL_SECONDS = 60.0
_MAX_STORE_BACKOFF_SECONDS = 5.0
_END_CHECK_INTERVAL_SECONDS = 0.5
_END_CHECK_TIMEOUT_SECONDS = 2.0


def _partition_name(tp: TopicPartition) -> str:
    return f"{tp.topic}:{tp.partition}"


def _record_text(record: ConsumerRecord) -> str:
    if not isinstance(record.value, bytes):
        raise InvalidRevocationEvent(f"record value is {type(record.value).__name__}, not bytes")
    return record.value.decode()


class RevocationConsumer:
    """Apply revocation events from Kafka to a Redis denylist and an in-process mirror.

    Args:
        bootstrap_servers: Kafka brokers.
        topic: the revocation topic.
        store: this service's Redis denylist.
        mirror: the in-process denylist that the request path reads.
        decode: verifies one event and returns it; raises
            :class:`InvalidRevocationEvent` for a record that is not one.
        metrics: counters and gauges of this service.
        fetch_max_wait_ms: maximum time a fetch waits for data. Brokers that
            return a waiting fetch only at this deadline (Tansu) need a low
            value for low revocation latency.
    """

    def __init__(
        self,
        *,
        bootstrap_servers: str,
        topic: str,
        store: RedisDenylist,
        mirror: DenylistMirror,
        decode: EventDecoder,
        metrics: ServiceMetrics,
        fetch_max_wait_ms: int,
        client_id: str,
    ) -> None:
        self._topic = topic
        self._store = store
        self._mirror = mirror
        self._decode = decode
        self._metrics = metrics
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap_servers,
            client_id=client_id,
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            fetch_max_wait_ms=fetch_max_wait_ms,
            max_poll_records=1000,
        )
        self._partitions: list[TopicPartition] = []
        self._task: asyncio.Task[None] | None = None
        self._caught_up_once = asyncio.Event()
        self._last_caught_up = float("-inf")
        self._last_end_check = float("-inf")
        self._pending_end: tuple[float, dict[TopicPartition, int]] | None = None
        self._replayed_at_end: dict[TopicPartition, int] = {}

    @property
    def ready(self) -> bool:
        """Whether the denylist was loaded and the topic read up to its end at least once."""
        return self._caught_up_once.is_set()

    def lag_seconds(self) -> float:
        """Seconds since this replica last had read everything on the topic."""
        return time.monotonic() - self._last_caught_up

    async def start(self) -> None:
        """Load the stored denylist, position the consumer and start reading in the background."""
        loaded = await self._store.load()
        self._mirror.add_all(loaded)
        self._metrics.denylist_entries.set(len(self._mirror))
        log.info("denylist_loaded", entries=len(loaded))

        await self._consumer.start()
        self._partitions = await self._discover_partitions()
        self._consumer.assign(self._partitions)
        await self._seek_to_stored_positions()
        self._task = asyncio.create_task(self._run(), name=f"revocation-consumer:{self._topic}")
        log.info("revocation_consumer_started", topic=self._topic, partitions=len(self._partitions))

    async def wait_until_ready(self, timeout: float) -> bool:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._caught_up_once.wait(), timeout)
        return self.ready

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._consumer.stop()
        log.info("revocation_consumer_stopped", topic=self._topic)

    async def _discover_partitions(self) -> list[TopicPartition]:
        for _attempt in range(50):
            partitions = self._consumer.partitions_for_topic(self._topic)
            if partitions:
                return [TopicPartition(self._topic, p) for p in sorted(partitions)]
            await self._consumer._client.force_metadata_update()
            await asyncio.sleep(0.1)
        raise RuntimeError(
            f"topic {self._topic!r} has no partitions; create it with `python -m common.kafka.topics`"
        )

    async def _seek_to_stored_positions(self) -> None:
        stored = await self._store.positions()
        end_offsets = await self._consumer.end_offsets(self._partitions)
        for tp in self._partitions:
            position = stored.get(_partition_name(tp))
            if position is None:
                # Nothing stored: replay the whole retention window, which the
                # topic keeps longer than any access token lives.
                self._consumer.seek(tp, 0)
            elif position > end_offsets[tp]:
                # The log restarted below our position (a broker that lost its
                # storage). Reading from the stored position would silently
                # return nothing, so start again from the beginning.
                log.warning(
                    "revocation_log_restarted",
                    partition=_partition_name(tp),
                    stored_position=position,
                    end_offset=end_offsets[tp],
                )
                self._consumer.seek(tp, 0)
            else:
                self._consumer.seek(tp, position)

    async def _run(self) -> None:
        # The loop must outlive any single failure: a dead consumer would stop
        # applying revocations while the service kept serving requests.
        while True:
            try:
                await self._consume()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("revocation_consumer_failed", retry_in_seconds=1.0)
                await asyncio.sleep(1.0)

    async def _consume(self) -> None:
        next_prune = time.monotonic() + _PRUNE_INTERVAL_SECONDS
        while True:
            try:
                batch = await self._consumer.getmany(timeout_ms=1000, max_records=1000)
            except KafkaError as exc:
                log.warning("revocation_fetch_failed", error=repr(exc))
                await asyncio.sleep(0.5)
                continue
            if batch:
                await self._apply(batch)
            await self._update_caught_up()

            now = time.monotonic()
            if now >= next_prune:
                dropped = self._mirror.prune()
                self._metrics.denylist_entries.set(len(self._mirror))
                log.debug("denylist_pruned", dropped=dropped)
                next_prune = now + _PRUNE_INTERVAL_SECONDS

    async def _apply(self, batch: dict[TopicPartition, list[ConsumerRecord]]) -> None:
        entries: list[DenyEntry] = []
        positions: dict[str, int] = {}
        for tp, records in batch.items():
            for record in records:
                event = await self._decode_record(record)
                if event is not None:
                    entries.append(event.entry)
                positions[_partition_name(tp)] = record.offset + 1

        # The mirror protects this replica at once; Redis may take retries.
        self._mirror.add_all(entries)
        self._metrics.denylist_entries.set(len(self._mirror))
        self._metrics.revocation_events_applied.inc(len(entries))
        await self._store_with_retry(entries, positions)

    async def _decode_record(self, record: ConsumerRecord) -> RevocationEvent | None:
        try:
            event = await self._decode(_record_text(record))
        except Exception as exc:
            # A record we cannot verify is skipped, never applied: applying an
            # unsigned record would let anyone with topic access lock users out.
            self._metrics.revocation_events_invalid.inc()
            if not isinstance(exc, InvalidRevocationEvent | UnicodeDecodeError):
                log.exception("revocation_event_decode_crashed", offset=record.offset)
            log.error(
                "revocation_event_invalid",
                partition=f"{record.topic}:{record.partition}",
                offset=record.offset,
                error=str(exc)[:300],
            )
            return None
        log.info(
            "revocation_applied",
            event_id=event.event_id,
            kind=event.entry.kind.value,
            reason=event.reason.value,
            user_id=event.user_id,
        )
        return event

    async def _store_with_retry(self, entries: list[DenyEntry], positions: dict[str, int]) -> None:
        delay = 0.05
        while True:
            try:
                await self._store.store(entries, positions)
                return
            except RedisError as exc:
                log.warning("denylist_store_failed", error=repr(exc), retry_in_seconds=delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, _MAX_STORE_BACKOFF_SECONDS)

    async def _update_caught_up(self) -> None:
        """Track how far behind the broker this replica is.

        At most every half second the broker is asked for the end of each
        partition. Once the position reaches those ends, everything published
        before the request was sent has been applied, so the feed is current
        as of that moment. The end offsets must come from the broker: the last
        fetch's high-water marks would keep looking current while the broker
        is unreachable.
        """
        now = time.monotonic()
        if self._pending_end is None:
            if now - self._last_end_check < _END_CHECK_INTERVAL_SECONDS:
                return
            self._last_end_check = now
            try:
                end_offsets = await asyncio.wait_for(
                    self._consumer.end_offsets(self._partitions), _END_CHECK_TIMEOUT_SECONDS
                )
            except (KafkaError, TimeoutError) as exc:
                log.warning("revocation_end_offsets_failed", error=repr(exc))
                return
            # Only fresh end offsets can show a restarted log, because compared
            # with older ones, records that arrived since would look like one.
            if await self._restart_if_log_shrank(end_offsets):
                return
            self._pending_end = (now, end_offsets)

        asked_at, end_offsets = self._pending_end
        for tp in self._partitions:
            if await self._consumer.position(tp) < end_offsets[tp]:
                return
        self._pending_end = None
        self._last_caught_up = asked_at
        if not self._caught_up_once.is_set():
            self._caught_up_once.set()
            log.info("revocation_feed_caught_up", entries=len(self._mirror))

    async def _restart_if_log_shrank(self, end_offsets: dict[TopicPartition, int]) -> bool:
        """Read a partition again from the start when its end is below our position.

        That happens when a broker lost its storage (Tansu in memory) and the
        log began again at offset 0: from the old position the consumer would
        silently read nothing. A partition is read again once per distinct
        end offset, because Tansu 0.6 was seen reporting an end below the
        records it had just served. Replaying on every check would then never
        finish.

        NOTE: a log that restarted and has grown past our position by the
        time we look is not detected, and the records below our position are
        skipped. Only a broker that loses its storage causes this; Apache
        Kafka keeps its log across restarts.

        Returns:
            Whether any partition was sent back to the start.
        """
        restarted = False
        for tp in self._partitions:
            position = await self._consumer.position(tp)
            end = end_offsets[tp]
            if position <= end or self._replayed_at_end.get(tp) == end:
                continue
            self._replayed_at_end[tp] = end
            log.warning(
                "revocation_log_restarted",
                partition=_partition_name(tp),
                position=position,
                end_offset=end,
            )
            self._consumer.seek(tp, 0)
            restarted = True
        return restarted
