"""What a handler gets: the open unit of work, the actor, the moment, and the configured services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.catalog import TemplateCatalog
from bot.context import Actor
from bot.settings import Settings
from domain.approval import Policy
from domain.ports import UnitOfWork


@dataclass(frozen=True)
class Deps:
    settings: Settings
    templates: TemplateCatalog
    policy: Policy


@dataclass
class Env:
    uow: UnitOfWork
    actor: Actor
    now: datetime
    deps: Deps

    @property
    def lang(self) -> str:
        return self.actor.lang

    @property
    def workspace_id(self) -> int:
        return self.actor.workspace_id

    @property
    def today(self) -> date:
        return self.now.astimezone(self.actor.workspace.tz).date()
