"""Workspaces and their members, with each member's roles."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, delete, update
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from adapters.db import mappers
from adapters.db.members_cache import MemberCache, copy
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


VERSION = select(WorkspaceRow.members_version).where(WorkspaceRow.id == bindparam("workspace"))
BUMP = (update(WorkspaceRow).where(col(WorkspaceRow.id) == bindparam("workspace"))
        .values(members_version=WorkspaceRow.members_version + 1))


class SqlMemberRepository:
    """Members with their roles, each read once per transaction: one member object per person (as an identity map
    keeps), the lists of holders until a member is added or saved (a role change), and the roles as stored, so a
    save writes the difference without reading them again. With a MemberCache, what other transactions of this
    process read is used while the workspace's members_version is the one it was read under (read once per
    transaction); a transaction that adds or saves a member bumps that count, and reads its own writes."""

    def __init__(self, session: Session, cache: MemberCache | None = None) -> None:
        self.session = session
        self.cache = cache
        self._known: dict[tuple[int, str], Member | None] = {}
        self._stored: dict[tuple[int, str], frozenset[str]] = {}
        self._lists: dict[tuple[str, int, str], list[Member]] = {}
        self._versions: dict[int, int | None] = {}  # None: this transaction changed the workspace's members

    def _version(self, workspace_id: int) -> int | None:
        """The workspace's members_version as this transaction first read it; None without a cache, or once this
        transaction has changed a member (what it reads then is not yet anyone else's)."""
        if self.cache is None:
            return None
        if workspace_id not in self._versions:
            found = self.session.connection().execute(VERSION, {"workspace": workspace_id}).scalar()
            self._versions[workspace_id] = int(found) if found is not None else None
        return self._versions[workspace_id]

    def _changed(self, workspace_id: int) -> None:
        if self._versions.get(workspace_id, 0) is not None:
            self.session.connection().execute(BUMP, {"workspace": workspace_id})
            self._versions[workspace_id] = None

    def _meet(self, member: Member) -> Member:
        """A kept member, as this transaction's own (the object it already has, else a copy)."""
        key = (member.workspace_id, member.user_ref)
        known = self._known.get(key)
        if known is None:
            known = self._known[key] = copy(member)
            self._stored[key] = frozenset(r.value for r in member.roles)
        return known

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
        workspace_id = rows[0].workspace_id
        unknown = [r.user_ref for r in rows if self._known.get((workspace_id, r.user_ref)) is None]
        roles = self._roles(workspace_id, unknown) if unknown else {}
        members = []
        for row in rows:
            key = (workspace_id, row.user_ref)
            known = self._known.get(key)
            if known is None:
                known = self._known[key] = mappers.member(row, roles[row.user_ref])
                self._stored[key] = frozenset(roles[row.user_ref])
            members.append(known)
        return members

    def _list(self, key: tuple[str, int, str], stmt: SelectOfScalar[MemberRow]) -> list[Member]:
        if key not in self._lists:
            kind, workspace_id, argument = key
            version = self._version(workspace_id)
            kept = self.cache.list(workspace_id, version, (kind, argument)) if self.cache and version is not None \
                else None
            if kept is not None:
                self._lists[key] = [self._meet(m) for m in kept]
            else:
                self._lists[key] = self._members(fetch(self.session, stmt))
                if self.cache is not None and version is not None:
                    self.cache.put(workspace_id, version, self._lists[key], (kind, argument))
        return list(self._lists[key])

    def get(self, workspace_id: int, user_ref: str) -> Member | None:
        key = (workspace_id, user_ref)
        if key not in self._known:
            version = self._version(workspace_id)
            kept = self.cache.member(workspace_id, version, user_ref) if self.cache and version is not None else None
            if kept is not None:
                return self._meet(kept)
            stmt = select(MemberRow).where(MemberRow.workspace_id == workspace_id, MemberRow.user_ref == user_ref)
            row = fetch_one(self.session, stmt)
            self._known[key] = self._members([row])[0] if row else None
            found = self._known[key]
            if found is not None and self.cache is not None and version is not None:
                self.cache.put(workspace_id, version, [found])
        return self._known[key]

    def add(self, member: Member) -> Member:
        self._changed(member.workspace_id)
        insert(self.session, MemberRow(**mappers.member_values(member)), f"@{member.user_ref}")
        self._grant(member, member.roles)
        self._remember(member)
        return member

    def save(self, member: Member) -> None:
        self._changed(member.workspace_id)
        values = mappers.member_values(member)
        self.session.exec(update(MemberRow)
                          .where(col(MemberRow.workspace_id) == member.workspace_id,
                                 col(MemberRow.user_ref) == member.user_ref)
                          .values(**values))
        key = (member.workspace_id, member.user_ref)
        stored = self._stored.get(key)
        if stored is None:
            stored = frozenset(self._roles(member.workspace_id, [member.user_ref])[member.user_ref])
        self._grant(member, {r for r in member.roles if r.value not in stored})
        revoked = stored - {r.value for r in member.roles}
        if revoked:
            self.session.exec(delete(MemberRoleRow)
                              .where(col(MemberRoleRow.workspace_id) == member.workspace_id,
                                     col(MemberRoleRow.user_ref) == member.user_ref,
                                     col(MemberRoleRow.role).in_(revoked)))
        self._remember(member)

    def _remember(self, member: Member) -> None:
        """What this transaction wrote is what it reads back; every list may have changed (a role, a delegate)."""
        key = (member.workspace_id, member.user_ref)
        self._known[key] = member
        self._stored[key] = frozenset(r.value for r in member.roles)
        self._lists.clear()

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
        return self._list(("holders", workspace_id, role.value), stmt)

    def all(self, workspace_id: int) -> Sequence[Member]:
        stmt = select(MemberRow).where(MemberRow.workspace_id == workspace_id).order_by(col(MemberRow.user_ref))
        return self._list(("all", workspace_id, ""), stmt)

    def first(self, workspace_id: int, count: int) -> Sequence[Member]:
        stmt = (select(MemberRow).where(MemberRow.workspace_id == workspace_id).order_by(col(MemberRow.user_ref))
                .limit(count))
        return self._list(("first", workspace_id, str(count)), stmt)

    def covered_by(self, workspace_id: int, delegate: str) -> Sequence[Member]:
        """Members who named `delegate` to cover them while away (whether or not the time has come or gone)."""
        stmt = (select(MemberRow)
                .where(MemberRow.workspace_id == workspace_id, MemberRow.away_delegate == delegate)
                .order_by(col(MemberRow.user_ref)))
        return self._list(("covered_by", workspace_id, delegate), stmt)
