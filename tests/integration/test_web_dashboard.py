"""The web dashboard over HTTP on a real database (SQLite and PostgreSQL): signing in with the chat's link, the
cookie's flags, 303 without a session, 404 for another workspace, CSRF on every POST, the security headers, and the
portfolio's figures as the database aggregates them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from adapters.db.outbox_store import SqlOutboxStore
from bot.context import Context
from bot.entry import bootstrap
from bot.entry.web import create_app
from domain.alerts import Evaluation, Outcome
from domain.campaign import OPEN
from domain.metrics import DailyMetric
from domain.notifications import AlertKind
from domain.people import Platform
from tests.builders import settings
from tests.fakes import FakeChatGateway, FakeClock
from tests.integration.db_builders import UowFactory

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


class Web:
    def __init__(self, container: bootstrap.Container) -> None:
        self.container = container
        self.client = TestClient(create_app(container, run_workers=False))

    def chat(self, user: str, text: str, workspace: str = "local") -> Any:
        reply = self.container.bus.execute(Context(Platform.CONSOLE, workspace, user, workspace, user_name=user), text)
        assert not reply.is_error, reply.text
        return reply

    def link(self, user: str) -> str:
        url = self.chat(user, "dashboard").card.sections[0].text
        return "/login/" + url.rsplit("/", 1)[1]

    def sign_in(self, user: str) -> None:
        assert self.client.get(self.link(user), follow_redirects=False).status_code == 303

    def csrf(self, path: str = "/") -> str:
        found = re.search(r'name="csrf" value="([^"]+)"', self.client.get(path).text)
        assert found is not None
        return found.group(1)


def build(new_uow: UowFactory, sessions: sessionmaker[Session], **overrides: Any) -> Web:
    clock = FakeClock(NOW)
    container = bootstrap.build(settings(**overrides), clock=clock, uow_factory=new_uow,
                                outbox=SqlOutboxStore(sessions), gateways={Platform.CONSOLE: FakeChatGateway()})
    return Web(container)


@pytest.fixture
def web(new_uow: UowFactory, sessions: sessionmaker[Session]) -> Iterator[Web]:
    found = build(new_uow, sessions)
    found.chat("alice", "role add @bob manager")
    found.chat("olive", 'new "Spring <b>Launch</b>" budget=50k start=2026-11-01 end=2026-12-31 kpi.roi=3')
    found.chat("olive", "budget request C-1 5000 KOL")
    found.chat("zed", 'new "Elsewhere"', workspace="other")
    yield found
    found.client.close()


@pytest.mark.parametrize("method, path", [("GET", "/"), ("GET", "/campaigns/C-1"), ("GET", "/approvals"),
                                          ("POST", "/actions"), ("POST", "/logout")])
def test_without_a_session_every_page_sends_to_the_page_that_explains(web: Web, method: str, path: str) -> None:
    answer = web.client.request(method, path, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/signin"
    explained = web.client.get("/signin")
    assert explained.status_code == 200 and "dashboard" in explained.text and "仪表盘" in explained.text


def test_the_link_opens_an_eight_hour_session_once(web: Web) -> None:
    link = web.link("bob")
    answer = web.client.get(link, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "max-age=28800" in cookie and "secure" not in cookie
    assert web.client.get("/").status_code == 200
    web.client.cookies.clear()
    again = web.client.get(link, follow_redirects=False)
    assert again.status_code == 400 and "Type dashboard in chat again" in again.text
    unknown = web.client.get("/login/nonsense", follow_redirects=False)
    assert unknown.status_code == 400 and "Type dashboard in chat again" in unknown.text


def test_an_expired_link_is_refused(web: Web) -> None:
    link = web.link("bob")
    web.container.clock.advance(minutes=11)  # type: ignore[attr-defined]
    assert web.client.get(link, follow_redirects=False).status_code == 400


@pytest.mark.parametrize("trusted, secure", [(True, True), (False, False)])
def test_the_cookie_is_secure_under_https_behind_a_trusted_proxy_only(new_uow: UowFactory,
                                                                      sessions: sessionmaker[Session], trusted: bool,
                                                                      secure: bool) -> None:
    web = build(new_uow, sessions, trust_proxy=trusted)
    answer = web.client.get(web.link("bob"), headers={"X-Forwarded-Proto": "https"}, follow_redirects=False)
    assert ("secure" in answer.headers["set-cookie"].lower()) is secure


def test_security_headers_and_no_caching_of_private_pages(web: Web) -> None:
    web.sign_in("bob")
    for path in ("/", "/campaigns/C-1", "/approvals"):
        answer = web.client.get(path)
        policy = answer.headers["content-security-policy"]
        assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["referrer-policy"] == "no-referrer"
        assert answer.headers["cache-control"] == "no-store"
        assert not re.search(r"<script(?![^>]*(src=|type=\"application/json\"))", answer.text)  # no inline script
        assert not re.search(r"\son[a-z]+=", answer.text)  # no inline event handler
    assert "public" in web.client.get("/static/app.css").headers["cache-control"]


def test_typed_text_is_escaped(web: Web) -> None:
    web.sign_in("bob")
    page = web.client.get("/campaigns/C-1").text
    assert "Spring &lt;b&gt;Launch&lt;/b&gt;" in page and "<b>Launch</b>" not in page


def test_another_workspaces_campaign_is_not_found(web: Web) -> None:
    web.sign_in("bob")
    assert web.client.get("/campaigns/C-2").status_code == 404  # zed's, in another workspace
    assert web.client.get("/campaigns/C-99").status_code == 404
    assert web.client.get("/campaigns/T-1").status_code == 404
    assert "Elsewhere" not in web.client.get("/?scope=all").text


def test_a_post_without_the_sessions_token_changes_nothing(web: Web) -> None:
    web.sign_in("bob")
    for token in ("", "forged"):
        answer = web.client.post("/actions", data={"action": "approve", "ref": "A-1", "csrf": token},
                                 follow_redirects=False)
        assert answer.status_code == 403
    assert "pending" in web.chat("olive", "show A-1").card.title


def test_approve_on_the_web_is_the_chat_command_and_updates_the_chat_cards(web: Web) -> None:
    web.sign_in("bob")
    assert 'data-test="approve-A-1"' in web.client.get("/approvals").text
    answer = web.client.post("/actions", data={"action": "approve", "ref": "A-1", "csrf": web.csrf("/approvals"),
                                               "back": "/approvals"}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/approvals"
    assert "(approved)" in web.client.get("/approvals").text  # the answer, shown once
    assert "approved" in web.chat("olive", "show A-1").card.title
    kinds = [m.kind for m in web.container.outbox.list_pending()]
    assert AlertKind.CARD_UPDATE in kinds
    json = web.client.post("/actions", data={"action": "approve", "ref": "A-1"},
                           headers={"Accept": "application/json", "X-CSRF-Token": web.csrf()})
    assert json.status_code == 409 and json.json()["ok"] is False  # decided already, as a second click in chat


def test_a_person_sees_only_the_buttons_they_may_use(web: Web) -> None:
    web.sign_in("olive")  # the requester: never their own approver
    assert 'data-test="approve-A-1"' not in web.client.get("/campaigns/C-1").text
    web.client.cookies.clear()
    web.sign_in("bob")
    assert 'data-test="approve-A-1"' in web.client.get("/campaigns/C-1").text


def test_the_portfolio_figures_are_aggregated_by_the_database(web: Web, new_uow: UowFactory) -> None:
    web.chat("olive", 'task add C-1 "Late" @olive due=2026-11-20')
    web.chat("olive", 'task add C-1 "Later" @olive due=2026-12-20')
    web.chat("bob", "approve A-1")
    web.chat("olive", "budget request C-1 3000 more")
    web.chat("olive", "budget spend C-1 1200.50 venue")
    with new_uow() as uow:
        ws = uow.campaigns.get(1, None)
        assert ws is not None
        for day, channel in ((date(2026, 11, 20), "douyin"), (date(2026, 11, 21), "douyin"),
                             (date(2026, 11, 21), "wechat")):
            uow.metrics.put(DailyMetric(ws.workspace_id, 1, day, channel, Decimal("100.25"), 1000, 20, 2,
                                        Decimal("300")))
        for day, ack in ((date(2026, 11, 23), None), (date(2026, 11, 24), "bob"), (date(2026, 11, 1), None)):
            uow.anomalies.put(Evaluation(ws.workspace_id, 1, day, NOW, Outcome.ALERTED, acknowledged_by=ack))
        uow.commit()
    with new_uow() as uow:
        [found] = uow.portfolio.figures(ws.workspace_id, OPEN, None, NOW, date(2026, 11, 18))
    assert (found.approved, found.requested, found.pending) == (Decimal("5000"), Decimal("3000"), 1)
    assert found.spent_entries == Decimal("1200.50") and found.media_spend == Decimal("300.75")
    assert found.revenue == Decimal("900")
    assert (found.tasks, found.open_tasks, found.overdue, found.anomalies) == (2, 2, 1, 1)
    with new_uow() as uow:
        assert uow.portfolio.figures(ws.workspace_id, OPEN, "nobody", NOW, date(2026, 11, 18)) == []


def test_the_session_ends_on_sign_out(web: Web) -> None:
    web.sign_in("bob")
    answer = web.client.post("/logout", data={"csrf": web.csrf()}, follow_redirects=False)
    assert answer.status_code == 303
    assert web.client.get("/", follow_redirects=False).status_code == 303


def test_the_access_log_never_shows_a_links_token() -> None:
    import logging

    from adapters.web.security import HideLoginTokens

    record = logging.LogRecord("uvicorn.access", logging.INFO, "", 0, '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:5000", "GET", "/login/abcDEF_123-xyz", "1.1", 303), None)
    assert HideLoginTokens().filter(record)
    assert "abcDEF_123" not in record.getMessage() and "/login/…" in record.getMessage()
