"""The report chart in Slack. With MEMS_PUBLIC_URL the card carries an image block, and the stand-in, like Slack,
downloads it from MEMS (a real server on a loopback port) before it accepts the answer. When Slack cannot fetch
the image, the same answer goes again with the chart as text; without MEMS_PUBLIC_URL it is text from the start."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator
from typing import Any

import pytest
from PIL import Image

from adapters.slack.client import web_client
from adapters.slack.gateway import SlackGateway
from bot.cards import Card, Chart
from bot.settings import Settings
from domain.notifications import Target, TargetKind
from domain.people import Platform, Workspace
from tests.integration.slack.harness import SlackWorkspace, text_of
from tests.standins.server import free_port
from tests.standins.slack import SlackStandIn

REPORT = Card(title="Report: C-1 Launch", entity="C-1",
              chart=Chart("Spend and conversions by day", ("11-23", "11-24"), (("Spend", (1000.0, 250.5)),)))
WORKSPACE = Workspace(Platform.SLACK, "T111", "T111", "Asia/Shanghai", "en", "CNY", id=1)


class Nowhere:
    """Links to a port where nothing listens: Slack cannot download the image."""

    def __init__(self) -> None:
        self.base = f"http://127.0.0.1:{free_port()}/charts"

    def url(self, chart: Chart) -> str | None:
        return f"{self.base}/token.png"


def metrics_and_report(slack: SlackWorkspace) -> dict[str, Any]:
    slack.command("UADMIN", "new Launch start=2026-11-16 end=2026-11-29")
    for day, spend, conversions in (("2026-11-23", "1000", "40"), ("2026-11-24", "250.5", "12")):
        slack.command("UADMIN", f"metrics C-1 date={day} spend={spend} impressions=50000 clicks=1000 "
                                f"conversions={conversions} revenue=4000")
    slack.command("UADMIN", "report C-1")
    return slack.answers()[-1]


def images(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for b in message["blocks"] if b["type"] == "image"]


@pytest.fixture
def served(standin: SlackStandIn, sqlite_url: str) -> Iterator[SlackWorkspace]:
    port = free_port()
    with SlackWorkspace(standin, sqlite_url, port=port, public_url=f"http://127.0.0.1:{port}") as workspace:
        yield workspace


def test_the_report_shows_its_chart_as_an_image_slack_fetches_from_mems(served: SlackWorkspace) -> None:
    answer = metrics_and_report(served)
    [image] = images(answer)
    assert image["image_url"].startswith(f"{served.settings.public_url}/charts/") and image["alt_text"]
    [fetch] = served.standin.fetched
    assert (fetch.url, fetch.status, fetch.content_type) == (image["image_url"], 200, "image/png")
    assert Image.open(io.BytesIO(fetch.body)).size == (800, 360)
    assert "▁" not in text_of(answer)  # the picture replaces the sparklines


def test_without_a_public_url_the_chart_is_sparklines(slack: SlackWorkspace) -> None:
    answer = metrics_and_report(slack)
    assert images(answer) == [] and "Spend        █▁" in text_of(answer) and slack.standin.fetched == []
    assert slack.http.get("/charts/anything.png").status_code == 404


def test_an_image_slack_cannot_fetch_becomes_the_text_chart(standin: SlackStandIn, sqlite_url: str) -> None:
    dead = free_port()  # MEMS_PUBLIC_URL points where Slack gets no answer (a proxy that is down)
    with SlackWorkspace(standin, sqlite_url, public_url=f"http://127.0.0.1:{dead}") as slack:
        answer = metrics_and_report(slack)
    assert [f.status for f in standin.fetched][-1] == 0  # Slack tried the image and could not get it
    assert images(answer) == [] and "Spend        █▁" in text_of(answer)


def gateway(standin: SlackStandIn) -> SlackGateway:
    settings = Settings(_env_file=None, slack_bot_token="xoxb-1", slack_api_url=standin.api_url)  # type: ignore[call-arg]
    return SlackGateway(web_client(settings), Nowhere())


def test_a_notification_whose_image_slack_refuses_goes_again_as_text(standin: SlackStandIn) -> None:
    slack = gateway(standin)
    sent = asyncio.run(slack.send(WORKSPACE, Target(TargetKind.CHANNEL, "CHOME"), REPORT, "report:C-1"))
    first, second = standin.calls("chat.postMessage")
    assert first.response["error"] == "invalid_blocks" and images(first.body)
    assert images(second.body) == [] and "Spend  █▁" in text_of(second.body)
    assert sent.message_ref == second.response["ts"]
    asyncio.run(slack.update(WORKSPACE, "CHOME", sent.message_ref, REPORT))
    assert [bool(images(c.body)) for c in standin.calls("chat.update")] == [True, False]
