"""Done when: a week of metrics with one broken day, loaded through the API, produces exactly one explained
anomaly alert in the campaign's home channel (through the outbox to the chat gateway), and re-posting the
week produces no second alert."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient

from bot.entry.web import create_app
from tests.builders import TestBot

TOKEN = "operator-token"
TODAY = date(2026, 11, 25)  # the fake clock's day in Shanghai
BROKEN = TODAY - timedelta(days=3)


def day(d: date, rng: random.Random) -> dict[str, Any]:
    clicks = rng.randint(2900, 3100)
    broken = d == BROKEN
    return {"campaign": "C-1", "date": d.isoformat(), "channel": "douyin", "spend": f"{rng.randint(1450, 1550)}.00",
            "impressions": rng.randint(145_000, 155_000), "clicks": clicks,
            "conversions": 9 if broken else rng.randint(115, 125), "revenue": f"{rng.randint(5900, 6100)}.50"}


def post(client: TestClient, rows: list[dict[str, Any]]) -> None:
    response = client.post("/api/v1/metrics", json={"rows": rows}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.text
    assert response.json() == {"stored": len(rows)}


def test_a_broken_day_in_a_posted_week_alerts_the_home_channel_once() -> None:
    bot = TestBot(api_token=TOKEN)
    bot.ok("olive", 'new "Winter Sale" start=2026-10-01 end=2026-12-31', channel="launch-room")
    rng = random.Random(11)
    history = [day(TODAY - timedelta(days=n), rng) for n in range(35, 7, -1)]
    week = [day(TODAY - timedelta(days=n), rng) for n in range(7, 0, -1)]
    with TestClient(create_app(bot.container, run_workers=False)) as client:
        post(client, history)
        bot.deliver()
        assert bot.gateway.sent == []  # four weeks of history are stored, not news
        bot.ok("alice", 'task add C-1 "Refresh the landing page"')
        bot.ok("alice", "task done T-1")
        post(client, week)
        bot.deliver()
        alerts = [(target.ref, card) for target, card, _ in bot.gateway.sent if card.title.startswith("Unusual day")]
        assert len(alerts) == 1
        channel, card = alerts[0]
        assert channel == "launch-room"
        text = "\n".join(s.text for s in card.sections)
        assert card.title == "Unusual day for C-1 Winter Sale: 2026-11-22 Sun"
        assert "Conversions 9 against a usual 120.5: down 93%" in text
        assert "CVR 0.29% against a usual 4.06%: down 93%" in text
        assert "<@alice>  finished a task  T-1  Refresh the landing page" in text
        assert [b.command for b in card.buttons] == ["ack anomaly:C-1:2026-11-22", "snooze anomaly:C-1:2026-11-22 24h"]
        post(client, week)
        post(client, history + week)
        bot.deliver()
    assert sum(1 for _, card, _ in bot.gateway.sent if card.title.startswith("Unusual day")) == 1
