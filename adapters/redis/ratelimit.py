"""Rate buckets in Redis, shared by every replica: the GCRA of bot.inprocess.ratelimit as one Lua script (so a
reservation across several buckets is atomic), on Redis's own clock. While Redis is down, memory: this process's share
of each bucket (see `share`)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import redis

from adapters.redis.client import Breaker
from bot.inprocess.ratelimit import MemoryRateLimiter
from bot.ports import Limit, Slot

log = logging.getLogger(__name__)
PREFIX = "mems:rate:"

# KEYS: the buckets. ARGV: mode ("reserve" | "hold" | "answered"), max_wait or hold seconds (0 for "answered"), then
# interval and tolerance per key.
SCRIPT = """
local now = redis.call('TIME')
local t = tonumber(now[1]) + tonumber(now[2]) / 1000000
local mode, arg = ARGV[1], tonumber(ARGV[2])
local function store(key, tat)
  redis.call('SET', key, string.format('%.6f', tat), 'PX', math.ceil((tat - t) * 1000) + 1000)
end
if mode == 'hold' or mode == 'answered' then
  for i = 1, #KEYS do
    local ahead = mode == 'hold' and arg + tonumber(ARGV[2 + 2 * i]) or tonumber(ARGV[1 + 2 * i])
    local tat = tonumber(redis.call('GET', KEYS[i]) or t)
    store(KEYS[i], math.max(tat, t + ahead))
  end
  return {1, '0'}
end
local start, tats = t, {}
for i = 1, #KEYS do
  local tat = math.max(tonumber(redis.call('GET', KEYS[i]) or t), t)
  tats[i] = tat
  start = math.max(start, tat - tonumber(ARGV[2 + 2 * i]))
end
local wait = start - t
if wait > arg then return {0, string.format('%.6f', wait)} end
for i = 1, #KEYS do
  store(KEYS[i], math.max(tats[i], start) + tonumber(ARGV[1 + 2 * i]))
end
return {1, string.format('%.6f', wait)}
"""


def _args(limits: Sequence[Limit]) -> list[float]:
    args: list[float] = []
    for limit in limits:
        args += [1.0 / limit.per_second, limit.tolerance()]
    return args


class RedisRateLimiter:
    def __init__(self, client: redis.Redis, fallback: MemoryRateLimiter | None = None, prefix: str = PREFIX,
                 breaker: Breaker | None = None) -> None:
        self.client = client
        self.fallback = fallback or MemoryRateLimiter()
        self.prefix = prefix
        self.script = client.register_script(SCRIPT)
        self.breaker = breaker or Breaker()

    def _run(self, limits: Sequence[Limit], mode: str, value: float) -> Slot | None:
        keys = [self.prefix + limit.key for limit in limits]
        answered, answer = self.breaker.call("rate buckets",
                                             lambda: self.script(keys=keys, args=[mode, value, *_args(limits)]))
        if not answered:
            return None
        granted, wait = answer  # type: ignore[misc]
        return Slot(bool(int(granted)), float(wait))

    def reserve(self, limits: Sequence[Limit], max_wait: float) -> Slot:
        if not limits:
            return Slot(True, 0.0)
        slot = self._run(limits, "reserve", max_wait)
        return slot if slot is not None else self.fallback.reserve(limits, max_wait)

    def hold(self, limits: Sequence[Limit], seconds: float) -> None:
        if limits and self._run(limits, "hold", seconds) is None:
            self.fallback.hold(limits, seconds)

    def answered(self, limits: Sequence[Limit]) -> None:
        if limits and self._run(limits, "answered", 0.0) is None:
            self.fallback.answered(limits)

    def share(self, workers: int) -> None:
        self.fallback.share(workers)  # Redis's buckets are shared already; the fallback takes its share
