"""Upgrade the orders schema to the newest revision: ``python -m orders.migrations``.

Reads the database URL from ``REVOCAST_DATABASE_URL`` (``postgresql+asyncpg://...``)
and needs no ``alembic.ini``.
"""

from pathlib import Path

from common.migrations import upgrade_main

if __name__ == "__main__":
    raise SystemExit(upgrade_main(Path(__file__).resolve().parent))
