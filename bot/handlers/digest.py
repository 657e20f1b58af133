"""The daily digest: at or after the digest hour of each workspace's own day, once per local date (the key's
period), to every channel subscribed to `digest`: what is overdue, what is due today, what waits for approval.
Keyed by the local date, a daylight-saving change neither skips nor doubles it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, time, timedelta

from bot.handlers.system import Scan
from bot.i18n import tr
from bot.notify import to_channel
from bot.presenters import alerts as view
from domain import commands as c
from domain import refs
from domain.approval import ApprovalRequest, ApprovalStatus
from domain.campaign import Campaign
from domain.notifications import AlertKind, Subscription
from domain.people import Workspace
from domain.task import Task


def scan(cmd: c.SendDigests, s: Scan) -> None:
    for workspace in s.uow.workspaces.all():
        local = s.now.astimezone(workspace.tz)
        if local.hour < s.deps.settings.digest_hour:
            continue
        scopes = _scopes(s.uow.subscriptions.for_workspace(workspace.pk))
        if scopes:
            _send(s, workspace, scopes)


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


def _send(s: Scan, workspace: Workspace, scopes: dict[str, set[int] | None]) -> None:
    tz, lang = workspace.tz, workspace.lang
    day = s.now.astimezone(tz).date()
    end_of_day = datetime.combine(day + timedelta(days=1), time(0), tz)
    overdue = s.uow.tasks.open_due_before(workspace.pk, s.now)
    today = s.uow.tasks.open_due_between(workspace.pk, s.now, end_of_day)
    pending = s.uow.approvals.list(workspace.pk, ApprovalStatus.PENDING)
    ids = [t.campaign_id for t in (*overdue, *today)] + [r.campaign_id for r in pending]
    campaigns = {camp.id: camp for camp in s.uow.campaigns.many(ids) if camp.is_open}
    for channel, scope in scopes.items():
        def keep(campaign_id: int, scope: set[int] | None = scope) -> bool:
            return campaign_id in campaigns and (scope is None or campaign_id in scope)

        card = view.digest(day, _tasks(overdue, keep), _tasks(today, keep),
                           _requests(pending, campaigns, keep), s.now, tz, lang, _label(scope, campaigns, lang))
        s.count(to_channel(s.uow, workspace, channel, AlertKind.DIGEST.value, card, f"W-{workspace.pk}",
                           day.isoformat(), s.now))


Keep = Callable[[int], bool]


def _tasks(tasks: Sequence[Task], keep: Keep) -> list[Task]:
    return [t for t in tasks if keep(t.campaign_id)]


def _requests(pending: Sequence[ApprovalRequest], campaigns: dict[int | None, Campaign],
              keep: Keep) -> list[tuple[ApprovalRequest, Campaign]]:
    return [(r, campaigns[r.campaign_id]) for r in sorted(pending, key=lambda r: r.created_at) if keep(r.campaign_id)]


def _label(scope: set[int] | None, campaigns: dict[int | None, Campaign], lang: str) -> str:
    if scope is None:
        return ""
    return ", ".join(refs.campaign(i) for i in sorted(scope)) or tr(lang, "label.all_campaigns")
