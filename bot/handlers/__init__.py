"""Command handlers: load → domain method → record events; the bus runs the reactions and commits. One entry per
command, in three tables by who sends it: a chat member, a principal that is not one, or the scheduler."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.cards import Reply
from bot.context import Principal
from bot.env import Env, Txn
from bot.handlers import (
    admin,
    anomalies,
    approval_desk,
    approvals,
    budget,
    campaigns,
    dashboard,
    deadlines,
    digest,
    editing,
    experiments,
    goals,
    installs,
    metrics,
    reminders,
    retro,
    tasks,
    tokens,
    undo,
    views,
)
from domain import commands as c

Handler = Callable[[Any, Env], Reply]
ServiceHandler = Callable[[Any, Txn, Principal], Any]
SystemHandler = Callable[[Any, Txn], None]

HANDLERS: dict[type[c.Command], Handler] = {
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
    c.RecordMetrics: metrics.record,
    c.Report: metrics.report,
    c.ListTemplates: admin.templates,
    c.Subscribe: admin.subscribe,
    c.Unsubscribe: admin.unsubscribe,
    c.ChangeRole: admin.change_role,
    c.ListRoles: admin.roles,
    c.UpdateSettings: admin.settings,
    c.Acknowledge: anomalies.ack,
    c.SnoozeAlerts: anomalies.snooze,
    c.CreateToken: tokens.create,
    c.RevokeToken: tokens.revoke,
    c.ListTokens: tokens.list_,
    # The portfolio and the web dashboard.
    c.Overview: dashboard.overview,
    c.OpenDashboard: dashboard.open_dashboard,
    # the approval desk
    c.ReturnRequest: approvals.return_,
    c.ReviseRequest: approval_desk.revise,
    c.DelegateStep: approval_desk.delegate,
    c.CopyRequest: approval_desk.cc,
    c.UrgeRequest: approval_desk.urge,
    # changing things after the fact
    c.EditCampaign: editing.edit,
    c.EditTask: editing.task_edit,
    c.DeleteTask: editing.task_delete,
    c.Undo: undo.undo,
    # goals, A/B tests and retrospectives
    c.SetGoal: goals.set_goal,
    c.LinkGoal: goals.link,
    c.ShowGoal: goals.show,
    c.ListGoals: goals.list_,
    c.NewTest: experiments.new,
    c.ShowTest: experiments.show,
    c.StopTest: experiments.stop,
    c.ShowRetro: retro.show,
    c.AddRetroNote: retro.note,
    c.RecordInstall: installs.record,  # Slack OAuth, Feishu store apps
}

# For a principal that is not a chat member (bus.handle_as): the REST API's tokens, the CSV import.
SERVICE_HANDLERS: dict[type[c.Command], ServiceHandler] = {
    c.IngestMetrics: metrics.ingest,
}

# Scans the scheduler sends (bus.run_system): no user, one unit of work each.
SYSTEM_HANDLERS: dict[type[c.SystemCommand], SystemHandler] = {
    c.ScanDeadlines: deadlines.scan,
    c.ScanApprovals: reminders.scan,
    c.SendDigests: digest.scan,
    c.ScanBudgets: budget.scan,
    c.ScanAnomalies: anomalies.scan,
    c.ScanGoals: goals.scan,  # goal.off_track, weekly (issue 13)
}
