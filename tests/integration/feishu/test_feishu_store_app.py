"""A Feishu store app (MEMS_FEISHU_APP_TYPE=store): the app_ticket event is kept, and two tenants each get their own
tenant access token (asked once, then cached) for the cards sent to them, against the stand-in Open API."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from adapters.feishu import runtime
from adapters.feishu.verify import Dispatcher, raw_request
from bot.cards import text_card
from bot.inprocess.installations import MemoryInstallations
from bot.settings import Settings
from domain.notifications import Target, TargetKind
from domain.people import Platform, Workspace
from tests.standins.feishu import APP_ID, APP_SECRET, OpenApi, serve
from tests.standins.feishu_events import ENCRYPT_KEY, wire

VTOKEN = "verification-token"


def _workspace(tenant: str) -> Workspace:
    return Workspace(platform=Platform.FEISHU, external_id=tenant, name=tenant, timezone="Asia/Shanghai", lang="zh",
                     currency="CNY")


def test_two_tenants_each_get_their_own_tenant_token_from_the_app_ticket() -> None:
    api = OpenApi()
    api.app_ticket = "ticket-1"
    with serve(api) as url:
        settings = Settings(_env_file=None, feishu_app_id=APP_ID, feishu_app_secret=APP_SECRET,  # type: ignore[call-arg]
                            feishu_verification_token=VTOKEN, feishu_api_url=url, feishu_app_type="store")
        feishu = runtime.build(settings, None, MemoryInstallations())
        assert feishu.store is not None
        seen: list[str] = []
        dispatcher = Dispatcher.build(ENCRYPT_KEY, VTOKEN, lambda _: None, lambda _: None,
                                      on_ticket=lambda data: (seen.append("ticket"), feishu.store.keep_ticket(  # type: ignore[union-attr]
                                          data.event["app_ticket"])))
        event = {"uuid": "u-1", "token": VTOKEN, "ts": str(datetime.now(UTC).timestamp()), "type": "event_callback",
                 "event": {"app_id": APP_ID, "app_ticket": "ticket-1", "type": "app_ticket"}}
        body, headers = wire(event)  # encrypted and signed, as Feishu pushes it
        status, _ = dispatcher.answer(raw_request("/feishu/events", body, headers))
        assert status == 200 and seen == ["ticket"]

        async def story() -> None:
            for tenant in ("tenant-a", "tenant-b", "tenant-a"):
                await feishu.gateway.send(_workspace(tenant), Target(TargetKind.CHANNEL, f"oc_{tenant}"),
                                          text_card(f"hello {tenant}"), f"k-{tenant}-{len(api.calls)}")
            await feishu.client.aclose()

        asyncio.run(story())
    sends = api.find("POST", "/open-apis/im/v1/messages")
    assert [c.body["receive_id"] for c in sends] == ["oc_tenant-a", "oc_tenant-b", "oc_tenant-a"]  # type: ignore[index]
    assert api.tenants_of(sends) == ["tenant-a", "tenant-b", "tenant-a"]  # each tenant's own token
    asked = api.find("POST", "/open-apis/auth/v3/tenant_access_token")
    assert [c.body["tenant_key"] for c in asked] == ["tenant-a", "tenant-b"]  # type: ignore[index]  # cached
    assert len(api.find("POST", "/open-apis/auth/v3/app_access_token")) == 1
    assert feishu.gateway.limits(_workspace("tenant-a"), Target(TargetKind.CHANNEL, "x"))[1].key == \
        "feishu:app:tenant-a"  # each tenant's own app-wide bucket


def test_without_an_app_ticket_feishu_is_asked_to_resend_it() -> None:
    api = OpenApi()
    with serve(api) as url:
        settings = Settings(_env_file=None, feishu_app_id=APP_ID, feishu_app_secret=APP_SECRET,  # type: ignore[call-arg]
                            feishu_verification_token=VTOKEN, feishu_api_url=url, feishu_app_type="store")
        feishu = runtime.build(settings, None, MemoryInstallations())

        async def send() -> str:
            try:
                await feishu.gateway.send(_workspace("tenant-a"), Target(TargetKind.CHANNEL, "oc_a"),
                                          text_card("hi"), "k-1")
            except Exception as exc:
                return str(exc)
            finally:
                await feishu.client.aclose()
            return ""

        error = asyncio.run(send())
    assert "app_ticket" in error
    assert api.find("POST", "/open-apis/auth/v3/app_ticket/resend")
    assert api.find("POST", "/open-apis/im/v1/messages") == []
