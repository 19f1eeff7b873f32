"""Validation of the orders API bodies, as Litestar and the strict decode apply it."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from orders.schemas import (
    CURRENCY_RULE,
    MAX_ITEMS,
    MAX_QUANTITY,
    MAX_UNIT_PRICE_CENTS,
    SKU_RULE,
    CreateOrderRequest,
    decode_create_order,
)

ITEM = {"sku": "book-1", "quantity": 2, "unit_price_cents": 1250}


def body(**changes: Any) -> dict[str, Any]:
    return {"items": [ITEM], "currency": "EUR", **changes}


def item(**changes: Any) -> dict[str, Any]:
    return {**ITEM, **changes}


def test_valid_body_converts() -> None:
    request = msgspec.convert(body(), CreateOrderRequest)

    assert request.currency == "EUR"
    assert len(request.items) == 1
    assert request.items[0].sku == "book-1"
    assert request.items[0].quantity == 2
    assert request.items[0].unit_price_cents == 1250


@pytest.mark.parametrize(
    "value",
    [
        body(items=[item(quantity=MAX_QUANTITY, unit_price_cents=MAX_UNIT_PRICE_CENTS)]),
        body(items=[item(unit_price_cents=0)]),
        body(items=[item(sku="a" * 64)]),
        body(items=[item(sku="ACME.book_1:v2/red-XL")]),
        body(items=[item(sku=f"sku-{n}") for n in range(MAX_ITEMS)]),
    ],
    ids=["largest line", "free item", "longest sku", "sku punctuation", "most items"],
)
def test_limits_accept_edge_values(value: dict[str, Any]) -> None:
    msgspec.convert(value, CreateOrderRequest)


@pytest.mark.parametrize(
    ("value", "named"),
    [
        ({"currency": "EUR"}, "field `items`"),
        (body(items=[]), "$.items"),
        (body(items=[ITEM] * (MAX_ITEMS + 1)), "$.items"),
        (body(items="book-1"), "$.items"),
        (body(items=[item(quantity=0)]), "$.items[0].quantity"),
        (body(items=[item(quantity=MAX_QUANTITY + 1)]), "$.items[0].quantity"),
        (body(items=[item(quantity=1.5)]), "$.items[0].quantity"),
        (body(items=[item(quantity=True)]), "$.items[0].quantity"),
        (body(items=[item(unit_price_cents=-1)]), "$.items[0].unit_price_cents"),
        (
            body(items=[item(unit_price_cents=MAX_UNIT_PRICE_CENTS + 1)]),
            "$.items[0].unit_price_cents",
        ),
        (body(items=[ITEM, item(sku="")]), "$.items[1].sku"),
        (body(items=[item(sku="a" * 65)]), "$.items[0].sku"),
        (body(items=[item(sku=None)]), "$.items[0].sku"),
        (body(items=[item(colour="red")]), "$.items[0]"),
        (body(currency=5), "$.currency"),
        (body(total_cents=1), "field `total_cents`"),
    ],
)
def test_invalid_body_names_field(value: dict[str, Any], named: str) -> None:
    with pytest.raises(msgspec.ValidationError) as caught:
        msgspec.convert(value, CreateOrderRequest)

    # Nested problems end with the JSON path; top-level ones name the field.
    message = str(caught.value)
    assert message.endswith(f"at `{named}`") or message.endswith(named)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (body(items=[item(sku="two words")]), f"items[0].sku: {SKU_RULE}"),
        (body(items=[item(sku="-leading-dash")]), f"items[0].sku: {SKU_RULE}"),
        (body(items=[item(sku="book-1\n")]), f"items[0].sku: {SKU_RULE}"),
        (body(items=[ITEM, item(sku="caf\u00e9")]), f"items[1].sku: {SKU_RULE}"),
        (body(currency="euro"), f"currency: {CURRENCY_RULE}"),
        (body(currency="eur"), f"currency: {CURRENCY_RULE}"),
        (body(currency="EU"), f"currency: {CURRENCY_RULE}"),
        (body(currency=""), f"currency: {CURRENCY_RULE}"),
        (body(currency="EUR\n"), f"currency: {CURRENCY_RULE}"),
        (body(currency="\uff25UR"), f"currency: {CURRENCY_RULE}"),
    ],
    ids=[
        "space in sku",
        "leading dash",
        "newline after sku",
        "non-ascii sku",
        "long currency",
        "lower-case currency",
        "short currency",
        "empty currency",
        "newline after currency",
        "full-width letter",
    ],
)
def test_format_error_states_field_and_rule(value: dict[str, Any], expected: str) -> None:
    with pytest.raises(msgspec.ValidationError) as caught:
        msgspec.convert(value, CreateOrderRequest)

    assert str(caught.value) == expected


def test_format_rules_read_as_plain_words() -> None:
    assert CURRENCY_RULE == 'must be three upper-case letters (ISO 4217), e.g. "EUR"'
    assert "[" not in SKU_RULE
    assert "[" not in CURRENCY_RULE


def test_strict_decode_checks_formats() -> None:
    raw = msgspec.json.encode(body(currency="eur"))

    with pytest.raises(msgspec.ValidationError) as caught:
        decode_create_order(raw)

    assert str(caught.value) == f"currency: {CURRENCY_RULE}"


@pytest.mark.parametrize(
    ("field", "value"),
    [("quantity", "2"), ("unit_price_cents", "1250"), ("quantity", 2.0)],
)
def test_strict_decode_rejects_coercible_types(field: str, value: object) -> None:
    raw = msgspec.json.encode(body(items=[item(**{field: value})]))

    with pytest.raises(msgspec.ValidationError) as caught:
        decode_create_order(raw)

    assert f"$.items[0].{field}" in str(caught.value)


def test_strict_decode_accepts_valid_body() -> None:
    request = decode_create_order(msgspec.json.encode(body()))

    assert request == msgspec.convert(body(), CreateOrderRequest)


def test_strict_decode_rejects_malformed_json() -> None:
    with pytest.raises(msgspec.DecodeError):
        decode_create_order(b'{"items": [')
