"""The daily digest: to every channel subscribed to `digest`, what is overdue, what is due today, what waits for
approval, each channel's scope its own (a campaign-scoped subscription gets that campaign only). Keyed by the
workspace-local date, so a daylight-saving change neither skips nor doubles it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, time, timedelta

from bot.env import Txn
from bot.handlers.approvals import asked
from bot.i18n import tr
from bot.outbox import Channel, Notice, post, same_card
from bot.portfolio import Scope, summaries
from bot.presenters import alerts as view
from domain import events as e
from domain import refs
from domain.approval import ApprovalRequest, ApprovalStatus
from domain.campaign import Campaign
from domain.notifications import AlertKind, Subscription
from domain.task import Task

Keep = Callable[[int], bool]


def send_digest(event: e.DigestDue, txn: Txn) -> None:
    workspace, day = event.workspace, event.day
    scopes = _scopes(txn.subscriptions(workspace.pk))
    if not scopes:
        return
    tz, lang = workspace.tz, workspace.lang
    end_of_day = datetime.combine(day + timedelta(days=1), time(0), tz)
    # A template's step already past when the campaign was created with past dates: no one can still meet it.
    overdue = [t for t in txn.uow.tasks.open_due_before(workspace.pk, txn.now)
               if not (t.from_template and t.due and t.due < t.created_at)]
    today = txn.uow.tasks.open_due_between(workspace.pk, txn.now, end_of_day)
    week = txn.uow.tasks.open_due_between(workspace.pk, end_of_day, end_of_day + timedelta(days=6))
    pending = txn.uow.approvals.list(workspace.pk, ApprovalStatus.PENDING)
    risky = [s for s in summaries(txn.uow, workspace.pk, "", Scope.ACTIVE, txn.now, day)
             if set(s.risks) & set(view.DIGEST_RISKS)]
    ids = [t.campaign_id for t in (*overdue, *today, *week)] + [r.campaign_id for r in pending]
    campaigns = {camp.pk: camp for camp in txn.uow.campaigns.many(ids) if camp.is_open}
    for channel, scope in scopes.items():
        def keep(campaign_id: int, scope: set[int] | None = scope) -> bool:
            return campaign_id in campaigns and (scope is None or campaign_id in scope)

        card = view.digest(day, _tasks(overdue, keep), _tasks(today, keep), _requests(txn, pending, campaigns, keep),
                           txn.now, tz, lang, _label(scope, lang), week=_tasks(week, keep),
                           risky=[s for s in risky if scope is None or s.campaign.pk in scope])
        notice = Notice(AlertKind.DIGEST, same_card(card), f"W-{workspace.pk}", day.isoformat())
        post(txn, workspace, Channel(channel), notice)


def _scopes(subs: Sequence[Subscription]) -> dict[str, set[int] | None]:
    """Per channel: None for every campaign, else the campaigns it subscribed the digest for."""
    scopes: dict[str, set[int] | None] = {}
    for sub in subs:
        if "digest" not in sub.kinds:
            continue
        current = scopes.get(sub.channel_ref, set())
        if sub.campaign_id is None or current is None:
            scopes[sub.channel_ref] = None
        else:
            scopes[sub.channel_ref] = current | {sub.campaign_id}
    return scopes


def _tasks(tasks: Sequence[Task], keep: Keep) -> list[Task]:
    return [t for t in tasks if keep(t.campaign_id)]


def _requests(txn: Txn, pending: Sequence[ApprovalRequest], campaigns: dict[int, Campaign],
              keep: Keep) -> list[tuple[ApprovalRequest, Campaign, list[str]]]:
    """Each request with whoever is asked for its step now (a delegate, an added signer, cover for someone away)."""
    return [(r, campaigns[r.campaign_id], asked(txn, r)) for r in sorted(pending, key=lambda r: r.created_at)
            if keep(r.campaign_id)]


def _label(scope: set[int] | None, lang: str) -> str:
    if scope is None:
        return ""
    return ", ".join(refs.campaign(i) for i in sorted(scope)) or tr(lang, "label.all_campaigns")
