"""Prometheus metrics of one service, in a registry of its own (no process-wide globals)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest


@dataclass
class Metrics:
    service: str
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)
    refreshers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    """Awaited before each exposition: gauges read from Redis at scrape time."""

    def __post_init__(self) -> None:
        labels = {"service": self.service}
        self.requests = Counter(
            "http_requests",
            "HTTP requests answered, by route and status",
            ["route", "method", "status"],
            registry=self.registry,
        ).labels
        self.request_seconds = Histogram(
            "http_request_duration_seconds",
            "Time to answer an HTTP request",
            ["route"],
            registry=self.registry,
        ).labels
        self.appended = Counter(
            "events_appended",
            "Events this service appended to the log, by type",
            ["type"],
            registry=self.registry,
        ).labels
        self.consumed = Counter(
            "events_consumed",
            "Events this service applied from the log, by stream",
            ["stream"],
            registry=self.registry,
        ).labels
        self.dead_letters = Counter(
            "dead_letters",
            "Stream entries this service parked in the dead-letter stream",
            ["stream"],
            registry=self.registry,
        ).labels
        self.lag = Gauge(
            "consumer_lag",
            "Entries of a stream after the position this replica has applied (a follower)",
            ["stream"],
            registry=self.registry,
        ).labels
        self.stream_entries = Gauge(
            "stream_entries", "Entries in a stream (XLEN)", ["stream"], registry=self.registry
        ).labels
        self.dead_letter_entries = Gauge(
            "dead_letter_entries",
            "Entries in the dead-letter stream, parked by any service (XLEN)",
            registry=self.registry,
        )
        self.log_refusals = Counter(
            "log_refusals",
            "Requests answered 503 because the log (Redis) could not take them, by code "
            "(log_unavailable, log_no_primary, log_out_of_memory, log_disk_error, "
            "log_read_only, log_no_replicas, not_replicated)",
            ["code"],
            registry=self.registry,
        ).labels
        self.redis_writable = Gauge(
            "redis_writable",
            "Whether the primary would take a write at the last refresh (1): it answers, "
            "is not out of memory, can write its AOF, and has WRITE_REPLICAS replicas",
            registry=self.registry,
        )
        self.redis_replicas = Gauge(
            "redis_replicas",
            "Replicas connected to the primary and acknowledging, at the last refresh",
            registry=self.registry,
        )
        self.redis_up = Gauge(
            "redis_up",
            "Whether Redis answered the last metrics refresh (1) or not (0)",
            registry=self.registry,
        )
        self.follower_up = Gauge(
            "follower_up",
            "Whether the projection follows the log (1) or is rebuilding, failing or stalled (0)",
            registry=self.registry,
        )
        self.follower_failures = Counter(
            "follower_failures",
            "Times following the log failed and was retried",
            registry=self.registry,
        )
        self._labels = labels

    async def refresh(self) -> None:
        for refresher in self.refreshers:
            await refresher()

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
