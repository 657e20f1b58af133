"""Fixtures of the fault suite: a migrated PostgreSQL schema whose `mems` connections can be told apart (and
terminated), and the Slack and Feishu stand-ins served on loopback ports."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import make_url

from adapters.db.engine import make_engine
from adapters.db.migrate import upgrade
from tests.conftest import _postgres_schema
from tests.faults.harness import Db
from tests.standins.feishu import OpenApi, serve
from tests.standins.slack_limited import SlackStandIn, serving


@pytest.fixture
def db() -> Iterator[Db]:
    for url in _postgres_schema():
        parsed = make_url(url)
        app = "mems_" + str(parsed.query["options"]).rsplit("=", 1)[-1]
        tagged = parsed.update_query_dict({"application_name": app}).render_as_string(hide_password=False)
        upgrade(url)
        engine = make_engine(url)
        try:
            yield Db(tagged, app, engine)
        finally:
            engine.dispose()


@pytest.fixture
def slack() -> Iterator[tuple[SlackStandIn, str]]:
    """Slack's per-channel limit enforced (1 a second after a burst of 3, 429 beyond it); yields it and its API URL."""
    standin = SlackStandIn(per_second=1.0, burst=3)
    with serving(standin) as api:
        yield standin, api


@pytest.fixture
def feishu() -> Iterator[tuple[OpenApi, str]]:
    api = OpenApi()
    with serve(api) as base:
        yield api, base
