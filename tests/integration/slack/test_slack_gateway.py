"""The gateway against the stand-in Slack API: where a message lands, and how each failure tells the delivery
worker to wait (429 Retry-After), back off (5xx, connection), or stop with one sentence for an admin."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from adapters.slack.gateway import SlackGateway
from bot.cards import Card, Field
from bot.delivery import Delivery
from bot.ports import DeliveryError
from bot.settings import Settings
from domain.notifications import OutboxMessage, Target, TargetKind
from domain.people import Platform, Workspace
from tests.fakes import FakeClock, FakeOutboxStore, Store
from tests.standins.server import free_port
from tests.standins.slack import SlackStandIn

WORKSPACE = Workspace(Platform.SLACK, "T111", "T111", "Asia/Shanghai", "en", "CNY", id=1)
CARD = Card(title="A-1 · ¥5,000.00 · pending", fields=(Field("Reason", "fees"),), entity="A-1")


def _gateway(url: str) -> SlackGateway:
    from adapters.slack.client import web_client

    settings = Settings(_env_file=None, slack_bot_token="xoxb-1", slack_api_url=url)  # type: ignore[call-arg]
    return SlackGateway(web_client(settings))


def _send(gateway: SlackGateway, target: Target) -> object:
    return asyncio.run(gateway.send(WORKSPACE, target, CARD, "key-1"))


def _failure(standin: SlackStandIn, target: Target) -> DeliveryError:
    with pytest.raises(DeliveryError) as caught:
        _send(_gateway(standin.api_url), target)
    return caught.value


def test_a_direct_message_lands_in_the_dm_and_can_be_updated(standin: SlackStandIn) -> None:
    gateway = _gateway(standin.api_url)
    sent = _send(gateway, Target(TargetKind.USER, "UMGR"))
    assert sent.channel == "DMGR" and sent.message_ref.startswith("1700000000.")  # type: ignore[attr-defined]
    asyncio.run(gateway.update(WORKSPACE, "DMGR", sent.message_ref, Card(title="decided")))  # type: ignore[attr-defined]
    [post] = standin.calls("chat.postMessage")
    [update] = standin.calls("chat.update")
    assert post.body["channel"] == "UMGR" and post.body["blocks"][0]["type"] == "header"
    assert update.body["channel"] == "DMGR" and update.body["ts"] == sent.message_ref  # type: ignore[attr-defined]
    assert update.body["text"] == "decided"


def test_rate_limited_waits_as_long_as_slack_says(standin: SlackStandIn) -> None:
    standin.fail("chat.postMessage", status=429, error="ratelimited", headers={"Retry-After": "7"})
    error = _failure(standin, Target(TargetKind.CHANNEL, "CHOME"))
    assert error.retry_after == 7 and not error.permanent


def test_a_server_error_is_retried_later(standin: SlackStandIn) -> None:
    standin.fail("chat.postMessage", status=503, error="service_unavailable")
    error = _failure(standin, Target(TargetKind.CHANNEL, "CHOME"))
    assert not error.permanent and error.retry_after is None


@pytest.mark.parametrize(("error", "extra", "words"), [
    ("not_in_channel", {}, "/invite @MEMS"),
    ("channel_not_found", {}, "invite it there"),
    ("is_archived", {}, "archived"),
    ("missing_scope", {"needed": "chat:write"}, "chat:write scope"),
    ("invalid_auth", {}, "MEMS_SLACK_BOT_TOKEN"),
    ("token_revoked", {}, "reinstalls the app"),
    ("account_inactive", {}, "MEMS_SLACK_BOT_TOKEN"),
])
def test_what_an_admin_must_fix_is_permanent_with_one_sentence(standin: SlackStandIn, error: str,
                                                                extra: dict[str, str], words: str) -> None:
    standin.fail("chat.postMessage", error=error, **extra)
    failure = _failure(standin, Target(TargetKind.CHANNEL, "CHOME"))
    assert failure.permanent and failure.reason == error
    assert words in failure.hint and failure.hint.count(". ") == 0 and failure.hint.endswith(".")


def test_slack_unreachable_is_retried_later() -> None:
    error = _failure(SlackStandIn(port=free_port()), Target(TargetKind.CHANNEL, "CHOME"))
    assert not error.permanent and error.reason.startswith("connection")


def _message(target: Target) -> OutboxMessage:
    now = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
    return OutboxMessage(key="approval.pending:A-1:step1:" + str(target), kind="approval.pending", workspace_id=1,
                         target=target, payload=CARD.to_dict(), created_at=now, not_before=now, entity="A-1")


def test_the_delivery_worker_records_copies_and_dead_letters_with_the_hint(standin: SlackStandIn) -> None:
    store = Store()
    store.table("workspaces")[1] = WORKSPACE
    outbox = FakeOutboxStore(store)
    for n, target in enumerate((Target(TargetKind.USER, "UMGR"), Target(TargetKind.CHANNEL, "CSECRET")), 1):
        store.table("outbox")[n] = _message(target)
        store.table("outbox")[n].id = n
    standin.succeed("chat.postMessage")
    standin.fail("chat.postMessage", error="not_in_channel")
    delivery = Delivery(outbox, {Platform.SLACK: _gateway(standin.api_url)}, FakeClock())
    assert asyncio.run(delivery.drain()) == 1
    assert [c.channel for c in outbox.copies("A-1")] == ["DMGR"]
    dead = store.table("outbox")[2]
    assert dead.status.value == "dead" and "/invite @MEMS" in (dead.last_error or "")


def test_a_rate_limited_delivery_is_retried_after_the_wait(standin: SlackStandIn) -> None:
    store = Store()
    store.table("workspaces")[1] = WORKSPACE
    store.table("outbox")[1] = _message(Target(TargetKind.CHANNEL, "CHOME"))
    store.table("outbox")[1].id = 1
    standin.fail("chat.postMessage", status=429, error="ratelimited", headers={"Retry-After": "30"})
    clock = FakeClock()
    delivery = Delivery(FakeOutboxStore(store), {Platform.SLACK: _gateway(standin.api_url)}, clock)
    assert asyncio.run(delivery.drain()) == 0
    row = store.table("outbox")[1]
    assert row.status.value == "pending" and (row.meta["next_attempt_at"] - clock.now()).total_seconds() == 30
