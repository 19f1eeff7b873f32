"""The payments service as a Litestar app: ``uvicorn --factory payments.app:create_app``."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager

from litestar import Litestar
from litestar.datastructures import State

from common.events import EventConsumer
from common.http.openapi import openapi_config
from common.kafka.topics import ORDERS_EVENTS_TOPIC, PAYMENTS_EVENTS_TOPIC
from common.outbox import OutboxRelay
from common.resource_server import ResourceServerPlugin
from common.settings import load_settings
from payments.events import OrderEventHandler
from payments.fence import ProjectionFence
from payments.models import outbox
from payments.routes import PaymentsController
from payments.services import apply_order_event
from payments.settings import PaymentsSettings

__all__ = ["create_app"]


def create_app(settings: PaymentsSettings | None = None) -> Litestar:
    """Build the payments app; settings come from the environment when not given.

    Raises:
        ConfigurationError: a required ``REVOCAST_*`` variable is missing or invalid.
    """
    settings = settings or load_settings(PaymentsSettings)
    plugin = ResourceServerPlugin(settings)
    relay = plugin.outbox_relay(outbox)
    return Litestar(
        route_handlers=[PaymentsController],
        plugins=[plugin],
        lifespan=[_run_workers(settings, plugin, relay)],
        state=State(
            {
                "payments_events_topic": settings.topic(PAYMENTS_EVENTS_TOPIC),
                "outbox_relay": relay,
                # Set by the lifespan, because its Kafka clients need the running event loop.
                "projection_fence": None,
                "order_wait_seconds": settings.order_wait_seconds,
            }
        ),
        openapi_config=openapi_config("Revocast payments"),
    )


def _run_workers(
    settings: PaymentsSettings, plugin: ResourceServerPlugin, relay: OutboxRelay
) -> Callable[[Litestar], AbstractAsyncContextManager[None]]:
    """Build the lifespan that runs the outbox relay, the ``orders.events`` consumer and its fence.

    The plugin's lifespan is left after this one, so both stop before the
    database engine is disposed.
    """

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        # Built here because the aiokafka client belongs to the running event loop.
        consumer = EventConsumer(
            bootstrap_servers=settings.kafka_bootstrap_servers,
            topic=settings.topic(ORDERS_EVENTS_TOPIC),
            group_id=settings.service_name,
            handler=OrderEventHandler(
                plugin.database,
                functools.partial(
                    apply_order_event, events_topic=settings.topic(PAYMENTS_EVENTS_TOPIC)
                ),
                relay.notify,
            ),
            fetch_max_wait_ms=settings.kafka_fetch_max_wait_ms,
            client_id=f"{settings.service_name}-events",
        )
        # Each stop is registered before its start, so a start that fails
        # still closes what was started before it.
        async with AsyncExitStack() as workers:
            workers.push_async_callback(relay.stop)
            relay.start()
            workers.push_async_callback(consumer.stop)
            consumer.start()
            fence = ProjectionFence(
                bootstrap_servers=settings.kafka_bootstrap_servers,
                topic=settings.topic(ORDERS_EVENTS_TOPIC),
                group_id=settings.service_name,
                client_id=f"{settings.service_name}-fence",
            )
            workers.push_async_callback(fence.stop)
            app.state.projection_fence = fence
            yield

    return lifespan
