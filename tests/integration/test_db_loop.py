"""Goals, A/B tests and retrospective notes in SQLite and PostgreSQL (issue 13)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.errors import ConcurrencyConflict
from domain.goals import Goal, period
from tests.integration import db_builders as build
from tests.integration.db_builders import NOW, UowFactory


def test_goals_round_trip_with_their_parent_links_and_exact_targets(new_uow: UowFactory) -> None:
    w = build.world(new_uow)
    other = build.world(new_uow, "T2")
    with new_uow() as uow:
        parent = uow.goals.add(Goal(w.workspace_id, "Revenue 2027", "revenue", Decimal("12000000"), period("2027"),
                                    "U1", NOW))
        child = uow.goals.add(Goal(w.workspace_id, "ROI Q1", "roi", Decimal("3.125"), period("2027-Q1"), "U1", NOW,
                                   channel="douyin", parent_id=parent.id))
        uow.commit()
    with new_uow() as uow:
        loaded = uow.goals.get(child.pk, w.workspace_id)
        assert loaded is not None and loaded.target == Decimal("3.125") and loaded.parent_id == parent.id
        assert loaded.period.label == "2027-Q1" and loaded.channel == "douyin"
        assert uow.goals.get(child.pk, other.workspace_id) is None  # another workspace's goal is not found
        loaded.link(w.campaign_id)
        uow.goals.save(loaded)
        uow.commit()
    with new_uow() as uow:
        assert [g.ref for g in uow.goals.list(w.workspace_id)] == [parent.ref, child.ref]
        assert uow.goals.list(other.workspace_id) == []
        stale = uow.goals.get(child.pk, None)
        assert stale is not None and stale.campaigns == [w.campaign_id]
    with new_uow() as a, new_uow() as b:  # two writers of the same goal: the second is told
        first, second = a.goals.get(child.pk, None), b.goals.get(child.pk, None)
        assert first is not None and second is not None
        a.goals.save(first)
        a.commit()
        with pytest.raises(ConcurrencyConflict):
            b.goals.save(second)
