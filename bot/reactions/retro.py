"""A completed campaign's retrospective, drafted by the bot and posted to its home channel (once per day it is
completed: a campaign reopened and completed again the next day gets a fresh one)."""

from __future__ import annotations

from bot.env import Txn
from bot.outbox import Channel, Notice, post
from bot.presenters import retro as view
from bot.retro import gather
from domain import events as e
from domain.notifications import AlertKind


def post_retro(event: e.CampaignCompleted, txn: Txn) -> None:
    campaign = event.campaign
    workspace = txn.workspace_of(campaign.workspace_id)
    retro = gather(txn.uow, campaign, txn.now)
    day = txn.now.astimezone(workspace.tz).date()
    notice = Notice(AlertKind.RETRO, lambda lang: view.retro_card(retro, workspace.tz, lang, posted=True),
                    f"retro:{campaign.ref}", day.isoformat(), keyed_as=campaign.ref)
    post(txn, workspace, Channel(campaign.home_channel), notice)
