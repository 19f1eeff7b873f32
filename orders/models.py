"""Tables of the orders service, all in the PostgreSQL schema ``orders``."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    Uuid,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from common.db import NAMING_CONVENTION
from common.outbox import outbox_table

__all__ = [
    "ORDER_STATUSES",
    "SCHEMA",
    "Base",
    "Order",
    "OrderItem",
    "OrderStatus",
    "ProcessedEvent",
    "outbox",
]

SCHEMA = "orders"


class OrderStatus:
    """Values of ``orders.orders.status``."""

    PENDING = "pending"
    PAID = "paid"
    CANCELLED = "cancelled"


ORDER_STATUSES = (OrderStatus.PENDING, OrderStatus.PAID, OrderStatus.CANCELLED)


class Base(DeclarativeBase):
    metadata = MetaData(schema=SCHEMA, naming_convention=NAMING_CONVENTION)


class Order(Base):
    """One order of one user; ``total_cents`` is computed from the items at creation."""

    __tablename__ = "orders"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    # The access token's ``sub``: an opaque string chosen by the auth service.
    user_id: Mapped[str] = mapped_column(Text)
    currency: Mapped[str] = mapped_column(String(3))
    total_cents: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    items: Mapped[list[OrderItem]] = relationship(
        order_by="OrderItem.position",
        lazy="selectin",
        cascade="all, delete-orphan",
    )

    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'paid', 'cancelled')",
            name="status",
        ),
        CheckConstraint("total_cents >= 0", name="total_cents"),
        Index(None, "user_id", "created_at"),
    )


class OrderItem(Base):
    """One line of an order, kept in the order the client sent the lines."""

    __tablename__ = "order_items"

    order_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey(f"{SCHEMA}.orders.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    sku: Mapped[str] = mapped_column(String(64))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price_cents: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity"),
        CheckConstraint("unit_price_cents >= 0", name="unit_price_cents"),
    )


class ProcessedEvent(Base):
    """Inbox of consumed events: a row means the event with this id was applied."""

    __tablename__ = "processed_events"

    event_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


outbox = outbox_table(Base.metadata, SCHEMA)
