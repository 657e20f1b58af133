"""What the application needs from adapters beyond the unit of work: chat gateways, the outbox store, rate
buckets, the scanner lock, and chart images."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from bot.cards import Card, Chart
from bot.demo import Bundle
from domain.notifications import OutboxMessage, Target
from domain.people import Member, Platform, Workspace


class DeliveryError(Exception):
    """A send that failed. `retry_after` when the platform said how long to wait; `permanent` when a retry
    cannot help (the bot is not in the channel, a revoked token); `hint` is one sentence for a human."""

    def __init__(self, reason: str, retry_after: float | None = None, permanent: bool = False,
                 hint: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        self.permanent = permanent
        self.hint = hint


class StorageUnavailable(Exception):
    """The database dropped the connection or could not serve for a moment (a restart, a terminated backend, a
    deadlock or a busy SQLite file): the unit of work was rolled back whole and may simply be run again."""


@dataclass(frozen=True, slots=True)
class Sent:
    channel: str  # where the message landed (a DM channel for a user target)
    message_ref: str  # Slack ts, Feishu message_id


class ChatGateway(Protocol):
    """Sends cards to one platform and updates the copies sent; knows that platform's sending limits."""

    platform: Platform

    def limits(self, workspace: Workspace, target: Target) -> tuple[Limit, ...]:
        """The rate buckets a send to `target` waits for (none where the platform has no limit)."""
        ...

    async def send(self, workspace: Workspace, target: Target, card: Card, idempotency_key: str) -> Sent: ...

    async def update(self, workspace: Workspace, channel: str, message_ref: str, card: Card) -> None: ...


@dataclass(frozen=True, slots=True)
class Copy:
    channel: str
    message_ref: str
    lang: str | None = None  # the language the copy was written in, so an update keeps it
    turn: str | None = None  # "round.step" its buttons act on (an approval card); None: a read-only copy


@dataclass(frozen=True, slots=True)
class NewCopy:
    """Where a sent card landed, recorded with the send so a later decision can update it in place."""

    workspace_id: int
    entity: str
    sent: Sent
    lang: str | None = None
    turn: str | None = None  # "round.step" its buttons act on (an approval card); None: a read-only copy


class OutboxStore(Protocol):
    """Delivery-side access to the outbox: claim due rows under a lease, record outcomes and card copies."""

    def claim(self, now: datetime, limit: int, lease_seconds: float, owner: str, due_by: datetime | None = None,
              per_target: int = 0, together: frozenset[str] = frozenset()) -> Sequence[OutboxMessage]:
        """Lease due rows; `now` is the real time, `due_by` a later moment whose held alerts count as due. With
        `per_target`, fair across recipients: each one's oldest rows first, the emptiest recipients first, and never
        more than `per_target` of a recipient's due rows leased at once (by any worker), apart from kinds that go
        `together` (alerts that fold into one message are all taken)."""
        ...
    def renew(self, owner: str, ids: Sequence[int], now: datetime, lease_seconds: float) -> int:
        """Extend the leases `owner` still holds on these rows."""
        ...
    def release(self, owner: str, ids: Sequence[int]) -> int:
        """Give back these rows if `owner` still holds them, no attempt counted."""
        ...
    def heartbeat(self, owner: str, now: datetime, ttl_seconds: float) -> int:
        """Record that `owner` is alive; answer how many workers are."""
        ...
    def leave(self, owner: str) -> None: ...
    def mark_sent(self, message_id: int, at: datetime) -> None: ...
    def mark_sent_many(self, message_ids: Sequence[int], at: datetime, copy: NewCopy | None = None) -> None:
        """The platform's answer in one transaction: the rows (a folded message's together) and the card copy."""
        ...
    def note_failure(self, message_id: int, error: str) -> None:
        """Count a failed attempt that will be retried within this run; the lease stays."""
        ...
    def defer(self, message_id: int, next_at: datetime, error: str | None = None) -> None:
        """Give the row back, due again at `next_at`, without counting an attempt (a rate limit, not a failure)."""
        ...
    def mark_retry(self, message_id: int, next_at: datetime, error: str) -> None: ...
    def mark_dead(self, message_id: int, at: datetime, error: str) -> None: ...
    def record_copy(self, workspace_id: int, entity: str, sent: Sent, lang: str | None = None,
                    turn: str | None = None) -> None: ...
    def copies(self, entity: str) -> Sequence[Copy]: ...
    def workspace(self, workspace_id: int) -> Workspace | None: ...
    def depth(self, now: datetime) -> dict[str, int]:
        """Pending rows by state: due (now), waiting (held, backing off), leased (being sent)."""
        ...
    def list_pending(self, limit: int = 100) -> Sequence[OutboxMessage]: ...
    def list_dead(self, limit: int = 100) -> Sequence[OutboxMessage]: ...
    def replay(self, message_id: int) -> bool: ...
    def purge_sent(self, before: datetime, limit: int, keep: frozenset[str] = frozenset()) -> int:
        """Remove up to `limit` rows sent before `before` (not of the kinds in `keep`), in one short transaction;
        answer how many went."""
        ...


class Deduper(Protocol):
    """Remembers keys for a while: `first` is True only for the first caller of a key within its TTL,
    atomically, so a retried delivery or a double click acts once."""

    def first(self, key: str, ttl_seconds: int) -> bool: ...

    def forget(self, key: str) -> None:
        """Let the key through again: a click whose command failed may be clicked again."""
        ...


@dataclass(frozen=True, slots=True)
class Limit:
    """One rate bucket: at most `per_second` sends on average under `key`, `burst` of them back to back. `headroom`
    seconds of the burst are kept back, so sends that reach the platform closer together than they left (a busy
    loop, the network) still fit its bucket: the rate is unchanged, the burst's end comes that much later once."""

    key: str
    per_second: float
    burst: int = 1
    headroom: float = 0.0

    def tolerance(self, workers: int = 1) -> float:
        """How far ahead of the steady schedule a send may go, for one of `workers` equal shares."""
        interval = workers / self.per_second
        return max((max(self.burst // workers, 1) - 1) * interval - self.headroom, 0.0)


@dataclass(frozen=True, slots=True)
class Slot:
    """The answer to a reservation: `granted` with `wait` seconds to sleep before sending, or refused with the
    wait that would have been needed (longer than the caller would wait)."""

    granted: bool
    wait: float


class RateLimiter(Protocol):
    """Rate buckets shared by every sender that uses the same limiter (replicas, when it lives in Redis)."""

    def reserve(self, limits: Sequence[Limit], max_wait: float) -> Slot:
        """Book the earliest moment every bucket allows, if it is at most `max_wait` seconds away."""
        ...

    def hold(self, limits: Sequence[Limit], seconds: float) -> None:
        """The platform said "wait": nothing more goes through these buckets for `seconds`."""
        ...
    def answered(self, limits: Sequence[Limit]) -> None:
        """The platform answered a send through these buckets just now, so it took the send no later than now: each
        bucket's next free moment is at least one interval away. A send that reached the platform late (a busy loop,
        a cold connection) then cannot let the next one in early: it waits rather than draws a 429."""
        ...

    def share(self, workers: int) -> None:
        """`workers` delivery workers are alive. Buckets kept in this process (no shared store, or while it is
        down) give this worker 1/workers of each limit, so together they stay under the platform's."""
        ...


class ScanLock(Protocol):
    """Keeps one scanner active across replicas. Only an optimisation: the natural keys keep scans correct."""

    def hold(self) -> bool:
        """Take the lock or renew it; True while this process holds it."""
        ...

    def release(self) -> None: ...


class ChartImages(Protocol):
    """Draws a card's chart as a PNG (adapters/charts), for surfaces that upload images (Feishu)."""

    def png(self, chart: Chart) -> bytes: ...


class ChartLinks(Protocol):
    """Public URLs of chart images that this server draws on request (adapters/charts), for surfaces that fetch
    images by URL (Slack). None when a chart cannot be linked (too much data for one URL)."""

    def url(self, chart: Chart) -> str | None: ...


class BulkLoader(Protocol):
    """Stores a generated workspace in bulk (many rows per statement), for `mems demo` and benchmarks."""

    def members(self, members: Sequence[Member]) -> None: ...

    def bundles(self, bundles: Sequence[Bundle]) -> None:
        """Each campaign, then its tasks, requests (with decisions), spend and metrics; sets their ids."""
        ...


@dataclass(frozen=True, slots=True)
class InboxItem:
    """A chat request kept until it is worked: `id` is its request id, `payload` what the adapter needs to work it
    again (the platform's body), `attempts` how many processes have taken it (more than one: it was left by a
    process that died)."""

    id: str
    key: str
    platform: str
    kind: str
    payload: dict[str, Any]
    attempts: int = 1

    @property
    def recovered(self) -> bool:
        return self.attempts > 1


class InboxStore(Protocol):
    """Chat requests acknowledged and not yet worked, durable across a process's death (bot/inbox.py)."""

    def put(self, item: InboxItem, owner: str | None, lease_until: datetime, now: datetime) -> bool:
        """Keep it under this owner's lease (None: for any worker to claim, and ring `wait`'s bell); False when
        its key is already kept (the platform sent it twice)."""
        ...

    def keep(self, item: InboxItem, lease_until: datetime, now: datetime, capacity: int) -> bool | None:
        """Keep it for any worker (as `put` without an owner) while fewer than `capacity` items are pending: None
        when that many are, False when its key is already kept."""
        ...

    def wait(self, timeout: float) -> bool:
        """Block until a request is kept for any worker (True), or for `timeout` seconds (False)."""
        ...

    def claim(self, owner: str, now: datetime, lease_until: datetime, limit: int) -> list[InboxItem]:
        """Pending items whose lease ran out (their process died), taken over by this owner, oldest first."""
        ...

    def renew(self, owner: str, ids: Sequence[str], lease_until: datetime) -> int:
        """Extend this owner's lease on these pending items (a past `lease_until` gives them back); how many."""
        ...

    def done(self, item_id: str, now: datetime) -> None: ...

    def pending(self) -> int:
        """Items not worked yet, whoever holds them."""
        ...

    def purge(self, before: datetime) -> int:
        """Forget items done before `before`; how many."""
        ...


@dataclass(frozen=True, slots=True)
class Installation:
    """MEMS installed in one team or tenant by one of its people (Slack OAuth, a Feishu store app): the bot's token
    for that workspace, and whether it still holds (`revoked` names why not: app_uninstalled, tokens_revoked)."""

    platform: Platform
    workspace: str  # Slack team id, Feishu tenant_key
    bot_token: str
    name: str = ""
    bot_user: str = ""
    bot_id: str = ""
    app_id: str = ""
    enterprise: str | None = None
    installer: str = ""  # who installed it: the workspace's first admin
    scopes: str = ""
    refresh_token: str | None = None  # with token rotation
    expires_at: datetime | None = None
    installed_at: datetime | None = None
    revoked: str | None = None
    revoked_at: datetime | None = None


class Installations(Protocol):
    """Where installations, OAuth states and a platform's pushed secrets (Feishu's app_ticket) are kept: shared by
    every replica, so an install finished on one serves the team on all."""

    def save(self, installation: Installation) -> None:
        """Insert or replace the workspace's installation (a reinstall undoes a revocation)."""
        ...
    def find(self, platform: Platform, workspace: str) -> Installation | None: ...
    def revoke(self, platform: Platform, workspace: str, reason: str, at: datetime) -> bool: ...
    def issue_state(self, state: str, expires_at: datetime) -> None: ...
    def consume_state(self, state: str, now: datetime) -> bool:
        """True once for a state issued and not yet expired."""
        ...
    def put_value(self, platform: Platform, name: str, value: str, at: datetime) -> None: ...
    def get_value(self, platform: Platform, name: str) -> str | None: ...
