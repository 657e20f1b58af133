"""What handlers and reactions get: one transaction's shared state (Txn), and for a person's command the actor
too (Env)."""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from bot import catalog, policy
from bot.catalog import TemplateCatalog
from bot.context import Actor
from bot.identity import ensure_member
from bot.settings import Settings
from domain.approval import Policy
from domain.events import Event
from domain.notifications import Subscription
from domain.people import Member, Role, Workspace
from domain.ports import UnitOfWork

SYSTEM_USER = "mems"  # never a platform user id: Slack ids are upper-case, Feishu open_ids start with ou_


@dataclass(frozen=True)
class Deps:
    settings: Settings
    templates: TemplateCatalog
    policy: Policy

    @classmethod
    def load(cls, settings: Settings) -> Deps:
        """The templates and the approval policy the settings name."""
        return cls(settings, catalog.load(settings.templates_dir), policy.load(settings.approval_policy))


@dataclass
class Txn:
    """One transaction: its unit of work and moment, the events recorded and not yet handled, how many outbox
    rows it wrote, and look-ups kept for its length (each person once, however many of their tasks are due)."""

    uow: UnitOfWork
    now: datetime
    deps: Deps
    events: deque[Event] = field(default_factory=deque)
    written: int = 0
    _workspaces: dict[int, Workspace | None] = field(default_factory=dict)
    _members: dict[tuple[int, str], Member] = field(default_factory=dict)
    _subscriptions: dict[int, Sequence[Subscription]] = field(default_factory=dict)
    _managers: dict[int, list[str]] = field(default_factory=dict)

    def record(self, event: Event) -> None:
        """Note what happened; the bus runs its reactions before the transaction commits."""
        self.events.append(event)

    def knows(self, workspace: Workspace) -> None:
        """A workspace this transaction already holds (the actor's), so look-ups use that very object."""
        self._workspaces[workspace.pk] = workspace

    def workspace(self, workspace_id: int) -> Workspace | None:
        if workspace_id not in self._workspaces:
            self._workspaces[workspace_id] = self.uow.workspaces.get(workspace_id)
        return self._workspaces[workspace_id]

    def workspace_of(self, workspace_id: int) -> Workspace:
        """The workspace of something stored in it, which therefore exists."""
        found = self.workspace(workspace_id)
        if found is None:
            raise LookupError(f"workspace {workspace_id} is not stored")
        return found

    def member(self, workspace: Workspace, user: str) -> Member:
        """Everyone the workspace hears of is a member (created on first mention)."""
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


@dataclass
class Env:
    """A person's command: the transaction and who is asking."""

    txn: Txn
    actor: Actor

    @property
    def uow(self) -> UnitOfWork:
        return self.txn.uow

    @property
    def now(self) -> datetime:
        return self.txn.now

    @property
    def deps(self) -> Deps:
        return self.txn.deps

    def record(self, event: Event) -> None:
        self.txn.record(event)

    @property
    def lang(self) -> str:
        return self.actor.lang

    @property
    def workspace_id(self) -> int:
        return self.actor.workspace_id

    @property
    def today(self) -> date:
        return self.now.astimezone(self.actor.workspace.tz).date()
