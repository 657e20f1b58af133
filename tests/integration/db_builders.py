"""Builders for storage tests: valid domain objects with overridable fields, stored through a unit of work."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from adapters.db.uow import SqlUnitOfWork
from domain.approval import ApprovalRequest
from domain.campaign import Campaign
from domain.money import Money
from domain.notifications import OutboxMessage, Target, TargetKind
from domain.people import Member, Platform, Role, Workspace
from domain.task import Task

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
UowFactory = Callable[[], SqlUnitOfWork]


def workspace(external_id: str = "T1", platform: Platform = Platform.SLACK) -> Workspace:
    return Workspace(platform=platform, external_id=external_id, name=f"team {external_id}",
                     timezone="Asia/Shanghai", lang="en", currency="CNY")


def campaign(workspace_id: int, **fields: Any) -> Campaign:
    values: dict[str, Any] = {"name": "Spring launch", "owner": "U1", "home_channel": "C1", "created_by": "U1",
                              "created_at": NOW, "currency": "CNY"}
    return Campaign(workspace_id=workspace_id, **(values | fields))


def task(workspace_id: int, campaign_id: int, **fields: Any) -> Task:
    values: dict[str, Any] = {"title": "Book the venue", "created_at": NOW, "assignee": "U1",
                              "due": NOW + timedelta(days=3)}
    return Task(workspace_id=workspace_id, campaign_id=campaign_id, **(values | fields))


def request(workspace_id: int, campaign_id: int, **fields: Any) -> ApprovalRequest:
    values: dict[str, Any] = {"requester": "U1", "amount": Money.of("5000.00", "CNY"), "reason": "venue",
                              "steps": (Role.MANAGER,), "created_at": NOW}
    return ApprovalRequest(workspace_id=workspace_id, campaign_id=campaign_id, **(values | fields))


def message(workspace_id: int, key: str, **fields: Any) -> OutboxMessage:
    values: dict[str, Any] = {"kind": "notice", "target": Target(TargetKind.CHANNEL, "C1"),
                              "payload": {"title": key}, "created_at": NOW, "not_before": NOW, "entity": "A-1"}
    return OutboxMessage(key=key, workspace_id=workspace_id, **(values | fields))


@dataclass(frozen=True)
class World:
    """A committed workspace with a campaign, and two managers besides the requester U1."""

    workspace_id: int
    campaign_id: int


def world(new_uow: UowFactory, external_id: str = "T1") -> World:
    with new_uow() as uow:
        ws = uow.workspaces.add(workspace(external_id))
        for user, roles in (("U1", set()), ("M1", {Role.MANAGER}), ("M2", {Role.MANAGER})):
            uow.members.add(Member(ws.pk, user, roles=roles, joined_at=NOW))
        c = uow.campaigns.add(campaign(ws.pk))
        uow.commit()
    return World(ws.pk, c.pk)
