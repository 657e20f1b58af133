"""Daily metrics in bulk, for the REST API and `mems import-metrics`: every row checked with a reason a
person can act on, the good ones stored in one transaction together with the alerts they set off."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from bot import watch
from bot.settings import Settings
from domain import refs
from domain.audit import AuditAction, AuditEntry
from domain.campaign import Campaign
from domain.metrics import DailyMetric
from domain.people import Workspace
from domain.ports import Clock, UnitOfWork

MONEY = ("spend", "revenue")
COUNTS = ("impressions", "clicks", "conversions")
FIELDS = ("campaign", "date", "channel", "spend", "impressions", "clicks", "conversions", "revenue")  # the CSV header
MAX_MONEY = Decimal("1e13")
MAX_COUNT = 10**15


@dataclass(frozen=True, slots=True)
class RowError:
    index: int  # position in the batch (API) or line number (CSV)
    field: str
    message: str


class Rejected(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


@dataclass(frozen=True, slots=True)
class MetricInput:
    index: int
    campaign: int
    day: date
    channel: str
    figures: dict[str, Decimal | int]


@dataclass(frozen=True, slots=True)
class Principal:
    """Who calls: the operator (every workspace) or one workspace's token."""

    workspace_id: int | None
    name: str


def _money(name: str, raw: Any) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, str | int | Decimal):
        raise Rejected(name, "must be an amount, as a string or a number, like \"1000.00\"")
    try:
        value = Decimal(raw.strip() if isinstance(raw, str) else raw)
    except InvalidOperation:
        raise Rejected(name, f"{raw!r} is not an amount") from None
    if not value.is_finite() or value < 0 or value >= MAX_MONEY:
        raise Rejected(name, "must be an amount of zero or more")
    if value != value.quantize(Decimal("0.01")):
        raise Rejected(name, "has more than two decimal places")
    return value.quantize(Decimal("0.01"))


def _count(name: str, raw: Any) -> int:
    if isinstance(raw, str) and raw.strip().isdigit():
        raw = int(raw.strip())
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0 or raw >= MAX_COUNT:
        raise Rejected(name, "must be a whole number of zero or more")
    return raw


def _day(raw: Any) -> date:
    try:
        return date.fromisoformat(raw) if isinstance(raw, str) and len(raw) == 10 else _bad_day()
    except ValueError:
        return _bad_day()


def _bad_day() -> date:
    raise Rejected("date", "must be a date like 2026-12-01")


def parse_row(index: int, raw: Any) -> MetricInput:
    """One row of the batch; raises Rejected naming the first field that is wrong."""
    if not isinstance(raw, Mapping):
        raise Rejected("row", "must be an object with campaign, date and the figures")
    unknown = sorted(set(raw) - set(FIELDS))
    if unknown:
        raise Rejected(str(unknown[0]), f"is not a field; the fields are {', '.join(FIELDS)}")
    for name in ("campaign", "date", *MONEY, *COUNTS):
        if raw.get(name) is None or raw.get(name) == "":
            raise Rejected(name, "is required")
    found = refs.match(str(raw["campaign"]).strip())
    if found is None or found[0] is not refs.Kind.CAMPAIGN:
        raise Rejected("campaign", f"{raw['campaign']!r} is not a campaign id like C-1")
    day = _day(raw["date"])
    channel = raw.get("channel") or ""
    if not isinstance(channel, str) or len(channel.strip()) > 64:
        raise Rejected("channel", "must be text of at most 64 characters")
    figures: dict[str, Decimal | int] = {name: _money(name, raw[name]) for name in MONEY}
    figures |= {name: _count(name, raw[name]) for name in COUNTS}
    return MetricInput(index, found[1], day, channel.strip(), figures)


def parse_rows(rows: Sequence[Any], first: int = 0) -> tuple[list[MetricInput], list[RowError]]:
    good, bad = [], []
    for n, raw in enumerate(rows, start=first):
        try:
            good.append(parse_row(n, raw))
        except Rejected as exc:
            bad.append(RowError(n, exc.field, exc.message))
    return good, bad


class Ingest:
    """Store checked rows: all or nothing (the API) or the good ones (an import), each in one transaction."""

    def __init__(self, uow_factory: Callable[[], UnitOfWork], clock: Clock, settings: Settings,
                 after_commit: Callable[[], None] = lambda: None) -> None:
        self.uow_factory, self.clock, self.settings, self.after_commit = uow_factory, clock, settings, after_commit

    def __call__(self, who: Principal, rows: Sequence[MetricInput], source: str, partial: bool = False,
                 check_only: bool = False) -> tuple[int, list[RowError]]:
        """Returns (rows stored, rows refused). `check_only`: find every problem, store nothing."""
        with self.uow_factory() as uow:
            now = self.clock.now()
            places = self._places(uow, who, {r.campaign for r in rows})
            kept: list[MetricInput] = []
            errors: list[RowError] = []
            for row in rows:
                problem = self._problem(row, places, now)
                if problem is None:
                    kept.append(row)
                else:
                    errors.append(problem)
            if check_only or (errors and not partial):
                return 0, errors
            self._store(uow, places, kept, now, source)
            uow.commit()
        self.after_commit()
        return len(kept), errors

    @staticmethod
    def _places(uow: UnitOfWork, who: Principal, ids: set[int]) -> dict[int, tuple[Campaign, Workspace]]:
        """The campaigns the caller may reach, with their workspaces; another workspace's are not there."""
        found: dict[int, tuple[Campaign, Workspace]] = {}
        for number in ids:
            campaign = uow.campaigns.get(number, who.workspace_id)
            workspace = uow.workspaces.get(campaign.workspace_id) if campaign else None
            if campaign is not None and workspace is not None:
                found[number] = (campaign, workspace)
        return found

    @staticmethod
    def _problem(row: MetricInput, places: dict[int, tuple[Campaign, Workspace]], now: datetime) -> RowError | None:
        if row.campaign not in places:
            return RowError(row.index, "campaign", f"{refs.campaign(row.campaign)} was not found")
        workspace = places[row.campaign][1]
        today = now.astimezone(workspace.tz).date()
        if row.day > today:
            return RowError(row.index, "date", f"{row.day} is in the future (today is {today} in {workspace.timezone})")
        return None

    def _store(self, uow: UnitOfWork, places: dict[int, tuple[Campaign, Workspace]], rows: Sequence[MetricInput],
               now: datetime, source: str) -> None:
        uow.metrics.put_many([DailyMetric(places[r.campaign][0].workspace_id, r.campaign, r.day, r.channel,
                                          **r.figures) for r in rows])  # type: ignore[arg-type]
        days: dict[int, set[date]] = {}
        for row in rows:
            days.setdefault(row.campaign, set()).add(row.day)
        for number, campaign_days in days.items():
            campaign, workspace = places[number]
            uow.audit.add(AuditEntry(campaign.workspace_id, campaign.ref, AuditAction.METRICS_IMPORTED, source, now,
                                     number, {"rows": str(sum(1 for r in rows if r.campaign == number)),
                                      "first": str(min(campaign_days)), "last": str(max(campaign_days))}))
            watch.after_ingest(uow, workspace, campaign, campaign_days, now, self.settings)
