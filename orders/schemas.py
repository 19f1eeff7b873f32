"""Request and response bodies of the orders API.

The constraints live in the types, so Litestar rejects a bad body with 422
and the path of the invalid field (e.g. ``$.items[0].quantity``).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

import msgspec

__all__ = [
    "MAX_ITEMS",
    "MAX_QUANTITY",
    "MAX_UNIT_PRICE_CENTS",
    "CreateOrderRequest",
    "OrderItemBody",
    "OrderResponse",
    "decode_create_order",
]

MAX_ITEMS = 100
MAX_QUANTITY = 1000
MAX_UNIT_PRICE_CENTS = 10_000_000

# In Python, "$" also matches just before a final newline, so "book-1\n" would
# pass. The lookahead rejects that newline and is valid in the ECMA-262
# regular expressions of the OpenAPI schema as well.
_END = r"(?!\n)$"

Sku = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._:/-]*" + _END,
        description="Stock keeping unit: letters, digits and . _ : / -, starting with a letter or digit.",
        examples=["book-1"],
    ),
]
Quantity = Annotated[int, msgspec.Meta(ge=1, le=MAX_QUANTITY)]
UnitPriceCents = Annotated[
    int,
    msgspec.Meta(ge=0, le=MAX_UNIT_PRICE_CENTS, description="Price of one unit in minor units."),
]
Currency = Annotated[
    str,
    msgspec.Meta(
        min_length=3,
        max_length=3,
        pattern=r"^[A-Z]{3}" + _END,
        description="ISO 4217 alphabetic code, e.g. EUR.",
        examples=["EUR"],
    ),
]


class OrderItemBody(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One line of an order, in requests and responses."""

    sku: Sku
    quantity: Quantity
    unit_price_cents: UnitPriceCents


class CreateOrderRequest(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Body of ``POST /orders``; the server computes the total."""

    items: Annotated[list[OrderItemBody], msgspec.Meta(min_length=1, max_length=MAX_ITEMS)]
    currency: Currency


class OrderResponse(msgspec.Struct, frozen=True):
    """An order as the API returns it."""

    id: uuid.UUID
    user_id: str
    items: list[OrderItemBody]
    total_cents: int
    currency: str
    status: Literal["pending", "paid", "cancelled"]
    created_at: datetime


def decode_create_order(body: bytes) -> CreateOrderRequest:
    """Decode a ``POST /orders`` body with no type coercion: ``"2"`` is not a quantity.

    Raises:
        msgspec.ValidationError: a field is missing, has the wrong JSON type or breaks a limit.
        msgspec.DecodeError: the body is not JSON.
    """
    return msgspec.json.decode(body, type=CreateOrderRequest)
