"""The approval policy: which roles decide a budget request of a given amount, in order, and whether each step can
get an approver of its own (distinct people, never the requester)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from domain.errors import NoEligibleApprover, PolicyError
from domain.people import Role


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


def check_staffed(steps: tuple[Role, ...], holders: dict[Role, set[str]], requester: str) -> None:
    missing = first_unstaffed_step(steps, holders, requester)
    if missing is not None:
        raise NoEligibleApprover(missing + 1, steps[missing].value)
