"""Command handlers: load → domain method → notifications; the bus commits. One entry per command."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.cards import Reply
from bot.handlers import admin, alerts, approvals, budget, campaigns, tasks, tokens, views
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
    c.Acknowledge: alerts.ack,
    c.SnoozeAlerts: alerts.snooze,
    c.ScanAnomalies: alerts.scan_anomalies,
    c.ScanBudgets: alerts.scan_budgets,
    c.CreateToken: tokens.create,
    c.RevokeToken: tokens.revoke,
    c.ListTokens: tokens.list_,
}
