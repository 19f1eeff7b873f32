"""The Litestar plugin every Revocast service starts from."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.config.app import AppConfig
from litestar.config.cors import CORSConfig
from litestar.di import Provide
from litestar.middleware import DefineMiddleware
from litestar.plugins import InitPluginProtocol
from sqlalchemy import Table

from common.db import Database
from common.guards import provide_principal
from common.http.authentication import AccessTokenMiddleware, Authenticator
from common.http.content_type import JsonBodyMiddleware
from common.http.context import RequestContextMiddleware
from common.http.cookies import CSRF_HEADER
from common.http.errors import exception_handlers
from common.http.health import ReadinessCheck, health_handlers
from common.logging import configure_logging, get_logger
from common.metrics import ServiceMetrics
from common.outbox import OutboxRelay
from common.settings import ServiceSettings

__all__ = ["ServicePlugin"]

log = get_logger(__name__)


class ServicePlugin(InitPluginProtocol):
    """Wire logging, errors, database, health, metrics and authentication into an app.

    Adds the ``db_session`` and ``principal`` dependencies, ``/healthz``,
    ``/readyz`` and ``/metrics``, JSON error responses, CORS for the
    configured origins, and the access-token middleware driven by
    ``authenticator``. Routes opt out of authentication with
    ``opt={"exclude_from_auth": True}``.
    """

    def __init__(self, settings: ServiceSettings, *, authenticator: Authenticator) -> None:
        configure_logging(settings.log_level, settings.log_format)
        self.settings = settings
        self.metrics = ServiceMetrics(settings.service_name)
        self.database = Database(settings.database_url)
        self.authenticator = authenticator
        self.readiness_checks: dict[str, ReadinessCheck] = {"database": self._database_ready}

    def outbox_relay(self, table: Table) -> OutboxRelay:
        """Build the relay that publishes ``table``, an outbox of this service's schema."""
        return OutboxRelay(
            database=self.database,
            table=table,
            bootstrap_servers=self.settings.kafka_bootstrap_servers,
            client_id=f"{self.settings.service_name}-outbox",
            metrics=self.metrics,
            poll_interval_seconds=self.settings.outbox_poll_interval_seconds,
        )

    async def _database_ready(self) -> str | None:
        await self.database.ping()
        return None

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        app_config.route_handlers.extend(health_handlers())
        app_config.exception_handlers = {**exception_handlers(), **app_config.exception_handlers}
        app_config.middleware.insert(
            0, DefineMiddleware(RequestContextMiddleware, metrics=self.metrics)
        )
        app_config.middleware.insert(1, JsonBodyMiddleware)
        app_config.middleware.append(
            DefineMiddleware(
                AccessTokenMiddleware,
                authenticator=self.authenticator,
                metrics=self.metrics,
                allowed_origins=self.settings.allowed_origins,
                exclude=["^/schema"],
            )
        )
        app_config.dependencies.setdefault("db_session", Provide(self.database.session))
        app_config.dependencies.setdefault(
            "principal", Provide(provide_principal, sync_to_thread=False)
        )
        app_config.state.update(
            {"readiness_checks": self.readiness_checks, "metrics": self.metrics, "revocast": self}
        )
        if self.settings.allowed_origins and app_config.cors_config is None:
            app_config.cors_config = CORSConfig(
                allow_origins=list(self.settings.allowed_origins),
                allow_credentials=True,
                allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
                allow_headers=["Content-Type", "Authorization", CSRF_HEADER, "Idempotency-Key"],
            )
        # Entered first and left last, so the services' own lifespans can use
        # the database and everything else this plugin starts.
        app_config.lifespan.insert(0, self.lifespan)
        app_config.debug = False
        # Logging is configured by configure_logging(); Litestar's default
        # config would add a second, differently formatted handler.
        app_config.logging_config = None
        return app_config

    @asynccontextmanager
    async def lifespan(self, app: Litestar) -> AsyncIterator[None]:
        log.info("service_starting", service=self.settings.service_name)
        await self.start()
        try:
            yield
        finally:
            await self.stop()
            await self.database.dispose()
            log.info("service_stopped", service=self.settings.service_name)

    async def start(self) -> None:
        """Start what the plugin runs in the background; subclasses extend this."""

    async def stop(self) -> None:
        """Stop what :meth:`start` started."""
