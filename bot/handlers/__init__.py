"""Command handlers: load → domain method → notifications; the bus commits. One entry per command."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.cards import Reply
from bot.handlers import (
    admin,
    approvals,
    budget,
    campaigns,
    deadlines,
    digest,
    reminders,
    tasks,
    tokens,
    views,
    watch,
)
from bot.handlers.system import SystemHandler
from domain import commands as c

HANDLERS: dict[type[c.Command], Callable[[Any, Any], Reply]] = {
    c.Help: admin.help_,
    c.NewCampaign: campaigns.new,
    c.ListCampaigns: campaigns.list_,
    c.Show: views.show,
    c.ChangeStatus: campaigns.change_status,
    c.MoveCampaign: campaigns.move,
    c.AddTask: tasks.add,
    c.AssignTask: tasks.assign,
    c.MoveTask: tasks.move,
    c.BlockTask: tasks.block,
    c.SetTaskDue: tasks.due,
    c.ListTasks: tasks.list_,
    c.Board: tasks.board,
    c.Timeline: tasks.timeline,
    c.RequestBudget: approvals.request,
    c.RecordSpend: budget.spend,
    c.ShowBudget: budget.show,
    c.ListApprovals: approvals.list_,
    c.Approve: approvals.approve,
    c.Reject: approvals.reject,
    c.Withdraw: approvals.withdraw,
    c.RecordMetrics: budget.metrics,
    c.Report: budget.report,
    c.ListTemplates: admin.templates,
    c.Subscribe: admin.subscribe,
    c.Unsubscribe: admin.unsubscribe,
    c.ChangeRole: admin.change_role,
    c.ListRoles: admin.roles,
    c.UpdateSettings: admin.settings,
    # metrics and alerts (issue 6)
    c.Acknowledge: watch.ack,
    c.SnoozeAlerts: watch.snooze,
    c.CreateToken: tokens.create,
    c.RevokeToken: tokens.revoke,
    c.ListTokens: tokens.list_,
}

# Scans the scheduler sends (bus.run_system): no user, one unit of work each.
SYSTEM_HANDLERS: dict[type[c.SystemCommand], SystemHandler] = {
    c.ScanDeadlines: deadlines.scan,
    c.ScanApprovals: reminders.scan,
    c.SendDigests: digest.scan,
    c.ScanBudgets: watch.scan_budgets,
    c.ScanAnomalies: watch.scan_anomalies,
}
