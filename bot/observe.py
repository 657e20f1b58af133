"""What the application tells an operator's metrics, as a port: commands and how long they took, acknowledgements,
the inbox's admissions and depth, deliveries by outcome, scans. `NO_RECORDER` records nothing (tests, `mems chat`);
the composition root wires the Prometheus one (adapters/prometheus). Labels stay few and bounded: a platform, a
command's type name, an outcome, a scan's name."""

from __future__ import annotations

from typing import Protocol


class Recorder(Protocol):
    def command(self, platform: str, verb: str, outcome: str, seconds: float) -> None:
        """A command ran (`outcome`: ok, or error when its answer is an error)."""
        ...

    def ack(self, platform: str, seconds: float, transport: str = "http") -> None:
        """A platform's request was answered (its acknowledgement) after `seconds`, over `transport` (http, or
        socket: Slack's Socket Mode, Feishu's long connection)."""
        ...

    def admission(self, platform: str, admission: str) -> None:
        """The inbox admitted a request, refused it as busy, or found it repeated."""
        ...

    def inbox_depth(self, depth: int) -> None:
        """Requests this process has taken and not finished."""
        ...

    def delivery(self, platform: str, outcome: str, count: int = 1) -> None:
        """Outbox rows settled: sent, retry (given back with a back-off), retried (again within the run), dead,
        deferred (a rate limit, not an attempt) or throttled (the platform said wait)."""
        ...

    def scan(self, name: str, outcome: str, seconds: float) -> None: ...


class NoRecorder:
    def command(self, platform: str, verb: str, outcome: str, seconds: float) -> None:
        return None

    def ack(self, platform: str, seconds: float, transport: str = "http") -> None:
        return None

    def admission(self, platform: str, admission: str) -> None:
        return None

    def inbox_depth(self, depth: int) -> None:
        return None

    def delivery(self, platform: str, outcome: str, count: int = 1) -> None:
        return None

    def scan(self, name: str, outcome: str, seconds: float) -> None:
        return None


NO_RECORDER: Recorder = NoRecorder()
