"""The portfolio as an application service: the campaigns a person asks for, with their figures and risks, riskiest
first. The chat's `overview` and the web dashboard's portfolio page both read it from here."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum

from domain.campaign import OPEN
from domain.portfolio import Summary, riskiest_first
from domain.ports import UnitOfWork

ANOMALY_DAYS = 7  # an anomaly alert nobody acknowledged counts as open for a week


class Scope(StrEnum):
    MINE = "mine"  # open campaigns I own
    ACTIVE = "active"  # every open campaign (planning, active, paused)
    ALL = "all"  # every campaign, closed ones too


def summaries(uow: UnitOfWork, workspace_id: int, user: str, scope: Scope, now: datetime,
              day: date) -> list[Summary]:
    """`now` for overdue tasks; `day` (today in the workspace's zone) for pacing and recent anomalies."""
    statuses = None if scope is Scope.ALL else OPEN
    owner = user if scope is Scope.MINE else None
    figures = uow.portfolio.figures(workspace_id, statuses, owner, now, day - timedelta(days=ANOMALY_DAYS))
    return riskiest_first(figures, day)
