"""Feishu retries for hours and people double-click; Open API calls fail, throttle and lose their token. Each
acts once, waits as asked, or says what to do."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine

from adapters.feishu import routes
from tests.fakes import FakeClock
from tests.integration.feishu.conftest import HOME, Harness
from tests.standins.feishu_events import Feishu, buttons, text_of, value


@pytest.fixture
def database(engine: Engine) -> str:
    """These run on SQLite and, when configured, on PostgreSQL (the `engine` fixture's databases)."""
    return engine.url.render_as_string(hide_password=False)

def decisions(h: Harness, ref: str) -> int:
    with h.container.uow_factory() as uow:
        return sum(1 for e in uow.audit.for_entity(ref) if e.action in ("approval.approved", "approval.rejected"))


def campaigns(h: Harness) -> int:
    with h.container.uow_factory() as uow:
        return sum(len(uow.campaigns.list(w.id)) for w in uow.workspaces.all() if w.id is not None)


def request_for_wang(h: Harness) -> tuple[str, str, dict[str, str]]:
    """A pending request whose card reached 王; returns his card's message id, chat and Approve value."""
    h.reply_text("李", "@MEMS 新建 “双十一大促” budget=30万")
    h.reply_text("李", "@MEMS 角色 添加 @王 manager")
    h.reply_text("李", "@MEMS 预算 申请 C-1 5000 海报")
    h.deliver()
    card = h.api.sent_to("ou_wang")[0]
    approve = next(value(b) for b in buttons(card.card) if value(b)["action"] == "approve")
    return card.message_id, card.chat_id, approve


def test_a_redelivered_event_acts_once(h: Harness) -> None:
    event = h.feishu.message("李", "@MEMS 新建 “双十一大促”", HOME)
    for _ in range(3):  # Feishu re-pushes the same event_id when it did not hear back in time
        assert h.post(event).status_code == 200
    h.settle()
    assert campaigns(h) == 1 and len(h.api.find("POST", "/reply")) == 1


def test_the_same_message_under_a_new_event_id_acts_once(h: Harness) -> None:
    h.say("李", "@MEMS 新建 “双十一大促”", message_id="om_same")
    h.say("李", "@MEMS 新建 “双十一大促”", message_id="om_same")
    assert campaigns(h) == 1


def test_a_double_click_decides_once_and_the_second_click_is_told(h: Harness) -> None:
    card, chat, approve = request_for_wang(h)
    first = h.click("王", card, approve, chat=chat)
    second = h.click("王", card, approve, chat=chat)
    assert first["toast"]["type"] == "success"
    assert second == {"toast": {"type": "info", "content": "这次点击已处理过，无需重复操作。"}}
    assert decisions(h, "A-1") == 1


def test_a_refused_click_can_be_clicked_again_once_allowed(h: Harness) -> None:
    card, chat, approve = request_for_wang(h)
    h.reply_text("李", "@MEMS 角色 移除 @王 manager")
    refused = h.click("王", card, approve, chat=chat)  # no longer a manager: refused, nothing changed
    h.reply_text("李", "@MEMS 角色 添加 @王 manager")
    allowed = h.click("王", card, approve, chat=chat)  # the same button again: not "already handled"
    assert refused["toast"]["type"] == "error" and allowed["toast"]["type"] == "success"
    assert decisions(h, "A-1") == 1


def test_a_redelivered_click_is_acted_on_once(h: Harness) -> None:
    card, chat, approve = request_for_wang(h)
    event = h.feishu.click("王", card, approve, chat)
    assert h.post(event).json()["toast"]["type"] == "success"
    assert h.post(event).json()["toast"]["type"] == "info"
    h.settle()
    assert decisions(h, "A-1") == 1


def test_a_click_after_the_double_click_window_meets_the_rule_that_a_decision_is_final(
        h: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(routes, "CLICK_TTL", 0)  # as if the second click came long after the first
    card, chat, approve = request_for_wang(h)
    h.click("王", card, approve, chat=chat)
    later = h.click("王", card, approve, chat=chat)
    assert later == {"toast": {"type": "error",
                               "content": "A-1 已由 @ou_wang 于 2026-10-20 周二 10:00 处理（已批准），本次未做更改。"}}
    assert decisions(h, "A-1") == 1


def test_another_tenant_sees_not_found(h: Harness) -> None:
    h.reply_text("李", "@MEMS 新建 “双十一大促” budget=30万")
    other = Feishu(tenant="another_tenant_key")
    other.person("陈", "ou_chen")
    h.feishu, mine = other, h.feishu
    assert "找不到 C-1" in h.reply_text("陈", "@MEMS 查看 C-1", chat="oc_other")
    assert "找不到 C-1" in h.reply_text("陈", "@MEMS 启动 C-1", chat="oc_other")
    h.feishu = mine
    assert "双十一大促" in h.reply_text("李", "@MEMS 查看 C-1")


def test_a_click_from_another_tenant_cannot_decide(h: Harness) -> None:
    card, chat, approve = request_for_wang(h)
    other = Feishu(tenant="another_tenant_key")
    other.person("王", "ou_wang")  # even the same open_id: open_ids are per app, tenants stay apart
    h.feishu = other
    answer = h.click("王", card, approve, chat=chat)
    assert answer["toast"]["type"] == "error" and "找不到 A-1" in answer["toast"]["content"]
    assert decisions(h, "A-1") == 0


def test_a_message_is_answered_before_its_slow_work_is_done(h: Harness) -> None:
    release = threading.Event()
    original = h.container.bus.execute

    def slow(*args: object) -> object:
        release.wait(10)
        return original(*args)  # type: ignore[arg-type]

    h.container.bus.execute = slow  # type: ignore[method-assign]
    started = time.monotonic()
    response = h.post(h.feishu.message("李", "@MEMS 帮助", HOME))
    assert response.status_code == 200 and time.monotonic() - started < 3
    assert h.api.find("POST", "/reply") == []  # the reply is still being worked out
    release.set()
    h.settle()
    assert len(h.api.find("POST", "/reply")) == 1


def test_a_slow_click_answers_with_a_toast_and_patches_the_card_after(h: Harness,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    card, chat, approve = request_for_wang(h)
    monkeypatch.setattr(routes, "CLICK_BUDGET", 0.0)
    answer = h.click("王", card, approve, chat=chat)
    assert answer == {"toast": {"type": "info", "content": "正在处理，卡片稍后会更新。"}}
    assert "（已批准）" in text_of(h.api.patches_of(card)[-1].card)
    assert decisions(h, "A-1") == 1


def test_a_send_throttled_by_feishu_waits_as_long_as_it_says(h: Harness, clock: FakeClock) -> None:
    h.reply_text("李", "@MEMS 新建 “双十一大促” budget=30万")
    h.reply_text("李", "@MEMS 角色 添加 @王 manager")
    h.reply_text("李", "@MEMS 预算 申请 C-1 5000 海报")
    h.api.fail_next("POST", "/im/v1/messages", 429, {"code": 99991400, "msg": "request trigger frequency limit"},
                    {"x-ogw-ratelimit-reset": "52"})
    assert h.deliver() == 1  # one of the two cards went, the other waits
    [waiting] = [m for m in _outbox(h) if m.status == "pending"]
    assert waiting.next_attempt_at == clock.now() + timedelta(seconds=52) and "99991400" in waiting.last_error
    clock.advance(seconds=51)
    assert h.deliver() == 0
    clock.advance(seconds=2)
    assert h.deliver() == 1
    assert len(h.api.sent_to("ou_wang")) == 2 and len(h.api.sent_to(HOME)) == 1  # the retry reached Feishu


def test_the_delivery_worker_refreshes_a_revoked_token(h: Harness) -> None:
    h.reply_text("李", "@MEMS 新建 “双十一大促” budget=30万")
    h.reply_text("李", "@MEMS 角色 添加 @王 manager")
    h.reply_text("李", "@MEMS 预算 申请 C-1 5000 海报")
    h.api.revoke_tokens()  # e.g. the app secret was reset in the console
    assert h.deliver() == 2
    assert len(h.api.find("POST", "tenant_access_token")) == 2


def test_a_group_the_bot_left_is_a_dead_letter_with_a_hint(h: Harness, clock: FakeClock) -> None:
    h.reply_text("李", "@MEMS 新建 “双十一大促” budget=30万")
    h.reply_text("李", "@MEMS 角色 添加 @王 manager")
    h.reply_text("李", "@MEMS 预算 申请 C-1 5000 海报")
    h.api.fail_next("POST", "/im/v1/messages", 400, {"code": 230002, "msg": "Bot/User can NOT be out of the chat."},
                    receive_id=HOME)
    assert h.deliver() == 1  # 王's card went; the group's summary did not
    clock.advance(hours=1)
    assert h.deliver() == 0  # not retried: retrying cannot help
    dead = [m for m in _outbox(h) if m.status == "dead"]
    assert [m.target_ref for m in dead] == [HOME]
    assert dead[0].last_error == "请先把 MEMS 机器人添加到该群（群设置 → 群机器人 → 添加机器人），再试一次。"


def test_a_command_in_a_group_the_bot_has_left_is_answered_in_private(h: Harness) -> None:
    h.api.fail_next("POST", "/reply", 400, {"code": 230002, "msg": "Bot/User can NOT be out of the chat."})
    h.say("李", "@MEMS 帮助")
    told = h.api.sent_to("ou_li")
    assert len(told) == 1 and told[0].query == {"receive_id_type": "open_id"}
    assert "请先把 MEMS 机器人添加到该群" in text_of(told[0].card)


def test_a_reply_throttled_by_feishu_is_sent_after_the_wait(h: Harness) -> None:
    h.api.fail_next("POST", "/reply", 400, {"code": 230020, "msg": "This operation triggers the frequency limit"},
                    {"x-ogw-ratelimit-reset": "0.05"})
    replies = h.say("李", "@MEMS 帮助")
    assert len(replies) == 2 and replies[0].body == replies[1].body  # same uuid: Feishu keeps one


def test_an_image_gets_a_hint_to_type_text(h: Harness) -> None:
    event = h.feishu.message("李", "x", "oc_p2p_ou_li", chat_type="p2p")
    event["event"]["message"] |= {"message_type": "image", "content": '{"image_key": "img_v2_1"}'}
    h.post(event)
    h.settle()
    assert "文字消息" in text_of(h.api.find("POST", "/reply")[0].card)


def _outbox(h: Harness) -> list[Any]:
    from sqlmodel import select

    from adapters.db.tables import OutboxRow

    sessions = h.container.outbox.session_factory  # type: ignore[attr-defined]
    with sessions() as session:
        return list(session.exec(select(OutboxRow)).all())


def test_a_copy_feishu_will_not_update_does_not_hold_back_the_others(h: Harness) -> None:
    card, chat, approve = request_for_wang(h)
    summary = h.api.sent_to(HOME)[0]
    h.api.fail_next("PATCH", card, 400, {"code": 230099, "msg": "Failed to create card content"})
    h.click("王", card, approve, chat=chat)
    h.deliver()
    assert "（已批准）" in text_of(h.api.patches_of(summary.message_id)[-1].card)
    assert [m.status for m in _outbox(h) if m.kind == "card.update"] == ["sent"]


def test_a_briefly_throttled_update_is_retried_within_the_same_run(h: Harness) -> None:
    card, chat, approve = request_for_wang(h)
    summary = h.api.sent_to(HOME)[0]
    h.api.fail_next("PATCH", summary.message_id, 400, {"code": 230020, "msg": "frequency limit"},
                    {"x-ogw-ratelimit-reset": "0.2"})
    h.click("王", card, approve, chat=chat)
    h.deliver()
    assert "（已批准）" in text_of(h.api.patches_of(summary.message_id)[-1].card)
    assert [m.status for m in _outbox(h) if m.kind == "card.update"] == ["sent"]


def test_a_throttled_update_is_tried_again_after_the_wait(h: Harness, clock: FakeClock) -> None:
    card, chat, approve = request_for_wang(h)
    summary = h.api.sent_to(HOME)[0]
    h.api.fail_next("PATCH", summary.message_id, 400, {"code": 230020, "msg": "frequency limit"},
                    {"x-ogw-ratelimit-reset": "30"})  # longer than a run waits: left for the next one
    h.click("王", card, approve, chat=chat)
    h.deliver()
    assert [m.status for m in _outbox(h) if m.kind == "card.update"] == ["pending"]
    clock.advance(seconds=31)
    h.deliver()
    assert "（已批准）" in text_of(h.api.patches_of(summary.message_id)[-1].card)
    assert [m.status for m in _outbox(h) if m.kind == "card.update"] == ["sent"]
