"""The parts of a budget request's approval chain: its steps (a role, a named signer, a colleague it was handed to),
who may act for whom, and the decisions taken on them."""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.people import Role


class Outcome(StrEnum):
    APPROVED = "approved"
    REJECTED = "rejected"
    RETURNED = "returned"


@dataclass(frozen=True, slots=True)
class Step:
    """One step: any holder of `role` decides it (or-sign), unless an approver added it for one `signer`. A step
    handed to a `delegate` may also be decided by them, without the role."""

    role: Role | None = None
    signer: str | None = None
    delegate: str | None = None
    handed: int = 0  # how many times it was handed over: a card's buttons act on one holder's turn

    def accepts(self, user: str, roles: Set[Role]) -> bool:
        if user == self.delegate:
            return True
        if self.signer is not None:
            return user == self.signer
        return self.role is not None and self.role in roles

    def __str__(self) -> str:
        return f"@{self.signer}" if self.signer else (self.role.value if self.role else "?")


@dataclass(frozen=True, slots=True)
class Signer:
    """Someone whose right to decide may be used: a person, with their roles."""

    user: str
    roles: frozenset[Role]


@dataclass(frozen=True, slots=True)
class Decision:
    step: int  # 0-based, within its round
    role: Role | None  # None on a step added for a named signer
    decider: str
    outcome: Outcome
    comment: str
    at: datetime
    round: int = 1
    on_behalf: str | None = None  # the colleague away whose step it was, when their delegate decided it
    added: str | None = None  # the signer this approval added as the next step
