"""A card's chart on Feishu: the PNG goes up as multipart (image_type=message), the card shows it as an `img`,
one upload serves every copy, and a refused upload or a broken drawing leaves the chart as text, quietly."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
import respx
from PIL import Image

from adapters.charts.png import PngCharts
from adapters.feishu.client import FeishuClient
from adapters.feishu.gateway import FeishuGateway
from bot.cards import Card, Chart, Tone
from domain.notifications import Target, TargetKind
from domain.people import Platform, Workspace
from tests.standins.feishu import APP_ID, APP_SECRET, OpenApi

BASE = "https://open.feishu.test"
WORKSPACE = Workspace(Platform.FEISHU, "tenant", "MEMS", "Asia/Shanghai", "zh", "CNY", id=1)
HOME = Target(TargetKind.CHANNEL, "oc_home")
REPORT = Card(title="报告：C-1 发布会", tone=Tone.INFO, entity="C-1",
              chart=Chart("每日花费与转化", ("11-23", "11-24", "11-25"),
                          (("花费", (1000.0, 250.5, 800.0)), ("转化", (40.0, 12.0, 30.0)))))


class Broken:
    def png(self, chart: Chart) -> bytes:
        raise RuntimeError("no backend")


@pytest.fixture
def api() -> OpenApi:
    return OpenApi()


@pytest.fixture
def mocked(api: OpenApi) -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        router.route().mock(side_effect=api.respond)
        yield router


def gateway(charts: object | None = None) -> FeishuGateway:
    return FeishuGateway(FeishuClient(BASE, APP_ID, APP_SECRET, "zh"), charts=PngCharts() if charts is None else charts)


def elements(api: OpenApi, receive_id: str = "oc_home") -> list[dict[str, object]]:
    return api.sent_to(receive_id)[-1].card["body"]["elements"]  # type: ignore[no-any-return]


async def test_the_chart_is_uploaded_as_a_png_and_the_card_shows_it(api: OpenApi, mocked: respx.MockRouter) -> None:
    await gateway().send(WORKSPACE, HOME, REPORT, "report:C-1")
    [upload] = api.uploads()
    assert upload.headers["authorization"].startswith("Bearer t-")
    assert upload.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert upload.body is not None and upload.body["image_type"] == "message"
    assert (upload.body["image_filename"], upload.body["image_content_type"]) == ("chart.png", "image/png")
    png = upload.body["image"]
    assert Image.open(io.BytesIO(png)).size == (800, 360)
    [image] = [e for e in elements(api) if e["tag"] == "img"]
    assert image["img_key"] in api.images and api.images[str(image["img_key"])] == png
    alt = "每日花费与转化  11-23 → 11-25: 花费 250.5–1,000; 转化 12–40"
    assert image["alt"] == {"tag": "plain_text", "content": alt}


async def test_one_upload_serves_every_copy_of_the_same_chart(api: OpenApi, mocked: respx.MockRouter) -> None:
    feishu = gateway()
    first = await feishu.send(WORKSPACE, HOME, REPORT, "report:C-1:home")
    await feishu.send(WORKSPACE, Target(TargetKind.USER, "ou_li"), REPORT, "report:C-1:li")
    await feishu.update(WORKSPACE, first.channel, first.message_ref, REPORT)
    assert len(api.uploads()) == 1
    keys = {e["img_key"] for call in api.message_calls() for e in call.card["body"]["elements"] if e["tag"] == "img"}
    assert len(keys) == 1


async def test_a_refused_upload_leaves_the_chart_as_text_and_says_why_in_the_log(
        api: OpenApi, mocked: respx.MockRouter, caplog: pytest.LogCaptureFixture) -> None:
    api.fail_next("POST", "/im/v1/images", 400,
                  {"code": 99991672, "msg": "Access denied. One of the following scopes is required: [im:resource]"})
    with caplog.at_level(logging.WARNING):
        sent = await gateway().send(WORKSPACE, HOME, REPORT, "report:C-1")
    assert sent.message_ref.startswith("om_")  # the card went out all the same
    texts = [e.get("content") for e in elements(api)]
    assert "```\n花费  █▁▆\n转化  █▁▅\n```" in texts and all(e["tag"] != "img" for e in elements(api))
    assert "im:resource" in caplog.text and APP_SECRET not in caplog.text


async def test_a_broken_drawing_leaves_the_chart_as_text(api: OpenApi, mocked: respx.MockRouter) -> None:
    await gateway(Broken()).send(WORKSPACE, HOME, REPORT, "report:C-1")
    assert api.uploads() == [] and "花费  █▁▆" in json.dumps(elements(api), ensure_ascii=False)


async def test_a_card_without_a_chart_uploads_nothing(api: OpenApi, mocked: respx.MockRouter) -> None:
    await gateway().send(WORKSPACE, HOME, Card(title="C-1 发布会"), "campaign:C-1")
    assert api.uploads() == [] and len(api.sent_to("oc_home")) == 1


async def test_an_expired_token_during_an_upload_is_renewed_once(api: OpenApi, mocked: respx.MockRouter) -> None:
    feishu = gateway()
    await feishu.send(WORKSPACE, HOME, Card(title="warm-up"), "warm-up")  # a token is cached
    api.revoke_tokens()
    await feishu.send(WORKSPACE, HOME, REPORT, "report:C-1")
    assert [c.response.get("code") for c in api.uploads()] == [99991663, 0]
    assert any(e["tag"] == "img" for e in elements(api))
