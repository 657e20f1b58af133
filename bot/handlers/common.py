"""Shared steps of handlers: load within the actor's workspace (else "not found"), ledger, audit."""

from __future__ import annotations

from typing import Any

from bot.env import Env
from bot.ledgers import ledger_of
from domain import refs
from domain.approval import ApprovalRequest
from domain.audit import AuditAction, AuditEntry
from domain.campaign import Campaign
from domain.errors import CurrencyMismatch, InvalidInput, NotFound
from domain.ledger import Ledger
from domain.money import Money
from domain.task import Task


def campaign(env: Env, number: int) -> Campaign:
    found = env.uow.campaigns.get(number, env.workspace_id)
    if found is None:
        raise NotFound(refs.campaign(number))
    return found


def open_campaign(env: Env, number: int) -> Campaign:
    found = campaign(env, number)
    if not found.is_open:
        raise InvalidInput("campaign", "closed_campaign", ref=found.ref, status=found.status.value)
    return found


def task(env: Env, number: int) -> Task:
    found = env.uow.tasks.get(number, env.workspace_id)
    if found is None:
        raise NotFound(refs.task(number))
    return found


def request(env: Env, number: int) -> ApprovalRequest:
    found = env.uow.approvals.get(number, env.workspace_id)
    if found is None:
        raise NotFound(refs.approval(number))
    return found


def ledger(env: Env, c: Campaign) -> Ledger:
    return ledger_of(env.uow, c)


def audit(env: Env, entity: str, action: AuditAction, campaign_id: int | None, **detail: Any) -> None:
    env.uow.audit.add(AuditEntry(workspace_id=env.workspace_id, entity=entity, action=action, actor=env.actor.user,
                                 at=env.now, campaign_id=campaign_id,
                                 detail={k: str(v) for k, v in detail.items() if v not in (None, "")}))


def check_currency(env: Env, money: Money) -> None:
    expected = env.actor.workspace.currency
    if money.currency != expected:
        raise CurrencyMismatch(expected, money.currency)
