"""goal.off_track: the goal's owner hears, by direct message (held through their quiet hours), once a week."""

from __future__ import annotations

from bot.env import Txn
from bot.outbox import Notice, post
from bot.presenters import goals as view
from domain import events as e
from domain.notifications import AlertKind


def tell_owner(event: e.GoalOffTrack, txn: Txn) -> None:
    workspace, progress = event.workspace, event.progress
    notice = Notice(AlertKind.GOAL_OFF_TRACK, lambda lang: view.off_track_card(progress, workspace.currency, lang),
                    event.goal.ref, event.week)
    post(txn, workspace, txn.member(workspace, event.goal.owner), notice)
