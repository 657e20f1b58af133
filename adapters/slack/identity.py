"""Who is who on Slack, as far as the Web API tells: each person's name, time zone and locale (users.info), cached
in-process so a command costs at most one look-up per person per TTL; a failed look-up never stops a command.
(The bot's own id comes from bolt, which asks auth.test before any listener runs.)"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from cachetools import TTLCache
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import errors
from adapters.slack.translate import Profile, profile

log = logging.getLogger(__name__)
USER_TTL = 3600.0
FAILED_TTL = 300.0  # after a failed look-up, go on without a profile for a while instead of asking each time


class Users:
    """users.info with a TTL cache; a failure (missing users:read, a timeout) never stops a command."""

    def __init__(self, client: AsyncWebClient, ttl: float = USER_TTL, max_users: int = 50_000,
                 timer: Callable[[], float] = time.monotonic) -> None:
        self.client = client
        self._found: TTLCache[tuple[str, str], Profile] = TTLCache(max_users, ttl, timer=timer)
        self._failed: TTLCache[tuple[str, str], bool] = TTLCache(max_users, FAILED_TTL, timer=timer)
        self._warned: set[str] = set()
        self._asking: dict[tuple[str, str], asyncio.Task[Profile]] = {}

    def cached(self, team: str, user: str) -> Profile | None:
        return self._found.get((team, user))

    def looked_up(self, team: str, user: str) -> bool:
        """Whether users.info was asked about this person lately (and answered, or failed): what it could tell of
        their language is known already."""
        return (team, user) in self._found or (team, user) in self._failed

    async def get(self, team: str, user: str) -> Profile:
        key = (team, user)
        found = self._found.get(key)
        if found is not None:
            return found
        if key in self._failed or not user:
            return Profile()
        loop = asyncio.get_running_loop()
        asked = self._asking.get(key)
        if asked is None or asked.get_loop() is not loop:  # one look-up at a time per person: the others wait for it
            asked = self._asking[key] = loop.create_task(self._ask(team, user))
            asked.add_done_callback(lambda done: self._asking.pop(key, None) if self._asking.get(key) is done
                                    else None)
        return await asyncio.shield(asked)

    async def _ask(self, team: str, user: str) -> Profile:
        key = (team, user)
        try:
            response = await self.client.users_info(user=user, include_locale=True)
        except Exception as exc:  # the command goes on with the workspace defaults
            self._failed[key] = True
            self._warn(errors.code(exc))
            return Profile()
        found = profile(response.get("user"))
        self._found[key] = found
        return found

    def _warn(self, error: str) -> None:
        if error not in self._warned:  # once per kind of failure, not once per user
            self._warned.add(error)
            log.warning("Slack users.info failed (%s); using workspace time zone and language", error)
