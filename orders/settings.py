"""Settings of the orders service, read from ``REVOCAST_*`` environment variables."""

from __future__ import annotations

from common.settings import ResourceServerSettings

__all__ = ["OrdersSettings"]


class OrdersSettings(ResourceServerSettings):
    """Settings of the orders service; its name is also the token audience it requires."""

    service_name: str = "orders"
