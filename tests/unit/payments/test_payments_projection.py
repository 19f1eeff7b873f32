"""Status precedence of the order projection: the result must not depend on event order."""

from __future__ import annotations

import functools
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from payments.models import OrderStatus
from payments.projection import merge_status

PENDING, PAID, CANCELLED = OrderStatus.PENDING, OrderStatus.PAID, OrderStatus.CANCELLED
STATUSES = [PENDING, PAID, CANCELLED]


@pytest.mark.parametrize(
    ("current", "incoming", "expected"),
    [
        (PENDING, PENDING, PENDING),
        (PENDING, CANCELLED, CANCELLED),
        (PENDING, PAID, PAID),
        (CANCELLED, PENDING, CANCELLED),
        (CANCELLED, CANCELLED, CANCELLED),
        (CANCELLED, PAID, CANCELLED),
        (PAID, PENDING, PAID),
        (PAID, CANCELLED, CANCELLED),
        (PAID, PAID, PAID),
    ],
)
def test_merge_status_table(current: str, incoming: str, expected: str) -> None:
    assert merge_status(current, incoming) == expected


def test_created_after_cancelled_stays_cancelled() -> None:
    assert merge_status(CANCELLED, PENDING) == CANCELLED


def test_cancelled_after_paid_is_cancelled() -> None:
    # The payment is refunded in the same transaction, so the order is no longer paid.
    assert merge_status(PAID, CANCELLED) == CANCELLED


@given(st.lists(st.sampled_from(STATUSES), min_size=1, max_size=8))
def test_final_status_ignores_arrival_order(statuses: list[str]) -> None:
    results = {
        functools.reduce(merge_status, order)
        for order in itertools.islice(itertools.permutations(statuses), 50)
    }

    assert len(results) == 1


@given(st.lists(st.sampled_from(STATUSES), min_size=1, max_size=8))
def test_repeated_events_change_nothing(statuses: list[str]) -> None:
    once = functools.reduce(merge_status, statuses)
    twice = functools.reduce(merge_status, statuses + statuses)

    assert once == twice
