"""Bounds of the ``limit`` and ``offset`` query parameters of list endpoints."""

from __future__ import annotations

__all__ = ["DEFAULT_PAGE_SIZE", "MAX_OFFSET", "MAX_PAGE_SIZE"]

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 500
# PostgreSQL reads and drops every skipped row, so a deeper page costs as much
# as reading all rows before it. The bound also keeps out values beyond the
# 64-bit range, which asyncpg rejects with an error.
MAX_OFFSET = 1_000_000
