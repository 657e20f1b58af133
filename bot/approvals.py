"""Budget requests read from storage, the same for a handler, a reaction or a scan: who may decide the step that
waits (roles, a named signer, a colleague it was handed to, and whoever covers an approver who is away), who is asked
for it, and the decision card as a reader sees it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.cards import Card
from bot.ledgers import ledger_of
from bot.presenters import approvals as view
from domain.approval import ApprovalRequest, Signer
from domain.campaign import Campaign
from domain.people import Member, Workspace
from domain.ports import UnitOfWork

MAX_CANDIDATES = 50  # people offered in a card's person picker (Feishu); Slack's picker searches the workspace
CardFor = Callable[[str], Card]


def covering(uow: UnitOfWork, workspace: Workspace, user: str, now: datetime) -> tuple[Signer, ...]:
    """The colleagues `user` covers today: those away who named them their delegate."""
    return tuple(Signer(m.user_ref, frozenset(m.roles)) for m in uow.members.covered_by(workspace.pk, user)
                 if (away := m.away_now(workspace, now)) is not None and away.delegate == user)


def may_decide(uow: UnitOfWork, workspace: Workspace, member: Member, r: ApprovalRequest, now: datetime) -> bool:
    return r.may_decide(member.user_ref, member.roles, covering(uow, workspace, member.user_ref, now))


def named(uow: UnitOfWork, r: ApprovalRequest) -> list[str]:
    """Whom the step that waits is for: the person it was handed to or added for, else its role's holders."""
    step = r.current
    if step is None:
        return []
    if step.delegate or step.signer:
        return [step.delegate or step.signer or ""]
    return sorted(m.user_ref for m in uow.members.holders(r.workspace_id, step.role) if r.eligible(m.user_ref)
                  ) if step.role else []


def approvers(uow: UnitOfWork, workspace: Workspace, r: ApprovalRequest, now: datetime) -> list[str]:
    """Who is asked for the step that waits, each once: its people, an approver away replaced by their delegate
    (when the delegate may take it: not the requester, no earlier step)."""
    asked: list[str] = []
    for user in named(uow, r):
        member = uow.members.get(workspace.pk, user)
        away = member.away_now(workspace, now) if member else None
        asked.append(away.delegate if away and r.eligible(away.delegate) else user)
    return list(dict.fromkeys(asked))


def stage(r: ApprovalRequest) -> str:
    """What makes the step that waits itself, for the natural keys of its cards and reminders: the step, the round
    after a revision, and the moment it was handed over (so each new holder gets a card of their own)."""
    key = f"step{r.current_step + 1}" if r.round == 1 else f"r{r.round}.step{r.current_step + 1}"
    step = r.current
    if step is not None and step.delegate and r.step_since is not None:
        key += f".to{int(r.step_since.timestamp())}"
    return key


def candidates(uow: UnitOfWork, r: ApprovalRequest) -> tuple[str, ...]:
    """Whom the step that waits may be handed to: members who could take it (for a picker that needs a list)."""
    step = r.current
    if step is None:
        return ()
    # The first members by id are enough: at most the requester, the deciders and two more are left out.
    enough = MAX_CANDIDATES + len(r.decisions) + 3
    found = [m.user_ref for m in uow.members.first(r.workspace_id, enough)
             if r.eligible(m.user_ref) and m.user_ref not in (step.delegate, step.signer)]
    return tuple(sorted(found)[:MAX_CANDIDATES])


def card_for(uow: UnitOfWork, workspace: Workspace, now: datetime, r: ApprovalRequest, campaign: Campaign,
             with_buttons: bool = True) -> CardFor:
    """The decision card in any language, read from storage once: with Approve / Reject / Return / Delegate for the
    approvers, without them once decided or for onlookers."""
    ledger = ledger_of(uow, campaign)
    today = now.astimezone(workspace.tz).date()
    pacing = ledger.pacing(campaign.pacing_days(), today)
    history = uow.audit.for_entity(r.ref)
    people = candidates(uow, r) if with_buttons else ()

    def card(lang: str) -> Card:
        return view.approval_card(r, campaign, ledger, pacing, workspace.tz, lang, with_buttons, history, people)
    return card


def approval_card(uow: UnitOfWork, workspace: Workspace, now: datetime, r: ApprovalRequest, campaign: Campaign,
                  lang: str, with_buttons: bool = True) -> Card:
    return card_for(uow, workspace, now, r, campaign, with_buttons)(lang)
