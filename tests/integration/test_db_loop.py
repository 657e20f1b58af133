"""Goals, A/B tests and retrospective notes in SQLite and PostgreSQL (issue 13)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.abtest import Experiment, TestStatus, VariantMetric
from domain.errors import ConcurrencyConflict
from domain.goals import Goal, period
from domain.metrics import DailyMetric
from domain.retro import RetroNote
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


def test_tests_and_their_variants_figures_round_trip(new_uow: UowFactory) -> None:
    w = build.world(new_uow)
    with new_uow() as uow:
        test = uow.experiments.add(Experiment(w.workspace_id, w.campaign_id, "Headline", ("A", "B"), "ctr", 20000,
                                              "U1", NOW))
        for variant, spend in (("A", "0.10"), ("B", "0.20"), ("A", "0.30")):  # the second A replaces the first
            uow.experiments.put_variant(VariantMetric(test.pk, variant, DailyMetric(
                w.workspace_id, w.campaign_id, date(2026, 11, 20), "douyin", spend=Decimal(spend), clicks=7)))
        uow.commit()
    with new_uow() as uow:
        rows = uow.experiments.variant_rows(test.pk)
        assert [(r.variant, r.row.spend, r.row.clicks) for r in rows] == [("A", Decimal("0.30"), 7),
                                                                           ("B", Decimal("0.20"), 7)]
        loaded = uow.experiments.get(test.pk, w.workspace_id)
        assert loaded is not None and loaded.variants == ("A", "B") and loaded.status is TestStatus.RUNNING
        assert loaded.decide("B", NOW, {"reason": "boundary"})
        uow.experiments.save(loaded)
        uow.commit()
    with new_uow() as uow:
        [again] = uow.experiments.for_campaign(w.campaign_id)
        assert again.status is TestStatus.DECIDED and again.winner == "B" and again.decision == {"reason": "boundary"}
        assert again.decided_at == NOW


def test_retrospective_notes_round_trip_in_order(new_uow: UowFactory) -> None:
    w = build.world(new_uow)
    with new_uow() as uow:
        uow.retros.add_note(RetroNote(w.workspace_id, w.campaign_id, "U1", NOW, "KOL posts landed late"))
        uow.retros.add_note(RetroNote(w.workspace_id, w.campaign_id, "U2", NOW, "预算偏紧"))
        uow.commit()
    with new_uow() as uow:
        assert [(n.author, n.text) for n in uow.retros.notes(w.campaign_id)] == [("U1", "KOL posts landed late"),
                                                                                 ("U2", "预算偏紧")]
