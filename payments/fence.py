"""A read-your-writes fence between the orders event stream and the order projection."""

from __future__ import annotations

import asyncio
import time

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError
from aiokafka.partitioner import DefaultPartitioner

from common.logging import get_logger

__all__ = ["ProjectionFence", "is_caught_up", "partition_for_key"]

log = get_logger(__name__)

_POLL_INTERVAL_SECONDS = 0.02
_partitioner = DefaultPartitioner()


def partition_for_key(key: bytes, partitions: list[int]) -> int:
    """Return the partition that aiokafka's default partitioner picks for ``key``.

    The outbox relay sends every event with the order id as key through a
    producer using that partitioner, so all events of one order land here.
    """
    ordered = sorted(partitions)
    return int(_partitioner(key, ordered, ordered))


def is_caught_up(committed_offset: int, end_offset: int) -> bool:
    """Return whether a group that committed ``committed_offset`` has read up to ``end_offset``.

    Kafka reports -1 for a group that never committed on the partition,
    which is caught up only while the partition is empty.
    """
    return end_offset <= 0 or committed_offset >= end_offset


class ProjectionFence:
    """Wait until this service has applied the ``orders.events`` already in Kafka for one order.

    Without it, a payment sent right after a cancellation could still find
    the order pending, because the ``order.cancelled`` event is in Kafka but
    not yet in the projection. The fence reads the end offset of the order's
    partition, then polls the offset that this service's consumer group
    commits after applying events, until it reaches the end offset.

    NOTE: an event that the orders outbox has committed but not yet sent to
    Kafka is not covered; the relay usually sends it within milliseconds.
    """

    def __init__(
        self, *, bootstrap_servers: str, topic: str, group_id: str, client_id: str
    ) -> None:
        self._topic = topic
        self._group_id = group_id
        self._offsets = AIOKafkaConsumer(
            bootstrap_servers=bootstrap_servers,
            group_id=None,
            enable_auto_commit=False,
            client_id=f"{client_id}-offsets",
        )
        self._admin = AIOKafkaAdminClient(
            bootstrap_servers=bootstrap_servers, client_id=f"{client_id}-admin"
        )
        self._partitions: list[int] | None = None
        self._started = False
        self._start_lock = asyncio.Lock()

    async def _ensure_started(self) -> None:
        # Connected on first use, so payments starts while Kafka is down; a
        # wait before Kafka is back fails and the client gets 409 Retry-After.
        async with self._start_lock:
            if not self._started:
                await self._offsets.start()
                await self._admin.start()
                self._started = True

    async def stop(self) -> None:
        await self._offsets.stop()
        if self._started:
            await self._admin.close()

    async def wait(self, key: str, *, timeout_seconds: float) -> bool:
        """Wait until the events of ``key`` that are in Kafka now have been applied.

        Returns:
            True once they are applied; False when ``timeout_seconds`` passed
            first or Kafka could not be asked, which is logged.
        """
        deadline = time.monotonic() + timeout_seconds
        try:
            await self._ensure_started()
            partition = TopicPartition(self._topic, await self._partition_of(key.encode()))
            end_offset = (await self._offsets.end_offsets([partition]))[partition]
            while True:
                committed = await self._admin.list_consumer_group_offsets(
                    self._group_id, partitions=[partition]
                )
                if is_caught_up(committed[partition].offset, end_offset):
                    return True
                if time.monotonic() >= deadline:
                    log.info(
                        "projection_behind",
                        partition=partition.partition,
                        committed_offset=committed[partition].offset,
                        end_offset=end_offset,
                    )
                    return False
                await asyncio.sleep(_POLL_INTERVAL_SECONDS)
        except (KafkaError, OSError) as exc:
            log.warning("projection_fence_failed", topic=self._topic, error=repr(exc))
            return False

    async def _partition_of(self, key: bytes) -> int:
        if self._partitions is None:
            await self._offsets.topics()  # loads the cluster metadata
            partitions = self._offsets.partitions_for_topic(self._topic)
            if not partitions:
                raise KafkaError(f"topic {self._topic} has no partitions or does not exist")
            self._partitions = sorted(partitions)
        return partition_for_key(key, self._partitions)
