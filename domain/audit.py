"""The audit trail: who did what to which campaign, task or request, and when."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from domain.campaign import Action
from domain.task import TaskMove


class AuditAction(StrEnum):
    """What was done. The values are what storage holds (and what the trail's wording is keyed by)."""

    CAMPAIGN_CREATED = "campaign.created"
    CAMPAIGN_START = "campaign.start"
    CAMPAIGN_PAUSE = "campaign.pause"
    CAMPAIGN_COMPLETE = "campaign.complete"
    CAMPAIGN_CANCEL = "campaign.cancel"
    CAMPAIGN_MOVED = "campaign.moved"
    TASK_ADDED = "task.added"
    TASK_ASSIGNED = "task.assigned"
    TASK_START = "task.start"
    TASK_DONE = "task.done"
    TASK_REOPEN = "task.reopen"
    TASK_BLOCKED = "task.blocked"
    TASK_DUE = "task.due"
    APPROVAL_REQUESTED = "approval.requested"
    APPROVAL_APPROVED = "approval.approved"
    APPROVAL_REJECTED = "approval.rejected"
    APPROVAL_WITHDRAWN = "approval.withdrawn"
    # the approval desk
    APPROVAL_RETURNED = "approval.returned"
    APPROVAL_REVISED = "approval.revised"
    APPROVAL_SIGNER_ADDED = "approval.signer_added"
    APPROVAL_DELEGATED = "approval.delegated"
    APPROVAL_COPIED = "approval.copied"
    APPROVAL_URGED = "approval.urged"
    AWAY_SET = "away.set"
    AWAY_ENDED = "away.ended"
    BUDGET_APPROVED = "budget.approved"
    BUDGET_SPENT = "budget.spent"
    METRICS_RECORDED = "metrics.recorded"
    METRICS_IMPORTED = "metrics.imported"
    ANOMALY_ACKNOWLEDGED = "anomaly.acknowledged"
    ANOMALY_SNOOZED = "anomaly.snoozed"
    ROLE_GRANTED = "role.granted"
    ROLE_REVOKED = "role.revoked"
    SUBSCRIPTION_ADDED = "subscription.added"
    SUBSCRIPTION_REMOVED = "subscription.removed"
    TOKEN_CREATED = "token.created"
    TOKEN_REVOKED = "token.revoked"
    # editing and undo
    CAMPAIGN_REOPEN = "campaign.reopen"
    CAMPAIGN_EDITED = "campaign.edited"
    TASK_EDITED = "task.edited"
    TASK_DELETED = "task.deleted"
    BUDGET_CORRECTED = "budget.corrected"
    UNDONE = "undone"
    # goals, A/B tests and retrospectives
    GOAL_SET = "goal.set"
    GOAL_LINKED = "goal.linked"
    TEST_STARTED = "test.started"
    TEST_DECIDED = "test.decided"
    TEST_STOPPED = "test.stopped"
    RETRO_NOTE = "retro.note"


CAMPAIGN_ACTIONS: dict[Action, AuditAction] = {
    Action.START: AuditAction.CAMPAIGN_START, Action.PAUSE: AuditAction.CAMPAIGN_PAUSE,
    Action.COMPLETE: AuditAction.CAMPAIGN_COMPLETE, Action.CANCEL: AuditAction.CAMPAIGN_CANCEL,
    Action.REOPEN: AuditAction.CAMPAIGN_REOPEN,
}
TASK_MOVES: dict[TaskMove, AuditAction] = {
    TaskMove.START: AuditAction.TASK_START, TaskMove.DONE: AuditAction.TASK_DONE,
    TaskMove.REOPEN: AuditAction.TASK_REOPEN, TaskMove.BLOCK: AuditAction.TASK_BLOCKED,
}


@dataclass(frozen=True, slots=True)
class AuditEntry:
    workspace_id: int
    entity: str  # C-1, T-4, A-2
    action: AuditAction
    actor: str
    at: datetime
    campaign_id: int | None = None
    detail: dict[str, str] = field(default_factory=dict)
    id: int | None = None
