"""What a scan handler gets in place of a user: the open unit of work, the moment, the configured services,
and an Env per workspace whose actor is the bot itself, so the user-facing helpers work unchanged."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.context import Actor
from bot.env import Deps, Env
from bot.identity import ensure_member
from domain.notifications import Subscription
from domain.people import Member, Role, Workspace
from domain.ports import UnitOfWork

SYSTEM_USER = "mems"  # never a platform user id: Slack ids are upper-case, Feishu open_ids start with ou_


@dataclass
class Scan:
    uow: UnitOfWork
    now: datetime
    deps: Deps
    written: int = 0
    _workspaces: dict[int, Workspace | None] = field(default_factory=dict)
    _members: dict[tuple[int, str], Member] = field(default_factory=dict)
    _subscriptions: dict[int, Sequence[Subscription]] = field(default_factory=dict)
    _managers: dict[int, list[str]] = field(default_factory=dict)

    def workspace(self, workspace_id: int) -> Workspace | None:
        if workspace_id not in self._workspaces:
            self._workspaces[workspace_id] = self.uow.workspaces.get(workspace_id)
        return self._workspaces[workspace_id]

    def env(self, workspace: Workspace) -> Env:
        bot = Member(workspace.pk, SYSTEM_USER, "MEMS")
        return Env(self.uow, Actor(workspace, bot, None), self.now, self.deps)

    def member(self, workspace: Workspace, user: str) -> Member:
        """Each person once per scan, however many of their tasks are due."""
        key = (workspace.pk, user)
        if key not in self._members:
            self._members[key] = ensure_member(self.uow, workspace, user, self.deps.settings, self.now)
        return self._members[key]

    def subscriptions(self, workspace_id: int) -> Sequence[Subscription]:
        if workspace_id not in self._subscriptions:
            self._subscriptions[workspace_id] = self.uow.subscriptions.for_workspace(workspace_id)
        return self._subscriptions[workspace_id]

    def managers(self, workspace_id: int) -> list[str]:
        if workspace_id not in self._managers:
            self._managers[workspace_id] = [m.user_ref for m in self.uow.members.holders(workspace_id, Role.MANAGER)]
        return self._managers[workspace_id]

    def count(self, stored: bool) -> None:
        self.written += int(stored)


SystemHandler = Callable[[Any, Scan], None]
