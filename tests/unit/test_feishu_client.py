"""The Open API client: token cache and refresh, and every failure classified (checked with respx)."""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx
import pytest
import respx

from adapters.feishu.client import UUID_LENGTH, FeishuClient, idempotency_key
from adapters.feishu.errors import FeishuError
from tests.standins.feishu import APP_ID, APP_SECRET, OpenApi
from tests.standins.feishu_events import fixture

BASE = "https://open.feishu.test"
CARD = {"schema": "2.0", "config": {"update_multi": True}, "body": {"elements": []}}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def api() -> OpenApi:
    return OpenApi()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def client(clock: Clock) -> FeishuClient:
    return FeishuClient(BASE + "/", APP_ID, APP_SECRET, "zh", clock=clock)


@pytest.fixture
def mocked(api: OpenApi) -> respx.MockRouter:
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        router.route().mock(side_effect=api.respond)
        yield router


async def test_a_card_goes_to_a_chat_with_its_idempotency_key(client: FeishuClient, api: OpenApi,
                                                            mocked: respx.MockRouter) -> None:
    data = await client.send("chat_id", "oc_home", CARD, idempotency_key("approval.pending:A-1:summary"))
    call = api.sent_to("oc_home")[0]
    assert call.query == {"receive_id_type": "chat_id"} and call.headers["authorization"] == "Bearer t-1"
    assert call.body is not None and call.body["msg_type"] == "interactive" and call.card == CARD
    assert len(call.body["uuid"]) == UUID_LENGTH
    assert data["message_id"].startswith("om_") and data["chat_id"] == "oc_home"
    # the request has the shape lark-oapi sends (payloads/feishu/message_create_request.json)
    assert set(call.body) == set(fixture("message_create_request"))


async def test_the_token_is_fetched_once_and_reused_until_ten_minutes_before_expiry(
        client: FeishuClient, api: OpenApi, clock: Clock, mocked: respx.MockRouter) -> None:
    await client.patch("om_1", CARD)
    await client.patch("om_2", CARD)
    clock.now += 7200 - 601
    await client.patch("om_3", CARD)
    assert len(api.find("POST", "tenant_access_token")) == 1
    clock.now += 2
    await client.patch("om_4", CARD)
    assert len(api.find("POST", "tenant_access_token")) == 2
    assert api.patches_of("om_4")[0].headers["authorization"] == "Bearer t-2"


@pytest.mark.parametrize("code", [99991663, 99991664, 99991668])
async def test_an_invalid_token_is_dropped_and_the_call_retried_once(client: FeishuClient, api: OpenApi,
                                                                    mocked: respx.MockRouter, code: int) -> None:
    await client.patch("om_1", CARD)
    api.revoke_tokens()
    api.fail_next("PATCH", "om_2", 400, {"code": code, "msg": "Invalid access token"})
    await client.patch("om_2", CARD)
    tokens = [c.headers["authorization"] for c in api.patches_of("om_2")]
    assert tokens == ["Bearer t-1", "Bearer t-2"]


async def test_a_token_that_stays_invalid_is_a_retryable_failure(client: FeishuClient, api: OpenApi,
                                                                mocked: respx.MockRouter) -> None:
    for _ in range(2):
        api.fail_next("PATCH", "om_1", 400, {"code": 99991663, "msg": "Invalid access token"})
    with pytest.raises(FeishuError) as caught:
        await client.patch("om_1", CARD)
    assert caught.value.code == 99991663 and not caught.value.permanent
    assert len(api.patches_of("om_1")) == 2  # once, then once more with a fresh token: no loop


async def test_http_429_waits_as_long_as_feishu_says(client: FeishuClient, api: OpenApi,
                                                    mocked: respx.MockRouter) -> None:
    limited = json.loads(json.dumps(fixture("rate_limited_response")))
    api.fail_next("POST", "/im/v1/messages", 429, limited, {"x-ogw-ratelimit-reset": "52"})
    with pytest.raises(FeishuError) as caught:
        await client.send("open_id", "ou_x", CARD, "k")
    assert caught.value.retry_after == 52.0 and not caught.value.permanent and caught.value.code == 99991400


@pytest.mark.parametrize(("status", "code", "headers", "wait"), [
    (400, 230020, {"x-ogw-ratelimit-reset": "3"}, 3.0),  # message APIs: HTTP 400 with their own code
    (400, 99991400, {}, 1.0),  # older APIs; no header → a short default wait
    (429, None, {"x-ogw-ratelimit-reset": "nonsense"}, 1.0),
])
async def test_every_rate_limit_form_is_a_wait(client: FeishuClient, api: OpenApi, mocked: respx.MockRouter,
                                              status: int, code: int | None, headers: dict[str, str],
                                              wait: float) -> None:
    api.fail_next("PATCH", "om_1", status, {"code": code, "msg": "frequency limit"} if code else {}, headers)
    with pytest.raises(FeishuError) as caught:
        await client.patch("om_1", CARD)
    assert caught.value.retry_after == wait and not caught.value.permanent


async def test_bot_not_in_the_group_is_permanent_with_a_hint(client: FeishuClient, api: OpenApi,
                                                             mocked: respx.MockRouter) -> None:
    api.fail_next("POST", "/im/v1/messages", 400, {"code": 230002, "msg": "Bot/User can NOT be out of the chat."})
    with pytest.raises(FeishuError) as caught:
        await client.send("chat_id", "oc_gone", CARD, "k")
    assert caught.value.permanent and caught.value.code == 230002
    assert caught.value.hint == "请先把 MEMS 机器人添加到该群（群设置 → 群机器人 → 添加机器人），再试一次。"


@pytest.mark.parametrize(("status", "body"), [(500, {"code": 1, "msg": "internal"}), (502, None),
                                              (400, {"code": 12345678, "msg": "something new"})])
async def test_server_errors_and_unknown_codes_are_retried_later(client: FeishuClient, api: OpenApi,
                                                                 mocked: respx.MockRouter, status: int,
                                                                 body: dict[str, object] | None) -> None:
    api.fail_next("PATCH", "om_1", status, body or {})
    with pytest.raises(FeishuError) as caught:
        await client.patch("om_1", CARD)
    assert not caught.value.permanent and caught.value.retry_after is None


async def test_a_network_failure_is_retried_later(client: FeishuClient) -> None:
    with respx.mock(base_url=BASE) as router:
        router.route().mock(side_effect=httpx.ConnectTimeout("slow"))
        with pytest.raises(FeishuError) as caught:
            await client.patch("om_1", CARD)
    assert "ConnectTimeout" in caught.value.reason and not caught.value.permanent


async def test_wrong_app_credentials_say_which_settings_to_check(api: OpenApi, mocked: respx.MockRouter,
                                                                  caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client = FeishuClient(BASE, APP_ID, "wrong-secret-value", "en")
    with pytest.raises(FeishuError) as caught:
        await client.patch("om_1", CARD)
    assert caught.value.permanent and "MEMS_FEISHU_APP_SECRET" in caught.value.hint
    assert "wrong-secret-value" not in caplog.text + str(caught.value)


async def test_no_token_or_secret_is_ever_logged(client: FeishuClient, api: OpenApi, mocked: respx.MockRouter,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    await client.patch("om_1", CARD)
    api.fail_next("PATCH", "om_2", 400, {"code": 230001, "msg": "bad"})
    with pytest.raises(FeishuError):
        await client.patch("om_2", CARD)
    assert "t-1" not in caplog.text and APP_SECRET not in caplog.text
    assert "230001" in caplog.text  # but the failure itself is


async def test_the_bot_learns_its_open_id(client: FeishuClient, api: OpenApi, mocked: respx.MockRouter) -> None:
    assert (await client.bot_info())["open_id"] == api.bot_open_id


def test_idempotency_keys_fit_feishus_limit_and_differ() -> None:
    long = "approval.pending:A-1:step1:user:ou_" + "x" * 200
    assert len(idempotency_key(long)) == UUID_LENGTH
    assert idempotency_key(long) == idempotency_key(long) != idempotency_key(long + "y")


async def test_the_recorded_token_reply_is_understood(client: FeishuClient) -> None:
    recorded = fixture("tenant_access_token_response")
    with respx.mock(base_url=BASE) as router:
        router.post("/open-apis/auth/v3/tenant_access_token/internal").respond(200, json=recorded)
        assert await client.token() == recorded["tenant_access_token"]


TOO_LONG = {"code": 230025, "msg": "The message content is too long."}
BIG = {"schema": "2.0", "config": {"update_multi": True},
       "header": {"title": {"tag": "plain_text", "content": "看板 C-1"}, "template": "blue"},
       "body": {"elements": [{"tag": "markdown", "content": "任务" * 9000},
                             {"tag": "column_set", "columns": [{"tag": "column", "elements": [{"tag": "button"}]}]}]}}


@pytest.mark.parametrize(("method", "path", "call"), [
    ("POST", "/open-apis/im/v1/messages", lambda c: c.send("chat_id", "oc_home", BIG, "u-1")),
    ("POST", "/reply", lambda c: c.reply("om_1", BIG, "u-2", True)),
    ("PATCH", "/open-apis/im/v1/messages/om_1", lambda c: c.patch("om_1", BIG)),
])
async def test_a_card_feishu_finds_too_long_goes_again_in_its_shortest_form(
        client: FeishuClient, api: OpenApi, mocked: respx.MockRouter, method: str, path: str, call: Any) -> None:
    api.fail_next(method, path, 400, TOO_LONG)
    await call(client)
    first, second = api.find(method, path)
    assert first.card == BIG
    assert second.card["header"] == BIG["header"] and second.card["config"] == {"update_multi": True}
    assert "超出飞书单条消息的长度上限" in second.card["body"]["elements"][0]["content"]
    assert second.card["body"]["elements"][1:] == BIG["body"]["elements"][1:]  # the buttons stay
    assert first.body is not None and second.body is not None
    assert first.body.get("uuid") == second.body.get("uuid")  # still one message for Feishu's de-duplication


async def test_when_even_the_shortest_form_is_too_long_it_is_permanent_with_a_hint(
        client: FeishuClient, api: OpenApi, mocked: respx.MockRouter) -> None:
    api.fail_next("POST", "/open-apis/im/v1/messages", 400, TOO_LONG)
    api.fail_next("POST", "/open-apis/im/v1/messages", 400, TOO_LONG)
    with pytest.raises(FeishuError) as caught:
        await client.send("chat_id", "oc_home", BIG, "u-3")
    assert caught.value.permanent and "30 KB" in caught.value.hint
    assert len(api.sent_to("oc_home")) == 2  # one retry, not a loop
