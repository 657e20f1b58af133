"""`show`: the card of whatever the id names (campaign, task or approval request)."""

from __future__ import annotations

from bot.cards import Card, Reply
from bot.env import Env
from bot.handlers import approvals, common
from bot.handlers.campaigns import card as campaign_card
from bot.presenters import approvals as approval_view
from bot.presenters import tasks as task_view
from domain import commands as c
from domain.refs import Kind


def show(cmd: c.Show, env: Env) -> Reply:
    if cmd.kind is Kind.CAMPAIGN:
        campaign = common.campaign(env, cmd.number)
        card = campaign_card(env, campaign)
        trail = approval_view.trail(env.uow.audit.for_entity(campaign.ref)[-8:], env.actor.tz, env.lang)
        return Reply(Card(title=card.title, tone=card.tone, fields=card.fields, sections=(trail,),
                          footer=card.footer, entity=card.entity))
    if cmd.kind is Kind.TASK:
        task = common.task(env, cmd.number)
        campaign = common.campaign(env, task.campaign_id)
        return Reply(task_view.task_card(task, campaign, env.now, env.actor.tz, env.lang))
    return approvals.show(env, cmd.number)
