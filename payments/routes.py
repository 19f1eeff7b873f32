"""HTTP routes of the payments service."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import ValidationException
from litestar.params import FromPath, HeaderParameter, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED
from sqlalchemy.ext.asyncio import AsyncSession

from common.guards import requires_role
from common.pagination import DEFAULT_PAGE_SIZE, MAX_OFFSET, MAX_PAGE_SIZE
from common.principal import Principal
from payments.models import Payment
from payments.schemas import (
    IDEMPOTENCY_KEY_MAX_LENGTH,
    IDEMPOTENCY_KEY_PATTERN,
    CreatePaymentRequest,
    PaymentResponse,
    is_valid_idempotency_key,
)
from payments.services import PaymentService

__all__ = ["PaymentsController"]


def provide_payment_service(
    db_session: NamedDependency[AsyncSession], request: Request
) -> PaymentService:
    """Build the request's :class:`PaymentService` from the app state set up by ``create_app``."""
    state = request.app.state
    return PaymentService(
        db_session,
        events_topic=state.payments_events_topic,
        relay=state.outbox_relay,
        fence=state.projection_fence,
        order_wait_seconds=state.order_wait_seconds,
    )


def to_response(payment: Payment) -> PaymentResponse:
    return PaymentResponse(
        id=payment.id,
        order_id=payment.order_id,
        amount_cents=payment.amount_cents,
        currency=payment.currency,
        status=payment.status,  # type: ignore[arg-type]
        created_at=payment.created_at,
    )


class PaymentsController(Controller):
    """``/payments``: a user's own payments; admins see every payment and refund."""

    path = "/payments"
    tags = ["payments"]
    dependencies = {"payment_service": Provide(provide_payment_service, sync_to_thread=False)}

    # A repeated request returns 201 with the first payment's body, exactly as
    # the first response did, so a client that lost that response and retries
    # cannot tell the two apart and needs no separate code path.
    @post("/", status_code=HTTP_201_CREATED)
    async def create_payment(
        self,
        principal: NamedDependency[Principal],
        payment_service: NamedDependency[PaymentService],
        data: JSONBody[CreatePaymentRequest],
        idempotency_key: Annotated[
            str,
            HeaderParameter(
                name="Idempotency-Key",
                description="Client-chosen key, 1 to 255 printable ASCII characters; "
                "repeating it returns the first payment.",
                # Documented here and checked in the handler, whose error
                # message names the header rather than the Python parameter.
                schema_extra={
                    "min_length": 1,
                    "max_length": IDEMPOTENCY_KEY_MAX_LENGTH,
                    "pattern": IDEMPOTENCY_KEY_PATTERN,
                },
            ),
        ],
    ) -> PaymentResponse:
        """Pay one of the caller's pending orders for its total.

        Errors: 404 for another user's order; 409 when the order is not
        pending, when the key was used for another order, or (with
        ``Retry-After``) when the order has not reached payments yet.
        """
        if not is_valid_idempotency_key(idempotency_key):
            raise ValidationException(
                "Idempotency-Key header must have 1 to 255 characters, all printable ASCII"
            )
        payment = await payment_service.pay(principal, data.order_id, idempotency_key)
        return to_response(payment)

    @get("/")
    async def list_payments(
        self,
        principal: NamedDependency[Principal],
        payment_service: NamedDependency[PaymentService],
        limit: Annotated[
            int, QueryParameter(ge=1, le=MAX_PAGE_SIZE, description="Maximum number of payments.")
        ] = DEFAULT_PAGE_SIZE,
        offset: Annotated[
            int,
            QueryParameter(ge=0, le=MAX_OFFSET, description="Number of payments to skip."),
        ] = 0,
    ) -> list[PaymentResponse]:
        """List the caller's payments, or every payment for an admin, newest first."""
        payments = await payment_service.list(principal, limit=limit, offset=offset)
        return [to_response(payment) for payment in payments]

    @get("/{payment_id:uuid}")
    async def get_payment(
        self,
        principal: NamedDependency[Principal],
        payment_service: NamedDependency[PaymentService],
        payment_id: FromPath[uuid.UUID],
    ) -> PaymentResponse:
        """Return one payment; another user's payment is 404 so that ids do not leak."""
        return to_response(await payment_service.get(principal, payment_id))

    @post(
        "/{payment_id:uuid}/refund",
        status_code=HTTP_200_OK,
        guards=[requires_role("admin")],
    )
    async def refund_payment(
        self, payment_service: NamedDependency[PaymentService], payment_id: FromPath[uuid.UUID]
    ) -> PaymentResponse:
        """Refund a payment (admins only); refunding it again returns it unchanged."""
        return to_response(await payment_service.refund(payment_id))
