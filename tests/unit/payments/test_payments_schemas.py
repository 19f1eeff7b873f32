"""Payment request validation and the Idempotency-Key rule."""

from __future__ import annotations

import uuid

import msgspec
import pytest

from payments.schemas import CreatePaymentRequest, is_valid_idempotency_key


@pytest.mark.parametrize(
    "key",
    ["a", "k" * 255, "order 42 / attempt 1", "~!@#$%^&*()_+{}|:<>?", str(uuid.uuid4())],
)
def test_valid_idempotency_keys(key: str) -> None:
    assert is_valid_idempotency_key(key)


@pytest.mark.parametrize(
    "key",
    ["", "k" * 256, "tab\there", "new\nline", "caf\u00e9", "\x00", "\x7f"],
    ids=["empty", "256 characters", "tab", "newline", "non-ascii", "nul", "delete"],
)
def test_invalid_idempotency_keys(key: str) -> None:
    assert not is_valid_idempotency_key(key)


def test_payment_request_reads_order_id() -> None:
    order_id = uuid.uuid4()

    request = msgspec.convert({"order_id": str(order_id)}, CreatePaymentRequest)

    assert request.order_id == order_id


@pytest.mark.parametrize(
    "value",
    [{}, {"order_id": "not-a-uuid"}, {"order_id": 5}, {"order_id": str(uuid.uuid4()), "x": 1}],
    ids=["missing", "not a uuid", "number", "unknown field"],
)
def test_payment_request_rejects_bad_input(value: dict[str, object]) -> None:
    with pytest.raises(msgspec.ValidationError):
        msgspec.convert(value, CreatePaymentRequest)
