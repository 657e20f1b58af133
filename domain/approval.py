"""Budget approval requests: multi-step or-sign policy, no self-approval, one decision per step per round; an approval
desk's moves on the same steps: send back for changes (return) and resubmit (revise), add a signer, hand a step to a
colleague (delegate), copy people in, urge. A person away can be covered by the colleague they named."""

from __future__ import annotations

from collections.abc import Sequence, Set
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum

from domain import refs
from domain.approval_policy import DEFAULT_POLICY, Policy, Tier, check_staffed, first_unstaffed_step
from domain.approval_steps import Decision, Outcome, Signer, Step
from domain.attachments import Attachment
from domain.errors import (
    AlreadyDecided,
    AlreadyDelegated,
    DecidedEarlierStep,
    InvalidInput,
    InvalidTransition,
    MemsError,
    NotAllowed,
    NotCurrentApprover,
    NotNamedApprover,
    PersonDecidedEarlier,
    PersonIsRequester,
    SelfApproval,
    StaleCard,
    StepAlreadyDecided,
    UrgedRecently,
    WithdrawnWithCampaign,
)
from domain.money import Money
from domain.people import Role
from domain.stored import Stored

# The policy and the chain's parts, re-exported: a request is read and built with them.
__all__ = ["DEFAULT_POLICY", "OPEN", "URGE_EVERY", "ApprovalRequest", "ApprovalStatus", "Decision", "Outcome",
           "Policy", "Signer", "Stage", "Step", "Tier", "check_staffed", "first_unstaffed_step"]
URGE_EVERY = timedelta(hours=1)
Stage = tuple[int, int, int]  # (round, 1-based step, hand-overs of that step)


class ApprovalStatus(StrEnum):
    PENDING = "pending"
    RETURNED = "returned"  # back with the requester for changes; `budget revise` starts it again
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


OPEN = frozenset({ApprovalStatus.PENDING, ApprovalStatus.RETURNED})


def _step(value: Step | Role | str) -> Step:
    return value if isinstance(value, Step) else Step(Role(value))


@dataclass(slots=True)
class ApprovalRequest(Stored):
    workspace_id: int
    campaign_id: int
    requester: str
    amount: Money
    reason: str
    steps: tuple[Step, ...]
    created_at: datetime
    status: ApprovalStatus = ApprovalStatus.PENDING
    decisions: list[Decision] = field(default_factory=list)
    closed_at: datetime | None = None
    id: int | None = None
    version: int = 0
    round: int = 1  # a revision starts a new round at step 1; earlier rounds' decisions stay in the trail
    step_since: datetime | None = None  # when the step that waits began waiting (its approvers' SLA runs from it)
    cc: tuple[str, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    urged_at: datetime | None = None
    closed_with: str | None = None  # withdrawn because its campaign went to this status (cancelled, completed)

    def __post_init__(self) -> None:
        if self.amount.amount <= 0:
            raise InvalidInput("amount", "amount_not_positive", value=self.amount.format())
        if not self.reason.strip():
            raise InvalidInput("reason", "reason_required")
        self.steps = tuple(_step(s) for s in self.steps)  # a policy's roles are steps too
        self.step_since = self.step_since or self.created_at

    @property
    def ref(self) -> str:
        return refs.approval(self.id or 0)

    @property
    def is_open(self) -> bool:
        """Pending, or returned for changes: money may still be asked for."""
        return self.status in OPEN

    def this_round(self) -> list[Decision]:
        return [d for d in self.decisions if d.round == self.round]

    @property
    def current_step(self) -> int:
        """0-based index of the step awaiting a decision (== len(steps) once approved)."""
        return sum(1 for d in self.this_round() if d.outcome is Outcome.APPROVED)

    @property
    def current(self) -> Step | None:
        step = self.current_step
        return self.steps[step] if self.status is ApprovalStatus.PENDING and step < len(self.steps) else None

    @property
    def current_role(self) -> Role | None:
        return self.current.role if self.current else None

    def deciders(self) -> set[str]:
        """Who decided a step of this round, themselves or through a delegate."""
        return {d.decider for d in self.this_round()} | {d.on_behalf for d in self.this_round() if d.on_behalf}

    def eligible(self, user: str) -> bool:
        """May take a step of this round at all: not the requester, and no step decided already."""
        return user != self.requester and user not in self.deciders()

    def may_decide(self, user: str, roles: Set[Role], covering: Sequence[Signer] = ()) -> bool:
        try:
            self._decider(user, roles, covering)
        except MemsError:
            return False
        return True

    @property
    def stage(self) -> Stage:
        """The round, the 1-based step that waits and its hand-overs: what a card's buttons act on."""
        step = self.current
        return self.round, self.current_step + 1, step.handed if step else 0

    def expect(self, stage: Stage | None) -> None:
        """A button acts on the step its card showed: once decided or revised since, it changes nothing."""
        if stage is None:
            return
        self._require_pending()
        if stage != self.stage:
            raise StaleCard(self.ref, self.current_step + 1, self.round)

    # --- checks --------------------------------------------------------------------------------------------
    def _require_pending(self) -> None:
        if self.status is ApprovalStatus.PENDING:
            return
        last = self.decisions[-1] if self.decisions else None
        if self.status is ApprovalStatus.WITHDRAWN and self.closed_with:
            raise WithdrawnWithCampaign(self.ref, refs.campaign(self.campaign_id), self.closed_with,
                                        self.closed_at or self.created_at)
        if self.status is ApprovalStatus.WITHDRAWN or last is None:
            raise AlreadyDecided(self.ref, self.status.value, self.requester, self.closed_at or self.created_at)
        raise AlreadyDecided(self.ref, self.status.value, last.decider, last.at)

    def _earlier(self, user: str) -> Decision | None:
        return next((d for d in self.this_round() if user in (d.decider, d.on_behalf)), None)

    def _decider(self, user: str, roles: Set[Role], covering: Sequence[Signer]) -> str | None:
        """Whose right `user` uses on the step that waits: their own (None) or an away colleague's; else raises."""
        self._require_pending()
        step = self.steps[self.current_step]
        if user == self.requester:
            raise SelfApproval(self.ref)
        earlier = self._earlier(user)
        if earlier is not None:
            raise DecidedEarlierStep(self.ref, earlier.step + 1, earlier.at)
        if step.accepts(user, roles):
            return None
        for other in covering:
            if self.eligible(other.user) and step.accepts(other.user, other.roles):
                return other.user
        if step.signer is not None:
            raise NotNamedApprover(self.ref, self.current_step + 1, step.signer)
        mine = [d for d in self.this_round() if d.role is not None and d.role in roles]
        if mine:  # a step this user could decide was decided by someone else (a race, or a late click)
            last = mine[-1]
            raise StepAlreadyDecided(self.ref, last.step + 1, last.outcome.value, last.decider, last.at,
                                     step.role.value if step.role else "")
        raise NotCurrentApprover(self.ref, self.current_step + 1, step.role.value if step.role else "")

    def check_person(self, person: str) -> None:
        """A step may go to `person` (handed over or added): never the requester, nor an earlier step's decider."""
        if person == self.requester:
            raise PersonIsRequester(self.ref, person)
        earlier = self._earlier(person)
        if earlier is not None:
            raise PersonDecidedEarlier(self.ref, person, earlier.step + 1)

    # --- decisions -----------------------------------------------------------------------------------------
    def _decide(self, user: str, roles: Set[Role], outcome: Outcome, comment: str, now: datetime,
                covering: Sequence[Signer], added: str | None = None) -> Decision:
        on_behalf = self._decider(user, roles, covering)
        index = self.current_step
        decision = Decision(index, self.steps[index].role, user, outcome, comment.strip(), now, self.round,
                            on_behalf, added)
        if added is not None:
            self.check_person(added)
            if added in (user, on_behalf):
                raise PersonDecidedEarlier(self.ref, added, index + 1)
            self.steps = (*self.steps[:index + 1], Step(signer=added), *self.steps[index + 1:])
        self.decisions.append(decision)
        self.step_since = now
        return decision

    def approve(self, user: str, roles: Set[Role], comment: str, now: datetime, *,
                covering: Sequence[Signer] = (), add: str | None = None) -> Decision:
        """Approve the step that waits; `add` puts one more step right after it, for that person alone."""
        decision = self._decide(user, roles, Outcome.APPROVED, comment, now, covering, add)
        if self.current_step == len(self.steps):
            self.status = ApprovalStatus.APPROVED
            self.closed_at = now
        return decision

    def reject(self, user: str, roles: Set[Role], reason: str, now: datetime, *,
               covering: Sequence[Signer] = ()) -> Decision:
        if not reason.strip():
            raise InvalidInput("reason", "reason_required")
        decision = self._decide(user, roles, Outcome.REJECTED, reason, now, covering)
        self.status = ApprovalStatus.REJECTED
        self.closed_at = now
        return decision

    def return_(self, user: str, roles: Set[Role], reason: str, now: datetime, *,
                covering: Sequence[Signer] = ()) -> Decision:
        """Back to the requester for changes: not a rejection; `reason` says what to change."""
        if not reason.strip():
            raise InvalidInput("reason", "reason_required")
        decision = self._decide(user, roles, Outcome.RETURNED, reason, now, covering)
        self.status = ApprovalStatus.RETURNED
        return decision

    # --- the requester's moves -----------------------------------------------------------------------------
    def _by_requester(self, user: str, action: str) -> None:
        if user != self.requester:
            raise NotAllowed(action, ("requester",))

    def revise(self, user: str, amount: Money, reason: str, steps: Sequence[Step], now: datetime,
               attachments: tuple[Attachment, ...] | None = None) -> None:
        """Resubmit a returned request: new amount and reason, its steps for that amount, from step 1 again."""
        self._by_requester(user, "budget revise")
        if self.status is not ApprovalStatus.RETURNED:
            raise InvalidTransition(self.ref, self.status.value, "revise", ())
        if amount.amount <= 0:
            raise InvalidInput("amount", "amount_not_positive", value=amount.format())
        if not reason.strip():
            raise InvalidInput("reason", "reason_required")
        self.amount, self.reason, self.steps = amount, reason.strip(), tuple(steps)
        self.attachments = self.attachments if attachments is None else attachments
        self.round += 1
        self.status = ApprovalStatus.PENDING
        self.step_since = now
        self.urged_at = None

    def withdraw(self, user: str, now: datetime) -> None:
        self._by_requester(user, "withdraw")
        if not self.is_open:
            raise InvalidTransition(self.ref, self.status.value, "withdraw", ())
        self.status = ApprovalStatus.WITHDRAWN
        self.closed_at = now

    def withdraw_with_campaign(self, status: str, now: datetime) -> bool:
        """The campaign was cancelled or completed (`status`): an open request is withdrawn with it; True if it was."""
        if not self.is_open:
            return False
        self.status = ApprovalStatus.WITHDRAWN
        self.closed_at = now
        self.closed_with = status
        return True

    def urge(self, user: str, now: datetime) -> None:
        """Remind the approvers now: the requester's, at most once every URGE_EVERY."""
        self._by_requester(user, "urge")
        self._require_pending()
        if self.urged_at is not None and now < self.urged_at + URGE_EVERY:
            raise UrgedRecently(self.ref, self.urged_at, self.urged_at + URGE_EVERY)
        self.urged_at = now

    # --- hand-overs and copies -----------------------------------------------------------------------------
    def delegate(self, user: str, roles: Set[Role], to: str, now: datetime, *,
                 covering: Sequence[Signer] = (), seen: Stage | None = None) -> int:
        """Hand the step that waits to `to`, who may then decide it without its role; returns its index. A repeat
        (a retry, a second click) is told the step is already with them, before any out-of-date card."""
        self._require_pending()
        index = self.current_step
        step = self.steps[index]
        if to in (step.delegate, step.signer):
            raise AlreadyDelegated(self.ref, index + 1, to)
        self.expect(seen)
        self._decider(user, roles, covering)
        if to == user:
            raise InvalidInput("delegate", "delegate_self")
        self.check_person(to)
        handed = replace(step, delegate=to, handed=step.handed + 1)
        self.steps = (*self.steps[:index], handed, *self.steps[index + 1:])
        self.step_since = now
        return index

    def copy_to(self, people: Sequence[str]) -> tuple[str, ...]:
        """Add people to the copy list; returns those new to it (each once, in the order given)."""
        new = tuple(p for p in dict.fromkeys(people) if p not in self.cc and p != self.requester)
        self.cc = (*self.cc, *new)
        return new
