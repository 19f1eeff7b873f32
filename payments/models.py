"""Tables of the payments service, all in the PostgreSQL schema ``payments``."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    Index,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from common.db import NAMING_CONVENTION
from common.outbox import outbox_table

__all__ = [
    "SCHEMA",
    "Base",
    "OrderProjection",
    "OrderStatus",
    "Payment",
    "PaymentStatus",
    "ProcessedEvent",
    "outbox",
]

SCHEMA = "payments"


class PaymentStatus:
    """Values of ``payments.payments.status``."""

    SUCCEEDED = "succeeded"
    REFUNDED = "refunded"


class OrderStatus:
    """Values of ``payments.order_projection.status``."""

    PENDING = "pending"
    PAID = "paid"
    CANCELLED = "cancelled"


class Base(DeclarativeBase):
    metadata = MetaData(schema=SCHEMA, naming_convention=NAMING_CONVENTION)


class Payment(Base):
    """One payment of one order by the order's owner."""

    __tablename__ = "payments"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    # The access token's ``sub``: an opaque string chosen by the auth service.
    user_id: Mapped[str] = mapped_column(Text)
    order_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(16))
    idempotency_key: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    refunded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        CheckConstraint("status IN ('succeeded', 'refunded')", name="status"),
        CheckConstraint("amount_cents >= 0", name="amount_cents"),
        # A repeated request with the same key finds the first payment here.
        UniqueConstraint("user_id", "idempotency_key"),
        # An order is paid at most once, also when two requests with different
        # keys race past the status check.
        Index(
            "uq_payments_order_id_paid",
            "order_id",
            unique=True,
            postgresql_where=text("status IN ('succeeded', 'refunded')"),
        ),
        Index(None, "user_id", "created_at"),
    )


class OrderProjection(Base):
    """This service's copy of an order, built from ``orders.events``.

    ``status`` never goes back to ``pending``: see
    :func:`payments.projection.merge_status`.
    """

    __tablename__ = "order_projection"

    order_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    user_id: Mapped[str] = mapped_column(Text)
    total_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (CheckConstraint("status IN ('pending', 'paid', 'cancelled')", name="status"),)


class ProcessedEvent(Base):
    """Inbox of consumed events: a row means the event with this id was applied."""

    __tablename__ = "processed_events"

    event_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


outbox = outbox_table(Base.metadata, SCHEMA)
