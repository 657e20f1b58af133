"""Issue 13's story from Feishu against the stand-in (a Chinese workspace): goals split and linked, a test decided
by the sequential rule and announced once in the home group, the retrospective posted there on completion."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests import loop_story as story
from tests.fakes import FakeClock
from tests.integration.feishu.conftest import HOME, Harness
from tests.standins.feishu_events import text_of


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 12, 5, 2, 0, tzinfo=UTC))


def test_goals_a_decided_test_and_a_retrospective_from_feishu(h: Harness) -> None:
    h.reply_text("李", "@MEMS 角色 添加 @王 经理")
    for line in story.GOALS:
        h.reply_text("王", f"@MEMS {line}")
    for line in story.CAMPAIGNS:
        h.reply_text("赵", f"@MEMS {line}")
    for line in story.LINKS:
        assert "的数据已计入" in h.reply_text("王", f"@MEMS {line}")
    for line in story.metrics():
        h.say("赵", f"@MEMS {line}")
    h.deliver()
    home = [text_of(c.card) for c in h.api.sent_to(HOME)]
    decided = [t for t in home if "A/B 实验 X-1 Headline 已有结论" in t]
    assert len(decided) == 1 and "B 胜出（越过序贯检验边界）" in decided[0]

    shown = h.reply_text("王", "@MEMS 目标 G-1")
    assert "G-5 Q4 · 收入 · 2026-Q4: ¥109,000.00 / ¥250,000.00" in shown

    for line in story.CLOSE:
        h.say("赵", f"@MEMS {line}")
    h.deliver()
    [retro] = [text_of(c.card) for c in h.api.sent_to(HOME) if "复盘草稿" in text_of(c.card)]
    assert "C-1 Winter Sale 已完成" in retro and "B headline for January" in retro
    assert "X-1 Headline (CTR): 已有结论：B 胜出" in retro
