"""Who may do what: the "who may" column of the command reference, as data."""

from __future__ import annotations

from enum import StrEnum

from domain.campaign import Campaign
from domain.errors import NotAllowed
from domain.people import Member, Role
from domain.task import Task


class Who(StrEnum):
    ANYONE = "anyone"
    OWNER = "owner"
    ASSIGNEE = "assignee"
    MANAGER = "manager"
    FINANCE = "finance"
    ADMIN = "admin"


RUN_CAMPAIGN = (Who.OWNER, Who.MANAGER, Who.ADMIN)
WORK_TASK = (Who.ASSIGNEE, Who.OWNER, Who.MANAGER, Who.ADMIN)
RECORD_SPEND = (Who.OWNER, Who.FINANCE, Who.ADMIN)
ADMIN_ONLY = (Who.ADMIN,)
SUBSCRIBERS = (Who.MANAGER, Who.ADMIN, Who.OWNER)
REOPEN_CAMPAIGN = (Who.MANAGER, Who.ADMIN)


def holds(member: Member, who: Who, campaign: Campaign | None = None, task: Task | None = None) -> bool:
    if who is Who.ANYONE:
        return True
    if who is Who.OWNER:
        return campaign is not None and campaign.owner == member.user_ref
    if who is Who.ASSIGNEE:
        return task is not None and task.assignee == member.user_ref
    return Role(who.value) in member.roles


def require(action: str, member: Member, allowed: tuple[Who, ...],
            campaign: Campaign | None = None, task: Task | None = None) -> None:
    if not any(holds(member, who, campaign, task) for who in allowed):
        raise NotAllowed(action, tuple(who.value for who in allowed))
