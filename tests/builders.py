"""Builders for tests: a whole bot wired by the real bootstrap around fakes, and a way to talk to it."""

from __future__ import annotations

import asyncio
from typing import Any

from adapters.console.render import render
from bot.cards import Reply
from bot.context import Context
from bot.entry import bootstrap
from bot.settings import Settings
from domain.people import Platform
from tests.fakes import FakeChatGateway, FakeClock, FakeOutboxStore, FakeUnitOfWork, Store


def settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {"database_url": "sqlite://", "admins": "console:alice", "scheduler": "off"}
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


class TestBot:
    """The real bus, handlers and delivery worker over an in-memory store; send text, read replies."""

    __test__ = False

    def __init__(self, **overrides: Any) -> None:
        self.store = Store()
        self.clock = FakeClock()
        self.gateway = FakeChatGateway()
        self.outbox = FakeOutboxStore(self.store)
        self.container = bootstrap.build(
            settings(**overrides), clock=self.clock, uow_factory=lambda: FakeUnitOfWork(self.store),
            outbox=self.outbox, gateways={Platform.CONSOLE: self.gateway})

    def ctx(self, user: str, workspace: str = "local", channel: str | None = None) -> Context:
        return Context(Platform.CONSOLE, workspace, user, channel or workspace, user_name=user)

    def say(self, user: str, text: str, workspace: str = "local", channel: str | None = None) -> Reply:
        return self.container.bus.execute(self.ctx(user, workspace, channel), text)

    def text(self, user: str, text: str, workspace: str = "local") -> str:
        return render(self.say(user, text, workspace).card)

    def ok(self, user: str, text: str, workspace: str = "local", channel: str | None = None) -> Reply:
        reply = self.say(user, text, workspace, channel)
        assert not reply.is_error, render(reply.card)
        return reply

    def deliver(self) -> int:
        return asyncio.run(self.container.delivery.drain())

    def sent_to(self, ref: str) -> list[str]:
        return [render(card) for target, card, _ in self.gateway.sent if target.ref == ref]
