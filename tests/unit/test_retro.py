"""The retrospective: slipped tasks, channels ranked with the budget shift they suggest (checked by hand), and the
retrospective drafted and posted to the home channel when a campaign completes, with notes and a Markdown export."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from domain.metrics import Kpis
from domain.retro import ranked, slipped, suggest
from domain.task import Task, TaskStatus
from tests.builders import TestBot

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


def test_the_suggested_shift_is_what_the_arithmetic_says() -> None:
    channels = {"baidu": Kpis(spend=Decimal(14000), conversions=280, revenue=Decimal(35000)),
                "douyin": Kpis(spend=Decimal(14000), conversions=560, revenue=Decimal(56000)),
                "wechat": Kpis(spend=Decimal(0))}
    assert [name for name, _ in ranked(channels, "cpa")] == ["douyin", "baidu"]  # no spend: not ranked
    cpa = suggest(channels, "cpa")
    # 20 % of Baidu's 14,000 = 2,800 moves: Baidu loses 2,800 / 50 = 56 conversions, Douyin gains 2,800 / 25 = 112;
    # 28,000 / (840 + 56) = 31.25 against 28,000 / 840 = 33.33: about 6 % cheaper.
    assert cpa is not None and (cpa.source, cpa.target, cpa.amount) == ("baidu", "douyin", Decimal(2800))
    assert cpa.after == Decimal("31.25") and cpa.change == pytest.approx(Decimal("-0.0625"))
    roi = suggest(channels, "roi")
    # Baidu loses 2,800 x 2.5 = 7,000 of revenue, Douyin gains 2,800 x 4 = 11,200: 95,200 / 28,000 = 3.4
    assert roi is not None and roi.after == Decimal("3.4") and roi.before == Decimal("3.25")
    assert suggest({"baidu": channels["baidu"]}, "cpa") is None


def test_slipped_tasks_say_by_how_many_days() -> None:
    due = NOW - timedelta(days=10)
    late = Task(1, 1, "Venue", NOW, due=due, status=TaskStatus.DONE, done_at=due + timedelta(days=2, hours=1), id=1)
    early = Task(1, 1, "Print", NOW, due=due, status=TaskStatus.DONE, done_at=due - timedelta(days=1), id=2)
    still = Task(1, 1, "KOL", NOW, due=NOW - timedelta(days=4), id=3)
    assert [(s.task.ref, s.days, s.open) for s in slipped([late, early, still], NOW)] == [("T-3", 4, True),
                                                                                         ("T-1", 3, False)]


@pytest.fixture
def bot() -> TestBot:
    bot = TestBot()
    bot.ok("alice", "role add @bob manager")
    bot.ok("olive", "new Spring start=2026-11-01 end=2026-11-24 kpi.roi=3 kpi.cpa=40")
    bot.ok("olive", 'task add C-1 "Book venue" @li due=2026-11-10')
    bot.ok("olive", 'budget spend C-1 500 "venue deposit"')
    for d in range(1, 15):
        bot.ok("olive", f"metrics C-1 date=2026-11-{d:02d} channel=baidu spend=1000 conversions=20 revenue=2500")
        bot.ok("olive", f"metrics C-1 date=2026-11-{d:02d} channel=douyin spend=1000 conversions=40 revenue=4000")
    return bot


def test_completing_a_campaign_posts_its_retrospective_to_the_home_channel_once(bot: TestBot) -> None:
    bot.ok("li", 'retro C-1 note "the venue contract took two weeks"')  # an assignee is on the team
    bot.ok("olive", "start C-1")
    bot.ok("olive", "complete C-1 confirm")  # a task is still open: complete asks first (issue 11)
    posted = [m for m in bot.store.table("outbox").values() if m.kind == "retro"]
    assert len(posted) == 1 and posted[0].target.ref == "local" and posted[0].key.startswith("retro:C-1:2026-11-25")
    bot.deliver()
    [text] = [t for t in bot.sent_to("local") if "retrospective draft" in t]
    assert "C-1 Spring is complete: the retrospective draft" in text
    # revenue 91,000 on 28,000 of media (1:3.25) and 500 of fees: all-in 91,000 / 28,500 = 1:3.19
    assert "ROI on media: 1:3.25" in text and "ROI all-in: 1:3.19  (target 1:3.00 ✅)" in text
    assert "CPA: ¥33.33  (target ¥40.00 ✅)" in text
    assert "Spent: ¥28,500.00 (media ¥28,000.00 + fees and other spend ¥500.00)" in text
    assert "By CPA (lowest first): douyin ¥25.00 > baidu ¥50.00" in text
    assert "Moving 20% of baidu's budget (¥2,800.00) to douyin would have cut CPA by about 6% (¥33.33 → ¥31.25)." \
        in text
    assert "Assumption: the receiving channel would have kept its own CPA" in text
    assert "T-1 Book venue: still open, 15 day(s) overdue (due 2026-11-10 Tue)" in text
    assert "the venue contract took two weeks" in text


def test_retro_on_demand_exports_markdown_and_notes_are_for_the_team(bot: TestBot) -> None:
    assert "only owner, assignee, manager, admin may" in bot.say("mallory", "retro C-1 note hello").text
    bot.ok("bob", "retro C-1 note 预算偏紧")  # a manager
    md = bot.say("mallory", "retro C-1 export").card.sections[0].text  # anyone may read it
    assert md.startswith("# Retrospective C-1 Spring\n\n## KPIs against targets\n\n- Media spend: ¥28,000.00\n")
    assert "## Channels\n\n- By CPA (lowest first): douyin ¥25.00 > baidu ¥50.00\n" in md
    assert "## The team's notes\n\n- <@bob> (2026-11-25 Wed): 预算偏紧\n" in md
    zh = TestBot(lang="zh")
    zh.ok("olive", "新建 春季")
    assert "复盘 C-1 春季" in zh.text("olive", "复盘 C-1") and "没有 A/B 实验" in zh.text("olive", "复盘 C-1")
