"""The web dashboard as an application service: signing in with a link from chat, who a session is, the pages'
reads (bot.pages), and the actions a page posts, which go to the bus as typed commands exactly as chat buttons do
(the same checks, audit trail, notifications and card updates)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass

from bot import loop_pages, pages, portfolio
from bot.actions import Action, command_for
from bot.bus import Bus
from bot.cards import Reply
from bot.context import Context
from domain.ports import Clock, UnitOfWork
from domain.signin import SESSION_TTL, WebSession
from domain.tokens import digest


@dataclass(frozen=True)
class Viewer:
    """A signed-in person: the reader of pages, and the session's CSRF token their forms carry."""

    reader: pages.Reader
    csrf: str

    @property
    def lang(self) -> str:
        return self.reader.member.lang_in(self.reader.workspace)

    @property
    def context(self) -> Context:
        """What the bus needs to resolve this person, as a chat platform would hand it."""
        w = self.reader.workspace
        return Context(platform=w.platform, workspace=w.external_id, user=self.reader.user)


class Dashboard:
    def __init__(self, uow_factory: Callable[[], UnitOfWork], clock: Clock, bus: Bus) -> None:
        self.uow_factory, self.clock, self.bus = uow_factory, clock, bus

    def sign_in(self, link_token: str) -> str | None:
        """Use a link from chat once; the new session's token, or None for a link used, expired or unknown."""
        now = self.clock.now()
        with self.uow_factory() as uow:
            link = uow.signins.redeem(digest(link_token), now)
            if link is None:
                return None
            token = secrets.token_urlsafe(32)
            uow.signins.add_session(WebSession(link.workspace_id, link.user_ref, digest(token),
                                               secrets.token_urlsafe(32), now, now + SESSION_TTL))
            uow.commit()
        return token

    def viewer(self, session_token: str) -> Viewer | None:
        now = self.clock.now()
        with self.uow_factory() as uow:
            session = uow.signins.session(digest(session_token), now)
            if session is None:
                return None
            workspace = uow.workspaces.get(session.workspace_id)
            member = uow.members.get(session.workspace_id, session.user_ref)
            if workspace is None or member is None:
                return None
            return Viewer(pages.Reader(workspace, member, now), session.csrf)

    def sign_out(self, session_token: str) -> None:
        with self.uow_factory() as uow:
            uow.signins.end_session(digest(session_token))
            uow.commit()

    def _fresh(self, viewer: Viewer) -> pages.Reader:
        return pages.Reader(viewer.reader.workspace, viewer.reader.member, self.clock.now())

    def portfolio(self, viewer: Viewer, scope: portfolio.Scope) -> pages.PortfolioPage:
        with self.uow_factory() as uow:
            return pages.portfolio_page(uow, self._fresh(viewer), scope)

    def campaign(self, viewer: Viewer, number: int) -> pages.CampaignPage | None:
        with self.uow_factory() as uow:
            return pages.campaign_page(uow, self._fresh(viewer), number)

    def approvals(self, viewer: Viewer) -> pages.ApprovalsPage:
        with self.uow_factory() as uow:
            return pages.approvals_page(uow, self._fresh(viewer))

    # goals and retrospectives (issue 13)
    def goals(self, viewer: Viewer) -> loop_pages.GoalsPage:
        with self.uow_factory() as uow:
            return loop_pages.goals_page(uow, self._fresh(viewer))

    def retro(self, viewer: Viewer, number: int) -> loop_pages.RetroPage | None:
        with self.uow_factory() as uow:
            return loop_pages.retro_page(uow, self._fresh(viewer), number)

    def act(self, viewer: Viewer, action: Action) -> Reply | None:
        """Run what a button stands for through the bus, as the person; None when MEMS did not write the action
        (an unknown ref, a reason missing)."""
        command = command_for(action)
        if command is None:
            return None
        return self.bus.handle(viewer.context, command)
