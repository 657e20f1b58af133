"""Shared fixtures: a fresh database per test on SQLite and, when configured, PostgreSQL."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, make_url, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from adapters.db.engine import make_engine, normalize_url, session_factory
from adapters.db.migrate import upgrade
from adapters.db.uow import SqlUnitOfWork

POSTGRES_ENV = "MEMS_TEST_POSTGRES_URL"  # e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test
REQUIRE_ENV = "MEMS_TEST_REQUIRE_SERVICES"  # "1" in CI: a configured but unreachable service fails


def _postgres_schema() -> Iterator[str]:
    """A schema of its own for one test, so runs can repeat and go in parallel; dropped afterwards."""
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{REQUIRE_ENV}=1 but {POSTGRES_ENV} is not set")
        pytest.skip(f"PostgreSQL: set {POSTGRES_ENV} to run")
    admin = make_engine(base)
    schema = f"test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
    except OperationalError as exc:
        admin.dispose()
        first_line = str(exc.orig).strip().splitlines()[0]
        message = f"PostgreSQL at {POSTGRES_ENV} unreachable: {first_line}"
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(message)
        pytest.skip(message)
    url = normalize_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An empty database (no tables yet)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'mems.db'}"
    else:
        yield from _postgres_schema()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite database migrated to head per run; each test gets a copy, which costs far less than migrating."""
    path = tmp_path_factory.mktemp("template") / "mems.db"
    upgrade(f"sqlite:///{path}")  # its engine is disposed on the way out, so the WAL is folded into the file
    return path


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    """A SQLite file already at HEAD (a copy of the session's migrated template)."""
    path = tmp_path / "mems.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def engine(database_url: str, sqlite_template: Path) -> Iterator[Engine]:
    """The database migrated to head."""
    target = make_url(database_url)
    if target.get_backend_name() == "sqlite":
        shutil.copyfile(sqlite_template, str(target.database))
    else:
        upgrade(database_url)
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return session_factory(engine)


@pytest.fixture
def new_uow(sessions: sessionmaker[Session]) -> Callable[[], SqlUnitOfWork]:
    """A factory of units of work, as the bus gets one."""
    return lambda: SqlUnitOfWork(sessions)


REDIS_ENV = "MEMS_TEST_REDIS_URL"  # e.g. redis://127.0.0.1:6379/15 (db 15; keys under a unique prefix)


@pytest.fixture
def redis_url() -> str:
    """The shared Redis service; the test must use keys under a prefix of its own and never flush."""
    import redis

    url = os.environ.get(REDIS_ENV)
    if not url:
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{REQUIRE_ENV}=1 but {REDIS_ENV} is not set")
        pytest.skip(f"Redis: set {REDIS_ENV} to run")
    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"Redis at {REDIS_ENV} unreachable: {exc}")
        pytest.skip(f"Redis at {REDIS_ENV} unreachable: {exc}")
    finally:
        client.close()
    return url


class RedisServer:
    """A redis-server of the test's own on a free loopback port, which the test may stop and start again."""

    def __init__(self, directory: Path) -> None:
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = int(sock.getsockname()[1])
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        import redis

        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.directory)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.RedisError:
                time.sleep(0.05)
        client.close()

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    if shutil.which("redis-server") is None:
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{REQUIRE_ENV}=1 but redis-server is not installed")
        pytest.skip("redis-server is not installed")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()
