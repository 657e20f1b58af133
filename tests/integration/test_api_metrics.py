"""The REST API on a real database: bearer tokens, per-row validation, idempotent re-posts, a 10,000-row
batch in a bounded number of statements, and workspaces kept apart."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from adapters.db.outbox_store import SqlOutboxStore
from bot.context import Context
from bot.entry import bootstrap
from bot.entry.web import create_app
from domain.people import Platform
from tests.builders import settings
from tests.fakes import FakeChatGateway, FakeClock
from tests.integration.db_builders import UowFactory

OPERATOR = "operator-secret-token"
TODAY = date(2026, 11, 25)


class Api:
    def __init__(self, container: bootstrap.Container) -> None:
        self.container = container
        self.client = TestClient(create_app(container, run_workers=False))

    def chat(self, user: str, text: str, workspace: str = "local") -> str:
        reply = self.container.bus.execute(Context(Platform.CONSOLE, workspace, user, workspace), text)
        assert not reply.is_error, reply.text
        return "\n".join(s.text for s in reply.card.sections)

    def post(self, rows: list[dict[str, Any]], token: str = OPERATOR) -> Any:
        return self.client.post("/api/v1/metrics", json={"rows": rows}, headers={"Authorization": f"Bearer {token}"})

    def get(self, path: str, token: str = OPERATOR) -> Any:
        return self.client.get(f"/api/v1{path}", headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def api(new_uow: UowFactory, sessions: sessionmaker[Session]) -> Iterator[Api]:
    container = bootstrap.build(settings(api_token=OPERATOR, admins="console:alice"), clock=FakeClock(),
                                uow_factory=new_uow, outbox=SqlOutboxStore(sessions),
                                gateways={Platform.CONSOLE: FakeChatGateway()})
    found = Api(container)
    found.chat("alice", 'new "Spring Launch"')
    yield found
    found.client.close()


def row(day: date = TODAY, **fields: Any) -> dict[str, Any]:
    values = {"campaign": "C-1", "date": day.isoformat(), "channel": "douyin", "spend": "1000.00",
              "impressions": 100000, "clicks": 1500, "conversions": 60, "revenue": "4000.00"}
    return values | fields


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic b3A6eA=="}])
def test_without_a_valid_token_401_and_nothing_stored(api: Api, headers: dict[str, str]) -> None:
    response = api.client.post("/api/v1/metrics", json={"rows": [row()]}, headers=headers)
    assert response.status_code == 401
    assert api.get("/campaigns/C-1").json()["spend"] == "0.00"


def test_a_good_batch_is_stored_exactly(api: Api) -> None:
    response = api.post([row(spend=1234.5), row(TODAY - timedelta(days=1), channel="", revenue="0.10")])
    assert response.status_code == 200 and response.json() == {"stored": 2}
    campaign = api.get("/campaigns/C-1").json()
    assert (campaign["spend"], campaign["revenue"], campaign["clicks"]) == ("2234.50", "4000.10", 3000)


def test_every_bad_row_is_named_and_nothing_is_stored(api: Api) -> None:
    rows = [row(), row(spend="-5"), row(clicks=1.5), row(date="2026-11-26"), row(campaign="C-99"),
            row(impressions=None), row(spend="12.345"), row(date="25/11/2026"), row(extra=1), row(clicks=True), "x"]
    response = api.post(rows)
    assert response.status_code == 422
    assert [(e["index"], e["field"]) for e in response.json()["errors"]] == [
        (1, "spend"), (2, "clicks"), (3, "date"), (4, "campaign"), (5, "impressions"), (6, "spend"), (7, "date"),
        (8, "extra"), (9, "clicks"), (10, "row")]
    messages = {e["index"]: e["message"] for e in response.json()["errors"]}
    assert messages[3] == "2026-11-26 is in the future (today is 2026-11-25 in Asia/Shanghai)"
    assert messages[4] == "C-99 was not found"
    assert api.get("/campaigns/C-1").json()["spend"] == "0.00"


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b'{"rows": 5}', b"{}"])
def test_a_body_that_is_not_a_batch(api: Api, body: bytes) -> None:
    response = api.client.post("/api/v1/metrics", content=body, headers={"Authorization": f"Bearer {OPERATOR}"})
    assert response.status_code in (400, 422)
    assert response.status_code == 400 or response.json()["errors"][0]["field"] == "rows"


def test_reposting_replaces_and_never_doubles(api: Api) -> None:
    week = [row(TODAY - timedelta(days=n)) for n in range(7)]
    assert api.post(week).json() == {"stored": 7}
    assert api.post(week).json() == {"stored": 7}
    assert api.post([row(TODAY, spend="10.00")]).json() == {"stored": 1}
    campaign = api.get("/campaigns/C-1").json()
    assert campaign["spend"] == "6010.00" and campaign["clicks"] == 7 * 1500


def test_the_same_row_twice_in_one_batch_keeps_the_last(api: Api) -> None:
    assert api.post([row(spend="1.00"), row(spend="2.00")]).status_code == 200
    assert api.get("/campaigns/C-1").json()["spend"] == "2.00"


def test_ten_thousand_rows_in_one_batch_and_a_bounded_number_of_statements(api: Api, engine: Engine) -> None:
    rows = [row(TODAY - timedelta(days=n % 400), channel=f"ch{n // 400}", spend="1.25", clicks=1,
                conversions=1)
            for n in range(10_000)]
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    response = api.post(rows)
    assert response.status_code == 200 and response.json() == {"stored": 10_000}
    assert len(statements) < 60  # ten 1,000-row upserts and a handful of reads, not one per row
    campaign = api.get("/campaigns/C-1").json()
    assert campaign["spend"] == "12500.00" and campaign["clicks"] == 10_000


def test_a_workspace_token_reaches_only_its_own_campaigns(api: Api) -> None:
    api.chat("bob", 'new "Other team"', workspace="other")
    token = api.chat("alice", "token create ci").splitlines()[0]
    assert api.post([row()], token).status_code == 200
    response = api.post([row(campaign="C-2")], token)
    assert response.status_code == 422 and response.json()["errors"][0]["message"] == "C-2 was not found"
    assert api.get("/campaigns/C-2", token).status_code == 404
    assert [c["id"] for c in api.get("/campaigns", token).json()] == ["C-1"]
    assert {c["id"] for c in api.get("/campaigns").json()} == {"C-1", "C-2"}  # the operator sees every workspace
    api.chat("alice", "token revoke ci")
    assert api.post([row()], token).status_code == 401


def test_the_token_is_stored_hashed(api: Api, new_uow: UowFactory) -> None:
    token = api.chat("alice", "token create ci").splitlines()[0]
    with new_uow() as uow:
        (stored,) = uow.tokens.active(1)
    assert token not in stored.token_hash and len(stored.token_hash) == 64


def test_reads_of_tasks_and_approvals(api: Api) -> None:
    api.chat("alice", 'task add C-1 "Book venue"')
    api.chat("alice", "role add @mgr manager")
    api.chat("alice", "budget request C-1 5000 venue")
    assert [t["title"] for t in api.get("/campaigns/C-1/tasks").json()] == ["Book venue"]
    assert api.get("/tasks/T-1").json()["status"] == "todo"
    (request,) = api.get("/approvals").json()
    assert (request["id"], request["amount"], request["current_step"]) == ("A-1", "5000.00", 1)
    assert api.get("/approvals/A-9").status_code == 404
    assert api.get("/tasks/C-1").status_code == 404


def test_openapi_documents_the_models(api: Api) -> None:
    schema = api.client.get("/openapi.json").json()
    assert {"Stored", "Rejected", "CampaignDetail", "TaskOut", "ApprovalOut"} <= set(schema["components"]["schemas"])
    body = schema["paths"]["/api/v1/metrics"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    fields = set(body["properties"]["rows"]["items"]["properties"])
    assert fields == {"campaign", "date", "channel", "spend", "impressions", "clicks", "conversions", "revenue"}


def test_the_api_is_off_without_the_operator_token(new_uow: UowFactory, sessions: sessionmaker[Session]) -> None:
    container = bootstrap.build(settings(), clock=FakeClock(), uow_factory=new_uow, outbox=SqlOutboxStore(sessions),
                                gateways={Platform.CONSOLE: FakeChatGateway()})
    with TestClient(create_app(container, run_workers=False)) as client:
        assert client.post("/api/v1/metrics", json={"rows": []}).status_code == 404

