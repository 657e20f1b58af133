"""Members and their roles kept in memory between transactions, per process, so a command does not read the asker
(and the role holders it asks) afresh each time. Correct across processes and replicas: every transaction that adds
or changes a member bumps its workspace's `members_version` (the same transaction, so the count and the change commit
together); a reader reads the count first, one small row, and uses only what was kept under that same count. A count
read before the rows it keeps can only be older than them, never newer: at worst they are read again."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

from domain.people import Member

ListKey = tuple[str, str]  # which list ("holders", role) and its argument


def copy(member: Member) -> Member:
    """A member of its own for one transaction (its roles are a set it may change; the rest is immutable)."""
    return Member(member.workspace_id, member.user_ref, member.display_name, set(member.roles), member.timezone,
                  member.lang, member.quiet, member.joined_at, member.away)


@dataclass
class _Kept:
    version: int
    members: dict[str, Member] = field(default_factory=dict)
    lists: dict[ListKey, tuple[Member, ...]] = field(default_factory=dict)


class MemberCache:
    """What was read of each workspace's members, under the members_version it was read at. Shared by the threads of
    one process: what is kept are copies, copied again for each transaction; what is put under an older count than
    the kept one is dropped."""

    def __init__(self, most: int = 50_000) -> None:
        self.most = most  # members kept per workspace (each list counts its members) before it starts afresh
        self._kept: dict[int, _Kept] = {}
        self._lock = threading.Lock()

    def member(self, workspace_id: int, version: int, user_ref: str) -> Member | None:
        """The kept member, not copied (as `list`): the caller copies it before its transaction uses it."""
        kept = self._kept.get(workspace_id)
        if kept is None or kept.version != version:
            return None
        return kept.members.get(user_ref)

    def list(self, workspace_id: int, version: int, key: ListKey) -> tuple[Member, ...] | None:
        """The kept members of a list, not copied: the caller copies those its transaction has not met yet."""
        kept = self._kept.get(workspace_id)
        if kept is None or kept.version != version:
            return None
        return kept.lists.get(key)

    def put(self, workspace_id: int, version: int, members: Sequence[Member], key: ListKey | None = None) -> None:
        """Keep members read under `version` (copies of them), and the list they make up if `key`."""
        snapshots = tuple(copy(m) for m in members)
        with self._lock:
            kept = self._kept.get(workspace_id)
            if kept is None or kept.version < version:
                kept = self._kept[workspace_id] = _Kept(version)
            elif kept.version > version:  # read under an older count: another thread knows better
                return
            if len(kept.members) + sum(len(m) for m in kept.lists.values()) > self.most:
                kept.members.clear()
                kept.lists.clear()
            for member in snapshots:
                kept.members[member.user_ref] = member
            if key is not None:
                kept.lists[key] = snapshots
