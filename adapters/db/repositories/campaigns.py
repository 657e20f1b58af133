"""Campaigns and their tasks; both saved with an optimistic version check."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, delete, text
from sqlmodel import Session, col, select

from adapters.db import mappers
from adapters.db.repositories.base import fetch, fetch_one, insert, save_versioned
from adapters.db.tables import OPEN_TASK, CampaignRow, TaskRow
from domain.campaign import Campaign, Status
from domain.task import Task


class SqlCampaignRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, campaign: Campaign) -> Campaign:
        row = CampaignRow(**mappers.campaign_values(campaign), version=campaign.version)
        campaign.id = insert(self.session, row, campaign.ref)
        return campaign

    def get(self, campaign_id: int, workspace_id: int | None) -> Campaign | None:
        """workspace_id None: any workspace (operator tools); otherwise another workspace's row is not found."""
        stmt = select(CampaignRow).where(CampaignRow.id == campaign_id)
        if workspace_id is not None:
            stmt = stmt.where(CampaignRow.workspace_id == workspace_id)
        row = fetch_one(self.session, stmt)
        return mappers.campaign(row) if row else None

    def save(self, campaign: Campaign) -> None:
        save_versioned(self.session, CampaignRow, campaign, mappers.campaign_values(campaign))
        campaign.version += 1

    def list(self, workspace_id: int, statuses: frozenset[Status] | None = None,
             owner: str | None = None) -> Sequence[Campaign]:
        stmt = select(CampaignRow).where(CampaignRow.workspace_id == workspace_id)
        if statuses is not None:
            stmt = stmt.where(col(CampaignRow.status).in_(sorted(s.value for s in statuses)))
        if owner is not None:
            stmt = stmt.where(CampaignRow.owner == owner)
        rows = fetch(self.session, stmt.order_by(col(CampaignRow.id)))
        return [mappers.campaign(r) for r in rows]

    def many(self, campaign_ids: Sequence[int]) -> Sequence[Campaign]:
        if not campaign_ids:
            return []
        stmt = select(CampaignRow).where(col(CampaignRow.id).in_(sorted(set(campaign_ids))))
        return [mappers.campaign(r) for r in fetch(self.session, stmt.order_by(col(CampaignRow.id)))]


class SqlTaskRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, task: Task) -> Task:
        row = TaskRow(**mappers.task_values(task), version=task.version)
        task.id = insert(self.session, row, task.ref)
        return task

    def delete(self, task: Task) -> None:
        self.session.exec(delete(TaskRow).where(col(TaskRow.id) == task.pk))

    def restore(self, task: Task) -> None:
        insert(self.session, TaskRow(**mappers.task_values(task), id=task.pk, version=task.version), task.ref)

    def get(self, task_id: int, workspace_id: int | None) -> Task | None:
        """workspace_id None: any workspace (operator tools); otherwise another workspace's row is not found."""
        stmt = select(TaskRow).where(TaskRow.id == task_id)
        if workspace_id is not None:
            stmt = stmt.where(TaskRow.workspace_id == workspace_id)
        row = fetch_one(self.session, stmt)
        return mappers.task(row) if row else None

    def save(self, task: Task) -> None:
        save_versioned(self.session, TaskRow, task, mappers.task_values(task))
        task.version += 1

    def _list(self, *conditions: ColumnElement[bool] | bool) -> Sequence[Task]:
        stmt = select(TaskRow).where(*conditions).order_by(col(TaskRow.id))
        return [mappers.task(r) for r in fetch(self.session, stmt)]

    def for_campaign(self, campaign_id: int) -> Sequence[Task]:
        return self._list(TaskRow.campaign_id == campaign_id)

    def for_assignee(self, workspace_id: int, user_ref: str) -> Sequence[Task]:
        return self._list(TaskRow.workspace_id == workspace_id, TaskRow.assignee == user_ref)

    def open_due_before(self, workspace_id: int | None, before: datetime) -> Sequence[Task]:
        """Open tasks due strictly before `before`, earliest first; workspace_id None: every workspace."""
        # The predicate is the partial index's own text, so the planner can use ix_tasks_open_due.
        stmt = select(TaskRow).where(text(OPEN_TASK), col(TaskRow.due) < before)
        if workspace_id is not None:
            stmt = stmt.where(TaskRow.workspace_id == workspace_id)
        rows = fetch(self.session, stmt.order_by(col(TaskRow.due), col(TaskRow.id)))
        return [mappers.task(r) for r in rows]

    def open_due_between(self, workspace_id: int | None, start: datetime, end: datetime) -> Sequence[Task]:
        """Open tasks due in [start, end): a range scan of ix_tasks_open_due, however large the table."""
        stmt = select(TaskRow).where(text(OPEN_TASK), col(TaskRow.due) >= start, col(TaskRow.due) < end)
        if workspace_id is not None:
            stmt = stmt.where(TaskRow.workspace_id == workspace_id)
        rows = fetch(self.session, stmt.order_by(col(TaskRow.due), col(TaskRow.id)))
        return [mappers.task(r) for r in rows]
