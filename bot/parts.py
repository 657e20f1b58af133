"""What a chat adapter (Slack, Feishu) gets from the application, handed over by the composition root: the bus and
the offload that runs it, de-duplication, the settings, the clock, the loaded templates and policy, and named leases
for what must run in one process at a time (Slack's Socket Mode)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.bus import Bus
from bot.env import Deps
from bot.inbox import Inbox
from bot.inprocess.ratelimit import LocalScanLock
from bot.observe import NO_RECORDER, Recorder
from bot.offload import Offload
from bot.ports import Deduper, ScanLock
from bot.settings import Settings
from domain.ports import Clock


@dataclass(frozen=True)
class ChatParts:
    settings: Settings
    clock: Clock
    deps: Deps
    bus: Bus
    deduper: Deduper
    offload: Offload
    inbox: Inbox
    lease: Callable[[str], ScanLock] = lambda _name: LocalScanLock()  # by name; one process holds each at a time
    recorder: Recorder = NO_RECORDER  # the acknowledgements over a socket (HTTP's are timed by the web app)
