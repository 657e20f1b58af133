"""Notification routing: who hears of what, in their language, held through their quiet hours. Every
message is an outbox row written in the caller's transaction, with a natural key so it is sent once."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.cards import Card
from bot.env import Env
from bot.identity import ensure_member
from domain.notifications import AlertKind, OutboxMessage, Subscription, Target, TargetKind, key
from domain.people import LANGS, Member, QuietHours, Workspace
from domain.ports import UnitOfWork

CardFor = Callable[[str], Card]  # language -> card


def quiet_until(quiet: QuietHours | None, tz: ZoneInfo, now: datetime) -> datetime:
    """When a direct message may go out: now, or the end of the recipient's quiet window."""
    if quiet is None:
        return now
    local = now.astimezone(tz)
    if not quiet.holds(local.time()):
        return now
    end = local.replace(hour=quiet.end.hour, minute=quiet.end.minute, second=0, microsecond=0)
    if end <= local:
        end += timedelta(days=1)
    return end.astimezone(ZoneInfo("UTC"))


def _add(uow: UnitOfWork, workspace: Workspace, kind: str, target: Target, card: Card, entity: str,
         period: str, now: datetime, not_before: datetime, lang: str | None = None) -> bool:
    # The reader's language rides along, so that a folded burst is headed in it too.
    payload = {**card.to_dict(), "lang": lang or workspace.lang}
    message = OutboxMessage(key=key(kind, entity, period, target), kind=kind, workspace_id=workspace.pk,
                            target=target, payload=payload, created_at=now, not_before=not_before,
                            entity=entity)
    return uow.outbox.add(message)


def to_user(uow: UnitOfWork, workspace: Workspace, member: Member, kind: str, card_for: CardFor, entity: str,
            period: str, now: datetime) -> bool:
    """A direct message, held until the recipient's quiet hours end."""
    hold = quiet_until(member.quiet, member.tz_in(workspace), now)
    lang = member.lang_in(workspace)
    return _add(uow, workspace, kind, Target(TargetKind.USER, member.user_ref), card_for(lang), entity, period, now,
                hold, lang)


def to_channel(uow: UnitOfWork, workspace: Workspace, channel: str, kind: str, card: Card, entity: str,
               period: str, now: datetime) -> bool:
    if not channel:
        return False
    return _add(uow, workspace, kind, Target(TargetKind.CHANNEL, channel), card, entity, period, now, now)


def channels_for(uow: UnitOfWork, workspace: Workspace, home: str, kind: str, campaign_id: int | None,
                 subscriptions: Sequence[Subscription] | None = None) -> list[str]:
    """The home channel, then every channel subscribed to this kind for this campaign, each once. A scan passes
    the workspace's subscriptions it has already read."""
    found = [home] if home else []
    subs = uow.subscriptions.for_workspace(workspace.pk) if subscriptions is None else subscriptions
    for sub in subs:
        if sub.wants(kind, campaign_id) and sub.channel_ref not in found:
            found.append(sub.channel_ref)
    return found


def tell(env: Env, users: Iterable[str], kind: str, card_for: CardFor, entity: str, period: str) -> None:
    """Direct messages to workspace members (never to the actor themselves)."""
    for user in dict.fromkeys(users):
        if user == env.actor.user:
            continue
        member = ensure_member(env.uow, env.actor.workspace, user, env.deps.settings, env.now)
        to_user(env.uow, env.actor.workspace, member, kind, card_for, entity, period, env.now)


def update_copies(env: Env, entity: str, card_for: CardFor, version: int) -> None:
    """Ask the delivery worker to update every copy of this entity's card in place, each in the language it
    was sent in (an approver reading Chinese keeps Chinese after an English-speaking colleague decides)."""
    workspace = env.actor.workspace
    payload = {**card_for(workspace.lang).to_dict(), "lang": workspace.lang,
               "translations": {lang: card_for(lang).to_dict() for lang in LANGS if lang != workspace.lang}}
    target = Target(TargetKind.CHANNEL, "*")
    env.uow.outbox.add(OutboxMessage(key=key(AlertKind.CARD_UPDATE.value, entity, f"v{version}", target),
                                     kind=AlertKind.CARD_UPDATE.value, workspace_id=workspace.pk, target=target,
                                     payload=payload, created_at=env.now, not_before=env.now, entity=entity))
