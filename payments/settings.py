"""Settings of the payments service, read from ``REVOCAST_*`` environment variables."""

from __future__ import annotations

from pydantic import Field

from common.settings import ResourceServerSettings

__all__ = ["PaymentsSettings"]


class PaymentsSettings(ResourceServerSettings):
    """Settings of the payments service; its name is also the token audience it requires.

    ``revocation_fail_closed`` keeps its default of true: paying with a token
    that may have been revoked is worse than asking the client to retry.
    """

    service_name: str = "payments"

    order_wait_seconds: float = Field(default=2.0, ge=0, le=30)
    """Seconds a payment waits for an order that ``orders.events`` has not delivered yet,
    before the request fails with 409 and ``Retry-After``."""
