"""Installations of MEMS (Slack OAuth, Feishu store apps), OAuth states and pushed platform values, in the database
every replica shares. Each call is its own short transaction: installs and token look-ups are not part of a
command's unit of work. Tokens and pushed values are stored sealed (adapters/db/sealing.py)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from adapters.db.repositories.base import upsert
from adapters.db.sealing import Sealer, Unreadable
from adapters.db.tables import InstallationRow, OAuthStateRow, PlatformValueRow
from bot.ports import Installation
from domain.people import Platform

log = logging.getLogger(__name__)
SEALED = ("bot_token", "refresh_token")
FIELDS = ("name", "enterprise", "app_id", "bot_token", "bot_user", "bot_id", "installer", "scopes", "refresh_token",
          "expires_at", "installed_at")


def _unreadable(what: str) -> None:
    log.error("the stored %s cannot be opened with the keys MEMS has (was the app's secret changed? put the old "
              "one in MEMS_TOKEN_KEYS after the new one); treated as not installed until it is installed again", what)


class SqlInstallations:
    def __init__(self, session_factory: Callable[[], Session], sealer: Sealer | None = None) -> None:
        self.session_factory = session_factory
        self.sealer = sealer or Sealer()

    def _installation(self, row: InstallationRow) -> Installation | None:
        try:
            token, refresh = self.sealer.open(row.bot_token), self.sealer.open(row.refresh_token)
        except Unreadable:
            _unreadable(f"token of {row.platform} workspace {row.workspace}")
            return None
        return Installation(Platform(row.platform), row.workspace, token or "", name=row.name,
                            bot_user=row.bot_user, bot_id=row.bot_id, app_id=row.app_id, enterprise=row.enterprise,
                            installer=row.installer, scopes=row.scopes, refresh_token=refresh,
                            expires_at=row.expires_at, installed_at=row.installed_at, revoked=row.revoked,
                            revoked_at=row.revoked_at)

    def seal_stored(self) -> int:
        """Seal what was stored before sealing (or before a key was set): at start-up, idempotent."""
        if not self.sealer.active:
            return 0
        sealed = 0
        with self.session_factory() as session, session.begin():
            for row in session.exec(select(InstallationRow)):
                for name in SEALED:
                    if self.sealer.needs_sealing(getattr(row, name)):
                        setattr(row, name, self.sealer.seal(getattr(row, name)))
                        sealed += 1
            for value in session.exec(select(PlatformValueRow)):
                if self.sealer.needs_sealing(value.value):
                    value.value = self.sealer.seal(value.value) or ""
                    sealed += 1
        if sealed:
            log.info("sealed %d stored token(s) that were kept in the clear", sealed)
        return sealed

    def save(self, installation: Installation) -> None:
        values = {name: getattr(installation, name) for name in FIELDS}
        values.update({name: self.sealer.seal(values[name]) for name in SEALED})
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
            return self._installation(row) if row is not None else None

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
        value = self.sealer.seal(value) or ""
        with self.session_factory() as session, session.begin():
            stmt = upsert(session, PlatformValueRow).values(platform=platform.value, name=name, value=value,
                                                            updated_at=at)
            session.exec(stmt.on_conflict_do_update(index_elements=["platform", "name"],
                                                    set_={"value": value, "updated_at": at}))

    def get_value(self, platform: Platform, name: str) -> str | None:
        with self.session_factory() as session:
            row = session.get(PlatformValueRow, (platform.value, name))
            if row is None:
                return None
            try:
                return self.sealer.open(row.value)
            except Unreadable:
                _unreadable(f"{platform.value} value {name}")
                return None
