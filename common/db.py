"""Async SQLAlchemy engine and sessions for one service's PostgreSQL schema."""

from __future__ import annotations

from collections.abc import AsyncIterator

from sqlalchemy import text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

__all__ = ["NAMING_CONVENTION", "Database"]

# Fixed constraint names, so that a service's migration and its models name
# the same objects.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Database:
    """An engine and a session factory bound to one database URL."""

    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        if not url.startswith("postgresql+asyncpg://"):
            raise ValueError(
                f"database URL must use the asyncpg driver (postgresql+asyncpg://...), got scheme "
                f"{url.split('://', 1)[0]!r}"
            )
        self.engine: AsyncEngine = create_async_engine(
            url,
            pool_size=pool_size,
            pool_pre_ping=True,
            pool_timeout=5,
            # Statement parameters hold emails and hashes; keep them out of
            # exception messages, which end up in logs.
            hide_parameters=True,
        )
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)

    async def ping(self) -> None:
        """Run ``SELECT 1``; raises the driver's error when the database is unreachable."""
        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def session(self) -> AsyncIterator[AsyncSession]:
        """Yield a session for one request; a Litestar dependency."""
        async with self.sessionmaker() as session:
            yield session

    async def dispose(self) -> None:
        await self.engine.dispose()
