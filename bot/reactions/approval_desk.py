"""Who hears of the approval desk's moves: the people copied in get a read-only copy (which every later change
updates in place, as any copy), an urge reaches whoever is asked for the step now, and a delegate named while away is
told, with the cards of the steps they now cover; when the cover ends they are told too."""

from __future__ import annotations

from dataclasses import replace

from bot import approvals as desk
from bot.cards import Card, Section, Tone
from bot.env import Txn
from bot.handlers.approvals import asked, card_for
from bot.i18n import tr
from bot.outbox import Notice, post, post_all
from bot.presenters import fmt
from bot.reactions.audience import people
from domain import events as e
from domain.approval import ApprovalStatus
from domain.notifications import AlertKind


def send_copies(event: e.ApprovalCopied, txn: Txn) -> None:
    r = event.request
    workspace = txn.workspace_of(r.workspace_id)
    notice = Notice(AlertKind.APPROVAL_COPY, card_for(txn, r, event.campaign, False), r.ref, "cc")
    post_all(txn, workspace, people(txn, workspace, event.people, but=event.by), notice)


def urge_approvers(event: e.ApprovalUrged, txn: Txn) -> None:
    """The card with its buttons, under a title that says who urges; once per urge."""
    r = event.request
    workspace = txn.workspace_of(r.workspace_id)
    shown = card_for(txn, r, event.campaign, True)

    def urged(lang: str) -> Card:
        found = shown(lang)
        return replace(found, title=tr(lang, "title.urged", title=found.title))
    stamp = int(r.urged_at.timestamp()) if r.urged_at else 0
    notice = Notice(AlertKind.APPROVAL_URGED, urged, r.ref, f"urge{stamp}")
    post_all(txn, workspace, people(txn, workspace, asked(txn, r), but=event.by), notice)


def tell_delegate(event: e.AwayDelegated, txn: Txn) -> None:
    """The colleague now covering hears it, then gets the cards of the steps waiting for the one away."""
    workspace, member, away = event.workspace, event.member, event.away

    def told(lang: str) -> Card:
        text = tr(lang, "label.away_covering", user=fmt.mention(member.user_ref, lang), until=fmt.day(away.until, lang))
        return Card(title=tr(lang, "title.away_covering"), tone=Tone.INFO, sections=(Section(text),))
    target = txn.member(workspace, away.delegate)
    post(txn, workspace, target, Notice(AlertKind.NOTICE, told, f"@{member.user_ref}",
                                        f"away.{away.delegate}.{away.until.isoformat()}"))
    for r in txn.uow.approvals.list(workspace.pk, ApprovalStatus.PENDING):
        if member.user_ref in desk.named(txn.uow, r) and away.delegate in asked(txn, r):
            campaign = txn.uow.campaigns.get(r.campaign_id, workspace.pk)
            if campaign is not None:
                notice = Notice(AlertKind.APPROVAL_PENDING, card_for(txn, r, campaign, True), r.ref, desk.stage(r))
                post(txn, workspace, target, notice)


def tell_former_delegate(event: e.AwayEnded, txn: Txn) -> None:
    workspace, member, away = event.workspace, event.member, event.away

    def told(lang: str) -> Card:
        text = tr(lang, "label.away_ended", user=fmt.mention(member.user_ref, lang))
        return Card(title=tr(lang, "title.away_ended"), tone=Tone.INFO, sections=(Section(text),))
    stamp = int(txn.now.timestamp())
    post(txn, workspace, txn.member(workspace, away.delegate),
         Notice(AlertKind.NOTICE, told, f"@{member.user_ref}", f"back.{away.delegate}.{stamp}"))
