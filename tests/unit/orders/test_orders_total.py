"""The order total the server computes from the items."""

from __future__ import annotations

from orders.schemas import MAX_ITEMS, MAX_QUANTITY, MAX_UNIT_PRICE_CENTS, OrderItemBody
from orders.services import order_total


def test_total_sums_quantity_times_price() -> None:
    items = [
        OrderItemBody(sku="book-1", quantity=2, unit_price_cents=1250),
        OrderItemBody(sku="pen-7", quantity=3, unit_price_cents=199),
    ]

    assert order_total(items) == 2 * 1250 + 3 * 199


def test_total_of_free_items_is_zero() -> None:
    assert order_total([OrderItemBody(sku="gift", quantity=5, unit_price_cents=0)]) == 0


def test_largest_total_exceeds_32_bits() -> None:
    # The column is BIGINT because the largest valid order does not fit in 32 bits.
    item = OrderItemBody(sku="x", quantity=MAX_QUANTITY, unit_price_cents=MAX_UNIT_PRICE_CENTS)

    total = order_total([item] * MAX_ITEMS)

    assert total == 1_000_000_000_000
    assert total > 2**31 - 1
