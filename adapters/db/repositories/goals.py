"""Goals, their links to campaigns and their place in the tree (issue 13)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sqlmodel import Session, col, select

from adapters.db.repositories.base import fetch, fetch_one, insert, save_versioned
from adapters.db.tables import GoalRow
from domain.goals import Goal, period


def _goal(row: GoalRow) -> Goal:
    return Goal(workspace_id=row.workspace_id, name=row.name, metric=row.metric, target=Decimal(row.target),
                period=period(row.period), owner=row.owner, created_at=row.created_at, channel=row.channel,
                parent_id=row.parent_id, campaigns=[int(c) for c in row.campaigns], id=row.id, version=row.version)


def _values(goal: Goal) -> dict[str, object]:
    return {"name": goal.name, "metric": goal.metric, "target": str(goal.target), "period": goal.period.label,
            "channel": goal.channel, "parent_id": goal.parent_id, "owner": goal.owner,
            "campaigns": list(goal.campaigns)}


class SqlGoalRepository:
    def __init__(self, session: Session) -> None:
        self.db = session

    def add(self, goal: Goal) -> Goal:
        row = GoalRow(workspace_id=goal.workspace_id, created_at=goal.created_at, **_values(goal))  # type: ignore[arg-type]
        goal.id = insert(self.db, row, "goal")
        return goal

    def get(self, goal_id: int, workspace_id: int | None) -> Goal | None:
        stmt = select(GoalRow).where(GoalRow.id == goal_id)
        if workspace_id is not None:
            stmt = stmt.where(GoalRow.workspace_id == workspace_id)
        row = fetch_one(self.db, stmt)
        return None if row is None else _goal(row)

    def save(self, goal: Goal) -> None:
        save_versioned(self.db, GoalRow, goal, _values(goal))
        goal.version += 1

    def list(self, workspace_id: int | None) -> Sequence[Goal]:
        stmt = select(GoalRow)
        if workspace_id is not None:
            stmt = stmt.where(GoalRow.workspace_id == workspace_id)
        return [_goal(r) for r in fetch(self.db, stmt.order_by(col(GoalRow.id)))]
