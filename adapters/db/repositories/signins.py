"""The web dashboard's login links and sessions; a link is used up by one conditional UPDATE, so two clicks on the
same link (two browsers, two replicas) open one session."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from adapters.db.repositories.base import fetch_one, insert
from adapters.db.tables import LoginLinkRow, WebSessionRow
from domain.signin import LoginLink, WebSession


class SqlSignInRepository:
    def __init__(self, session: Session) -> None:
        self.db = session

    def add_link(self, link: LoginLink) -> LoginLink:
        row = LoginLinkRow(workspace_id=link.workspace_id, user_ref=link.user_ref, token_hash=link.token_hash,
                           created_at=link.created_at, expires_at=link.expires_at, used_at=link.used_at)
        link.id = insert(self.db, row, "login link")
        return link

    def redeem(self, token_hash: str, now: datetime) -> LoginLink | None:
        stmt = (update(LoginLinkRow).where(col(LoginLinkRow.token_hash) == token_hash,
                                           col(LoginLinkRow.used_at).is_(None), col(LoginLinkRow.expires_at) > now)
                .values(used_at=now))
        if self.db.exec(stmt).rowcount != 1:
            return None
        row = fetch_one(self.db, select(LoginLinkRow).where(LoginLinkRow.token_hash == token_hash))
        if row is None:  # pragma: no cover - the row was just updated in this transaction
            return None
        return LoginLink(row.workspace_id, row.user_ref, row.token_hash, row.created_at, row.expires_at, row.used_at,
                         row.id)

    def add_session(self, session: WebSession) -> WebSession:
        row = WebSessionRow(workspace_id=session.workspace_id, user_ref=session.user_ref,
                            token_hash=session.token_hash, csrf=session.csrf, created_at=session.created_at,
                            expires_at=session.expires_at)
        session.id = insert(self.db, row, "web session")
        # Expired sessions go as new ones come: the table holds about the sessions of the last 8 hours.
        self.db.exec(delete(WebSessionRow).where(col(WebSessionRow.expires_at) <= session.created_at))
        return session

    def session(self, token_hash: str, now: datetime) -> WebSession | None:
        row = fetch_one(self.db, select(WebSessionRow).where(WebSessionRow.token_hash == token_hash,
                                                                  col(WebSessionRow.expires_at) > now))
        if row is None:
            return None
        return WebSession(row.workspace_id, row.user_ref, row.token_hash, row.csrf, row.created_at, row.expires_at,
                          row.id)

    def end_session(self, token_hash: str) -> None:
        self.db.exec(delete(WebSessionRow).where(col(WebSessionRow.token_hash) == token_hash))
