"""Handlers for daily metrics: one day typed in chat, a batch from the REST API or a CSV import, and the report.
Whichever door they come by, stored metrics are recorded as MetricsRecorded, whose reactions judge the days and
check the budget."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date

from bot.cards import Reply
from bot.context import Principal
from bot.env import Env, Txn
from bot.handlers import common, experiments
from bot.presenters import report as view
from domain import authz, refs
from domain import commands as c
from domain import events as e
from domain.abtest import Experiment, VariantMetric
from domain.audit import AuditAction, AuditEntry
from domain.campaign import Campaign
from domain.errors import InvalidInput
from domain.metrics import FIGURES, DailyMetric, Ingested, MetricInput, RowError, check_possible
from domain.people import Workspace

Places = dict[int, tuple[Campaign, Workspace]]


def figures_of(row: DailyMetric | None) -> dict[str, str | None] | None:
    """A day's figures as text, for the audit trail (what `undo` puts back)."""
    if row is None:
        return None
    return {name: None if getattr(row, name) is None else str(getattr(row, name)) for name in FIGURES}


def record(cmd: c.RecordMetrics, env: Env) -> Reply:
    check_possible(dict(cmd.figures))  # what was typed; with the day's stored figures below
    if cmd.variant:  # an A/B test's variant (issue 13)
        return experiments.record(cmd, env)
    campaign = common.campaign(env, cmd.campaign)
    authz.require("metrics", env.actor.member, authz.RUN_CAMPAIGN, campaign)
    day = cmd.day or env.today
    if day > env.today:
        raise InvalidInput("date", "future_date", value=day.isoformat())
    existing = env.uow.metrics.get(campaign.pk, day, cmd.channel)
    base = existing or DailyMetric(env.workspace_id, campaign.pk, day, cmd.channel)
    row = base.merged(cmd.figures)
    row.check_possible()
    env.uow.metrics.put(row)
    common.audit(env, campaign.ref, AuditAction.METRICS_RECORDED, campaign.pk, day=day.isoformat(),
                 channel=cmd.channel, undo=json.dumps({"before": figures_of(existing), "after": figures_of(row)}))
    env.record(e.MetricsRecorded(campaign, frozenset({day})))
    return Reply(view.metrics_recorded(campaign, row, env.lang), public=False)


def ingest(cmd: c.IngestMetrics, txn: Txn, who: Principal) -> Ingested:
    """Store checked rows: all or nothing, or (`partial`) the good ones; `check_only` finds every problem and
    stores nothing. A row naming a campaign the caller cannot reach, or a day still to come there, is refused."""
    places = _places(txn, who, {r.campaign for r in cmd.rows})
    todays = {number: txn.now.astimezone(workspace.tz).date() for number, (_, workspace) in places.items()}
    checked = [(row, _problem(row, places, todays) or _no_test(txn, row)) for row in cmd.rows]
    errors = tuple(problem for _, problem in checked if problem is not None)
    kept = [row for row, problem in checked if problem is None]
    if cmd.check_only or (errors and not cmd.partial):
        return Ingested(0, errors)
    txn.uow.metrics.put_many([DailyMetric(places[r.campaign][0].workspace_id, r.campaign, r.day, r.channel,
                                          **r.figures) for r in kept if not r.variant])  # type: ignore[arg-type]
    _variants(txn, who, places, [r for r in kept if r.variant])
    days: dict[int, set[date]] = {}
    rows = Counter(row.campaign for row in kept)  # one pass: a batch may name a thousand campaigns
    for row in kept:
        days.setdefault(row.campaign, set()).add(row.day)
    for number, campaign_days in days.items():
        campaign = places[number][0]
        txn.uow.audit.add(AuditEntry(campaign.workspace_id, campaign.ref, AuditAction.METRICS_IMPORTED, cmd.source,
                                     txn.now, number, {"rows": str(rows[number]), "first": str(min(campaign_days)),
                                                       "last": str(max(campaign_days))}))
        txn.record(e.MetricsRecorded(campaign, frozenset(campaign_days)))
    return Ingested(len(kept), errors)


def _no_test(txn: Txn, row: MetricInput) -> RowError | None:
    """A row with a variant needs a running test of its campaign with that variant (issue 13)."""
    if row.variant and experiments.running_test(txn.uow, row.campaign, row.variant) is None:
        return RowError(row.index, "variant", f"{refs.campaign(row.campaign)} has no running A/B test with a "
                                              f"variant {row.variant!r}")
    return None


def _variants(txn: Txn, who: Principal, places: Places, rows: list[MetricInput]) -> None:
    """Rows of A/B test variants: each stored as its variant's day (the campaign's day is their sum), then one
    look at each test they touched."""
    looked: dict[int, tuple[Campaign, Experiment]] = {}
    for r in rows:
        campaign = places[r.campaign][0]
        test = experiments.running_test(txn.uow, r.campaign, r.variant)
        if test is None:  # pragma: no cover - refused by _no_test
            continue
        row = DailyMetric(campaign.workspace_id, r.campaign, r.day, r.channel, **r.figures)  # type: ignore[arg-type]
        experiments.store_variant(txn.uow, test, VariantMetric(test.pk, test.variant(r.variant) or r.variant, row))
        looked[test.pk] = (campaign, test)
    for campaign, test in looked.values():
        experiments.look(txn, campaign, test, who.name)


def _places(txn: Txn, who: Principal, ids: set[int]) -> Places:
    """The campaigns the caller may reach, with their workspaces; another workspace's are not there."""
    found: Places = {}
    for number in ids:
        campaign = txn.uow.campaigns.get(number, who.workspace_id)
        workspace = txn.workspace(campaign.workspace_id) if campaign else None
        if campaign is not None and workspace is not None:
            found[number] = (campaign, workspace)
    return found


def _problem(row: MetricInput, places: Places, todays: dict[int, date]) -> RowError | None:
    """`todays`: each reached campaign's today in its workspace's time zone, worked out once a batch."""
    if row.campaign not in places:
        return RowError(row.index, "campaign", f"{refs.campaign(row.campaign)} was not found")
    workspace, today = places[row.campaign][1], todays[row.campaign]
    if row.day > today:
        return RowError(row.index, "date", f"{row.day} is in the future (today is {today} in {workspace.timezone})")
    return None


def report(cmd: c.Report, env: Env) -> Reply:
    campaign = common.campaign(env, cmd.campaign)
    metrics = env.uow.metrics  # summed in storage: a year on 20 channels is 7,300 rows, never read one by one
    figures = view.Figures(metrics.totals(campaign.pk), metrics.daily(campaign.pk), metrics.by_channel(campaign.pk))
    tasks = env.uow.tasks.for_campaign(campaign.pk)
    return Reply(view.report_card(campaign, figures, common.ledger(env, campaign), tasks, env.today, env.lang))

