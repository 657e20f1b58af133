"""What a chat adapter (Slack, Feishu) gets from the application, handed over by the composition root: the bus and
the offload that runs it, de-duplication, the settings, the clock and the loaded templates and policy."""

from __future__ import annotations

from dataclasses import dataclass

from bot.bus import Bus
from bot.env import Deps
from bot.inbox import Inbox
from bot.offload import Offload
from bot.ports import Deduper
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
