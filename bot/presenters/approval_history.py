"""What has happened to a budget request, one line each, oldest first, for every copy of its card: each decision
(approved, rejected, returned; by whom, for whom, adding whom), and the desk's moves kept in the audit trail (handed
over, revised, copied in, urged)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from zoneinfo import ZoneInfo

from bot.i18n import tr
from bot.presenters import fmt
from domain.approval import ApprovalRequest, ApprovalStatus, Decision, Outcome
from domain.audit import AuditAction, AuditEntry

VERBS = {Outcome.APPROVED: "label.approved_by", Outcome.REJECTED: "label.rejected_by",
         Outcome.RETURNED: "label.returned_by"}


def who(role: str | None, signer: str | None, lang: str) -> str:
    """A step's approver as the card names it: the role, or the person it was added for."""
    if signer:
        return tr(lang, "label.signer_step", user=fmt.mention(signer, lang))
    return fmt.enum(lang, "role", role) if role else tr(lang, "label.added_step")


def quoted(text: str) -> str:
    return f" — “{fmt.user_text(text)}”" if text else ""


def decision_line(d: Decision, tz: ZoneInfo, lang: str) -> str:
    line = tr(lang, VERBS[d.outcome], step=d.step + 1, role=who(d.role.value if d.role else None, None, lang),
              user=fmt.mention(d.decider, lang), at=fmt.moment(d.at, tz, lang))
    if d.on_behalf:
        line += tr(lang, "label.on_behalf", user=fmt.mention(d.on_behalf, lang))
    if d.added:
        line += tr(lang, "label.adding_signer", user=fmt.mention(d.added, lang))
    return line + quoted(d.comment)


def _people(raw: str, lang: str) -> str:
    return ", ".join(fmt.mention(user, lang) for user in raw.split(",") if user)


def _delegated(e: AuditEntry, at: str, lang: str) -> str:
    return tr(lang, "label.delegated_line", step=e.detail.get("step", "?"), to=fmt.mention(e.detail.get("to"), lang),
              user=fmt.mention(e.actor, lang), at=at)


def _revised(e: AuditEntry, at: str, lang: str) -> str:
    return tr(lang, "label.revised_line", user=fmt.mention(e.actor, lang), at=at,
              before=e.detail.get("before", ""), amount=e.detail.get("amount", ""),
              round=e.detail.get("round", "")) + quoted(e.detail.get("comment", ""))


def _copied(e: AuditEntry, at: str, lang: str) -> str:
    return tr(lang, "label.copied_line", user=fmt.mention(e.actor, lang), people=_people(e.detail.get("people", ""),
                                                                                        lang), at=at)


def _urged(e: AuditEntry, at: str, lang: str) -> str:
    return tr(lang, "label.urged_line", user=fmt.mention(e.actor, lang), at=at)


DESK: dict[AuditAction, Callable[[AuditEntry, str, str], str]] = {
    AuditAction.APPROVAL_DELEGATED: _delegated, AuditAction.APPROVAL_REVISED: _revised,
    AuditAction.APPROVAL_COPIED: _copied, AuditAction.APPROVAL_URGED: _urged,
}


DECIDED = frozenset({AuditAction.APPROVAL_APPROVED, AuditAction.APPROVAL_REJECTED, AuditAction.APPROVAL_RETURNED})


def lines(r: ApprovalRequest, entries: Sequence[AuditEntry], tz: ZoneInfo, lang: str) -> list[str]:
    """Decisions and the desk's moves in the order they happened: the trail's order, each decision taking the place
    of its own entry (decisions are in that order too: by round, then step); any not in the trail come last."""
    decisions = iter(r.decisions)
    found: list[str] = []
    for e in entries:
        if e.action in DECIDED:
            decision = next(decisions, None)
            if decision is not None:
                found.append(decision_line(decision, tz, lang))
        elif (present := DESK.get(e.action)) is not None:
            found.append(present(e, fmt.moment(e.at, tz, lang), lang))
    found.extend(decision_line(d, tz, lang) for d in decisions)
    if r.status is ApprovalStatus.WITHDRAWN:
        found.append(tr(lang, "label.withdrawn_by", user=fmt.mention(r.requester, lang),
                        at=fmt.moment(r.closed_at, tz, lang)))
    return found
