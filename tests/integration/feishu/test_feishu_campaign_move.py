"""Re-dating a campaign from Feishu: `改期 C-1 上线=+30d` counts from the campaign's own launch, and every deadline
alert the move made wrong is followed by a correction where it was sent (the home group, the owner's chat)."""

from __future__ import annotations

from datetime import date, timedelta

from domain import commands as c
from domain.notifications import DEADLINE_KINDS
from tests.fakes import FakeClock
from tests.integration.feishu.conftest import HOME, Harness
from tests.standins.feishu_events import text_of


def scan(h: Harness, clock: FakeClock) -> None:
    result = h.container.bus.run_system(c.ScanDeadlines(clock.now()))
    assert result.error is None, result.error
    h.deliver()


def texts(h: Harness, receive_id: str) -> list[str]:
    return [text_of(call.card) for call in h.api.sent_to(receive_id)]


def test_a_relative_move_shifts_from_the_launch_and_corrects_the_alerts_already_sent(h: Harness,
                                                                                    clock: FakeClock) -> None:
    # The clock: 2026-10-20 10:00 in Shanghai. The first template task was due 2026-10-15: overdue and escalated.
    h.reply_text("李", "@MEMS 新建 发布会 launch=2026-11-10 template=product-launch")
    scan(h, clock)
    assert any("逾期" in t and "T-1" in t for t in texts(h, HOME))
    assert any("T-1" in t for t in texts(h, "ou_li"))  # still overdue: escalated to the owner

    moved = h.reply_text("李", "@MEMS 改期 C-1 上线=+30d")
    assert "2026-12-10" in moved and "推后 30 天" in moved
    with h.container.uow_factory() as uow:
        campaign = uow.campaigns.get(1, None)
        assert campaign is not None and campaign.launch == date(2026, 11, 10) + timedelta(days=30)
    h.deliver()
    home = [t for t in texts(h, HOME) if "更正" in t]
    owner = [t for t in texts(h, "ou_li") if "更正" in t]
    assert home and owner and "目前没有逾期" in home[0] and "2026-11-14" in home[0]

    clock.advance(minutes=5)
    before = len(texts(h, HOME))
    scan(h, clock)
    assert len(texts(h, HOME)) == before  # nothing is overdue any more: no new alert


def test_an_unsent_alert_is_dropped_when_its_task_moves(h: Harness, clock: FakeClock) -> None:
    h.reply_text("李", "@MEMS 新建 发布会 launch=2026-11-10 template=product-launch")
    h.deliver()
    result = h.container.bus.run_system(c.ScanDeadlines(clock.now()))  # written, not yet delivered
    assert result.error is None and result.written > 0
    h.reply_text("李", "@MEMS 改期 C-1 by=+30d")
    h.deliver()
    with h.container.uow_factory() as uow:
        assert uow.outbox.about("T-1", DEADLINE_KINDS) == []  # nothing about T-1 stands any more
    assert not any("T-1" in t for t in texts(h, HOME) + texts(h, "ou_li"))  # never sent, so nothing to correct
