"""Who hears: a campaign's channels (its home channel and every channel subscribed to the kind), and people by
their refs, each once, as members of the workspace."""

from __future__ import annotations

from collections.abc import Iterable

from bot.env import Txn
from bot.outbox import Channel
from domain.campaign import Campaign
from domain.notifications import AlertKind
from domain.people import Member, Workspace


def channels(txn: Txn, workspace: Workspace, campaign: Campaign, kind: AlertKind) -> list[Channel]:
    """The home channel, then every channel subscribed to this kind for this campaign, each once."""
    found = [campaign.home_channel] if campaign.home_channel else []
    for sub in txn.subscriptions(workspace.pk):
        if sub.wants(kind, campaign.pk) and sub.channel_ref not in found:
            found.append(sub.channel_ref)
    return [Channel(ref) for ref in found]


def people(txn: Txn, workspace: Workspace, users: Iterable[str], but: str | None = None) -> list[Member]:
    """Each person once, never `but` (whoever acted: nobody is told of their own doing)."""
    return [txn.member(workspace, user) for user in dict.fromkeys(users) if user != but]
