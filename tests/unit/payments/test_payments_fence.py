"""The pure parts of the projection fence: partition choice and the caught-up test."""

from __future__ import annotations

import uuid

import pytest
from aiokafka.partitioner import DefaultPartitioner

from payments.fence import is_caught_up, partition_for_key


def test_partition_matches_producer_partitioner() -> None:
    partitions = [0, 1, 2]
    producer_partitioner = DefaultPartitioner()

    for _ in range(200):
        key = str(uuid.uuid4()).encode()
        assert partition_for_key(key, partitions) == producer_partitioner(
            key, partitions, partitions
        )


def test_partition_ignores_listing_order() -> None:
    key = b"0b95270a-d816-4966-aa0b-2909236cff5f"

    assert partition_for_key(key, [2, 0, 1]) == partition_for_key(key, [0, 1, 2])


def test_partition_spreads_keys() -> None:
    chosen = {partition_for_key(str(uuid.uuid4()).encode(), [0, 1, 2]) for _ in range(200)}

    assert chosen == {0, 1, 2}


@pytest.mark.parametrize(
    ("committed", "end", "expected"),
    [
        (-1, 0, True),
        (-1, 5, False),
        (4, 5, False),
        (5, 5, True),
        (6, 5, True),
        (0, 0, True),
    ],
)
def test_is_caught_up(committed: int, end: int, expected: bool) -> None:
    assert is_caught_up(committed, end) is expected
