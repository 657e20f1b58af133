"""Reading goals: the tree of a workspace's goals, and each goal's progress from the metrics of the campaigns
linked to it or to any goal below it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from domain.goals import Goal, Progress, progress
from domain.metrics import DailyMetric
from domain.ports import UnitOfWork


class GoalTree:
    """The goals of one workspace, with the metrics of their campaigns read once."""

    def __init__(self, uow: UnitOfWork, goals: Sequence[Goal]) -> None:
        self.uow = uow
        self.goals = {g.pk: g for g in goals}
        self._rows: dict[int, Sequence[DailyMetric]] = {}

    def children(self, goal: Goal) -> list[Goal]:
        return [g for g in self.goals.values() if g.parent_id == goal.id]

    def descendants(self, goal: Goal) -> list[Goal]:
        found, todo = [], self.children(goal)
        while todo:
            child = todo.pop(0)
            found.append(child)
            todo.extend(self.children(child))
        return found

    def campaigns(self, goal: Goal) -> list[int]:
        ids: list[int] = []
        for g in (goal, *self.descendants(goal)):
            ids.extend(c for c in g.campaigns if c not in ids)
        return ids

    def rows(self, goal: Goal) -> list[DailyMetric]:
        found: list[DailyMetric] = []
        for campaign_id in self.campaigns(goal):
            if campaign_id not in self._rows:
                self._rows[campaign_id] = self.uow.metrics.for_campaign(campaign_id)
            found.extend(self._rows[campaign_id])
        return found

    def progress(self, goal: Goal, today: date) -> Progress:
        return progress(goal, self.rows(goal), today)

    def ordered(self) -> list[tuple[int, Goal]]:
        """Depth-first: each goal followed by its children (depth, goal)."""
        out: list[tuple[int, Goal]] = []

        def walk(goal: Goal, depth: int) -> None:
            out.append((depth, goal))
            for child in self.children(goal):
                walk(child, depth + 1)

        for root in self.goals.values():
            if root.parent_id is None or root.parent_id not in self.goals:
                walk(root, 0)
        return out
