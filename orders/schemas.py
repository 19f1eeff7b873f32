"""Request and response bodies of the orders API.

The constraints live in the types, so Litestar rejects a bad body with 422
and the path of the invalid field (e.g. ``items[0].quantity``). The SKU and
currency formats are checked in ``CreateOrderRequest.__post_init__`` instead,
because msgspec would quote its regular expression to the client.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Annotated, Literal

import msgspec

__all__ = [
    "CURRENCY_RULE",
    "MAX_ITEMS",
    "MAX_QUANTITY",
    "MAX_UNIT_PRICE_CENTS",
    "SKU_RULE",
    "CreateOrderRequest",
    "OrderItemBody",
    "OrderResponse",
    "decode_create_order",
]

MAX_ITEMS = 100
MAX_QUANTITY = 1000
MAX_UNIT_PRICE_CENTS = 10_000_000

# Matched with fullmatch, so "book-1\n" fails. The OpenAPI schema documents
# the same rules as ^...$ patterns, because in ECMA-262 regular expressions
# without the m flag, $ matches only at the end of the string.
_SKU = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/-]*")
# NOTE: only the format is checked, not the ISO 4217 list, so "XYZ" passes.
_CURRENCY = re.compile(r"[A-Z]{3}")

SKU_RULE = (
    'must start with a letter or digit and contain only letters, digits and ".", "_", ":", "/", "-"'
)
CURRENCY_RULE = 'must be three upper-case letters (ISO 4217), e.g. "EUR"'


def _documented_pattern(pattern: re.Pattern[str]) -> dict[str, object]:
    # Litestar 2.25 copies the "extra" entry of a field's extra_json_schema
    # into the OpenAPI schema, see kwarg_definition_from_field in
    # litestar/plugins/core/_msgspec.py. msgspec does not validate with it.
    return {"extra": {"pattern": f"^{pattern.pattern}$"}}


Sku = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=64,
        description="Stock keeping unit: letters, digits and . _ : / -, starting with a letter or digit.",
        examples=["book-1"],
        extra_json_schema=_documented_pattern(_SKU),
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
        description="ISO 4217 alphabetic code: three upper-case letters, e.g. EUR.",
        examples=["EUR"],
        extra_json_schema=_documented_pattern(_CURRENCY),
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

    def __post_init__(self) -> None:
        """Check the SKU and currency formats. msgspec calls this after decoding.

        Raises:
            ValueError: with the path of the first invalid field, e.g.
                ``items[1].sku: must start ...``. msgspec turns it into a
                ``ValidationError`` and Litestar into a 422 response.
        """
        for position, item in enumerate(self.items):
            if _SKU.fullmatch(item.sku) is None:
                raise ValueError(f"items[{position}].sku: {SKU_RULE}")
        if _CURRENCY.fullmatch(self.currency) is None:
            raise ValueError(f"currency: {CURRENCY_RULE}")


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
