"""Alembic migrations of schema ``auth``; ``python -m auth.migrations`` upgrades to head."""
