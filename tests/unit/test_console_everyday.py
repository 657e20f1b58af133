"""The console as a marketer uses it every day: one card printed once however many copies it has, line editing
and history at a terminal, and `list mine` that says when the campaigns are other people's."""

from __future__ import annotations

import asyncio
import io
import sys

import pytest

from adapters.console import repl
from adapters.console.gateway import ConsoleGateway
from bot.actions import Action, ActionId
from bot.cards import Button, Card, Field, Reply, text_card
from bot.context import Context
from domain.notifications import Target, TargetKind
from domain.people import Platform, Workspace
from tests.builders import TestBot

CARD = Card(title="Budget request A-1: ¥150,000.00 (pending)", fields=(Field("Amount", "¥150,000.00"),))


def test_the_copies_of_one_card_print_it_once_and_say_where_the_others_went() -> None:
    out = io.StringIO()
    gateway = ConsoleGateway(out)
    workspace = Workspace(Platform.CONSOLE, "local", "local", "Asia/Shanghai", "en", "CNY", id=1)
    with_buttons = Card(title=CARD.title, fields=CARD.fields,
                        buttons=(Button("Approve", Action(ActionId.APPROVE, "A-1")),))

    async def copies() -> None:
        await gateway.send(workspace, Target(TargetKind.USER, "olive"), CARD, "k1")
        await gateway.send(workspace, Target(TargetKind.USER, "sam"), CARD, "k2")
        await gateway.send(workspace, Target(TargetKind.USER, "fay"), with_buttons, "k3")  # fay can act: in full
        await gateway.update(workspace, "local", "m1", CARD)
        await gateway.update(workspace, "bob", "m2", CARD)
    asyncio.run(copies())
    text = out.getvalue()
    assert text.count("Amount") == 2  # olive's, and fay's with the command to approve
    assert "── to @sam (direct message) ──\n  (as above: Budget request A-1: ¥150,000.00 (pending))" in text
    assert "[Approve] approve A-1" in text
    assert "── updated in bob ──\n  (as above: Budget request A-1" in text


def test_list_mine_says_the_campaigns_are_someone_elses() -> None:
    bot = TestBot()
    bot.ok("olive", "new Launch")
    text = bot.text("zed", "list mine")
    assert "No campaigns yet" not in text and "You own none of the 1 campaign(s) in this workspace" in text
    zh = TestBot(lang="zh")
    zh.ok("olive", "新建 发布会")
    assert "没有由你负责的" in zh.text("zed", "列表 mine")
    assert "No campaigns yet" in TestBot().text("zed", "list mine")  # and when there are none at all, that


def test_an_interactive_console_reads_with_line_editing_and_history(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("help\nexit\n"))
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    seen: list[str] = []

    def execute(ctx: Context, text: str) -> Reply:
        seen.append(text)
        return Reply(text_card("ok"))

    async def drain() -> int:
        return 0
    ctx = Context(Platform.CONSOLE, "local", "olive", "local", user_name="olive")
    assert repl.run(execute, drain, ctx, sys.stdin, out, interactive=True) == 0
    assert seen == ["help"] and "readline" in sys.modules  # input() with readline: arrows edit, ↑ recalls
    assert out.getvalue().count(repl.PROMPT) == 2
