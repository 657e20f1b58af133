"""The real app (bootstrap, SQLite file, FastAPI) with Feishu on, its Open API calls answered through respx."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import respx
from fastapi.testclient import TestClient

from adapters.feishu.gateway import FeishuGateway
from bot.entry import bootstrap
from bot.entry.bootstrap import Container
from bot.entry.web import create_app
from domain.people import Platform
from tests.builders import settings as make_settings
from tests.fakes import FakeClock
from tests.standins.feishu import APP_ID, APP_SECRET, Call, OpenApi
from tests.standins.feishu_events import ENCRYPT_KEY, VERIFICATION_TOKEN, Feishu, wire

API_URL = "https://open.feishu.test"
HOME = "oc_home_group"
SECRETS = (APP_SECRET, ENCRYPT_KEY, VERIFICATION_TOKEN)


def feishu_settings(database_url: str, **overrides: Any) -> Any:
    values: dict[str, Any] = {
        "database_url": database_url, "admins": "feishu:ou_li", "feishu_app_id": APP_ID,
        "feishu_app_secret": APP_SECRET, "feishu_verification_token": VERIFICATION_TOKEN,
        "feishu_encrypt_key": ENCRYPT_KEY, "feishu_api_url": API_URL}
    values.update(overrides)
    return make_settings(**values)


class Harness:
    """Talk to MEMS as Feishu does, and read what MEMS sent back to the Open API."""

    def __init__(self, client: TestClient, api: OpenApi, container: Container, feishu: Feishu) -> None:
        self.client, self.api, self.container, self.feishu = client, api, container, feishu
        gateway = container.gateways[Platform.FEISHU]
        assert isinstance(gateway, FeishuGateway)
        self.gateway = gateway

    def post(self, event: dict[str, Any], **options: Any) -> httpx.Response:
        body, headers = wire(event, **options)
        return self.client.post("/feishu/events", content=body, headers=headers)

    def settle(self) -> None:
        assert self.container.offload.wait_idle(10), "Feishu background work did not finish"

    def say(self, sender: str, text: str, chat: str = HOME, chat_type: str = "group", **ids: Any) -> list[Call]:
        """Send a message; return the replies MEMS posted in its thread."""
        event = self.feishu.message(sender, text, chat, chat_type, **ids)
        response = self.post(event)
        assert response.status_code == 200, response.text
        self.settle()
        return self.api.replies_to(event["event"]["message"]["message_id"])

    def reply_text(self, sender: str, text: str, **kwargs: Any) -> str:
        from tests.standins.feishu_events import text_of

        replies = self.say(sender, text, **kwargs)
        assert replies, f"no reply to {text!r}"
        return "\n".join(text_of(r.card) for r in replies)

    def click(self, operator: str, message_id: str, value: dict[str, Any], chat: str = HOME,
              form_value: dict[str, Any] | None = None, **ids: Any) -> dict[str, Any]:
        event = self.feishu.click(operator, message_id, value, chat, form_value, **ids)
        response = self.post(event)
        assert response.status_code == 200, response.text
        self.settle()
        return response.json()  # type: ignore[no-any-return]

    def deliver(self) -> int:
        """Drain the outbox on the app's own event loop, as the delivery loop would."""
        assert self.client.portal is not None
        sent: int = self.client.portal.call(self.container.delivery.drain)
        self.settle()
        return sent


@pytest.fixture
def database(sqlite_url: str) -> str:
    return sqlite_url


@pytest.fixture
def api() -> OpenApi:
    return OpenApi()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 10, 20, 2, 0, tzinfo=UTC))


@pytest.fixture
def h(database: str, api: OpenApi, clock: FakeClock) -> Iterator[Harness]:
    with running(feishu_settings(database), api, clock) as harness:
        yield harness


@contextlib.contextmanager
def running(settings: Any, api: OpenApi, clock: FakeClock) -> Iterator[Harness]:
    """The app built from `settings`, started, with the Open API answered by `api`."""
    container = bootstrap.build(settings, clock=clock)
    app = create_app(container, run_workers=False)
    try:
        with respx.mock(base_url=API_URL, assert_all_called=False) as router:
            router.route().mock(side_effect=api.respond)
            with TestClient(app) as client:  # its start-up already asks Feishu who the bot is
                feishu = Feishu()
                for name, open_id in {"李": "ou_li", "王": "ou_wang", "赵": "ou_zhao"}.items():
                    feishu.person(name, open_id)
                yield Harness(client, api, container, feishu)
    finally:
        container.close()


def card_json(call: Call) -> str:
    return json.dumps(call.card, ensure_ascii=False)
