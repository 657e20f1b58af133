"""Property: whatever a caller with a valid token sends to /api/v1 (any path, method, query, header and body: metrics
batches with rows mangled by values of any type, NUL and lone surrogates in text, JSON nested deep, raw bytes), MEMS
answers below 500, with no traceback and no token in the logs, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.integration.test_api_metrics import OPERATOR, Api, api, row

__all__ = ["api"]  # the fixture, shared with the metrics tests
NASTY = st.sampled_from(["\x00", "\ud800", "\udfff", "\r\n", "²", "١٢", "C-2147483648", "<@all>", "%00", "𝟘"])
TEXT = st.one_of(st.text(st.one_of(st.characters(), st.sampled_from(["\x00", "\ud800", "\udfff", "\n", "²"])),
                         max_size=24), NASTY)
SCALAR = st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | TEXT
JSON = st.recursive(SCALAR, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
                    max_leaves=8)
REFS = st.one_of(st.sampled_from(["C-1", "c1", "T-1", "A-1", "C-0", "C-2147483647", "C-2147483648", "C-99999999999",
                                  "C-1.5", "C--1", "G-1"]), TEXT)
PATHS = ["/metrics", "/campaigns", "/campaigns/{ref}", "/campaigns/{ref}/tasks", "/tasks/{ref}", "/approvals",
         "/approvals/{ref}", "/campaigns/{ref}/{ref}", "/{ref}"]
FIELDS = ["campaign", "date", "channel", "spend", "impressions", "clicks", "conversions", "revenue", "variant"]


def encoded(text: str) -> str:
    """A path segment or query value as a client would send it (a lone surrogate as the bytes it would be)."""
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


@st.composite
def batches(draw: Any) -> bytes:
    kind = draw(st.sampled_from(["rows", "rows", "rows", "json", "bytes", "deep"]))
    if kind == "bytes":
        return bytes(draw(st.binary(max_size=200)))
    if kind == "deep":
        depth = draw(st.integers(30, 3000))
        return ('{"rows": [' + "[" * depth + "]" * depth + "]}").encode()
    if kind == "json":
        return json.dumps(draw(JSON)).encode()
    rows: list[Any] = []
    for _ in range(draw(st.integers(0, 3))):
        mangled = row()
        for field in draw(st.lists(st.sampled_from([*FIELDS, "extra", "\x00", "\ud800"]), max_size=3)):
            if draw(st.booleans()):
                mangled[field] = draw(JSON)
            else:
                mangled.pop(field, None)
        rows.append(mangled)
    return json.dumps({"rows": rows}).encode()


@st.composite
def requests(draw: Any) -> tuple[str, str, dict[str, str], bytes]:
    path = draw(st.sampled_from(PATHS)).replace("{ref}", encoded(draw(REFS)))
    if draw(st.booleans()):
        path += f"?status={encoded(draw(TEXT))}"
    method = draw(st.sampled_from(["GET", "GET", "POST", "POST", "PUT", "DELETE", "PATCH"]))
    if draw(st.integers(0, 2)) > 0:
        method, path = "POST", "/metrics"
    headers = {"Authorization": f"Bearer {OPERATOR}" if draw(st.integers(0, 5)) > 0 else draw(st.sampled_from(
        ["", "Bearer", "Bearer nope", "Basic b3A6eA==", f"bearer {OPERATOR}"])),
        "Content-Type": draw(st.sampled_from(["application/json", "application/json; charset=utf-8", "text/plain",
                                              "application/x-www-form-urlencoded", ""]))}
    return method, "/api/v1" + path, headers, draw(batches()) if method != "GET" else b""


@pytest.fixture
def client(api: Api) -> TestClient:
    return TestClient(api.client.app, raise_server_exceptions=False)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(request=requests())
def test_no_request_gets_a_5xx_or_a_traceback(client: TestClient, caplog: pytest.LogCaptureFixture,
                                              request: tuple[str, str, dict[str, str], bytes]) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.clear()
    method, path, headers, body = request
    response = client.request(method, path, headers=headers, content=body)
    assert response.status_code < 500, (method, path, body[:200], response.status_code, response.text)
    logged = caplog.text
    assert "Traceback" not in logged and not [r for r in caplog.records if r.exc_info and r.levelno >= logging.ERROR]
    assert OPERATOR not in logged
