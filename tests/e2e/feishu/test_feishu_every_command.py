"""Every command and every button from Feishu, end to end over real HTTP: MEMS runs under uvicorn with its delivery
loop, the Feishu Open API is a stand-in on another loopback port, and events arrive encrypted and signed."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlmodel import select

from adapters.db.tables import OutboxRow
from bot.entry import bootstrap
from bot.entry.bootstrap import Container
from bot.entry.web import create_app
from bot.parsing.grammar import TABLE
from tests.builders import settings as make_settings
from tests.standins.feishu import APP_ID, APP_SECRET, OpenApi, serve
from tests.standins.feishu_events import ENCRYPT_KEY, VERIFICATION_TOKEN, Feishu, buttons, text_of, value, wire
from tests.standins.server import serve_asgi

HOME = "oc_launch_team"
INTERNAL = ("系统出错了", "Something went wrong")


@dataclass
class Stack:
    mems: httpx.Client
    api: OpenApi
    container: Container
    feishu: Feishu

    def settle(self, timeout: float = 10.0) -> None:
        """Until background work is done and the outbox holds nothing due (the delivery loop drains it)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.container.offload.wait_idle(timeout) and not self.undelivered():
                return
            time.sleep(0.02)
        raise AssertionError(f"not settled: {self.undelivered()}")

    def undelivered(self) -> list[str]:
        """Messages due now and not yet sent (a direct message held by quiet hours is not due)."""
        now = datetime.now(UTC)
        sessions = self.container.outbox.session_factory  # type: ignore[attr-defined]
        with sessions() as session:
            rows = session.exec(select(OutboxRow).where(OutboxRow.status == "pending")).all()
            return [r.key for r in rows if r.not_before <= now and (r.next_attempt_at or now) <= now]

    def post(self, event: dict[str, Any]) -> httpx.Response:
        body, headers = wire(event)
        return self.mems.post("/feishu/events", content=body, headers=headers)

    def say(self, sender: str, text: str, chat: str = HOME) -> list[dict[str, Any]]:
        event = self.feishu.message(sender, text, chat)
        assert self.post(event).status_code == 200
        self.settle()
        return [call.card for call in self.api.replies_to(event["event"]["message"]["message_id"])]


@pytest.fixture
def stack(tmp_path: Path, sqlite_template: Path) -> Iterator[Stack]:
    shutil.copyfile(sqlite_template, tmp_path / "mems.db")
    api = OpenApi()
    with serve(api) as api_url:
        settings = make_settings(
            database_url=f"sqlite:///{tmp_path / 'mems.db'}", admins="feishu:ou_li", scheduler="on",
            feishu_app_id=APP_ID, feishu_app_secret=APP_SECRET, feishu_verification_token=VERIFICATION_TOKEN,
            feishu_encrypt_key=ENCRYPT_KEY, feishu_api_url=api_url)
        container = bootstrap.build(settings)
        try:
            with serve_asgi(create_app(container)) as mems_url, httpx.Client(base_url=mems_url, timeout=10) as mems:
                feishu = Feishu()
                for name in ("li", "wang", "zhao"):
                    feishu.person(name, f"ou_{name}")
                yield Stack(mems, api, container, feishu)
        finally:
            container.close()


def examples() -> list[str]:
    return [example for spec in TABLE for example in spec.examples]


def no_internal_error(text: str, cards: list[dict[str, Any]]) -> None:
    assert cards, f"no reply to {text!r}"
    for card in cards:
        assert card["schema"] == "2.0" and card["config"] == {"update_multi": True}
        assert not any(word in text_of(card) for word in INTERNAL), (text, text_of(card))


def click(stack: Stack, operator: str, card: Any, action: str, reason: str | None = None) -> dict[str, Any]:
    found = next(value(b) for b in buttons(card.card) if value(b)["action"] == action)
    event = stack.feishu.click(operator, card.message_id, found, card.chat_id,
                               {"reason": reason} if reason is not None else None)
    response = stack.post(event)
    assert response.status_code == 200
    stack.settle()
    return response.json()["toast"]  # type: ignore[no-any-return]


def test_every_button_works_from_feishu(stack: Stack) -> None:
    for text in ('新建 "双十一大促" budget=30万 launch=+30d template=holiday-promo', "role add @wang manager",
                 "role add @zhao finance", "预算 申请 C-1 5万 KOL投放"):
        no_internal_error(text, stack.say("li", f"@MEMS {text}"))
    [to_wang] = stack.api.sent_to("ou_wang")
    assert click(stack, "wang", to_wang, "approve")["type"] == "success"
    [to_zhao] = stack.api.sent_to("ou_zhao")
    assert click(stack, "zhao", to_zhao, "reject", "超出季度预算")["type"] == "success"
    for copy in (to_wang, to_zhao, *stack.api.sent_to(HOME)):
        assert "超出季度预算" in text_of(stack.api.patches_of(copy.message_id)[-1].card)

    stack.say("li", "@MEMS 查看 T-1")
    task = stack.api.find("POST", "/reply")[-1]
    assert click(stack, "li", task, "task_start")["type"] == "success"
    assert click(stack, "li", task, "task_done")["type"] == "success"
    assert "**状态**：完成" in text_of(stack.say("li", "@MEMS 查看 T-1")[0])
    assert stack.undelivered() == []


def test_every_command_works_from_feishu(stack: Stack) -> None:
    setup = ['新建 "双十一大促" budget=30万 launch=+30d template=holiday-promo', "role add @wang manager",
             "role add @zhao finance", "预算 申请 C-1 5万 KOL投放"]
    for text in setup + examples():  # @li in an example is a Feishu mention of li
        no_internal_error(text, stack.say("li", f"@MEMS {text}"))
    assert stack.api.find("PATCH"), "no card copy was updated in place"
    assert stack.undelivered() == []
