"""PostgreSQL, Redis (Valkey) and a Kafka protocol broker (Tansu) started from PyPI wheels.

Used by the local stack (`python -m deploy.local`) and by the test fixtures, so that
both work on a machine that has only Python. Every server listens on 127.0.0.1.
"""

from .kafka import EmbeddedKafka
from .network import (
    free_port,
    kafka_answers,
    port_accepts,
    postgres_answers,
    redis_answers,
    to_asyncpg_url,
    to_sqlalchemy_url,
)
from .postgres import EmbeddedPostgres
from .process import ServerProcess, ServerStartError
from .redis import EmbeddedRedis

__all__ = [
    "EmbeddedKafka",
    "EmbeddedPostgres",
    "EmbeddedRedis",
    "ServerProcess",
    "ServerStartError",
    "free_port",
    "kafka_answers",
    "port_accepts",
    "postgres_answers",
    "redis_answers",
    "to_asyncpg_url",
    "to_sqlalchemy_url",
]
