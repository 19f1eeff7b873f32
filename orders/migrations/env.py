"""Alembic environment of the orders schema, run through asyncpg by the shared helper."""

from common.migrations import run_env
from orders.models import SCHEMA, Base

run_env(Base.metadata, SCHEMA)
