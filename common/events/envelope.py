"""The JSON envelope of business events such as ``order.created``."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import msgspec

__all__ = ["Event", "InvalidEvent", "decode_event", "encode_event"]


class Event(msgspec.Struct, frozen=True, kw_only=True):
    """One business event.

    ``id`` is unique per event and is how consumers drop duplicates.
    """

    id: uuid.UUID
    type: str
    occurred_at: datetime
    data: dict[str, Any]

    @classmethod
    def new(cls, event_type: str, data: dict[str, Any]) -> Event:
        return cls(id=uuid.uuid4(), type=event_type, occurred_at=datetime.now(UTC), data=data)


class InvalidEvent(ValueError):
    """A record is not a valid event envelope."""


def encode_event(event: Event) -> bytes:
    return msgspec.json.encode(event)


def decode_event(raw: object) -> Event:
    """Parse a record value; anything but a valid JSON envelope raises :class:`InvalidEvent`."""
    if not isinstance(raw, bytes):
        raise InvalidEvent(f"record value is {type(raw).__name__}, not bytes")
    try:
        return msgspec.json.decode(raw, type=Event)
    except (msgspec.DecodeError, RecursionError) as exc:
        raise InvalidEvent(f"{exc}"[:300]) from None
