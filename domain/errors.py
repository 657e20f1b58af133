"""Typed errors of the domain. Each carries a code and parameters; the bot turns them into words."""

from __future__ import annotations

from datetime import datetime
from typing import Any


class MemsError(Exception):
    """Base of every error a user can cause. Never shown as a traceback."""

    code = "error"

    def __init__(self, **params: Any) -> None:
        self.params: dict[str, Any] = params
        super().__init__(f"{self.code}: {params}")


class NotFound(MemsError):
    code = "not_found"

    def __init__(self, ref: str) -> None:
        super().__init__(ref=ref)


class NotAllowed(MemsError):
    code = "not_allowed"

    def __init__(self, action: str, allowed: tuple[str, ...]) -> None:
        super().__init__(action=action, allowed=allowed)


class InvalidInput(MemsError):
    code = "invalid_input"

    def __init__(self, field: str, reason: str, **params: Any) -> None:
        super().__init__(field=field, reason=reason, **params)


class InvalidTransition(MemsError):
    code = "invalid_transition"

    def __init__(self, ref: str, current: str, action: str, allowed: tuple[str, ...]) -> None:
        super().__init__(ref=ref, current=current, action=action, allowed=allowed)


class CurrencyMismatch(MemsError):
    code = "currency_mismatch"

    def __init__(self, expected: str, got: str) -> None:
        super().__init__(expected=expected, got=got)


class BudgetNotApproved(MemsError):
    code = "budget_not_approved"

    def __init__(self, ref: str) -> None:
        super().__init__(ref=ref)


class SelfApproval(MemsError):
    code = "self_approval"

    def __init__(self, ref: str) -> None:
        super().__init__(ref=ref)


class DecidedEarlierStep(MemsError):
    code = "decided_earlier_step"

    def __init__(self, ref: str, step: int, at: datetime) -> None:
        super().__init__(ref=ref, step=step, at=at)


class NotCurrentApprover(MemsError):
    code = "not_current_approver"

    def __init__(self, ref: str, step: int, role: str) -> None:
        super().__init__(ref=ref, step=step, role=role)


class StepAlreadyDecided(MemsError):
    """The loser of a race on an earlier step of a request with several: told who decided that step, and what the
    request waits for now (rather than that they lack the next step's role)."""

    code = "step_already_decided"

    def __init__(self, ref: str, step: int, outcome: str, by: str, at: datetime, role: str) -> None:
        super().__init__(ref=ref, step=step, outcome=outcome, by=by, at=at, role=role)


class AlreadyDecided(MemsError):
    """A repeated click or a late approver: nothing changes, the user is told who decided and when."""

    code = "already_decided"

    def __init__(self, ref: str, outcome: str, by: str, at: datetime) -> None:
        super().__init__(ref=ref, outcome=outcome, by=by, at=at)


class NoEligibleApprover(MemsError):
    code = "no_eligible_approver"

    def __init__(self, step: int, role: str) -> None:
        super().__init__(step=step, role=role)


class ConcurrencyConflict(MemsError):
    """Another writer changed the row first; the caller reloads and reports."""

    code = "concurrency_conflict"

    def __init__(self, ref: str) -> None:
        super().__init__(ref=ref)


class TemplateError(MemsError):
    code = "template_error"

    def __init__(self, name: str, line: int | None, message: str) -> None:
        super().__init__(name=name, line=line, message=message)

    def __str__(self) -> str:
        where = f"{self.params['name']}, line {self.params['line']}" if self.params["line"] else self.params["name"]
        return f"{where}: {self.params['message']}"


class PolicyError(MemsError):
    code = "policy_error"

    def __init__(self, message: str) -> None:
        super().__init__(message=message)

    def __str__(self) -> str:
        return str(self.params["message"])


# --- the approval desk: return, revise, add a signer, delegate, copy, urge --------------------------------------
class NotNamedApprover(MemsError):
    """The step waits for a named person (an added signer, or someone it was handed to), and this is not them."""

    code = "not_named_approver"

    def __init__(self, ref: str, step: int, user: str) -> None:
        super().__init__(ref=ref, step=step, user=user)


class PersonIsRequester(MemsError):
    """A step can't be handed to (or added for) the person who asked for the money."""

    code = "person_is_requester"

    def __init__(self, ref: str, user: str) -> None:
        super().__init__(ref=ref, user=user)


class PersonDecidedEarlier(MemsError):
    """Nobody decides two steps of one request, so a step can't go to someone who decided an earlier one."""

    code = "person_decided_earlier"

    def __init__(self, ref: str, user: str, step: int) -> None:
        super().__init__(ref=ref, user=user, step=step)


class AlreadyDelegated(MemsError):
    """A repeated hand-over (a retry, a double click): nothing changes, the user is told where the step is."""

    code = "already_delegated"

    def __init__(self, ref: str, step: int, user: str) -> None:
        super().__init__(ref=ref, step=step, user=user)


class UrgedRecently(MemsError):
    code = "urged_recently"

    def __init__(self, ref: str, at: datetime, next_at: datetime) -> None:
        super().__init__(ref=ref, at=at, next_at=next_at)


class NothingNew(MemsError):
    """A repeated copy: everyone named already gets one."""

    code = "nothing_new"

    def __init__(self, ref: str, users: tuple[str, ...]) -> None:
        super().__init__(ref=ref, users=users)


class StaleCard(MemsError):
    """A button on a card showing a step that no longer waits (decided, or the request revised since)."""

    code = "stale_card"

    def __init__(self, ref: str, step: int, round: int) -> None:
        super().__init__(ref=ref, step=step, round=round)


# --- editing and undo --------------------------------------------------------------------------------------------
class WithdrawnWithCampaign(MemsError):
    """A request withdrawn because its campaign was cancelled or completed: nobody can decide it any more."""

    code = "withdrawn_with_campaign"

    def __init__(self, ref: str, campaign: str, status: str, at: datetime) -> None:
        super().__init__(ref=ref, campaign=campaign, status=status, at=at)


class ConfirmationNeeded(MemsError):
    """Not an error of the user's: a change with consequences waits for a yes (carried as a card, not as words)."""

    code = "confirmation_needed"


class NothingToUndo(MemsError):
    code = "nothing_to_undo"

    def __init__(self, minutes: int) -> None:
        super().__init__(minutes=minutes)


class UndoBlocked(MemsError):
    """The last change cannot be taken back: something has since depended on it (`why` says what)."""

    code = "undo_blocked"

    def __init__(self, what: str, why: str, **params: object) -> None:
        super().__init__(what=what, why=why, **params)
