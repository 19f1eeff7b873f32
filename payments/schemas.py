"""Request and response bodies of the payments API, and the ``Idempotency-Key`` rule."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Literal

import msgspec

__all__ = [
    "IDEMPOTENCY_KEY_MAX_LENGTH",
    "IDEMPOTENCY_KEY_PATTERN",
    "CreatePaymentRequest",
    "PaymentResponse",
    "is_valid_idempotency_key",
]

IDEMPOTENCY_KEY_MAX_LENGTH = 255
# Printable ASCII, space included; the key is stored and compared character for character.
IDEMPOTENCY_KEY_PATTERN = r"^[\x20-\x7e]+$"
_IDEMPOTENCY_KEY = re.compile(IDEMPOTENCY_KEY_PATTERN)


def is_valid_idempotency_key(key: str) -> bool:
    """Return whether ``key`` has 1 to 255 characters, all printable ASCII."""
    return len(key) <= IDEMPOTENCY_KEY_MAX_LENGTH and _IDEMPOTENCY_KEY.fullmatch(key) is not None


class CreatePaymentRequest(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Body of ``POST /payments``: which of the caller's orders to pay."""

    order_id: uuid.UUID


class PaymentResponse(msgspec.Struct, frozen=True):
    """A payment as the API returns it."""

    id: uuid.UUID
    order_id: uuid.UUID
    amount_cents: int
    currency: str
    status: Literal["succeeded", "refunded"]
    created_at: datetime
