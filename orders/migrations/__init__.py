"""Alembic migrations of the orders schema; ``python -m orders.migrations`` upgrades to head."""
