"""Alembic environment of the payments schema, run through asyncpg by the shared helper."""

from common.migrations import run_env
from payments.models import SCHEMA, Base

run_env(Base.metadata, SCHEMA)
