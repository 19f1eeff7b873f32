"""Alembic migrations of the payments schema; ``python -m payments.migrations`` upgrades to head."""
