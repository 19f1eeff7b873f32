"""Annotated types for the dependencies the plugin provides to route handlers.

Example::

    @get("/orders")
    async def list_orders(principal: CurrentPrincipal, db_session: DbSession) -> list[Order]: ...
"""

from __future__ import annotations

from typing import TypeAlias

from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession

from common.principal import Principal

__all__ = ["CurrentPrincipal", "DbSession"]

CurrentPrincipal: TypeAlias = NamedDependency[Principal]
"""The authenticated caller (dependency ``principal``)."""

DbSession: TypeAlias = NamedDependency[AsyncSession]
"""A database session for this request (dependency ``db_session``)."""
