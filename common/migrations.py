"""Alembic helpers shared by each service's ``migrations`` package.

Each service keeps its migrations in its own PostgreSQL schema, with its own
``alembic_version`` table there, so services never see each other's tables.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

__all__ = ["DATABASE_URL_VARIABLE", "alembic_config", "run_env", "upgrade_main"]

DATABASE_URL_VARIABLE = "REVOCAST_DATABASE_URL"


def alembic_config(migrations_dir: Path, database_url: str) -> Config:
    """Build an Alembic configuration without an ini file, so any working directory works."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def run_env(metadata: MetaData, schema: str) -> None:
    """Body of a service's ``env.py``: run migrations online through asyncpg."""
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError(f"no database URL; set {DATABASE_URL_VARIABLE}")

    def migrate(connection: Connection) -> None:
        connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        context.configure(
            connection=connection,
            target_metadata=metadata,
            version_table_schema=schema,
            include_schemas=False,
        )
        with context.begin_transaction():
            context.run_migrations()

    async def run() -> None:
        engine = create_async_engine(url)
        async with engine.begin() as connection:
            await connection.run_sync(migrate)
        await engine.dispose()

    asyncio.run(run())


def upgrade_main(migrations_dir: Path) -> int:
    """Entry point of ``python -m <service>.migrations``: upgrade the schema to head."""
    url = os.environ.get(DATABASE_URL_VARIABLE)
    if not url:
        print(
            f"{DATABASE_URL_VARIABLE} is not set; set it to postgresql+asyncpg://USER@HOST:PORT/DB",
            file=sys.stderr,
        )
        return 2
    command.upgrade(alembic_config(migrations_dir, url), "head")
    return 0
