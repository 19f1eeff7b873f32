"""Topic names and their creation, run by the local stack, tests and deployment jobs.

Run ``python -m common.kafka.topics`` with ``REVOCAST_KAFKA_BOOTSTRAP_SERVERS``
set to create every topic that does not exist yet; production clusters set
``REVOCAST_KAFKA_REPLICATION_FACTOR`` (default 1) to 3.
"""

from __future__ import annotations

import asyncio
import os
import sys

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

__all__ = [
    "ORDERS_EVENTS_TOPIC",
    "PAYMENTS_EVENTS_TOPIC",
    "REVOCATIONS_TOPIC",
    "ensure_topics",
]

REVOCATIONS_TOPIC = "auth.revocations"
ORDERS_EVENTS_TOPIC = "orders.events"
PAYMENTS_EVENTS_TOPIC = "payments.events"

# Retention must outlast the longest access token, so that a replica that
# lost its Redis can rebuild the denylist from the topic alone; seven days
# also covers the refresh-token lifetime.
_RETENTION_MS = str(7 * 24 * 3600 * 1000)
_PARTITIONS = 3


async def ensure_topics(
    bootstrap_servers: str, *, prefix: str = "", replication_factor: int = 1
) -> list[str]:
    """Create the Revocast topics that are missing.

    Returns:
        The names of the topics created by this call.
    """
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id="revocast-topics")
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [
            NewTopic(
                name=f"{prefix}{name}",
                num_partitions=_PARTITIONS,
                replication_factor=replication_factor,
                topic_configs={"retention.ms": _RETENTION_MS},
            )
            for name in (REVOCATIONS_TOPIC, ORDERS_EVENTS_TOPIC, PAYMENTS_EVENTS_TOPIC)
            if f"{prefix}{name}" not in existing
        ]
        created: list[str] = []
        for topic in wanted:
            try:
                await admin.create_topics([topic])
            except TopicAlreadyExistsError:
                continue  # another process created it first
            created.append(topic.name)
        return created
    finally:
        await admin.close()


def main() -> int:
    bootstrap = os.environ.get("REVOCAST_KAFKA_BOOTSTRAP_SERVERS")
    if not bootstrap:
        print("REVOCAST_KAFKA_BOOTSTRAP_SERVERS is not set; set it to host:port", file=sys.stderr)
        return 2
    prefix = os.environ.get("REVOCAST_KAFKA_TOPIC_PREFIX", "")
    replication = os.environ.get("REVOCAST_KAFKA_REPLICATION_FACTOR", "1")
    if not replication.isdigit() or int(replication) < 1:
        print(
            f"REVOCAST_KAFKA_REPLICATION_FACTOR is invalid: {replication!r}; use a positive integer",
            file=sys.stderr,
        )
        return 2
    created = asyncio.run(
        ensure_topics(bootstrap, prefix=prefix, replication_factor=int(replication))
    )
    print(f"topics created: {', '.join(created) or 'none (all exist)'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
