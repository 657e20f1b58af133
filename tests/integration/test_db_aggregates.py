"""Round trips of workspaces, members, campaigns, tasks and approval requests; isolation; versions."""

from __future__ import annotations

from datetime import time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from domain.approval import ApprovalStatus
from domain.audit import AuditEntry
from domain.campaign import OPEN, Action, Status
from domain.errors import ConcurrencyConflict
from domain.money import Money
from domain.people import Member, Platform, QuietHours, Role
from domain.task import TaskStatus
from tests.integration import db_builders as build
from tests.integration.db_builders import NOW, UowFactory


def test_workspace_round_trip_and_lookup_by_platform_key(new_uow: UowFactory) -> None:
    with new_uow() as uow:
        added = uow.workspaces.add(build.workspace("T1"))
        other = uow.workspaces.add(build.workspace("T1", Platform.FEISHU))
        uow.commit()
    assert added.id is not None and other.id is not None and added.id != other.id
    with new_uow() as uow:
        assert uow.workspaces.get(added.id) == added
        assert uow.workspaces.by_key(Platform.SLACK, "T1") == added
        assert uow.workspaces.by_key(Platform.SLACK, "nope") is None
        assert list(uow.workspaces.all()) == [added, other]


def test_a_second_first_contact_for_one_workspace_is_a_conflict(new_uow: UowFactory) -> None:
    with new_uow() as uow:
        uow.workspaces.add(build.workspace("T1"))
        uow.commit()
    with new_uow() as uow, pytest.raises(ConcurrencyConflict):
        uow.workspaces.add(build.workspace("T1"))


def test_member_round_trip_with_roles_and_settings(new_uow: UowFactory) -> None:
    w = build.world(new_uow)
    quiet = QuietHours(time(22, 0), time(8, 0))
    with new_uow() as uow:
        uow.members.add(Member(w.workspace_id, "F1", "Fay", {Role.FINANCE, Role.ADMIN}, "Europe/Paris", "zh", quiet,
                               NOW))
        uow.commit()
    with new_uow() as uow:
        fay = uow.members.get(w.workspace_id, "F1")
        assert fay == Member(w.workspace_id, "F1", "Fay", {Role.FINANCE, Role.ADMIN}, "Europe/Paris", "zh", quiet, NOW)
        fay.revoke(Role.ADMIN)
        fay.grant(Role.MANAGER)
        fay.quiet, fay.lang = None, None
        uow.members.save(fay)
        uow.commit()
    with new_uow() as uow:
        assert uow.members.get(w.workspace_id, "F1") == fay
        assert [m.user_ref for m in uow.members.holders(w.workspace_id, Role.MANAGER)] == ["F1", "M1", "M2"]
        assert uow.members.holders(w.workspace_id, Role.ADMIN) == []
        assert [m.user_ref for m in uow.members.all(w.workspace_id)] == ["F1", "M1", "M2", "U1"]
        assert uow.members.get(w.workspace_id, "nobody") is None


def test_campaign_round_trip_and_listing(new_uow: UowFactory) -> None:
    w = build.world(new_uow)
    day = NOW.date()
    full = build.campaign(w.workspace_id, name="Summit", owner="U2", budget=Money.of("20000.50", "CNY"),
                          start=day, end=day + timedelta(days=9), launch=day + timedelta(days=2),
                          template="industry-summit", kpis={"roi": Decimal("2.5"), "ctr": Decimal("0.015")})
    with new_uow() as uow:
        uow.campaigns.add(full)
        uow.commit()
    assert full.id is not None
    with new_uow() as uow:
        assert uow.campaigns.get(full.id, w.workspace_id) == full
        assert [c.id for c in uow.campaigns.list(w.workspace_id)] == [w.campaign_id, full.id]
        assert [c.id for c in uow.campaigns.list(w.workspace_id, owner="U2")] == [full.id]
        first = uow.campaigns.get(w.campaign_id, w.workspace_id)
        assert first is not None
        first.transition(Action.CANCEL, Money.zero("CNY"))
        uow.campaigns.save(first)
        uow.commit()
    with new_uow() as uow:
        assert [c.id for c in uow.campaigns.list(w.workspace_id, statuses=OPEN)] == [full.id]
        assert [c.id for c in uow.campaigns.list(w.workspace_id, statuses=frozenset({Status.CANCELLED}))] == [
            w.campaign_id]


def test_task_round_trip_and_scans(new_uow: UowFactory) -> None:
    w = build.world(new_uow)
    with new_uow() as uow:
        late = uow.tasks.add(build.task(w.workspace_id, w.campaign_id, due=NOW - timedelta(hours=1)))
        later = uow.tasks.add(build.task(w.workspace_id, w.campaign_id, title="Print", due=NOW - timedelta(minutes=1),
                                         from_template=True, assignee="U2"))
        done = uow.tasks.add(build.task(w.workspace_id, w.campaign_id, title="Done", due=NOW - timedelta(days=1)))
        uow.tasks.add(build.task(w.workspace_id, w.campaign_id, title="Exactly now", due=NOW))
        uow.tasks.add(build.task(w.workspace_id, w.campaign_id, title="Undated", due=None))
        done.finish(NOW)
        uow.tasks.save(done)
        uow.commit()
    assert late.id is not None
    with new_uow() as uow:
        assert uow.tasks.get(late.id, w.workspace_id) == late
        assert uow.tasks.get(done.id or 0, None) == done
        assert len(uow.tasks.for_campaign(w.campaign_id)) == 5
        assert [t.title for t in uow.tasks.for_assignee(w.workspace_id, "U2")] == ["Print"]
        overdue = uow.tasks.open_due_before(w.workspace_id, NOW)
        assert [t.id for t in overdue] == [late.id, later.id]  # earliest first; done, undated and "now" left out
        assert [t.id for t in uow.tasks.open_due_before(None, NOW)] == [late.id, later.id]
        assert uow.tasks.open_due_before(w.workspace_id + 1, NOW) == []
        assert done.status is TaskStatus.DONE and done.version == 1


def test_approval_request_round_trip_with_decisions(new_uow: UowFactory) -> None:
    w = build.world(new_uow)
    with new_uow() as uow:
        r = uow.approvals.add(build.request(w.workspace_id, w.campaign_id, amount=Money.of("50000.00", "CNY"),
                                            steps=(Role.MANAGER, Role.MANAGER)))
        uow.commit()
    assert r.id is not None
    with new_uow() as uow:
        stored = uow.approvals.get(r.id, w.workspace_id)
        assert stored == r
        stored.approve("M1", {Role.MANAGER}, "ok", NOW + timedelta(minutes=5))
        uow.approvals.save(stored)
        uow.commit()
    with new_uow() as uow:
        again = uow.approvals.get(r.id, w.workspace_id)
        assert again == stored and again.version == 1 and len(again.decisions) == 1
        again.approve("M2", {Role.MANAGER}, "", NOW + timedelta(minutes=9))
        uow.approvals.save(again)
        uow.commit()
    with new_uow() as uow:
        final = uow.approvals.get(r.id, None)
        assert final == again and final.status is ApprovalStatus.APPROVED and final.closed_at is not None
        assert [d.decider for d in final.decisions] == ["M1", "M2"]
        assert uow.approvals.for_campaign(w.campaign_id) == [final]
        assert uow.approvals.list(w.workspace_id, ApprovalStatus.PENDING) == []
        assert uow.approvals.list(w.workspace_id) == [final]


def test_pending_since_finds_requests_waiting_longer_than_the_sla(new_uow: UowFactory) -> None:
    w = build.world(new_uow)
    with new_uow() as uow:
        old = uow.approvals.add(build.request(w.workspace_id, w.campaign_id, created_at=NOW - timedelta(days=2)))
        uow.approvals.add(build.request(w.workspace_id, w.campaign_id, created_at=NOW))
        closed = uow.approvals.add(build.request(w.workspace_id, w.campaign_id, created_at=NOW - timedelta(days=3)))
        closed.withdraw("U1", NOW)
        uow.approvals.save(closed)
        uow.commit()
    with new_uow() as uow:
        assert [r.id for r in uow.approvals.pending_since(NOW - timedelta(days=1))] == [old.id]


def test_another_workspace_reads_as_not_found(new_uow: UowFactory) -> None:
    mine, theirs = build.world(new_uow, "T1"), build.world(new_uow, "T2")
    with new_uow() as uow:
        t = uow.tasks.add(build.task(theirs.workspace_id, theirs.campaign_id))
        r = uow.approvals.add(build.request(theirs.workspace_id, theirs.campaign_id))
        uow.commit()
    assert t.id is not None and r.id is not None
    with new_uow() as uow:
        assert uow.campaigns.get(theirs.campaign_id, mine.workspace_id) is None
        assert uow.tasks.get(t.id, mine.workspace_id) is None
        assert uow.approvals.get(r.id, mine.workspace_id) is None
        assert uow.campaigns.get(theirs.campaign_id, None) is not None  # the operator sees every workspace
        assert uow.tasks.get(t.id, theirs.workspace_id) is not None
        assert uow.approvals.get(r.id, None) is not None


def test_a_stale_save_is_a_conflict_and_changes_nothing(new_uow: UowFactory) -> None:
    w = build.world(new_uow)
    with new_uow() as first, new_uow() as second:
        mine = first.campaigns.get(w.campaign_id, w.workspace_id)
        stale = second.campaigns.get(w.campaign_id, w.workspace_id)
        assert mine is not None and stale is not None
        mine.name = "Renamed first"
        first.campaigns.save(mine)
        first.commit()
        stale.name = "Renamed too late"
        with pytest.raises(ConcurrencyConflict) as caught:
            second.campaigns.save(stale)
        assert caught.value.params["ref"] == f"C-{w.campaign_id}"
        assert stale.version == 0  # not bumped by a save that did not happen
    with new_uow() as uow:
        stored = uow.campaigns.get(w.campaign_id, w.workspace_id)
        assert stored is not None and stored.name == "Renamed first" and stored.version == 1


def test_a_stale_task_save_is_a_conflict(new_uow: UowFactory) -> None:
    w = build.world(new_uow)
    with new_uow() as uow:
        t = uow.tasks.add(build.task(w.workspace_id, w.campaign_id))
        uow.commit()
    stale = build.task(w.workspace_id, w.campaign_id, id=t.id, version=0)
    with new_uow() as uow:
        t.start()
        uow.tasks.save(t)
        uow.commit()
    with new_uow() as uow, pytest.raises(ConcurrencyConflict):
        uow.tasks.save(stale)


def test_leaving_without_commit_keeps_nothing(new_uow: UowFactory) -> None:
    w = build.world(new_uow)
    with new_uow() as uow:
        uow.campaigns.add(build.campaign(w.workspace_id, name="Never"))
        uow.audit.add(AuditEntry(w.workspace_id, "C-9", "campaign.created", "U1", NOW))
    with new_uow() as uow:
        assert [c.name for c in uow.campaigns.list(w.workspace_id)] == ["Spring launch"]
        assert uow.audit.for_entity("C-9") == []


def test_datetimes_come_back_aware_utc_and_equal(new_uow: UowFactory) -> None:
    w = build.world(new_uow)
    shanghai = NOW.astimezone(ZoneInfo("Asia/Shanghai"))
    with new_uow() as uow:
        t = uow.tasks.add(build.task(w.workspace_id, w.campaign_id, created_at=shanghai, due=shanghai))
        uow.commit()
    with new_uow() as uow:
        stored = uow.tasks.get(t.id or 0, None)
        assert stored is not None and stored.due == NOW and stored.created_at == shanghai
        assert stored.due is not None and stored.due.utcoffset() == timedelta(0)
        assert stored.due.tzinfo is not None
