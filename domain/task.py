"""Tasks of a campaign: who does what by when, and where it stands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from domain import refs
from domain.errors import InvalidInput, InvalidTransition
from domain.stored import Stored


class TaskStatus(StrEnum):
    TODO = "todo"
    DOING = "doing"
    BLOCKED = "blocked"
    DONE = "done"


class TaskMove(StrEnum):
    START = "start"
    DONE = "done"
    REOPEN = "reopen"
    BLOCK = "block"


MOVES: dict[TaskMove, dict[TaskStatus, TaskStatus]] = {
    TaskMove.START: {TaskStatus.TODO: TaskStatus.DOING, TaskStatus.BLOCKED: TaskStatus.DOING},
    TaskMove.DONE: {TaskStatus.TODO: TaskStatus.DONE, TaskStatus.DOING: TaskStatus.DONE,
                    TaskStatus.BLOCKED: TaskStatus.DONE},
    TaskMove.REOPEN: {TaskStatus.DONE: TaskStatus.TODO},
    TaskMove.BLOCK: {TaskStatus.TODO: TaskStatus.BLOCKED, TaskStatus.DOING: TaskStatus.BLOCKED,
                     TaskStatus.BLOCKED: TaskStatus.BLOCKED},
}


@dataclass(slots=True)
class Task(Stored):
    workspace_id: int
    campaign_id: int
    title: str
    created_at: datetime
    assignee: str | None = None
    due: datetime | None = None
    status: TaskStatus = TaskStatus.TODO
    blocked_reason: str | None = None
    from_template: bool = False
    done_at: datetime | None = None
    id: int | None = None
    version: int = 0

    def __post_init__(self) -> None:
        if not self.title.strip():
            raise InvalidInput("title", "empty_title")
        if len(self.title) > 300:
            raise InvalidInput("title", "too_long", limit=300)

    @property
    def ref(self) -> str:
        return refs.task(self.id or 0)

    @property
    def is_open(self) -> bool:
        return self.status is not TaskStatus.DONE

    def is_overdue(self, now: datetime) -> bool:
        return self.is_open and self.due is not None and self.due < now

    def on_time(self) -> bool | None:
        """Whether a finished task was done by its due time; None when not applicable."""
        if self.status is not TaskStatus.DONE or self.due is None or self.done_at is None:
            return None
        return self.done_at <= self.due

    def _move(self, move: TaskMove) -> None:
        moves = MOVES[move]
        if self.status not in moves:
            allowed = tuple(m.value for m, found in MOVES.items() if self.status in found)
            raise InvalidTransition(self.ref, self.status.value, move.value, allowed)
        self.status = moves[self.status]

    def move(self, move: TaskMove, now: datetime, reason: str = "") -> None:
        """Any move by name; a block needs its reason."""
        if move is TaskMove.START:
            self.start()
        elif move is TaskMove.DONE:
            self.finish(now)
        elif move is TaskMove.REOPEN:
            self.reopen()
        else:
            self.block(reason)

    def start(self) -> None:
        self._move(TaskMove.START)
        self.blocked_reason = None

    def finish(self, now: datetime) -> None:
        self._move(TaskMove.DONE)
        self.blocked_reason = None
        self.done_at = now

    def reopen(self) -> None:
        self._move(TaskMove.REOPEN)
        self.done_at = None

    def block(self, reason: str) -> None:
        if not reason.strip():
            raise InvalidInput("reason", "reason_required")
        self._move(TaskMove.BLOCK)
        self.blocked_reason = reason.strip()

    def shift(self, delta: timedelta) -> None:
        if self.due is not None:
            self.due = self.due + delta
