"""The REST API never answers 500 to a caller with a valid token: ids beyond 32 bits are 404, in a path or a
metrics row (a per-row 422); in a chat command they are a user error, not "Something went wrong". NUL and lone
surrogates in text are a per-row 422 naming the field, JSON nested too deep a 400."""

from __future__ import annotations

import json

import pytest

from tests.integration.test_api_metrics import OPERATOR, Api, api, row

__all__ = ["api"]  # the fixture, shared with the metrics tests
HEADERS = {"Authorization": f"Bearer {OPERATOR}", "Content-Type": "application/json"}


@pytest.mark.parametrize("path", ["/campaigns/C-2147483648", "/campaigns/C-99999999999/tasks", "/tasks/T-2147483648",
                                  "/approvals/A-4294967296"])
def test_an_id_beyond_32_bits_is_404(api: Api, path: str) -> None:
    assert api.get(path).status_code == 404


def test_an_id_beyond_32_bits_in_a_metrics_row_is_a_row_error(api: Api) -> None:
    response = api.post([row(), row(campaign="C-2147483648")])
    assert response.status_code == 422
    assert [(e["index"], e["field"]) for e in response.json()["errors"]] == [(1, "campaign")]


@pytest.mark.parametrize("text", ["show C-2147483648", "done T-99999999999", "approve A-4294967296"])
def test_an_id_beyond_32_bits_in_chat_is_a_user_error(api: Api, text: str) -> None:
    from bot.context import Context
    from domain.people import Platform

    reply = api.container.bus.execute(Context(Platform.CONSOLE, "local", "alice", "local"), text)
    shown = "\n".join([reply.card.title or "", *(s.text for s in reply.card.sections)])
    assert reply.is_error and "went wrong" not in shown.lower()


@pytest.mark.parametrize("value", ["²", "١٢", "1²"])
def test_a_count_in_unicode_digits_is_a_row_error(api: Api, value: str) -> None:
    response = api.post([row(impressions=value)])
    assert response.status_code == 422
    assert [(e["index"], e["field"]) for e in response.json()["errors"]] == [(0, "impressions")]


@pytest.mark.parametrize("field", ["channel", "variant"])
@pytest.mark.parametrize("text", ["dou\x00yin", "dou\ud800yin", "\udfff"])
def test_a_nul_or_a_lone_surrogate_in_text_is_a_row_error(api: Api, field: str, text: str) -> None:
    body = json.dumps({"rows": [row(), row(**{field: text})]})  # json.dumps writes "\u0000" and "\ud800" as JSON does
    response = api.client.post("/api/v1/metrics", content=body, headers=HEADERS)
    assert response.status_code == 422
    assert [(e["index"], e["field"]) for e in response.json()["errors"]] == [(1, field)]
    assert api.get("/campaigns/C-1").json()["spend"] == "0.00"


@pytest.mark.parametrize("key", ["\x00", "\ud800", "a\r\nb"])
def test_a_field_name_that_cannot_be_shown_is_echoed_escaped(api: Api, key: str) -> None:
    response = api.client.post("/api/v1/metrics", content=json.dumps({"rows": [row() | {key: 1}]}), headers=HEADERS)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == key.encode("unicode_escape", "backslashreplace").decode()


@pytest.mark.parametrize("body", ["[" * 2000 + "]" * 2000, '{"rows": [' + "{\"a\":" * 2000 + "1" + "}" * 2000 + "]}",
                                  '{"rows": [{"campaign": ' + "[" * 990 + "]" * 990 + "}]}"])
def test_json_nested_2000_deep_is_400_or_a_row_error(api: Api, body: str) -> None:
    response = api.client.post("/api/v1/metrics", content=body, headers=HEADERS)
    assert response.status_code in (400, 422)
    assert api.get("/campaigns/C-1").json()["spend"] == "0.00"


def _said(api: Api, text: str, user: str = "alice") -> tuple[bool, str]:
    from bot.context import Context
    from domain.people import Platform

    reply = api.container.bus.execute(Context(Platform.CONSOLE, "local", user, "local"), text)
    return reply.is_error, "\n".join([reply.card.title or "", *(s.text for s in reply.card.sections)])


def _campaigns(api: Api) -> int:
    return len(api.get("/campaigns?status=all").json())


@pytest.mark.parametrize(("text", "field"), [
    ('new "Spring\x00Sale"', "name"), ('new "Spring\ud800Sale"', "name"), ('task add C-1 "Book\x00venue"', "title"),
    ('budget request C-1 100 "why\udfff"', "reason"),
    ('new "Spring" template=product-launch launch=0001-01-10', "launch"),
    ('new "Spring" template=holiday-promo start=0001-01-01', "start"),
    ('new "Spring" owner=<@' + "U" * 129 + ">", "too long to be a person"),
    ('task add C-1 "Book venue" <@' + "U" * 200 + ">", "too long to be a person"),
    ("role add <@" + "U" * 200 + "> finance", "too long to be a person")])
def test_text_a_database_cannot_take_is_a_user_error_naming_the_field(api: Api, text: str, field: str) -> None:
    before = (_campaigns(api), len(api.get("/campaigns/C-1/tasks").json()))
    error, shown = _said(api, text)
    assert error and "went wrong" not in shown.lower() and field in shown, shown
    assert (_campaigns(api), len(api.get("/campaigns/C-1/tasks").json())) == before


def test_a_move_out_of_the_calendar_is_a_user_error_and_moves_nothing(api: Api) -> None:
    api.chat("alice", 'new "Far" template=product-launch launch=9999-12-30')
    error, shown = _said(api, "move C-2 launch=0001-01-01")
    assert error and "went wrong" not in shown.lower() and "C-2" in shown, shown
    assert api.get("/campaigns/C-2").json()["launch"] == "9999-12-30"


@pytest.mark.parametrize("user", ["bo\x00b", "u" * 129])
def test_a_person_id_with_a_nul_or_too_long_is_refused_before_anything_is_written(api: Api, user: str) -> None:
    error, shown = _said(api, "help", user=user)
    assert error and "went wrong" not in shown.lower() and "user" in shown, shown
