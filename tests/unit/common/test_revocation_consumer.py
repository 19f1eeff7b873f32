"""The revocation consumer's view of the broker: caught up, behind, or a restarted log."""

from __future__ import annotations

import pytest
from aiokafka import TopicPartition

import common.revocation.consumer as consumer_module
from common.denylist.mirror import DenylistMirror
from common.metrics import ServiceMetrics
from common.revocation.consumer import RevocationConsumer

TOPIC = "auth.revocations"
PARTITION = TopicPartition(TOPIC, 0)


class FakeKafkaConsumer:
    """Positions and end offsets set by the test, seeks recorded."""

    def __init__(self, position: int, end: int) -> None:
        self.positions = {PARTITION: position}
        self.end = end
        self.seeks: list[int] = []

    async def end_offsets(self, partitions: list[TopicPartition]) -> dict[TopicPartition, int]:
        return {tp: self.end for tp in partitions}

    async def position(self, tp: TopicPartition) -> int:
        return self.positions[tp]

    def seek(self, tp: TopicPartition, offset: int) -> None:
        self.seeks.append(offset)
        self.positions[tp] = offset


def _consumer(fake: FakeKafkaConsumer) -> RevocationConsumer:
    with pytest.MonkeyPatch.context() as patch:
        # No real client: it would need a broker and a close() at the end.
        patch.setattr(consumer_module, "AIOKafkaConsumer", lambda **_: fake)
        consumer = RevocationConsumer(
            bootstrap_servers="127.0.0.1:1",
            topic=TOPIC,
            store=None,  # type: ignore[arg-type]
            mirror=DenylistMirror(),
            decode=None,  # type: ignore[arg-type]
            metrics=ServiceMetrics("test"),
            fetch_max_wait_ms=10,
            client_id="test",
        )
    consumer._partitions = [PARTITION]
    return consumer


async def _check(consumer: RevocationConsumer) -> None:
    consumer._last_end_check = float("-inf")
    await consumer._update_caught_up()


async def test_position_at_end_is_caught_up() -> None:
    consumer = _consumer(FakeKafkaConsumer(position=5, end=5))
    await _check(consumer)
    assert consumer.ready
    assert consumer.lag_seconds() < 1


async def test_position_behind_end_is_not_caught_up() -> None:
    consumer = _consumer(FakeKafkaConsumer(position=3, end=5))
    await _check(consumer)
    assert not consumer.ready


async def test_records_after_the_question_are_no_restart() -> None:
    fake = FakeKafkaConsumer(position=3, end=5)
    consumer = _consumer(fake)
    await _check(consumer)
    # More records arrived and were read after the end offsets were asked for.
    fake.positions[PARTITION] = 9
    await consumer._update_caught_up()
    assert fake.seeks == []
    assert consumer.ready


async def test_shrunken_log_is_read_again_from_start() -> None:
    fake = FakeKafkaConsumer(position=7, end=2)
    consumer = _consumer(fake)
    await _check(consumer)
    assert fake.seeks == [0]
    assert not consumer.ready


async def test_same_short_end_replays_only_once() -> None:
    """Stops an endless replay when a broker reports an end below records it served."""
    fake = FakeKafkaConsumer(position=7, end=2)
    consumer = _consumer(fake)
    await _check(consumer)
    fake.positions[PARTITION] = 7  # read everything again
    await _check(consumer)
    assert fake.seeks == [0]
    assert consumer.ready
