"""aiokafka client factories with the settings every Revocast producer needs."""

from __future__ import annotations

from aiokafka import AIOKafkaProducer

__all__ = ["make_producer"]


def make_producer(bootstrap_servers: str, *, client_id: str) -> AIOKafkaProducer:
    """Build a producer that waits for every in-sync replica.

    ``acks="all"`` makes a send succeed only once the event survives a broker
    loss. Idempotent producing stays off because some Kafka-protocol brokers
    (Tansu 0.6) reject the InitProducerId version aiokafka sends; outbox rows
    carry event ids, so consumers drop the duplicates a retry can cause.
    """
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers,
        client_id=client_id,
        acks="all",
        enable_idempotence=False,
        linger_ms=0,
        request_timeout_ms=10_000,
    )
