"""What a scan handler gets in place of a user: the open unit of work, the moment, the configured services,
and an Env per workspace whose actor is the bot itself, so the user-facing helpers work unchanged."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.context import Actor
from bot.env import Deps, Env
from domain.people import Member, Workspace
from domain.ports import UnitOfWork

SYSTEM_USER = "mems"  # never a platform user id: Slack ids are upper-case, Feishu open_ids start with ou_


@dataclass
class Scan:
    uow: UnitOfWork
    now: datetime
    deps: Deps
    written: int = 0
    _workspaces: dict[int, Workspace | None] = field(default_factory=dict)

    def workspace(self, workspace_id: int) -> Workspace | None:
        if workspace_id not in self._workspaces:
            self._workspaces[workspace_id] = self.uow.workspaces.get(workspace_id)
        return self._workspaces[workspace_id]

    def env(self, workspace: Workspace) -> Env:
        assert workspace.id is not None
        bot = Member(workspace.id, SYSTEM_USER, "MEMS")
        return Env(self.uow, Actor(workspace, bot, None), self.now, self.deps)

    def count(self, stored: bool) -> None:
        self.written += int(stored)


SystemHandler = Callable[[Any, Scan], None]
