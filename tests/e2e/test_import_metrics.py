"""`mems import-metrics FILE.csv`: good rows load, each rejected row is listed by line with its reason,
the summary line counts both, and the exit code says whether anything was rejected."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from bot.context import Context
from bot.entry import bootstrap
from bot.entry.cli import cli
from bot.settings import Settings
from domain.people import Platform

TODAY = datetime.now(ZoneInfo("Asia/Shanghai")).date()  # the workspace's today decides what is the future
HEADER = "campaign,date,channel,spend,impressions,clicks,conversions,revenue\n"


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'mems.db'}"
    for name in ("MEMS_API_TOKEN", "MEMS_REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MEMS_DATABASE_URL", url)
    container = bootstrap.build(Settings(_env_file=None, database_url=url))  # type: ignore[call-arg]
    container.bus.execute(Context(Platform.CONSOLE, "local", "olive", "local"), 'new "Spring Launch"')
    container.close()
    return url


def spend_of(url: str) -> str:
    container = bootstrap.build(Settings(_env_file=None, database_url=url))  # type: ignore[call-arg]
    try:
        reply = container.bus.execute(Context(Platform.CONSOLE, "local", "olive", "local"), "report C-1")
        return next(f.value for f in reply.card.fields if f.label == "Media spend")
    finally:
        container.close()


def run(tmp_path: Path, text: str) -> tuple[int, str]:
    path = tmp_path / "metrics.csv"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["import-metrics", str(path)])
    return result.exit_code, result.output


def test_a_clean_file_loads_and_exits_0(database: str, tmp_path: Path) -> None:
    today = TODAY - timedelta(days=1)
    lines = "".join(f"C-1,{today - timedelta(days=n)},douyin,100.10,1000,20,2,300\n" for n in range(10))
    code, output = run(tmp_path, HEADER + lines)
    assert (code, output.strip().splitlines()[-1]) == (0, "10 loaded, 0 rejected")
    assert spend_of(database) == "¥1,001.00"


def test_bad_rows_are_listed_by_line_the_rest_load_and_exit_2(database: str, tmp_path: Path) -> None:
    day = TODAY - timedelta(days=2)
    future = TODAY + timedelta(days=3)
    text = HEADER + (f"C-1,{day},douyin,100.00,1000,20,2,300\n"
                     f"C-1,{day},wechat,-5,1000,20,2,300\n"
                     f"C-9,{day},douyin,1,1,1,1,1\n"
                     f"C-1,{future},douyin,1,1,1,1,1\n"
                     f"C-1,{day},weibo,1,1,1.5,1,1\n"
                     f"C-1,{day},,2.50,1,1,1,1\n")
    code, output = run(tmp_path, text)
    lines = output.strip().splitlines()
    assert code == 2
    assert lines[:4] == ["line 3: spend must be an amount of zero or more", "line 4: campaign C-9 was not found",
                         f"line 5: date {future} is in the future (today is {TODAY} in Asia/Shanghai)",
                         "line 6: clicks must be a whole number of zero or more"]
    assert lines[-1] == "2 loaded, 4 rejected"
    assert spend_of(database) == "¥102.50"


def test_a_file_without_the_columns_is_refused(database: str, tmp_path: Path) -> None:
    code, output = run(tmp_path, "campaign,date,spend\nC-1,2026-01-01,5\n")
    assert code == 2 and "no column(s) impressions, clicks, conversions, revenue" in output
