"""MEMS_FEISHU_MODE=ws: the real app (bootstrap, SQLite, FastAPI lifespan) connects to a stand-in of Feishu's long
connection (tests/standins/feishu_longconn.py: the endpoint over HTTP, then lark's protobuf frames over a WebSocket)
and answers what comes over it with the same listeners as over HTTP. The Open API is a real HTTP stand-in too: lark's
client fetches its endpoint with `requests`, which respx does not see."""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from adapters.feishu.longconn import LongConnection as Client
from bot.entry import bootstrap
from bot.entry.bootstrap import Container
from bot.entry.cli.core import banner
from bot.entry.web import create_app
from bot.settings import SettingsError
from tests.builders import settings as make_settings
from tests.fakes import FakeClock
from tests.standins.feishu import APP_ID, APP_SECRET, Call, OpenApi, serve
from tests.standins.feishu_events import Feishu, buttons, text_of, value
from tests.standins.feishu_longconn import Answer, LongConnection

HOME = "oc_home_group"


class Harness:
    """Feishu pushing over the long connection; what MEMS sent back to the Open API."""

    def __init__(self, client: TestClient, api: OpenApi, socket: LongConnection, container: Container) -> None:
        self.client, self.api, self.socket, self.container = client, api, socket, container
        self.feishu = Feishu()
        for name, open_id in {"李": "ou_li", "王": "ou_wang"}.items():
            self.feishu.person(name, open_id)

    def settle(self) -> None:
        assert self.container.offload.wait_idle(10), "Feishu background work did not finish"

    def push(self, event: dict[str, Any], **options: Any) -> Answer:
        answer = self.socket.push(event, **options)
        self.settle()
        return answer

    def say(self, sender: str, text: str, **ids: Any) -> str:
        event = self.feishu.message(sender, text, HOME, **ids)
        assert self.push(event).code == 200
        replies = self.api.replies_to(event["event"]["message"]["message_id"])
        assert replies, f"no reply to {text!r}"
        return "\n".join(text_of(r.card) for r in replies)

    def deliver(self) -> int:
        assert self.client.portal is not None
        sent: int = self.client.portal.call(self.container.delivery.drain)
        self.settle()
        return sent


@contextlib.contextmanager
def running(database: str, **overrides: Any) -> Iterator[Harness]:
    api, socket = OpenApi(), LongConnection().start()
    api.long_connection = socket
    try:
        with serve(api) as url:
            settings = make_settings(database_url=database, admins="feishu:ou_li", feishu_app_id=APP_ID,
                                     feishu_app_secret=APP_SECRET, feishu_api_url=url, feishu_mode="ws",
                                     **overrides)
            container = bootstrap.build(settings, clock=FakeClock(datetime(2026, 10, 20, 2, 0, tzinfo=UTC)))
            try:
                with TestClient(create_app(container, run_workers=False)) as client:
                    socket.wait_connected()
                    yield Harness(client, api, socket, container)
            finally:
                container.close()
    finally:
        socket.stop()


@pytest.fixture
def h(sqlite_url: str) -> Iterator[Harness]:
    with running(sqlite_url) as harness:
        yield harness


def only(calls: list[Call]) -> Call:
    assert len(calls) == 1, calls
    return calls[0]


def button(call: Call, action: str) -> dict[str, Any]:
    return next(value(b) for b in buttons(call.card) if value(b)["action"] == action)


def test_a_budget_request_is_approved_over_the_long_connection(h: Harness) -> None:
    assert h.api.long_connection.endpoint_calls == [{"AppID": APP_ID}]  # the app's own credentials, once
    assert "已创建 C-1" in h.say("李", "@MEMS 新建 “双十一大促” budget=30万 start=2026-11-01 end=2026-11-11")
    assert "“经理”" in h.say("李", "@MEMS 角色 添加 @王 manager")
    opened = h.say("李", "@MEMS budget request C-1 8000 “KOL 投放”")
    assert "A-1" in opened and "<at id=ou_wang></at>" in opened

    h.deliver()
    to_wang = only(h.api.sent_to("ou_wang"))  # the approval card, sent through the Open API
    assert len(buttons(to_wang.card)) == 4

    # 王 clicks Approve in Feishu: the callback comes over the socket, the answer goes back on the same frame
    click = h.feishu.click("王", to_wang.message_id, button(to_wang, "approve"), to_wang.chat_id)
    answer = h.push(click)
    assert answer.code == 200 and answer.headers["message_id"].startswith("msg_") and "biz_rt" in answer.headers
    assert answer.data["toast"]["type"] == "success"
    assert "已批准" in text_of(answer.data["card"]["data"]) and buttons(answer.data["card"]["data"]) == []

    scrape = h.client.get("/metrics").text  # each frame's answer is timed, as /feishu/events' are
    assert 'mems_ack_seconds_count{platform="feishu",transport="socket"} 4.0' in scrape

    h.deliver()
    told = only(h.api.sent_to("ou_li"))  # the requester hears of the decision
    assert "<at id=ou_wang></at>" in text_of(told.card) and "批准" in text_of(told.card)
    assert buttons(h.api.patches_of(to_wang.message_id)[-1].card) == []  # every copy without buttons


def test_a_redelivered_event_and_a_double_click_act_once(h: Harness) -> None:
    h.say("李", "@MEMS 新建 “春节” budget=10万 start=2026-11-01 end=2026-11-11")
    event = h.feishu.message("李", "@MEMS 列表", HOME)
    assert h.push(event).code == 200
    assert h.push(event).code == 200  # Feishu pushes it again (no answer reached it in time)
    assert len(h.api.replies_to(event["event"]["message"]["message_id"])) == 1

    h.say("李", "@MEMS 角色 添加 @王 manager")
    h.say("李", "@MEMS budget request C-1 8000 “KOL”")
    h.deliver()
    to_wang = only(h.api.sent_to("ou_wang"))
    click = h.feishu.click("王", to_wang.message_id, button(to_wang, "approve"), to_wang.chat_id)
    assert h.push(click).data["toast"]["type"] == "success"
    again = h.push(click)  # the same callback again
    assert again.code == 200 and again.data["toast"]["type"] == "info" and "card" not in again.data


def test_a_long_message_in_parts_and_a_card_frame_are_answered(h: Harness) -> None:
    event = h.feishu.message("李", "@MEMS help", HOME)
    assert h.push(event, parts=3).code == 200  # Feishu cuts a large payload; the client puts it together
    assert h.api.replies_to(event["event"]["message"]["message_id"])
    # lark 1.7.5 drops `card` frames unanswered (the click then fails after 3 s); MEMS answers them like events
    h.say("李", "@MEMS 新建 “春节” budget=10万 start=2026-11-01 end=2026-11-11")
    click = h.feishu.click("李", "om_unknown", {"action": "approve", "ref": "A-9"}, HOME)
    answer = h.push(click, kind="card")
    assert answer.code == 200 and answer.data["toast"]["type"] == "error"


def test_it_reconnects_when_feishu_drops_the_connection(h: Harness) -> None:
    h.socket.drop()
    h.socket.wait_connected(total=2)  # a new endpoint, a new socket (the stand-in asks for no jitter)
    assert len(h.api.long_connection.endpoint_calls) == 2
    assert h.say("李", "@MEMS help")  # answered over the new connection
    h.socket.drop()
    h.socket.wait_connected(total=3)
    assert h.say("李", "@MEMS 列表")


def test_no_http_endpoint_and_no_verification_token_are_needed(h: Harness) -> None:
    assert h.client.post("/feishu/events", json={"challenge": "x", "type": "url_verification"}).status_code == 404
    assert h.container.settings.feishu_verification_token is None


def test_a_store_app_is_refused_in_ws_mode_with_the_reason(sqlite_url: str) -> None:
    settings = make_settings(database_url=sqlite_url, feishu_app_id=APP_ID, feishu_app_secret=APP_SECRET,
                             feishu_mode="ws", feishu_app_type="store")
    with pytest.raises(SettingsError, match=r"custom apps .* only"):
        bootstrap.build(settings)
    assert "long connection (no public address)" in banner(settings.model_copy(update={"feishu_app_type": "custom"}),
                                                           "127.0.0.1", 8000)


def test_the_ticket_and_the_app_secret_are_never_logged(sqlite_url: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with running(sqlite_url) as h:
        h.say("李", "@MEMS help")
        h.socket.drop()
        h.socket.wait_connected(total=2)
        tickets = h.socket.issued
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name != "websockets.server")  # Feishu's own
    assert "Feishu long connection: connected" in logged
    assert len(tickets) == 2 and not any(ticket in logged for ticket in tickets) and APP_SECRET not in logged


def eventually(check: Any, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


class SharedLease:
    """A lease several processes share (as the database's or Redis's): one holder until it lets go."""

    def __init__(self) -> None:
        self.holder: object | None = None
        self._lock = threading.Lock()

    def of(self, owner: object) -> Any:
        lease = self

        class Held:
            def hold(self) -> bool:
                with lease._lock:
                    lease.holder = lease.holder or owner
                    return lease.holder is owner

            def release(self) -> None:
                with lease._lock:
                    if lease.holder is owner:
                        lease.holder = None

        return Held()


def test_only_the_lease_holder_connects_and_another_takes_over_when_it_stops() -> None:
    api, socket = OpenApi(), LongConnection().start()
    api.long_connection = socket
    shared = SharedLease()
    with serve(api) as url:
        first, second = (Client(APP_ID, APP_SECRET, url, lambda _: None, shared.of(n), renew_seconds=0.1)
                         for n in (1, 2))
        first.start()
        socket.wait_connected(1)
        second.start()
        time.sleep(0.5)  # several renewals: the second never connects
        assert len(socket.connections) == 1 and socket.connected_total == 1 and first.connected
        first.stop()
        socket.wait_connected(1, total=2)  # the second took the lease over
        assert eventually(lambda: second.connected) and not first.connected
        second.stop()
        socket.wait_connected(0)
    socket.stop()


def test_wrong_credentials_are_refused_once_and_said_clearly(caplog: pytest.LogCaptureFixture) -> None:
    api, socket = OpenApi(), LongConnection().start()
    api.long_connection = socket
    with serve(api) as url:
        client = Client(APP_ID, "wrong-secret", url, lambda _: None, renew_seconds=0.05)
        client.start()
        time.sleep(0.5)
        client.stop()
    socket.stop()
    assert len(socket.endpoint_calls) == 1 and socket.connected_total == 0  # not asked again every renewal
    assert "Feishu refused the long connection (code 10014" in caplog.text and "wrong-secret" not in caplog.text


def test_an_endpoint_that_never_answers_is_given_up_and_asked_again(monkeypatch: pytest.MonkeyPatch,
                                                                    caplog: pytest.LogCaptureFixture) -> None:
    """lark fetches its connection address with no timeout: a Feishu that accepts and never answers would hold the
    long connection's thread for ever, and `mems serve` could not stop cleanly."""
    monkeypatch.setattr("adapters.feishu.longconn.ENDPOINT_TIMEOUT_SECONDS", 0.3)
    with socket.create_server(("127.0.0.1", 0)) as silent:  # accepts (the backlog), never reads nor answers
        client = Client(APP_ID, APP_SECRET, f"http://127.0.0.1:{silent.getsockname()[1]}", lambda _: None,
                        renew_seconds=0.05)
        client.start()
        assert eventually(lambda: "cannot connect now (ReadTimeout); retrying" in caplog.text)
        client.stop(timeout=5)
        assert not client._thread.is_alive() and not client.connected
