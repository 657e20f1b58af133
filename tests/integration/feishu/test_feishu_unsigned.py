"""Feishu without an Encrypt Key signs nothing: MEMS refuses to start that way unless MEMS_FEISHU_ALLOW_UNSIGNED=1
says it is meant, then warns at start-up and in /readyz, and still refuses an event that does not say when it was
sent (the replay window)."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import pytest
import typer

from bot.entry import bootstrap
from bot.entry.cli.common import container_or_exit
from bot.settings import SettingsError
from tests.fakes import FakeClock
from tests.integration.feishu.conftest import Harness, feishu_settings, running
from tests.standins.feishu import OpenApi


def test_feishu_without_an_encrypt_key_does_not_start(database: str, capsys: pytest.CaptureFixture[str]) -> None:
    settings = feishu_settings(database, feishu_encrypt_key=None)
    with pytest.raises(SettingsError, match=r"MEMS_FEISHU_ENCRYPT_KEY.*MEMS_FEISHU_ALLOW_UNSIGNED=1"):
        bootstrap.build(settings)
    with pytest.raises(typer.Exit) as stopped:  # `mems serve`: a clear message and exit status 2, no traceback
        container_or_exit(settings)
    assert stopped.value.exit_code == 2 and "MEMS_FEISHU_ALLOW_UNSIGNED=1" in capsys.readouterr().err


@pytest.fixture
def unsigned(database: str, api: OpenApi, clock: FakeClock, caplog: pytest.LogCaptureFixture) -> Iterator[Harness]:
    caplog.set_level(logging.WARNING)
    settings = feishu_settings(database, feishu_encrypt_key=None, feishu_allow_unsigned=True)
    with running(settings, api, clock) as harness:
        yield harness


def test_allowed_unsigned_feishu_warns_at_start_up_and_in_readyz(unsigned: Harness,
                                                                 caplog: pytest.LogCaptureFixture) -> None:
    started = caplog.get_records("setup")
    assert any(r.levelno == logging.WARNING and "MEMS_FEISHU_ALLOW_UNSIGNED=1" in r.getMessage() for r in started)
    ready = unsigned.client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ready"
    assert "not signed" in ready.json()["warnings"]["feishu"]


def test_a_signed_setup_has_no_warning(h: Harness) -> None:
    assert h.client.get("/readyz").json()["warnings"] == {}


def admins_made(h: Harness) -> int:
    with h.container.uow_factory() as uow:
        return len(uow.workspaces.all())


def test_an_unsigned_event_without_a_timestamp_is_refused(unsigned: Harness) -> None:
    # An attacker who knows the verification token posts plaintext as the admin, without the time it was sent.
    event = unsigned.feishu.message("李", "@MEMS 新建 “攻击者的活动”", "oc_1")
    response = unsigned.post(event, plain=True, signed=False)
    unsigned.settle()
    assert response.status_code == 401 and "timestamp" in response.text
    assert admins_made(unsigned) == 0 and unsigned.api.message_calls() == []


@pytest.mark.parametrize("skew", [-301, 3600])
def test_an_unsigned_event_outside_the_replay_window_is_refused(unsigned: Harness, skew: int) -> None:
    event = unsigned.feishu.message("李", "@MEMS 帮助", "oc_1")
    assert unsigned.post(event, plain=True, timestamp=time.time() + skew).status_code == 401
    unsigned.settle()
    assert unsigned.api.message_calls() == []


def test_an_unsigned_event_with_a_fresh_timestamp_is_answered(unsigned: Harness) -> None:
    event = unsigned.feishu.message("李", "@MEMS 帮助", "oc_1")
    assert unsigned.post(event, plain=True).status_code == 200
    unsigned.settle()
    assert unsigned.api.replies_to(event["event"]["message"]["message_id"])
