"""HTTP routes of the orders service."""

from __future__ import annotations

import uuid
from typing import Annotated

import msgspec
from litestar import Controller, Request, delete, get, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import ValidationException
from litestar.params import FromPath, JSONBody, QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from common.pagination import DEFAULT_PAGE_SIZE, MAX_OFFSET, MAX_PAGE_SIZE
from common.principal import Principal
from orders.models import Order
from orders.schemas import (
    CreateOrderRequest,
    OrderItemBody,
    OrderResponse,
    decode_create_order,
)
from orders.services import OrderService

__all__ = ["OrdersController"]


def provide_order_service(
    db_session: NamedDependency[AsyncSession], request: Request
) -> OrderService:
    """Build the request's :class:`OrderService` from the app state set up by ``create_app``."""
    state = request.app.state
    return OrderService(
        db_session, events_topic=state.orders_events_topic, relay=state.outbox_relay
    )


async def strict_create_order(request: Request) -> CreateOrderRequest:
    """Decode the body of ``POST /orders`` again, this time rejecting wrong JSON types.

    Litestar converts bodies leniently, so ``"quantity": "2"`` would pass as 2.

    Raises:
        ValidationException: with the JSON path of the invalid field; the app returns it as 422.
    """
    try:
        return decode_create_order(await request.body())
    except msgspec.ValidationError as exc:
        message, _, path = str(exc).partition(" - at `$")
        key = path.rstrip("`").lstrip(".")
        # Without a path the message names the field itself, as the checks
        # in CreateOrderRequest.__post_init__ do, or is about the whole body.
        problem = {"key": key, "message": message} if key else {"message": message}
        raise ValidationException(f"Invalid request body: {exc}", extra=[problem]) from None
    except msgspec.DecodeError as exc:
        raise ValidationException(f"Invalid request body: {exc}") from None


def to_response(order: Order) -> OrderResponse:
    return OrderResponse(
        id=order.id,
        user_id=order.user_id,
        items=[
            OrderItemBody(
                sku=item.sku, quantity=item.quantity, unit_price_cents=item.unit_price_cents
            )
            for item in order.items
        ],
        total_cents=order.total_cents,
        currency=order.currency,
        status=order.status,  # type: ignore[arg-type]
        created_at=order.created_at,
    )


class OrdersController(Controller):
    """``/orders``: a user's own orders; admins see and cancel every order."""

    path = "/orders"
    tags = ["orders"]
    dependencies = {"order_service": Provide(provide_order_service, sync_to_thread=False)}

    @get("/")
    async def list_orders(
        self,
        principal: NamedDependency[Principal],
        order_service: NamedDependency[OrderService],
        limit: Annotated[
            int, QueryParameter(ge=1, le=MAX_PAGE_SIZE, description="Maximum number of orders.")
        ] = DEFAULT_PAGE_SIZE,
        offset: Annotated[
            int, QueryParameter(ge=0, le=MAX_OFFSET, description="Number of orders to skip.")
        ] = 0,
    ) -> list[OrderResponse]:
        """List the caller's orders, or every order for an admin, newest first."""
        orders = await order_service.list(principal, limit=limit, offset=offset)
        return [to_response(order) for order in orders]

    @post("/")
    async def create_order(
        self,
        principal: NamedDependency[Principal],
        order_service: NamedDependency[OrderService],
        request: Request,
        data: JSONBody[CreateOrderRequest],
    ) -> OrderResponse:
        """Create a pending order for the caller; the server computes ``total_cents``."""
        # ``data`` already passed Litestar's lenient checks and documents the
        # body in the OpenAPI schema; the strict decode below is what is used.
        order = await order_service.create(principal, await strict_create_order(request))
        return to_response(order)

    @get("/{order_id:uuid}")
    async def get_order(
        self,
        principal: NamedDependency[Principal],
        order_service: NamedDependency[OrderService],
        order_id: FromPath[uuid.UUID],
    ) -> OrderResponse:
        """Return one order; another user's order is 404 so that ids do not leak."""
        return to_response(await order_service.get(principal, order_id))

    @delete("/{order_id:uuid}")
    async def cancel_order(
        self,
        principal: NamedDependency[Principal],
        order_service: NamedDependency[OrderService],
        order_id: FromPath[uuid.UUID],
    ) -> None:
        """Cancel a pending order: 204, also when it is already cancelled; 409 when paid."""
        await order_service.cancel(principal, order_id)
