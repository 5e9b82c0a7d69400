"""Prometheus metrics of one service, in a registry of its own (no process-wide globals)."""

from __future__ import annotations

from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest


@dataclass
class Metrics:
    service: str
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

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
        self.handling_seconds = Histogram(
            "event_batch_handling_seconds",
            "Time to apply one batch of events",
            ["stream"],
            registry=self.registry,
        ).labels
        self._labels = labels

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
