"""Text people type (a campaign name, a task title, a reason, a note, a channel name, a help topic) is shown on
every card as typed but never mentions anyone, on Feishu and on Slack; the mentions MEMS itself puts in a card
(the assignee, the approver) still notify. Every card kind is built through the real bus."""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from adapters.console.render import render as console
from adapters.feishu.render import callback_response, markdown, plain
from adapters.feishu.render import render as feishu
from adapters.slack.render import message as slack
from bot.cards import Card
from tests.builders import TestBot
from tests.unit.alert_helpers import tick

HOSTILE = '<@all> Promo <at id=all></at> <@ou_x> <at user_id="all">所有人</at> <!channel> <@U123> <#C1>'
NAME = f"Promo {HOSTILE} today"
CHANNEL = "<@all> <@ou_x> <at id=all></at>"  # a channel name is at most 64 characters
TODAY = date(2026, 11, 25)
# What would notify someone on each surface if it reached the wire as markup.
FEISHU_PINGS = ("<at id=all>", "<at id=ou_x>", '<at user_id="all">', "<at id=U123>")
SLACK_PINGS = ("<@all>", "<@ou_x>", "<!channel>", "<@U123>", "<#C1>")


def metrics(rng: random.Random) -> str:
    return (f"spend={rng.randint(950, 1050)} impressions={rng.randint(95_000, 105_000)} "
            f"clicks={rng.randint(1900, 2100)} conversions={rng.randint(76, 84)} revenue={rng.randint(3900, 4100)}")


@pytest.fixture(scope="module")
def cards() -> dict[str, Card]:
    """One card of every kind, each showing typed text with every mention form in it."""
    bot = TestBot(admins="console:ou_li", lang="zh", timezone="Asia/Shanghai")
    say = bot.ok
    found: dict[str, Card] = {}
    found["created"] = say("ou_li", f"新建 “{NAME}” budget=30万 start=2026-11-01 end=2026-12-31 "
                                    "launch=2026-12-12 kpi.roi=3").card
    say("ou_li", "角色 添加 @ou_wang manager")
    say("ou_li", "角色 添加 @ou_mia manager")
    say("ou_li", "角色 添加 @ou_zhao finance")
    say("ou_li", f"任务 添加 C-1 “{HOSTILE} 订场地” @ou_wang due=2026-11-20")
    say("ou_li", f"任务 添加 C-1 “今天 {HOSTILE}” @ou_wang due=2026-11-25T17:00")
    say("ou_li", f"任务 阻塞 T-1 “{HOSTILE} 等合同”")
    say("ou_li", f"预算 申请 C-1 5万 “{HOSTILE} KOL”")
    say("ou_li", f"预算 支出 C-1 500 “{HOSTILE} 定金”")
    rng = random.Random(5)
    for n in range(29, 1, -1):
        say("ou_li", f"数据 C-1 date={TODAY - timedelta(days=n)} channel=“{CHANNEL}” {metrics(rng)}")
    broken = "spend=1000 impressions=100000 clicks=2000 conversions=12 revenue=600"
    yesterday = TODAY - timedelta(days=1)  # a complete day: today's partial numbers are never judged
    say("ou_li", f"数据 C-1 date={yesterday} channel=“{CHANNEL}” {broken}")
    say("ou_li", f"数据 C-1 date={yesterday} {broken}")
    assert not bot.say("ou_mia", "订阅 all alerts=digest", channel="marketing").is_error
    bot.deliver()
    for text in ("查看 C-1", "查看 T-1", "查看 A-1", "看板 C-1", "时间线 C-1", "报告 C-1", "列表 all", "任务列表 C-1",
                 "预算 C-1", "审批列表 all", "模板"):
        found[text] = say("ou_li", text).card
    found["help topic"] = bot.say("ou_li", f"帮助 “{HOSTILE}”").card
    found["parse error"] = bot.say("ou_li", f"查看 “{HOSTILE}”").card
    found["a person in a name"] = bot.say("ou_li", "新建 Promo <@all>").card  # the error names the person: not all
    found["approver"] = next(card for target, card, _ in bot.gateway.sent
                             if target.ref == "ou_wang" and card.entity == "A-1")
    found["anomaly"] = next(card for _, card, _ in bot.gateway.sent if card.entity and "anomaly" in card.entity)
    found["decided"] = say("ou_wang", f"批准 A-1 “{HOSTILE} 同意”").card
    bot.gateway.sent.clear()
    tick(bot, datetime(2026, 11, 25, 1, 0, tzinfo=UTC))  # 09:00 in Shanghai: the digest, overdue alerts
    for n, (_, card, _) in enumerate(bot.gateway.sent):
        found[f"alert {n}: {card.title}"] = card
    assert any("摘要" in title for title in found), list(found)  # the daily digest is among them
    return found


def test_every_card_shows_the_typed_text(cards: dict[str, Card]) -> None:
    shown = [key for key, card in cards.items() if "<at id=all></at>" in console(card).replace("\u2060", "")]
    assert {"查看 C-1", "查看 T-1", "查看 A-1", "看板 C-1", "时间线 C-1", "报告 C-1", "anomaly", "approver",
            "parse error", "help topic"} <= set(shown)


def test_no_typed_mention_reaches_feishu_as_markup(cards: dict[str, Card]) -> None:
    for key, card in cards.items():
        wire = json.dumps(feishu(card, "zh"), ensure_ascii=False)
        assert not [p for p in FEISHU_PINGS if p in wire], (key, wire)


def test_no_typed_mention_reaches_slack_as_markup(cards: dict[str, Card]) -> None:
    for key, card in cards.items():
        if key == "a person in a name":  # the parser read <@all> as a person; on Slack that notifies nobody
            continue
        wire = json.dumps(slack(card, nonce="test"), ensure_ascii=False)
        assert not [p for p in SLACK_PINGS if p in wire], (key, wire)


def test_the_mentions_mems_makes_still_notify(cards: dict[str, Card]) -> None:
    task = json.dumps(feishu(cards["查看 T-1"], "zh"), ensure_ascii=False)
    assert "<at id=ou_wang></at>" in task  # the assignee
    assert "<@ou_wang>" in json.dumps(slack(cards["查看 T-1"], nonce="test"), ensure_ascii=False)
    assert "<at id=ou_li></at>" in json.dumps(feishu(cards["查看 C-1"], "zh"), ensure_ascii=False)  # the owner
    assert "<at id=ou_wang></at>" in json.dumps(feishu(cards["decided"], "zh"), ensure_ascii=False)  # who decided


@pytest.mark.parametrize("text", [HOSTILE, "<@all>", "<@ALL|everyone>"])
def test_the_feishu_renderer_never_mentions_everyone(text: str) -> None:
    assert "<at id=" + "all" not in markdown(text).lower()


def test_feishu_plain_text_and_toasts_cannot_open_a_tag() -> None:
    title = plain(f"C-1 {NAME} <@ou_li>")
    assert "@ou_li" in title and "<at" not in title and "<@" not in title
    toast: dict[str, Any] = callback_response("success", f"已创建 {NAME}")["toast"]
    assert "<at" not in toast["content"] and "<@" not in toast["content"]
