"""Chart image links and the route that serves them: only a link this server made, and only until it expires,
shows a picture; nothing in a link can be read, changed or guessed; everything else is a plain 404."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from adapters.charts.links import MAX_URL, TTL, SignedLinks, derive_key
from adapters.charts.routes import Images
from bot.cards import Chart
from bot.entry.web import create_app
from bot.settings import SettingsError, load
from tests.builders import TestBot
from tests.fakes import FakeClock

PUBLIC = "https://mems.example.com"
CHART = Chart("每日花费与转化", ("11-23", "11-24", "11-25"),
              (("花费", (1000.0, 250.5, 1333.33)), ("转化", (40.0, 12.0, 0.0))))
SLACK = {"slack_bot_token": "xoxb-1-2-secret", "slack_signing_secret": "signing-secret"}


def links(clock: FakeClock | None = None, secret: str = "server-secret") -> SignedLinks:
    return SignedLinks(PUBLIC, derive_key(secret), clock or FakeClock())


def token_of(url: str) -> str:
    return url.removeprefix(PUBLIC + "/charts/").removesuffix(".png")


def test_a_link_round_trips_to_its_chart_and_reveals_nothing() -> None:
    made = links()
    url = made.url(CHART)
    assert url is not None and url.startswith(PUBLIC + "/charts/") and url.endswith(".png")
    token = token_of(url)
    assert made.chart(token) == CHART
    assert "=" not in token and "/" not in token and "+" not in token  # safe in a path as it is
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    assert "花费".encode() not in raw and b"1333.33" not in raw  # encrypted, not just encoded
    assert made.token(CHART) != made.token(CHART)  # a fresh IV each time: links cannot be compared


@pytest.mark.parametrize("damage", [
    lambda t: t[:-2] + ("AA" if t[-2:] != "AA" else "BB"),  # a changed signature
    lambda t: t[:20] + ("x" if t[20] != "x" else "y") + t[21:],  # a changed payload
    lambda t: t[:40],  # cut short
    lambda t: "",
    lambda t: "not-a-token",
    lambda t: "A" * 5000,  # over-long: refused before decoding
])
def test_a_damaged_or_forged_token_opens_nothing(damage: object) -> None:
    made = links()
    token = made.token(CHART)
    assert made.chart(damage(token)) is None  # type: ignore[operator]


def test_a_token_from_another_key_opens_nothing() -> None:
    assert links(secret="server-secret").chart(links(secret="another-secret").token(CHART)) is None


def test_a_token_expires() -> None:
    clock = FakeClock()
    made = links(clock)
    token = made.token(CHART)
    clock.advance(seconds=TTL - 1)
    assert made.chart(token) == CHART
    clock.advance(seconds=2)
    assert made.chart(token) is None


def test_a_chart_too_big_for_a_url_is_not_linked() -> None:
    labels = tuple(f"day-{n}" for n in range(400))
    noisy = Chart("x", labels, (("a", tuple(n * 1.37 for n in range(400))), ("b", tuple(n * 7.1 for n in range(400)))))
    assert links().url(noisy) is None
    assert len(links().url(CHART) or "") < MAX_URL // 2  # 30 days of two series make about 650 characters


# -- the route ---------------------------------------------------------------------------------------------------

@pytest.fixture
def bot() -> TestBot:
    return TestBot(public_url=PUBLIC + "/", **SLACK)


@pytest.fixture
def http(bot: TestBot) -> Iterator[TestClient]:
    with TestClient(create_app(bot.container, run_workers=False)) as client:
        yield client


def served_token(bot: TestBot) -> str:
    assert bot.container.chart_links is not None
    url = bot.container.chart_links.url(CHART)
    assert url is not None and url.startswith(PUBLIC + "/charts/")  # the trailing "/" of the setting is gone
    return token_of(url)


def test_the_route_serves_a_png_for_a_valid_link(bot: TestBot, http: TestClient) -> None:
    response = http.get(f"/charts/{served_token(bot)}.png")
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    assert "max-age" in response.headers["cache-control"]
    assert Image.open(io.BytesIO(response.content)).size == (800, 360)
    assert http.head(f"/charts/{served_token(bot)}.png").status_code == 200


def test_a_forged_expired_or_odd_request_is_a_plain_404(bot: TestBot, http: TestClient) -> None:
    token = served_token(bot)
    forged = links(secret="guessed").token(CHART)
    for path in (f"/charts/{forged}.png", f"/charts/{token[:-3]}xyz.png", f"/charts/{token}", "/charts/.png",
                 "/charts/%00.png", "/charts/../healthz.png", f"/charts/{'A' * 5000}.png"):
        response = http.get(path)
        assert response.status_code == 404, path
        assert "image" not in response.headers.get("content-type", "") and "Traceback" not in response.text
    bot.clock.advance(seconds=TTL + 1)
    assert http.get(f"/charts/{token}.png").status_code == 404


def test_without_a_public_url_there_is_no_chart_route() -> None:
    bot = TestBot(**SLACK)
    assert bot.container.chart_links is None
    with TestClient(create_app(bot.container, run_workers=False)) as client:
        assert client.get(f"/charts/{links().token(CHART)}.png").status_code == 404


def test_without_slack_a_public_url_links_nothing() -> None:
    assert TestBot(public_url=PUBLIC).container.chart_links is None


def test_a_png_is_drawn_once_for_repeated_requests() -> None:
    drawn: list[Chart] = []

    def draw(chart: Chart) -> bytes:
        drawn.append(chart)
        return b"\x89PNG fake"

    made = links()
    images, token = Images(made, draw), made.token(CHART)
    assert images.png(token) == images.png(token) == b"\x89PNG fake"
    assert drawn == [CHART]
    assert images.png(links(secret="guessed").token(CHART)) is None and drawn == [CHART]


@pytest.mark.parametrize("value", ["mems.example.com", "ftp://mems.example.com", "https://", "https://x/?a=1"])
def test_a_public_url_that_is_not_a_base_url_is_refused(value: str) -> None:
    with pytest.raises(SettingsError, match="MEMS_PUBLIC_URL"):
        load(_env_file=None, public_url=value)


def test_a_blank_public_url_is_off() -> None:
    assert load(_env_file=None, public_url="  ").public_url is None
    assert load(_env_file=None, public_url="https://mems.example.com/base/").public_url == \
        "https://mems.example.com/base"


def test_links_made_before_a_restart_still_open_after_it() -> None:
    clock = FakeClock()
    token = SignedLinks(PUBLIC, derive_key("xoxb-1-2-secret"), clock).token(CHART)
    assert SignedLinks(PUBLIC, derive_key("xoxb-1-2-secret"), clock).chart(token) == CHART  # another replica too
