"""Trap 3: nothing could be edited or undone. Campaign edits, task edits and deletions, spend corrections and `undo`,
each in the audit trail."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from domain.money import Money
from tests.builders import TestBot
from tests.unit.alert_helpers import sent, tick

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


@pytest.fixture
def bot() -> TestBot:
    bot = TestBot()
    bot.ok("alice", "role add @mia manager")
    bot.ok("alice", "role add @fay finance")
    bot.ok("olive", "new Spring budget=120k kpi.roi=3 kpi.ctr=2%")
    return bot


def campaign(bot: TestBot) -> object:
    return bot.store.table("campaigns")[1]


def test_edit_changes_budget_kpis_name_owner_and_dates_with_an_audit_line(bot: TestBot) -> None:
    text = bot.text("olive", 'edit C-1 budget=150k kpi.roi=3.5 kpi.ctr=none name="Spring 2027" owner=@li '
                             "start=2027-03-01 end=2027-03-20")
    c = campaign(bot)
    assert c.budget == Money(Decimal("150000.00"), "CNY") and c.kpis == {"roi": Decimal("3.5")}  # type: ignore[attr-defined]
    assert (c.name, c.owner, str(c.start), str(c.end)) == ("Spring 2027", "li", "2027-03-01", "2027-03-20")  # type: ignore[attr-defined]
    assert "budget: ¥120,000.00 → ¥150,000.00" in text and "name: Spring → Spring 2027" in text
    assert "edited the campaign" in bot.text("olive", "show C-1")


def test_a_planned_budget_below_the_approved_amount_is_refused(bot: TestBot) -> None:
    bot.ok("olive", 'budget request C-1 50000 "KOL"')
    bot.ok("mia", "approve A-1")
    bot.ok("fay", "approve A-1")
    refused = bot.say("olive", "edit C-1 budget=40k")
    assert refused.is_error and "already has ¥50,000.00 approved" in refused.text
    assert campaign(bot).budget.amount == Decimal("120000.00")  # type: ignore[attr-defined]


@pytest.mark.parametrize("text, message", [
    ("edit C-1", "Say what to change"),
    ("edit C-1 end=2020-01-01 start=2027-01-01", "is before the start"),
    ("edit C-1 kpi.foo=3", "not a KPI"),
])
def test_a_bad_edit_changes_nothing(bot: TestBot, text: str, message: str) -> None:
    reply = bot.say("olive", text)
    assert reply.is_error and message in reply.text
    assert campaign(bot).name == "Spring"  # type: ignore[attr-defined]


def test_task_edit_and_delete_are_audited_and_delete_takes_back_its_alerts(bot: TestBot) -> None:
    bot.ok("olive", 'task add C-1 "Book venue" @bob due=2026-11-24T18:00')
    text = bot.text("olive", 'task edit T-1 title="Book the venue" @li')
    task = bot.store.table("tasks")[1]
    assert (task.title, task.assignee) == ("Book the venue", "li") and "Task edited" in text
    tick(bot, NOW)
    assert any("Overdue: T-1" in card for card in sent(bot, "local"))
    deleted = bot.text("olive", "task delete T-1")
    assert "Task deleted: T-1 Book the venue" in deleted and 1 not in bot.store.table("tasks")
    bot.deliver()
    assert any("Correction: T-1" in card and "task was deleted" in card for card in sent(bot, "local"))
    trail = [e.action.value for e in bot.store.table("audit").values() if e.entity == "T-1"]
    assert trail == ["task.added", "task.edited", "task.deleted"]


def test_a_spend_correction_needs_a_reason_and_never_goes_below_zero(bot: TestBot) -> None:
    bot.ok("olive", 'budget spend C-1 3200 "venue deposit"')
    assert bot.say("olive", "budget spend C-1 -500").is_error
    too_much = bot.say("olive", 'budget spend C-1 -5000 "typo"')
    assert too_much.is_error and "below zero" in too_much.text
    bot.ok("fay", 'budget spend C-1 -1,200 "invoice entered twice"')
    ledger = bot.text("olive", "budget C-1")
    assert "¥2,000.00" in ledger and "1,200.00" in ledger
    assert "corrected the spend" in bot.text("olive", "show C-1")


def test_undo_takes_back_my_last_change_only_and_only_recently(bot: TestBot) -> None:
    bot.ok("olive", 'budget spend C-1 3200 "venue deposit"')
    bot.ok("olive", "edit C-1 budget=200k")
    undone = bot.text("olive", "undo")
    assert "Undone: C-1" in undone and campaign(bot).budget.amount == Decimal("120000.00")  # type: ignore[attr-defined]
    bot.ok("olive", "撤销")  # the change before: the spend entry
    assert not bot.store.table("ledger")
    creation = bot.say("olive", "undo")
    assert creation.is_error and "can't be undone" in creation.text and "created the campaign" in creation.text
    bot.ok("olive", 'budget spend C-1 100 "pens"')
    bot.clock.advance(minutes=11)
    late = bot.say("olive", "undo")
    assert late.is_error and "no change in the past 10 minutes" in late.text and len(bot.store.table("ledger")) == 1


def test_undo_is_refused_once_someone_changed_it_since(bot: TestBot) -> None:
    bot.ok("olive", "edit C-1 name=Renamed")
    bot.ok("mia", "edit C-1 budget=130k")
    refused = bot.say("olive", "undo")
    assert refused.is_error and "changed again since" in refused.text
    assert campaign(bot).name == "Renamed"  # type: ignore[attr-defined]


def test_undo_restores_a_deleted_task_and_a_move(bot: TestBot) -> None:
    bot.ok("olive", "new Launch launch=2027-03-01 template=product-launch")
    before = {t.id: t.due for t in bot.store.table("tasks").values()}
    bot.ok("olive", "task delete T-3")
    bot.ok("olive", "undo")
    assert bot.store.table("tasks")[3].due == before[3]
    bot.ok("olive", "move C-2 launch=+7d")
    bot.ok("olive", "undo")
    assert {t.id: t.due for t in bot.store.table("tasks").values()} == before
    assert str(bot.store.table("campaigns")[2].launch) == "2027-03-01"


def test_undo_names_a_change_it_cannot_take_back(bot: TestBot) -> None:
    bot.ok("olive", "task add C-1 Extra")
    refused = bot.say("olive", "undo")
    assert refused.is_error and "can't be undone" in refused.text and "Nothing changed" in refused.text
    assert 2 in bot.store.table("tasks") or 1 in bot.store.table("tasks")


def test_undo_puts_a_metrics_day_back_as_it_was(bot: TestBot) -> None:
    bot.ok("olive", "metrics C-1 date=2026-11-20 channel=douyin spend=3200 impressions=120000 clicks=2400")
    bot.ok("olive", "metrics C-1 date=2026-11-20 channel=douyin clicks=24000")  # a typo
    bot.ok("olive", "undo")
    [day] = bot.store.table("metrics").values()
    assert (day.spend, day.impressions, day.clicks) == (Decimal("3200.00"), 120000, 2400)
    bot.ok("olive", "undo")  # the first recording: the day had no figures before
    assert not bot.store.table("metrics")
