"""Installations of MEMS (Slack OAuth, Feishu store apps), OAuth states and pushed platform values, in the database
every replica shares. Each call is its own short transaction: installs and token look-ups are not part of a
command's unit of work."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from adapters.db.repositories.base import upsert
from adapters.db.tables import InstallationRow, OAuthStateRow, PlatformValueRow
from bot.ports import Installation
from domain.people import Platform

FIELDS = ("name", "enterprise", "app_id", "bot_token", "bot_user", "bot_id", "installer", "scopes", "refresh_token",
          "expires_at", "installed_at")


def _installation(row: InstallationRow) -> Installation:
    return Installation(Platform(row.platform), row.workspace, row.bot_token, name=row.name, bot_user=row.bot_user,
                        bot_id=row.bot_id, app_id=row.app_id, enterprise=row.enterprise, installer=row.installer,
                        scopes=row.scopes, refresh_token=row.refresh_token, expires_at=row.expires_at,
                        installed_at=row.installed_at, revoked=row.revoked, revoked_at=row.revoked_at)


class SqlInstallations:
    def __init__(self, session_factory: Callable[[], Session]) -> None:
        self.session_factory = session_factory

    def save(self, installation: Installation) -> None:
        values = {name: getattr(installation, name) for name in FIELDS}
        with self.session_factory() as session, session.begin():
            stmt = upsert(session, InstallationRow).values(
                platform=installation.platform.value, workspace=installation.workspace, **values)
            # A reinstall (or a rotated token) replaces the row and undoes a revocation.
            session.exec(stmt.on_conflict_do_update(index_elements=["platform", "workspace"],
                                                    set_={**values, "revoked": None, "revoked_at": None}))

    def find(self, platform: Platform, workspace: str) -> Installation | None:
        with self.session_factory() as session:
            row = session.exec(select(InstallationRow).where(InstallationRow.platform == platform.value,
                                                             InstallationRow.workspace == workspace)).first()
            return _installation(row) if row is not None else None

    def revoke(self, platform: Platform, workspace: str, reason: str, at: datetime) -> bool:
        with self.session_factory() as session, session.begin():
            stmt = (update(InstallationRow)
                    .where(col(InstallationRow.platform) == platform.value,
                           col(InstallationRow.workspace) == workspace, col(InstallationRow.revoked).is_(None))
                    .values(revoked=reason[:64], revoked_at=at))
            return bool(session.exec(stmt).rowcount)

    def issue_state(self, state: str, expires_at: datetime) -> None:
        with self.session_factory() as session, session.begin():
            session.add(OAuthStateRow(state=state, expires_at=expires_at))

    def consume_state(self, state: str, now: datetime) -> bool:
        with self.session_factory() as session, session.begin():
            used = session.exec(delete(OAuthStateRow).where(col(OAuthStateRow.state) == state,
                                                            col(OAuthStateRow.expires_at) > now)).rowcount
            session.exec(delete(OAuthStateRow).where(col(OAuthStateRow.expires_at) <= now))
            return bool(used)

    def put_value(self, platform: Platform, name: str, value: str, at: datetime) -> None:
        with self.session_factory() as session, session.begin():
            stmt = upsert(session, PlatformValueRow).values(platform=platform.value, name=name, value=value,
                                                            updated_at=at)
            session.exec(stmt.on_conflict_do_update(index_elements=["platform", "name"],
                                                    set_={"value": value, "updated_at": at}))

    def get_value(self, platform: Platform, name: str) -> str | None:
        with self.session_factory() as session:
            row = session.get(PlatformValueRow, (platform.value, name))
            return row.value if row is not None else None
