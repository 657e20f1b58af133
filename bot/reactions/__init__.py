"""Who is told of what: one table from each domain event to its reactions, run in order by the bus inside the
transaction that recorded the event (so every outbox row commits with the change that caused it). A reaction may
record further events (new metrics → an anomaly found → the alert posted); those run in turn, before the commit.

A new alert kind is one event (domain/events.py), one line here and one reaction that posts it (bot/outbox.post)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.env import Txn
from bot.reactions import anomalies, approval_desk, approvals, budget, corrections, digest, tasks
from bot.reactions import experiments as loop_experiments  # goals, A/B tests and retrospectives (issue 13)
from bot.reactions import goals as loop_goals
from bot.reactions import retro as loop_retro
from domain import events as e

Reaction = Callable[[Any, Txn], None]

REACTIONS: dict[type[e.Event], tuple[Reaction, ...]] = {
    e.ApprovalRequested: (approvals.ask_approvers, approvals.post_summary),
    e.ApprovalDecided: (approvals.show_outcome, approvals.tell_requester, approvals.ask_approvers),
    e.ApprovalWithdrawn: (approvals.show_outcome,),
    e.ApprovalOverdue: (approvals.remind_approvers,),
    e.ApprovalRevised: (approvals.show_outcome, approvals.ask_approvers),
    e.StepDelegated: (approvals.show_outcome, approvals.ask_approvers),
    e.ApprovalCopied: (approvals.show_outcome, approval_desk.send_copies),
    e.ApprovalUrged: (approvals.show_outcome, approval_desk.urge_approvers),
    e.AwayDelegated: (approval_desk.tell_delegate,),
    e.AwayEnded: (approval_desk.tell_former_delegate,),
    e.CampaignMoved: (tasks.tell_redated, corrections.retract_moved),
    e.TaskRedated: (corrections.retract_redated,),
    e.CampaignClosed: (corrections.retract_closed,),
    e.TaskDeleted: (corrections.retract_deleted,),
    e.TaskAssigned: (tasks.tell_assignee,),
    e.TaskMoved: (),
    e.TaskDueSoon: (tasks.warn_assignee,),
    e.TaskOverdue: (tasks.post_overdue,),
    e.TaskEscalated: (tasks.escalate,),
    e.SpendRecorded: (budget.check_budget,),
    e.MetricsRecorded: (anomalies.judge_days, budget.check_budget),
    e.BudgetThresholdReached: (budget.post_threshold,),
    e.AnomalyFound: (anomalies.post_alert,),
    e.AnomalyAcknowledged: (anomalies.show_acknowledged,),
    e.AnomalyAlertsSnoozed: (anomalies.show_snoozed,),
    e.DigestDue: (digest.send_digest,),
    e.TestDecided: (loop_experiments.announce,),
    e.CampaignCompleted: (loop_retro.post_retro,),
    e.GoalOffTrack: (loop_goals.tell_owner,),
}


def settle(txn: Txn) -> None:
    """Run the reactions to every event recorded so far, and to the events they record, oldest first."""
    while txn.events:
        event = txn.events.popleft()
        for react in REACTIONS[type(event)]:
            react(event, txn)
