"""Budget approval requests: multi-step or-sign policy, no self-approval, one decision per step."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from domain import refs
from domain.errors import (
    AlreadyDecided,
    DecidedEarlierStep,
    InvalidInput,
    InvalidTransition,
    NoEligibleApprover,
    NotAllowed,
    NotCurrentApprover,
    PolicyError,
    SelfApproval,
    StepAlreadyDecided,
)
from domain.money import Money
from domain.people import Role
from domain.stored import Stored


class ApprovalStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class Outcome(StrEnum):
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class Tier:
    up_to: Decimal | None  # inclusive upper bound; None means "any amount above the previous tier"
    steps: tuple[Role, ...]


@dataclass(frozen=True, slots=True)
class Policy:
    tiers: tuple[Tier, ...]

    def __post_init__(self) -> None:
        if not self.tiers:
            raise PolicyError("the policy has no tiers")
        bounds = [t.up_to for t in self.tiers]
        if bounds[-1] is not None:
            raise PolicyError("the last tier must have no upper bound (it covers every larger amount)")
        finite = [b for b in bounds[:-1] if b is not None]
        if any(not b.is_finite() or b <= 0 for b in finite):  # before sorting: NaN cannot be compared
            raise PolicyError("'up_to' must be a positive amount")
        if len(finite) != len(bounds) - 1 or finite != sorted(finite) or len(set(finite)) != len(finite):
            raise PolicyError("tier bounds must be increasing, and only the last tier may be open-ended")
        for tier in self.tiers:
            if not tier.steps:
                raise PolicyError("every tier needs at least one step")

    def steps_for(self, amount: Decimal) -> tuple[Role, ...]:
        for tier in self.tiers:
            if tier.up_to is None or amount <= tier.up_to:
                return tier.steps
        return self.tiers[-1].steps  # unreachable: the last tier is open-ended


DEFAULT_POLICY = Policy((
    Tier(Decimal("10000"), (Role.MANAGER,)),
    Tier(Decimal("100000"), (Role.MANAGER, Role.FINANCE)),
    Tier(None, (Role.MANAGER, Role.FINANCE, Role.ADMIN)),
))


def first_unstaffed_step(steps: tuple[Role, ...], holders: dict[Role, set[str]], requester: str) -> int | None:
    """Index of the first step that cannot get its own approver (distinct people, never the requester)."""

    def assign(index: int, used: frozenset[str]) -> int | None:
        if index == len(steps):
            return None
        candidates = holders.get(steps[index], set()) - used - {requester}
        deepest = index
        for person in sorted(candidates):
            failed = assign(index + 1, used | {person})
            if failed is None:
                return None
            deepest = max(deepest, failed)
        return deepest

    return assign(0, frozenset())


@dataclass(frozen=True, slots=True)
class Decision:
    step: int  # 0-based
    role: Role
    decider: str
    outcome: Outcome
    comment: str
    at: datetime


@dataclass(slots=True)
class ApprovalRequest(Stored):
    workspace_id: int
    campaign_id: int
    requester: str
    amount: Money
    reason: str
    steps: tuple[Role, ...]
    created_at: datetime
    status: ApprovalStatus = ApprovalStatus.PENDING
    decisions: list[Decision] = field(default_factory=list)
    closed_at: datetime | None = None
    id: int | None = None
    version: int = 0

    def __post_init__(self) -> None:
        if self.amount.amount <= 0:
            raise InvalidInput("amount", "amount_not_positive", value=self.amount.format())
        if not self.reason.strip():
            raise InvalidInput("reason", "reason_required")

    @property
    def ref(self) -> str:
        return refs.approval(self.id or 0)

    @property
    def current_step(self) -> int:
        """0-based index of the step awaiting a decision (== len(steps) once approved)."""
        return sum(1 for d in self.decisions if d.outcome is Outcome.APPROVED)

    @property
    def current_role(self) -> Role | None:
        step = self.current_step
        return self.steps[step] if self.status is ApprovalStatus.PENDING and step < len(self.steps) else None

    def deciders(self) -> set[str]:
        return {d.decider for d in self.decisions}

    def may_decide(self, user: str, roles: set[Role]) -> bool:
        role = self.current_role
        return role is not None and role in roles and user != self.requester and user not in self.deciders()

    def _check_decider(self, user: str, roles: set[Role]) -> Role:
        if self.status is not ApprovalStatus.PENDING:
            last = self.decisions[-1] if self.decisions else None
            if self.status is ApprovalStatus.WITHDRAWN or last is None:
                raise AlreadyDecided(self.ref, self.status.value, self.requester, self.closed_at or self.created_at)
            raise AlreadyDecided(self.ref, self.status.value, last.decider, last.at)
        role = self.steps[self.current_step]
        if user == self.requester:
            raise SelfApproval(self.ref)
        earlier = [d for d in self.decisions if d.decider == user]
        if earlier:
            raise DecidedEarlierStep(self.ref, earlier[0].step + 1, earlier[0].at)
        if role not in roles:
            mine = [d for d in self.decisions if d.role in roles]
            if mine:  # a step this user could decide was decided by someone else (a race, or a late click)
                d = mine[-1]
                raise StepAlreadyDecided(self.ref, d.step + 1, d.outcome.value, d.decider, d.at, role.value)
            raise NotCurrentApprover(self.ref, self.current_step + 1, role.value)
        return role

    def approve(self, user: str, roles: set[Role], comment: str, now: datetime) -> Decision:
        role = self._check_decider(user, roles)
        decision = Decision(self.current_step, role, user, Outcome.APPROVED, comment.strip(), now)
        self.decisions.append(decision)
        if self.current_step == len(self.steps):
            self.status = ApprovalStatus.APPROVED
            self.closed_at = now
        return decision

    def reject(self, user: str, roles: set[Role], reason: str, now: datetime) -> Decision:
        if not reason.strip():
            raise InvalidInput("reason", "reason_required")
        role = self._check_decider(user, roles)
        decision = Decision(self.current_step, role, user, Outcome.REJECTED, reason.strip(), now)
        self.decisions.append(decision)
        self.status = ApprovalStatus.REJECTED
        self.closed_at = now
        return decision

    def withdraw(self, user: str, now: datetime) -> None:
        if user != self.requester:
            raise NotAllowed("withdraw", ("requester",))
        if self.status is not ApprovalStatus.PENDING:
            raise InvalidTransition(self.ref, self.status.value, "withdraw", ())
        self.status = ApprovalStatus.WITHDRAWN
        self.closed_at = now


def check_staffed(steps: tuple[Role, ...], holders: dict[Role, set[str]], requester: str) -> None:
    missing = first_unstaffed_step(steps, holders, requester)
    if missing is not None:
        raise NoEligibleApprover(missing + 1, steps[missing].value)
