"""Installation tokens at rest: a copy of the database (a backup, a read-only SQL account) must not hand out every
team's bot. They are sealed with a key derived from the app's secret (or MEMS_TOKEN_KEYS); tokens an older MEMS
kept in the clear are sealed at start-up; a rotated secret keeps working while the old one follows it."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, text

from adapters.db.engine import session_factory
from adapters.db.installations import SqlInstallations
from adapters.db.sealing import Sealer
from bot.entry import bootstrap
from bot.ports import Installation
from bot.redaction import secrets_of
from domain.people import Platform
from tests.builders import settings as make_settings

AT = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)
TOKEN, REFRESH = "xoxb-1111-2222-secretbot", "xoxe-1-refreshsecret"


def installation(team: str = "T1") -> Installation:
    return Installation(Platform.SLACK, team, TOKEN, name="Acme", refresh_token=REFRESH, installed_at=AT)


def stored(engine: Engine) -> str:
    """Everything the tables hold, as a dump of the database would show it."""
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT bot_token, refresh_token FROM installations")).all()
        values = conn.execute(text("SELECT value FROM platform_values")).all()
    return repr(rows) + repr(values)


def test_tokens_and_pushed_values_are_stored_sealed_and_read_back(engine: Engine) -> None:
    installs = SqlInstallations(session_factory(engine), Sealer(["client-secret"]))
    installs.save(installation())
    installs.put_value(Platform.FEISHU, "app_ticket:cli_1", "ticket-secret-value", AT)
    dump = stored(engine)
    assert TOKEN not in dump and REFRESH not in dump and "ticket-secret-value" not in dump and "sealed:v1:" in dump
    found = installs.find(Platform.SLACK, "T1")
    assert found is not None and (found.bot_token, found.refresh_token) == (TOKEN, REFRESH)
    assert installs.get_value(Platform.FEISHU, "app_ticket:cli_1") == "ticket-secret-value"


def test_tokens_kept_in_the_clear_by_an_older_mems_are_sealed_at_start_up(engine: Engine) -> None:
    SqlInstallations(session_factory(engine)).save(installation())  # no key: as an older MEMS stored it
    assert TOKEN in stored(engine)
    url = engine.url.render_as_string(hide_password=False)
    container = bootstrap.build(make_settings(database_url=url, slack_client_id="1.2", slack_client_secret="cs",
                                              slack_signing_secret="ss", admins=""))
    try:
        assert TOKEN not in stored(engine) and REFRESH not in stored(engine)
        installs = SqlInstallations(session_factory(engine), Sealer(["cs"]))
        found = installs.find(Platform.SLACK, "T1")
        assert found is not None and found.bot_token == TOKEN
        assert installs.seal_stored() == 0  # once is enough
    finally:
        container.close()


def test_a_rotated_secret_opens_old_tokens_while_the_old_one_follows_it(engine: Engine,
                                                                        caplog: pytest.LogCaptureFixture) -> None:
    SqlInstallations(session_factory(engine), Sealer(["old-secret"])).save(installation())
    rotated = SqlInstallations(session_factory(engine), Sealer(["new-secret", "old-secret"]))
    found = rotated.find(Platform.SLACK, "T1")
    assert found is not None and found.bot_token == TOKEN
    rotated.save(installation("T2"))  # sealed with the new one: readable without the old
    with caplog.at_level(logging.ERROR):
        alone = SqlInstallations(session_factory(engine), Sealer(["new-secret"]))
        assert alone.find(Platform.SLACK, "T2") is not None
        assert alone.find(Platform.SLACK, "T1") is None  # as if not installed, and said why
    assert "MEMS_TOKEN_KEYS" in caplog.text and "T1" in caplog.text and TOKEN not in caplog.text


def test_token_keys_come_before_the_apps_secrets_and_each_is_a_secret() -> None:
    both = make_settings(slack_client_id="1.2", slack_client_secret="cs", token_keys="k-new, k-old")
    assert both.sealing_secrets() == ["k-new", "k-old"]
    assert make_settings(slack_client_id="1.2", slack_client_secret="cs").sealing_secrets() == ["cs"]
    assert make_settings().sealing_secrets() == []
    assert {"k-new", "k-old"} <= set(secrets_of(both))  # each key is kept out of logs, not only the whole list
