"""Handlers for A/B tests: start one, record a variant's day (`metrics C-1 variant=B ...`), show, stop. A variant's
day also makes the campaign's day for that channel: the sum over the test's variants, so the report counts them.
Each recorded day is a look at the test; a decision is recorded (and announced, by the TestDecided reaction) only
when the rule allows it: the planned sample reached, or the sequential boundary crossed."""

from __future__ import annotations

from bot import experiments, stats
from bot.cards import Reply
from bot.env import Env, Txn
from bot.handlers import common
from bot.presenters import experiments as view
from domain import authz, refs
from domain import commands as c
from domain import events as e
from domain.abtest import DEFAULT_SAMPLE, Experiment, TestStatus, VariantMetric
from domain.audit import AuditAction, AuditEntry
from domain.campaign import Campaign
from domain.errors import InvalidInput, NotFound
from domain.metrics import FIGURES, DailyMetric, totals
from domain.ports import UnitOfWork


def _test(env: Env, number: int) -> Experiment:
    found = env.uow.experiments.get(number, env.workspace_id)
    if found is None:
        raise NotFound(refs.experiment(number))
    return found


def new(cmd: c.NewTest, env: Env) -> Reply:
    campaign = common.open_campaign(env, cmd.campaign)
    authz.require("test new", env.actor.member, authz.RUN_CAMPAIGN, campaign)
    test = env.uow.experiments.add(Experiment(
        workspace_id=env.workspace_id, campaign_id=campaign.pk, name=cmd.name, variants=cmd.variants,
        metric=cmd.metric, min_sample=cmd.min_sample or DEFAULT_SAMPLE[cmd.metric], created_by=env.actor.user,
        created_at=env.now))
    common.audit(env, test.ref, AuditAction.TEST_STARTED, campaign.pk, name=test.name,
                 variants=",".join(test.variants), metric=test.metric, min_sample=test.min_sample)
    return Reply(view.created_card(test, campaign, env.lang), public=True)


def running_test(uow: UnitOfWork, campaign_id: int, variant: str) -> Experiment | None:
    """The newest open test of the campaign with a variant of that name (any case)."""
    tests = [t for t in uow.experiments.for_campaign(campaign_id) if t.is_open and t.variant(variant)]
    return tests[-1] if tests else None


def store_variant(uow: UnitOfWork, test: Experiment, metric: VariantMetric) -> None:
    """The variant's day, and the campaign's day for that channel as the sum of the test's variants."""
    uow.experiments.put_variant(metric)
    row = metric.row
    others = [r.row for r in uow.experiments.variant_rows(test.pk)
              if r.row.day == row.day and r.row.channel == row.channel and r.variant != metric.variant]
    summed = totals([*others, row])
    uow.metrics.put(DailyMetric(row.workspace_id, row.campaign_id, row.day, row.channel,
                                **{name: getattr(summed, name) for name in FIGURES}))


def look(txn: Txn, campaign: Campaign, test: Experiment, actor: str) -> stats.Result:
    """A look at the test: its decision is recorded (and announced) only when the rule allows it, once."""
    outcome = experiments.result(txn.uow, test)
    if test.status is TestStatus.RUNNING and outcome.decided:
        test.decide(outcome.winner, txn.now, {"reason": outcome.reason or "", "winner": outcome.winner or ""})
        txn.uow.experiments.save(test)
        txn.uow.audit.add(AuditEntry(campaign.workspace_id, test.ref, AuditAction.TEST_DECIDED, actor, txn.now,
                                     campaign.pk, {"winner": outcome.winner or "", "reason": outcome.reason or ""}))
        txn.record(e.TestDecided(campaign, test))
    return outcome


def record(cmd: c.RecordMetrics, env: Env) -> Reply:
    """`metrics C-1 variant=B ...`: the variant's day, then the campaign's day as the sum of the variants'."""
    campaign = common.campaign(env, cmd.campaign)
    authz.require("metrics", env.actor.member, authz.RUN_CAMPAIGN, campaign)
    day = cmd.day or env.today
    if day > env.today:
        raise InvalidInput("date", "future_date", value=day.isoformat())
    test = running_test(env.uow, campaign.pk, cmd.variant)
    if test is None:
        raise InvalidInput("variant", "no_test_variant", ref=campaign.ref, variant=cmd.variant)
    variant = test.variant(cmd.variant) or cmd.variant
    rows = env.uow.experiments.variant_rows(test.pk)
    mine = next((r for r in rows if r.variant == variant and r.row.day == day and r.row.channel == cmd.channel), None)
    base = mine.row if mine else DailyMetric(env.workspace_id, campaign.pk, day, cmd.channel)
    stored = VariantMetric(test.pk, variant, base.merged(cmd.figures))
    store_variant(env.uow, test, stored)
    common.audit(env, campaign.ref, AuditAction.METRICS_RECORDED, campaign.pk, day=day.isoformat(),
                 channel=cmd.channel, test=test.ref, variant=variant)
    env.record(e.MetricsRecorded(campaign, frozenset({day})))
    outcome = look(env.txn, campaign, test, env.actor.user)
    return Reply(view.variant_recorded(test, campaign, stored, outcome, env.lang), public=False)


def show(cmd: c.ShowTest, env: Env) -> Reply:
    test = _test(env, cmd.test)
    campaign = common.campaign(env, test.campaign_id)
    return Reply(view.test_card(test, campaign, experiments.result(env.uow, test), env.lang))


def stop(cmd: c.StopTest, env: Env) -> Reply:
    test = _test(env, cmd.test)
    campaign = common.campaign(env, test.campaign_id)
    authz.require("test stop", env.actor.member, authz.RUN_CAMPAIGN, campaign)
    test.stop(cmd.winner, env.now)
    env.uow.experiments.save(test)
    common.audit(env, test.ref, AuditAction.TEST_STOPPED, campaign.pk, winner=test.winner)
    return Reply(view.test_card(test, campaign, experiments.result(env.uow, test), env.lang), public=True)
