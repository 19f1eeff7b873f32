"""Transactional outbox: events written with the change that caused them, published later."""

from common.outbox.relay import OutboxRelay
from common.outbox.table import add_to_outbox, outbox_table

__all__ = ["OutboxRelay", "add_to_outbox", "outbox_table"]
