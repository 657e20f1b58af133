"""Who is asking, from where: the platform's identity of a request, and the actor it resolves to."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from domain.attachments import Attachment
from domain.people import Member, Platform, Workspace


@dataclass(frozen=True, slots=True)
class Context:
    """What an adapter knows about an inbound command; ids stay opaque platform refs."""

    platform: Platform
    workspace: str  # Slack team id, Feishu tenant_key, console workspace name
    user: str  # Slack user id, Feishu open_id, console user name
    channel: str | None = None  # where the command was typed; None for the REST API
    user_name: str = ""
    timezone: str | None = None  # the user's time zone, when the platform tells (Slack users.info)
    lang: str | None = None  # the user's locale, when the platform tells
    direct: bool = False  # a direct message with the bot
    files: tuple[Attachment, ...] = ()  # files shared with the command (a quote, a contract), as links
    request: str | None = None  # the request id (the inbox's): the logs and the command's outbox rows carry it


@dataclass(slots=True)
class Actor:
    workspace: Workspace
    member: Member
    channel: str | None
    files: tuple[Attachment, ...] = ()

    @property
    def user(self) -> str:
        return self.member.user_ref

    @property
    def lang(self) -> str:
        return self.member.lang_in(self.workspace)

    @property
    def tz(self) -> ZoneInfo:
        return self.member.tz_in(self.workspace)

    @property
    def workspace_id(self) -> int:
        return self.workspace.pk


@dataclass(frozen=True, slots=True)
class Principal:
    """Who calls without being a chat member: the operator (every workspace) or one workspace's API token."""

    workspace_id: int | None
    name: str
