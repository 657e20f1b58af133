"""Two MEMS servers behind one Feishu app share Redis: an event Feishu delivers to both acts once."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import ExitStack

import pytest
import respx
from fastapi.testclient import TestClient

from adapters.redis.dedupe import RedisDeduper
from bot.entry import bootstrap
from bot.entry.web import create_app
from tests.integration.feishu.conftest import API_URL, HOME, Harness, feishu_settings
from tests.standins.feishu import OpenApi
from tests.standins.feishu_events import Feishu

pytestmark = pytest.mark.redis


@pytest.fixture
def servers(database: str, redis_url: str, api: OpenApi) -> Iterator[list[Harness]]:
    feishu = Feishu(tenant=f"tenant_{uuid.uuid4().hex}")  # keys unique to this run: Redis db 15 is shared
    feishu.person("李", "ou_li")
    with ExitStack() as stack:
        router = stack.enter_context(respx.mock(base_url=API_URL, assert_all_called=False))
        router.route().mock(side_effect=api.respond)
        harnesses = []
        for _ in range(2):
            container = bootstrap.build(feishu_settings(database, redis_url=redis_url))
            stack.callback(container.close)
            assert isinstance(container.deduper, RedisDeduper)
            client = stack.enter_context(TestClient(create_app(container, run_workers=False)))
            harnesses.append(Harness(client, api, container, feishu))
        yield harnesses


def test_an_event_delivered_to_two_servers_acts_once(servers: list[Harness]) -> None:
    one, two = servers
    event = one.feishu.message("李", "@MEMS 新建 “双十一大促”", HOME, message_id=f"om_{uuid.uuid4().hex}")
    assert one.post(event).status_code == 200
    one.settle()
    assert two.post(event).status_code == 200
    two.settle()
    assert len(one.api.find("POST", "/reply")) == 1
    with one.container.uow_factory() as uow:
        assert sum(len(uow.campaigns.list(w.id)) for w in uow.workspaces.all() if w.id) == 1
