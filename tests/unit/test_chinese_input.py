"""Chinese input as a Chinese keyboard types it: full-width `＝` `：` and digits read as ASCII, an id glued to a verb
read as two words; Chinese errors and help lead with the Chinese verbs."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.parsing.parser import parse
from domain import commands as c
from domain import refs
from tests.builders import TestBot
from tests.unit.parsing_context import CTX, SHANGHAI


def test_full_width_equals_and_digits_give_the_budget() -> None:
    bot = TestBot(lang="zh")
    text = bot.text("olive", "新建 春节营销 budget＝１０万")
    assert "已创建 C-1 春节营销\n" in text and "计划预算  ¥100,000.00" in text


@pytest.mark.parametrize(("line", "expected"), [
    ("报告C-5", c.Report(5)),
    ("查看T-3", c.Show(refs.Kind.TASK, 3)),
])
def test_an_id_glued_to_a_chinese_verb_is_read_as_two_words(line: str, expected: c.Command) -> None:
    assert parse(line, CTX) == expected


def test_a_full_width_colon_in_a_time_is_read() -> None:
    cmd = parse("任务 添加 C-1 订场地 due=2026-12-05T18：00", CTX)
    assert isinstance(cmd, c.AddTask) and cmd.due is not None
    assert cmd.due.astimezone(SHANGHAI).hour == 18


def test_full_width_amounts_in_metrics() -> None:
    cmd = parse("数据 C-1 spend＝３２００ clicks＝２４００", CTX)
    assert isinstance(cmd, c.RecordMetrics) and cmd.figures == {"spend": Decimal("3200"), "clicks": 2400}


def test_a_chinese_error_shows_the_chinese_verb_in_usage_and_example() -> None:
    text = TestBot(lang="zh").text("olive", "新建")
    assert "用法：`新建 <name>" in text and "示例：`新建 " in text


def test_chinese_help_puts_the_chinese_verbs_first() -> None:
    text = TestBot(lang="zh").text("olive", "帮助")
    assert "新建 <name> [budget=]" in text and "(new)" in text and "报告 <C-id>  (report)" in text
    english = TestBot().text("olive", "help")
    assert "new <name> [budget=]" in english and "(新建)" in english
