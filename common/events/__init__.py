"""Business events between services: the JSON envelope and the group consumer."""

from common.events.consumer import EventConsumer
from common.events.envelope import Event, InvalidEvent, decode_event, encode_event

__all__ = ["Event", "EventConsumer", "InvalidEvent", "decode_event", "encode_event"]
