"""Prometheus metrics of one service, in a registry of its own."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest

__all__ = ["CONTENT_TYPE_LATEST", "ServiceMetrics"]


class ServiceMetrics:
    """The metrics a Revocast service exports on ``/metrics``.

    Each app gets its own registry, so that tests and benchmarks can run
    several services in one process without clashing names.
    """

    def __init__(self, service: str) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        labels = {"service": service}
        self.requests = Counter(
            "revocast_http_requests",
            "HTTP requests by route and status code.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.request_seconds = Histogram(
            "revocast_http_request_duration_seconds",
            "HTTP request duration in seconds.",
            ["method", "route"],
            registry=self.registry,
        )
        self.auth_failures = Counter(
            "revocast_auth_failures",
            "Rejected access tokens by reason.",
            ["reason"],
            registry=self.registry,
        )
        self.revocation_events_applied = Counter(
            "revocast_revocation_events_applied",
            "Revocation events stored in the denylist.",
            registry=self.registry,
        )
        self.revocation_events_invalid = Counter(
            "revocast_revocation_events_invalid",
            "Records on the revocation topic that failed verification and were skipped.",
            registry=self.registry,
        )
        self.revocation_feed_lag_seconds = Gauge(
            "revocast_revocation_feed_lag_seconds",
            "Seconds since this replica last had read the whole revocation topic.",
            registry=self.registry,
        )
        self.stale_feed_requests = Counter(
            "revocast_stale_feed_requests",
            "Requests served or refused while the revocation feed was stale.",
            ["policy"],
            registry=self.registry,
        )
        self.denylist_entries = Gauge(
            "revocast_denylist_entries",
            "Entries in the in-process denylist mirror.",
            registry=self.registry,
        )
        self.outbox_published = Counter(
            "revocast_outbox_published",
            "Outbox events published to Kafka.",
            ["topic"],
            registry=self.registry,
        )
        self.outbox_publish_failures = Counter(
            "revocast_outbox_publish_failures",
            "Failed attempts to publish outbox events.",
            registry=self.registry,
        )
        self.service_info = Gauge(
            "revocast_service_info",
            "Constant 1, labelled with the service name.",
            list(labels),
            registry=self.registry,
        )
        self.service_info.labels(**labels).set(1)

    def render(self) -> bytes:
        return generate_latest(self.registry)
