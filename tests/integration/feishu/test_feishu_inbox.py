"""Acknowledge first on Feishu, as on Slack: a message or a click is kept in the inbox before Feishu hears 200 and is
worked from the bounded queue; when the queue is full the person is told at once, in their language, that MEMS is
busy, and nothing of the request runs. (A killed server's kept requests run once in the next:
tests/faults/test_inbox_kill.py.)"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from bot.i18n import tr
from bot.offload import THREADS
from tests.fakes import FakeClock
from tests.integration.feishu.conftest import HOME, Harness, feishu_settings, running
from tests.standins.feishu import OpenApi
from tests.standins.feishu_events import buttons, text_of, value

BUSY_ZH, BUSY_EN = "MEMS 现在太忙", "MEMS is busy right now"


@pytest.fixture
def blocked(sqlite_url: str, api: OpenApi, clock: FakeClock) -> Iterator[tuple[Harness, threading.Event]]:
    """A queue that holds one request, and command threads all busy until the event is set."""
    with running(feishu_settings(sqlite_url, inbox_capacity=1), api, clock) as h:
        h.reply_text("李", "@MEMS 新建 “春节” budget=10万 start=2026-11-01 end=2026-11-11")
        h.reply_text("王", "@MEMS 设置 lang=en")  # 王 reads English; 李 the workspace's Chinese
        h.reply_text("李", "@MEMS 角色 添加 @王 manager")
        h.reply_text("李", "@MEMS budget request C-1 8000 “KOL”")
        h.deliver()  # 王 has the approval card
        gate = threading.Event()
        for _ in range(THREADS):
            h.container.offload.pool.submit(gate.wait, 20)
        try:
            yield h, gate
        finally:
            gate.set()


def _replies(h: Harness, event: dict[str, Any]) -> str:
    return "\n".join(text_of(c.card) for c in h.api.replies_to(event["event"]["message"]["message_id"]))


def _wait(check: Any, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_a_full_queue_answers_busy_at_once_in_each_persons_language(blocked: tuple[Harness, threading.Event]) -> None:
    h, gate = blocked
    first = h.feishu.message("李", "@MEMS 新建 “元宵”", HOME)
    second = h.feishu.message("李", "@MEMS 新建 “端午”", HOME)
    third = h.feishu.message("王", "@MEMS list", HOME)
    started = time.monotonic()
    answers = [h.post(event).status_code for event in (first, second, third)]
    acked = time.monotonic() - started
    assert answers == [200, 200, 200] and acked < 2  # no answer waited for the blocked command threads
    assert _wait(lambda: BUSY_ZH in _replies(h, second) and BUSY_EN in _replies(h, third))  # told before any work
    assert _replies(h, first) == ""  # kept; its work waits for a thread
    gate.set()
    h.settle()
    assert "元宵" in _replies(h, first) and BUSY_ZH not in _replies(h, first)
    assert "端午" not in _replies(h, second)  # nothing of a refused request ran...
    assert "端午" not in h.reply_text("李", "@MEMS 列表")
    assert "已创建" in h.reply_text("李", "@MEMS 新建 “端午”")  # ...and tried again in a moment, it runs


def test_a_click_on_a_full_queue_is_told_busy_in_its_answer_and_may_be_pressed_again(
        blocked: tuple[Harness, threading.Event]) -> None:
    h, gate = blocked
    h.post(h.feishu.message("李", "@MEMS 新建 “元宵”", HOME))  # takes the only place
    [card] = h.api.sent_to("ou_wang")
    approve = next(value(b) for b in buttons(card.card) if value(b)["action"] == "approve")
    started = time.monotonic()
    answer = h.post(h.feishu.click("王", card.message_id, approve, card.chat_id))
    assert answer.status_code == 200 and time.monotonic() - started < 2
    assert answer.json() == {"toast": {"type": "warning", "content": tr("en", "err.busy")}}  # his language
    gate.set()
    h.settle()
    assert "（待审批）" in h.reply_text("李", "@MEMS 查看 A-1").splitlines()[0]  # the refused click did nothing
    again = h.click("王", card.message_id, approve, chat=card.chat_id)  # pressed again once MEMS has room
    assert again["toast"]["type"] == "success" and "(approved)" in text_of(again["card"]["data"])


def test_a_message_is_kept_before_feishu_hears_200(h: Harness, sqlite_url: str) -> None:
    gate = threading.Event()
    for _ in range(THREADS):
        h.container.offload.pool.submit(gate.wait, 20)
    event = h.feishu.message("李", "@MEMS 新建 “清明”", HOME)
    try:
        assert h.post(event).status_code == 200
        engine = create_engine(sqlite_url)
        with engine.connect() as db:
            kept = db.execute(text("SELECT key, status, payload FROM inbox WHERE platform = 'feishu'")).all()
        engine.dispose()
        assert [(k, s) for k, s, _ in kept] == [(f"feishu:event:{event['header']['event_id']}", "pending")]
        assert "verification-token" not in str(kept[0][2])  # the token is not kept with it
    finally:
        gate.set()
    h.settle()
    assert "清明" in _replies(h, event)
