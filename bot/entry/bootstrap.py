"""Wiring: settings in, the application's parts out (the bus, the delivery worker, the gateways, the locks, the
probes). The web app (web.py) and the command line (cli/) take the parts they need from here."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TextIO

from adapters.charts.links import SignedLinks, derive_key
from adapters.charts.png import PngCharts
from adapters.console.gateway import ConsoleGateway
from adapters.db import health as database
from adapters.db.bulk import SqlBulkLoader
from adapters.db.dedupe import SqlDeduper
from adapters.db.engine import make_engine, session_factory
from adapters.db.inbox_store import SqlInboxStore, finish
from adapters.db.installations import SqlInstallations
from adapters.db.leases import SqlLease
from adapters.db.members_cache import MemberCache
from adapters.db.migrate import current_revision, ensure_current
from adapters.db.outbox_store import SqlOutboxStore
from adapters.db.sealing import Sealer
from adapters.db.uow import SqlUnitOfWork
from adapters.prometheus.recorder import PrometheusRecorder
from bot import catalog, policy, redaction
from bot.bus import Bus
from bot.context import Context
from bot.delivery import Delivery
from bot.env import Deps
from bot.inbox import Inbox, Role
from bot.inprocess.dedupe import MemoryDeduper
from bot.inprocess.inbox import MemoryInboxStore
from bot.inprocess.installations import MemoryInstallations
from bot.inprocess.ratelimit import LocalScanLock, MemoryRateLimiter
from bot.offload import Offload
from bot.ports import (
    BulkLoader,
    ChartImages,
    ChartLinks,
    ChatGateway,
    Deduper,
    InboxStore,
    Installations,
    OutboxStore,
    RateLimiter,
    ScanLock,
)
from bot.settings import Settings, SettingsError
from domain.errors import ConcurrencyConflict
from domain.people import Platform
from domain.ports import Clock, UnitOfWork

if TYPE_CHECKING:  # for the annotations only: a chat platform's adapter is imported once it is set up (below)
    from adapters.feishu.runtime import FeishuRuntime
    from adapters.slack.runtime import SlackRuntime

log = logging.getLogger(__name__)
Probe = Callable[[], str | None]  # returns None when healthy, else the reason
Leases = Callable[[str], ScanLock]  # a named lease: work one process runs at a time (the scanner, Socket Mode)
FEISHU_UNSIGNED = ("events are not signed (no MEMS_FEISHU_ENCRYPT_KEY, MEMS_FEISHU_ALLOW_UNSIGNED=1): anyone who "
                   "learns the verification token can act as any Feishu user; set an Encrypt Key")
FEISHU_UNSIGNED_REFUSED = (
    "Cannot start Feishu: MEMS_FEISHU_ENCRYPT_KEY is not set, so Feishu would sign nothing and the verification token "
    "would be the only check. Set the Encrypt Key (Feishu developer console: Events & Callbacks > Encryption "
    "Strategy), or set MEMS_FEISHU_ALLOW_UNSIGNED=1 to accept unsigned events anyway.")

FEISHU_STORE_WS_REFUSED = (
    "Cannot start Feishu: MEMS_FEISHU_MODE=ws with MEMS_FEISHU_APP_TYPE=store. Feishu opens long connections to "
    "custom apps (企业自建应用) only; a store app receives its events over HTTP (MEMS_FEISHU_MODE=http).")


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class Kicker:
    """Wakes the delivery loop right after a commit, from whichever thread committed."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._event: asyncio.Event | None = None

    def bind(self, loop: asyncio.AbstractEventLoop, event: asyncio.Event) -> None:
        self._loop, self._event = loop, event

    def kick(self) -> None:
        if self._loop is not None and self._event is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._event.set)


@dataclass
class Container:
    """Every part, for the composition root only: each router and the scheduler get just the few they use."""

    settings: Settings
    clock: Clock
    deps: Deps
    bus: Bus
    delivery: Delivery
    outbox: OutboxStore
    uow_factory: Callable[[], UnitOfWork]
    gateways: dict[Platform, ChatGateway]
    kicker: Kicker
    deduper: Deduper = field(default_factory=MemoryDeduper)
    probes: dict[str, Probe] = field(default_factory=dict)
    closers: list[Callable[[], None]] = field(default_factory=list)
    scan_lock: ScanLock = field(default_factory=LocalScanLock)
    offload: Offload = field(default_factory=Offload)  # runs the bus off the event loop for every chat adapter
    slack: SlackRuntime | None = None  # what the Slack router needs, when Slack is set up
    feishu: FeishuRuntime | None = None  # what the Feishu router needs, when Feishu is set up
    chart_links: ChartLinks | None = None  # with MEMS_PUBLIC_URL: chart images served at /charts/<token>.png
    bulk: BulkLoader | None = None  # many rows per statement (`mems demo`, benchmarks); None over test fakes
    warnings: dict[str, str] = field(default_factory=dict)  # a setting that works but is unsafe; /readyz shows it
    inbox: Inbox = field(default_factory=lambda: Inbox(MemoryInboxStore(), SystemClock(), Offload()))
    leases: Leases = field(default=lambda _name: LocalScanLock())  # over test fakes: one process, every lease
    recorder: PrometheusRecorder = field(default_factory=PrometheusRecorder)  # the metrics GET /metrics shows

    def close(self) -> None:
        for close in reversed(self.closers):
            close()


@dataclass
class Storage:
    uow_factory: Callable[[], UnitOfWork]
    outbox: OutboxStore
    deduper: Deduper
    probes: dict[str, Probe]
    closers: list[Callable[[], None]]
    bulk: BulkLoader
    inbox: InboxStore
    installations: Installations
    leases: Leases


def _storage(settings: Settings) -> Storage:
    engine = make_engine(settings.database_url)
    if engine.dialect.name == "sqlite":
        ensure_current(settings.database_url, engine)  # a laptop's SQLite file is brought up to date on its own
    sessions = session_factory(engine)
    installations = SqlInstallations(sessions, Sealer(settings.sealing_secrets()))
    if installations.sealer.active and current_revision(engine) is not None:
        installations.seal_stored()  # tokens kept in the clear by an older MEMS (or before a key was set)
    members = MemberCache()  # this process's members and roles, kept while their workspace's count is unchanged
    inbox = SqlInboxStore(sessions, listen=None if engine.dialect.name == "sqlite" else lambda: _listening(engine))
    return Storage(lambda: SqlUnitOfWork(sessions, members), SqlOutboxStore(sessions), SqlDeduper(sessions),
                   {"database": lambda: database.probe(engine)}, [engine.dispose, inbox.close],
                   SqlBulkLoader(sessions), inbox, installations, lambda name: SqlLease(sessions, name))


def _listening(engine: Any) -> Any:
    """A PostgreSQL connection of the inbox's own, out of the pool, in autocommit: LISTEN hears only outside a
    transaction."""
    raw = engine.raw_connection()
    conn = raw.driver_connection
    raw.detach()
    conn.rollback()
    conn.autocommit = True
    return conn


def build(settings: Settings, *, clock: Clock | None = None,
          uow_factory: Callable[[], UnitOfWork] | None = None, outbox: OutboxStore | None = None,
          gateways: dict[Platform, ChatGateway] | None = None, console_out: TextIO | None = None,
          role: Role = Role.BOTH) -> Container:
    """Wire everything. Tests pass fakes for the unit of work, the outbox store, the gateways and the clock.
    `role`: whether this process acknowledges chat requests, runs their commands, or both (bot/inbox.py)."""
    redaction.install(settings)  # before anything logs: no secret in a log line, at any level
    clock = clock or SystemClock()
    probes: dict[str, Probe] = {}
    closers: list[Callable[[], None]] = []
    deduper: Deduper = MemoryDeduper()  # tests with fakes: one process
    bulk: BulkLoader | None = None
    inbox_store: InboxStore = MemoryInboxStore()
    installations: Installations = MemoryInstallations()  # tests with fakes: one process
    leases: Leases = lambda _name: LocalScanLock()  # noqa: E731 (one process, every lease)
    if uow_factory is None or outbox is None:
        storage = _storage(settings)
        uow_factory, outbox, deduper = storage.uow_factory, storage.outbox, storage.deduper
        probes, closers, bulk, inbox_store = storage.probes, storage.closers, storage.bulk, storage.inbox
        installations, leases = storage.installations, storage.leases
    deps = Deps(settings=settings, templates=catalog.load(settings.templates_dir),
                policy=policy.load(settings.approval_policy))
    kicker = Kicker()
    recorder = PrometheusRecorder()
    closers.append(recorder.close)
    bus = Bus(uow_factory, clock, deps, after_commit=kicker.kick, before_commit=_finish_request, recorder=recorder)
    if gateways is None:
        gateways = {Platform.CONSOLE: ConsoleGateway(console_out or sys.stdout)}
    charts, chart_links = _charts(settings, clock)
    gateways = dict(gateways)
    warnings: dict[str, str] = {}
    feishu = _feishu(settings, gateways, charts, warnings, installations)
    slack = _slack(settings, gateways, chart_links, installations)
    limiter, leases, deduper = _shared(settings, clock, probes, closers, deduper, leases)
    delivery = Delivery(outbox, gateways, clock, limiter=limiter, lease_seconds=settings.delivery_lease_seconds,
                        batch=settings.delivery_batch,
                        concurrency=settings.delivery_concurrency, base_backoff=settings.delivery_backoff_seconds,
                        recorder=recorder)
    closers.append(delivery.leave)  # before the engine goes: its heartbeat no longer counts among the workers
    offload = Offload()
    closers.append(offload.close)
    inbox = Inbox(inbox_store, clock, offload, settings.inbox_capacity, settings.inbox_lease_seconds,
                  recorder=recorder, role=role)
    closers.append(inbox.close)
    bus.finished = inbox.finished  # a request its command's transaction marked done is not marked again
    scan_lock = leases("scanner")
    return Container(settings, clock, deps, bus, delivery, outbox, uow_factory, gateways, kicker, deduper, probes,
                     closers, scan_lock, offload, slack=slack, feishu=feishu, chart_links=chart_links, bulk=bulk,
                     warnings=warnings, inbox=inbox, leases=leases, recorder=recorder)


def _finish_request(uow: UnitOfWork, ctx: Context) -> bool:
    """In a chat command's own transaction: its inbox request is done (True). Already done means another process ran
    it (it took the request over while this one was too slow to renew the lease): this run must change nothing."""
    if ctx.request is None or not isinstance(uow, SqlUnitOfWork):
        return False  # over test fakes the in-memory inbox is marked done after the work
    if not finish(uow.session, ctx.request, datetime.now(UTC)):
        raise ConcurrencyConflict(f"request {ctx.request} was already run")
    return True


def _shared(settings: Settings, clock: Clock, probes: dict[str, Probe], closers: list[Callable[[], None]],
            deduper: Deduper, leases: Leases) -> tuple[RateLimiter, Leases, Deduper]:
    """Rate buckets, leases (the scanner, Socket Mode) and de-duplication: in Redis when configured (shared by
    replicas; behind one circuit breaker, so a hung Redis costs one short timeout now and then; readiness reports
    it), else this worker's share of each bucket in memory, leases and de-duplication in the database."""
    local = MemoryRateLimiter(clock=lambda: clock.now().timestamp())  # the same clock as the outbox's times
    if not settings.redis_url:
        return local, leases, deduper
    from adapters.redis import client, dedupe, lock, ratelimit  # only when configured: ~0.08 s to import

    redis = client.connect(settings.redis_url)
    breaker = client.Breaker()
    probes["redis"] = lambda: client.probe(redis)
    closers.append(redis.close)
    return (ratelimit.RedisRateLimiter(redis, fallback=local, breaker=breaker),
            lambda name: lock.RedisScanLock(redis, key=f"mems:lock:{name}", breaker=breaker),
            dedupe.RedisDeduper(redis, deduper, breaker))


# A chat platform's adapter is imported only when that platform is set up (a test or a server without it should not
# pay for its SDK). Each builds its runtime from the settings; its gateway delivers unless a test brought its own.


def _slack(settings: Settings, gateways: dict[Platform, ChatGateway], chart_links: ChartLinks | None = None,
           installations: Installations | None = None) -> SlackRuntime | None:
    """Slack over HTTP (bot token + signing secret) or Socket Mode (bot token + app token); with OAuth (client id
    and secret) each installed team's token instead of the one bot token; off otherwise."""
    if not settings.slack_enabled:
        return None
    from adapters.slack import runtime  # only when set up: slack_sdk and aiohttp take ~0.2 s to import

    slack = runtime.build(settings, chart_links, installations)
    gateways.setdefault(Platform.SLACK, slack.gateway)
    return slack


def _feishu(settings: Settings, gateways: dict[Platform, ChatGateway], charts: ChartImages | None = None,
            warnings: dict[str, str] | None = None,
            installations: Installations | None = None) -> FeishuRuntime | None:
    """With the Feishu settings complete (app id and secret, verification token), the Feishu runtime. Without an
    Encrypt Key nothing Feishu sends is signed: that is refused unless MEMS_FEISHU_ALLOW_UNSIGNED says it is meant.
    The long connection (ws) needs neither: Feishu authenticates the connection; it is open to custom apps only."""
    if not settings.feishu_enabled:
        return None
    if settings.feishu_mode == "ws" and settings.feishu_app_type == "store":
        raise SettingsError(FEISHU_STORE_WS_REFUSED)
    if not settings.feishu_encrypt_key and settings.feishu_mode == "http":
        if not settings.feishu_allow_unsigned:
            raise SettingsError(FEISHU_UNSIGNED_REFUSED)
        log.warning("Feishu: %s", FEISHU_UNSIGNED)
        if warnings is not None:
            warnings["feishu"] = FEISHU_UNSIGNED
    from adapters.feishu import runtime  # only when set up: httpx takes ~0.1 s to import

    feishu = runtime.build(settings, charts, installations)  # a store app keeps its app_ticket in them
    gateways.setdefault(Platform.FEISHU, feishu.gateway)
    return feishu


def _charts(settings: Settings, clock: Clock) -> tuple[ChartImages, ChartLinks | None]:
    """Report charts as images: drawn here for Feishu to upload; and, with MEMS_PUBLIC_URL and Slack on, links that
    Slack fetches them by. The links' key is derived from the Slack bot token, a secret every replica shares."""
    secret = settings.slack_bot_token or settings.slack_client_secret  # OAuth: no one bot token, the app's secret
    if not (settings.public_url and settings.slack_enabled and secret):
        return PngCharts(), None
    key = derive_key(secret.get_secret_value())
    return PngCharts(), SignedLinks(settings.public_url, key, clock)
