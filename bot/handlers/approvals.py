"""Budget requests and their approval. The handlers: open, approve (adding a signer), reject, return, withdraw, show,
list. Below them the reactions, who hears of what (the table is in bot/bus.py): whoever is asked for the step that
waits (by direct message, with Approve / Reject / Return / Delegate: its role's holders, the person it was added for
or handed to, and for an approver away the colleague covering them), the campaign's home channel (a summary), the
requester (every decision); every copy of a request's card, the people copied in included, is updated to show where
it stands."""

from __future__ import annotations

from bot import approvals as desk
from bot.cards import Card, Reply
from bot.env import Env, Txn
from bot.handlers import closing, common
from bot.i18n import tr
from bot.outbox import EVERY_COPY, CardFor, Channel, Keep, Notice, post, post_all
from bot.presenters import alerts as alert_view
from bot.presenters import approvals as view
from bot.reactions.audience import people
from domain import authz
from domain import commands as c
from domain import events as e
from domain.approval import ApprovalRequest, ApprovalStatus, Decision, Signer, Step, check_staffed
from domain.attachments import merged
from domain.audit import AuditAction
from domain.campaign import Campaign
from domain.money import Money
from domain.notifications import AlertKind
from domain.people import Role

Asked = e.ApprovalRequested | e.ApprovalDecided | e.ApprovalRevised | e.StepDelegated
Changed = e.ApprovalDecided | e.ApprovalWithdrawn | e.ApprovalRevised | e.StepDelegated | e.ApprovalCopied | \
    e.ApprovalUrged


def card(env: Env, r: ApprovalRequest, campaign: Campaign, with_buttons: bool = False) -> Card:
    """The card as the actor reads it."""
    return desk.approval_card(env.uow, env.actor.workspace, env.now, r, campaign, env.lang, with_buttons)


def load(env: Env, number: int) -> tuple[ApprovalRequest, Campaign]:
    r = common.request(env, number)
    return r, common.campaign(env, r.campaign_id)


def covering(env: Env) -> tuple[Signer, ...]:
    """The colleagues away whom the actor covers today."""
    return desk.covering(env.uow, env.actor.workspace, env.actor.user, env.now)


def policy_steps(env: Env, amount: Money, requester: str) -> tuple[Step, ...]:
    """The policy's steps for the amount, refused when a step could get no approver of its own."""
    roles = env.deps.policy.steps_for(amount.amount)
    holders = {role: {m.user_ref for m in env.uow.members.holders(env.workspace_id, role)} for role in Role}
    check_staffed(roles, holders, requester)
    return tuple(Step(role) for role in roles)


def request(cmd: c.RequestBudget, env: Env) -> Reply:
    campaign = common.open_campaign(env, cmd.campaign)
    authz.require("budget request", env.actor.member, authz.RUN_CAMPAIGN, campaign)
    common.check_currency(env, cmd.amount)
    steps = policy_steps(env, cmd.amount, env.actor.user)
    r = env.uow.approvals.add(ApprovalRequest(
        workspace_id=env.workspace_id, campaign_id=campaign.pk, requester=env.actor.user, amount=cmd.amount,
        reason=cmd.reason, steps=steps, created_at=env.now,
        attachments=merged((), (*cmd.attachments, *env.actor.files))))
    common.audit(env, r.ref, AuditAction.APPROVAL_REQUESTED, campaign.pk, amount=r.amount.format(), comment=r.reason)
    env.record(e.ApprovalRequested(r, campaign))
    shown = card(env, r, campaign)
    names = ", ".join(f"<@{u}>" for u in desk.approvers(env.uow, env.actor.workspace, r, env.now))
    return Reply(Card(title=tr(env.lang, "title.request_opened", title=shown.title), tone=shown.tone,
                      fields=shown.fields, footer=tr(env.lang, "hint.request_opened", approvers=names),
                      entity=r.ref, links=shown.links))


def _decided(env: Env, r: ApprovalRequest, campaign: Campaign, decision: Decision, action: AuditAction) -> Reply:
    """Store a decision with its trail, and tell whoever should hear (the reactions)."""
    env.uow.approvals.save(r)
    common.audit(env, r.ref, action, campaign.pk, step=decision.step + 1, comment=decision.comment,
                 on_behalf=decision.on_behalf)
    if decision.added:
        common.audit(env, r.ref, AuditAction.APPROVAL_SIGNER_ADDED, campaign.pk, step=decision.step + 2,
                     to=decision.added)
    if r.status is ApprovalStatus.APPROVED:
        common.audit(env, campaign.ref, AuditAction.BUDGET_APPROVED, campaign.pk, amount=r.amount.format(),
                     request=r.ref)
    env.record(e.ApprovalDecided(r, campaign, decision))
    return Reply(card(env, r, campaign))


def approve(cmd: c.Approve, env: Env) -> Reply:
    r, campaign = load(env, cmd.request)
    closing.decidable(r, campaign)
    r.expect(cmd.stage)
    if cmd.add:
        env.txn.member(env.actor.workspace, cmd.add)  # a member from now on, so the step's card can reach them
    decision = r.approve(env.actor.user, env.actor.member.roles, cmd.comment, env.now, covering=covering(env),
                         add=cmd.add)
    return _decided(env, r, campaign, decision, AuditAction.APPROVAL_APPROVED)


def reject(cmd: c.Reject, env: Env) -> Reply:
    r, campaign = load(env, cmd.request)
    closing.decidable(r, campaign)
    r.expect(cmd.stage)
    decision = r.reject(env.actor.user, env.actor.member.roles, cmd.reason, env.now, covering=covering(env))
    return _decided(env, r, campaign, decision, AuditAction.APPROVAL_REJECTED)


def return_(cmd: c.ReturnRequest, env: Env) -> Reply:
    r, campaign = load(env, cmd.request)
    closing.decidable(r, campaign)
    r.expect(cmd.stage)
    decision = r.return_(env.actor.user, env.actor.member.roles, cmd.reason, env.now, covering=covering(env))
    return _decided(env, r, campaign, decision, AuditAction.APPROVAL_RETURNED)


def withdraw(cmd: c.Withdraw, env: Env) -> Reply:
    r, campaign = load(env, cmd.request)
    r.withdraw(env.actor.user, env.now)
    env.uow.approvals.save(r)
    common.audit(env, r.ref, AuditAction.APPROVAL_WITHDRAWN, campaign.pk)
    env.record(e.ApprovalWithdrawn(r, campaign))
    return Reply(card(env, r, campaign))


def may_decide(env: Env, r: ApprovalRequest) -> bool:
    return desk.may_decide(env.uow, env.actor.workspace, env.actor.member, r, env.now)


def show(env: Env, number: int) -> Reply:
    r, campaign = load(env, number)
    shown = card(env, r, campaign, with_buttons=may_decide(env, r))
    trail = view.trail(env.uow.audit.for_entity(r.ref), env.actor.tz, env.lang)
    return Reply(Card(title=shown.title, tone=shown.tone, fields=shown.fields, sections=(*shown.sections, trail),
                      buttons=shown.buttons, entity=shown.entity, footer=shown.footer, links=shown.links))


def list_(cmd: c.ListApprovals, env: Env) -> Reply:
    status = None if cmd.scope == "all" else ApprovalStatus.PENDING
    found = env.uow.approvals.list(env.workspace_id, status)
    if cmd.scope == "mine":
        found = [r for r in found if may_decide(env, r)]
    items = [(r, common.campaign(env, r.campaign_id)) for r in sorted(found, key=lambda r: r.created_at)]
    title = tr(env.lang, f"title.approvals_{cmd.scope}")
    return Reply(view.approval_list(title, items, env.today, env.lang))


# Who hears of it: the reactions to the events recorded above.
def card_for(txn: Txn, r: ApprovalRequest, campaign: Campaign, with_buttons: bool) -> CardFor:
    """The request's card in any language, as it stands now (read from storage once)."""
    return desk.card_for(txn.uow, txn.workspace_of(r.workspace_id), txn.now, r, campaign, with_buttons)


def asked(txn: Txn, r: ApprovalRequest) -> list[str]:
    return desk.approvers(txn.uow, txn.workspace_of(r.workspace_id), r, txn.now)


def ask_approvers(event: Asked, txn: Txn) -> None:
    """The step that now waits, if any: whoever is asked for it gets the card with its buttons, once per step (and
    once more for each new holder of a step handed over)."""
    r = event.request
    workspace = txn.workspace_of(r.workspace_id)
    if r.current is None:
        return
    notice = Notice(AlertKind.APPROVAL_PENDING, card_for(txn, r, event.campaign, True), r.ref, desk.stage(r))
    post_all(txn, workspace, people(txn, workspace, asked(txn, r)), notice)


def post_summary(event: e.ApprovalRequested, txn: Txn) -> None:
    r = event.request
    workspace = txn.workspace_of(r.workspace_id)
    notice = Notice(AlertKind.APPROVAL_PENDING, card_for(txn, r, event.campaign, False), r.ref, "summary")
    post(txn, workspace, Channel(event.campaign.home_channel), notice)


def show_outcome(event: Changed, txn: Txn) -> None:
    """Every copy of the card, in the language it was sent in, without its buttons: a decision (or a revision) ends
    what they acted on. A move that is not a decision (a hand-over, a copy, an urge) leaves the step waiting, so the
    copies whose buttons act on it keep them, live."""
    r = event.request
    keep = None
    if isinstance(event, e.StepDelegated | e.ApprovalCopied | e.ApprovalUrged) and r.current is not None:
        keep = Keep(f"{r.round}.{r.current_step + 1}", card_for(txn, r, event.campaign, True))
    notice = Notice(AlertKind.CARD_UPDATE, card_for(txn, r, event.campaign, False), r.ref, f"v{r.version}", keep=keep)
    post(txn, txn.workspace_of(r.workspace_id), EVERY_COPY, notice)


def tell_requester(event: e.ApprovalDecided, txn: Txn) -> None:
    r, decision = event.request, event.decision
    workspace = txn.workspace_of(r.workspace_id)
    notice = Notice(AlertKind.APPROVAL_DECIDED, card_for(txn, r, event.campaign, False), r.ref,
                    f"{decision.outcome.value}:{len(r.decisions)}")
    post_all(txn, workspace, people(txn, workspace, [r.requester], but=decision.decider), notice)


def remind_approvers(event: e.ApprovalOverdue, txn: Txn) -> None:
    """The card itself, buttons and all, under a title that says how long it has waited."""
    r = event.request
    workspace = txn.workspace_of(r.workspace_id)
    shown = card_for(txn, r, event.campaign, True)

    def reminder(lang: str) -> Card:
        return alert_view.reminder(shown(lang), event.waited, lang)
    notice = Notice(AlertKind.APPROVAL_REMINDER, reminder, r.ref, f"{desk.stage(r)}.{event.periods}")
    post_all(txn, workspace, people(txn, workspace, asked(txn, r)), notice)
