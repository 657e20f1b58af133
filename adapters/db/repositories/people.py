"""Workspaces and their members, with each member's roles."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from adapters.db import mappers
from adapters.db.repositories.base import duplicate_is_conflict, fetch, fetch_one, insert
from adapters.db.tables import MemberRoleRow, MemberRow, WorkspaceRow
from domain.people import Member, Platform, Role, Workspace


class SqlWorkspaceRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, workspace_id: int) -> Workspace | None:
        row = fetch_one(self.session, select(WorkspaceRow).where(WorkspaceRow.id == workspace_id))
        return mappers.workspace(row) if row else None

    def by_key(self, platform: Platform, external_id: str) -> Workspace | None:
        stmt = select(WorkspaceRow).where(WorkspaceRow.platform == platform.value,
                                          WorkspaceRow.external_id == external_id)
        row = fetch_one(self.session, stmt)
        return mappers.workspace(row) if row else None

    def add(self, workspace: Workspace) -> Workspace:
        # Two first contacts from one new workspace race here; the loser gets ConcurrencyConflict and retries.
        ref = f"{workspace.platform.value}:{workspace.external_id}"
        workspace.id = insert(self.session, WorkspaceRow(**mappers.workspace_values(workspace)), ref)
        return workspace

    def all(self) -> Sequence[Workspace]:
        rows = fetch(self.session, select(WorkspaceRow).order_by(col(WorkspaceRow.id)))
        return [mappers.workspace(r) for r in rows]


class SqlMemberRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _roles(self, workspace_id: int, user_refs: Sequence[str]) -> dict[str, list[str]]:
        stmt = select(MemberRoleRow).where(MemberRoleRow.workspace_id == workspace_id,
                                           col(MemberRoleRow.user_ref).in_(user_refs))
        found: dict[str, list[str]] = {ref: [] for ref in user_refs}
        for row in fetch(self.session, stmt):
            found[row.user_ref].append(row.role)
        return found

    def _members(self, rows: Sequence[MemberRow]) -> list[Member]:
        if not rows:
            return []
        roles = self._roles(rows[0].workspace_id, [r.user_ref for r in rows])
        return [mappers.member(r, roles[r.user_ref]) for r in rows]

    def get(self, workspace_id: int, user_ref: str) -> Member | None:
        stmt = select(MemberRow).where(MemberRow.workspace_id == workspace_id, MemberRow.user_ref == user_ref)
        row = fetch_one(self.session, stmt)
        return self._members([row])[0] if row else None

    def add(self, member: Member) -> Member:
        insert(self.session, MemberRow(**mappers.member_values(member)), f"@{member.user_ref}")
        self._grant(member, member.roles)
        return member

    def save(self, member: Member) -> None:
        values = mappers.member_values(member)
        self.session.exec(update(MemberRow)
                          .where(col(MemberRow.workspace_id) == member.workspace_id,
                                 col(MemberRow.user_ref) == member.user_ref)
                          .values(**values))
        stored = set(self._roles(member.workspace_id, [member.user_ref])[member.user_ref])
        self._grant(member, {r for r in member.roles if r.value not in stored})
        revoked = stored - {r.value for r in member.roles}
        if revoked:
            self.session.exec(delete(MemberRoleRow)
                              .where(col(MemberRoleRow.workspace_id) == member.workspace_id,
                                     col(MemberRoleRow.user_ref) == member.user_ref,
                                     col(MemberRoleRow.role).in_(revoked)))

    def _grant(self, member: Member, roles: set[Role]) -> None:
        for role in sorted(roles):
            self.session.add(MemberRoleRow(workspace_id=member.workspace_id, user_ref=member.user_ref,
                                           role=role.value))
        with duplicate_is_conflict(f"@{member.user_ref}"):
            self.session.flush()

    def holders(self, workspace_id: int, role: Role) -> Sequence[Member]:
        holding = select(MemberRoleRow.user_ref).where(MemberRoleRow.workspace_id == workspace_id,
                                                       MemberRoleRow.role == role.value)
        stmt = (select(MemberRow)
                .where(MemberRow.workspace_id == workspace_id, col(MemberRow.user_ref).in_(holding))
                .order_by(col(MemberRow.user_ref)))
        return self._members(fetch(self.session, stmt))

    def all(self, workspace_id: int) -> Sequence[Member]:
        stmt = select(MemberRow).where(MemberRow.workspace_id == workspace_id).order_by(col(MemberRow.user_ref))
        return self._members(fetch(self.session, stmt))

    def covered_by(self, workspace_id: int, delegate: str) -> Sequence[Member]:
        """Members who named `delegate` to cover them while away (whether or not the time has come or gone)."""
        stmt = (select(MemberRow)
                .where(MemberRow.workspace_id == workspace_id, MemberRow.away_delegate == delegate)
                .order_by(col(MemberRow.user_ref)))
        return self._members(fetch(self.session, stmt))
