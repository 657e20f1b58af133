"""Builders for domain objects: a valid default for every field, overridden by what a test is about."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from domain.approval import DEFAULT_POLICY, ApprovalRequest
from domain.campaign import Campaign
from domain.money import Money
from domain.people import Member, Role
from domain.task import Task

NOW = datetime(2026, 6, 10, 4, 0, tzinfo=UTC)


def cny(amount: str | int) -> Money:
    return Money(Decimal(amount), "CNY")


def campaign(**overrides: Any) -> Campaign:
    values: dict[str, Any] = {"workspace_id": 1, "name": "Spring Launch", "owner": "olive", "home_channel": "C0",
                              "created_by": "olive", "created_at": NOW, "currency": "CNY", "id": 1}
    values.update(overrides)
    return Campaign(**values)


def dated_campaign(**overrides: Any) -> Campaign:
    values: dict[str, Any] = {"start": date(2026, 7, 1), "launch": date(2026, 7, 15), "end": date(2026, 7, 31)}
    values.update(overrides)
    return campaign(**values)


def task(**overrides: Any) -> Task:
    values: dict[str, Any] = {"workspace_id": 1, "campaign_id": 1, "title": "Book venue", "created_at": NOW,
                              "assignee": "li", "id": 3}
    values.update(overrides)
    return Task(**values)


def request(amount: str | int = 50_000, **overrides: Any) -> ApprovalRequest:
    money = cny(amount)
    values: dict[str, Any] = {"workspace_id": 1, "campaign_id": 1, "requester": "olive", "amount": money,
                              "reason": "KOL fees", "steps": DEFAULT_POLICY.steps_for(money.amount),
                              "created_at": NOW, "id": 7}
    values.update(overrides)
    return ApprovalRequest(**values)


def member(user: str, *roles: Role) -> Member:
    return Member(workspace_id=1, user_ref=user, roles=set(roles))
