"""Who is who on Feishu, as far as the Open API tells: the bot's own open_id (GET /open-apis/bot/v3/info), learned
at start-up and asked again at most every 30 s while Feishu cannot tell, so its own mention can be told apart from
the people a command names; a failed look-up never stops a command. (People are their open_ids: an event carries no
profile, and the workspace's language and time zone serve them.)"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from adapters.feishu.client import FeishuClient
from bot.ports import DeliveryError

log = logging.getLogger(__name__)
RETRY_SECONDS = 30.0


class BotIdentity:
    def __init__(self, client: FeishuClient, clock: Callable[[], float] = time.monotonic,
                 retry_seconds: float = RETRY_SECONDS) -> None:
        self.client = client
        self._clock = clock
        self._retry = retry_seconds
        self._open_id: str | None = None
        self._next_try = 0.0

    async def open_id(self) -> str | None:
        """The bot's open_id, or None while Feishu cannot tell us (asked again at most every 30 s)."""
        if self._open_id is None and self._clock() >= self._next_try:
            try:
                info = await self.client.bot_info()
            except DeliveryError as exc:
                log.warning("Feishu bot info unavailable (%s); retrying in %.0f s", exc.reason, self._retry)
                self._next_try = self._clock() + self._retry
                return None
            found = info.get("open_id")
            if isinstance(found, str) and found:
                self._open_id = found
                log.info("Feishu bot %r is %s", info.get("app_name", ""), found)
            else:
                self._next_try = self._clock() + self._retry
        return self._open_id
