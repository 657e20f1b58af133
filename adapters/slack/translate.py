"""Inbound Slack payloads → who is asking (Context) and what they asked for (command text, or a button's typed
action). Pure."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from typing import Any

from bot.actions import Action
from bot.context import Context
from domain.attachments import MAX_ATTACHMENTS, Attachment, link
from domain.errors import InvalidInput
from domain.people import Platform


@dataclass(frozen=True, slots=True)
class Profile:
    """What users.info tells about a person; every part may be missing."""

    name: str = ""
    timezone: str | None = None
    locale: str | None = None


def profile(user: dict[str, Any] | None) -> Profile:
    """A users.info `user` object → Profile."""
    if not user:
        return Profile()
    details = user.get("profile") or {}
    name = details.get("display_name") or details.get("real_name") or user.get("real_name") or user.get("name") or ""
    return Profile(name=str(name), timezone=user.get("tz") or None, locale=user.get("locale") or None)


def is_direct(channel: str | None) -> bool:
    """Slack's direct-message conversations have ids starting with D."""
    return bool(channel) and str(channel).startswith("D")


def _context(team: str, user: str, channel: str | None, fallback_name: str, who: Profile) -> Context:
    return Context(platform=Platform.SLACK, workspace=team, user=user, channel=channel or None,
                   user_name=who.name or fallback_name, timezone=who.timezone, lang=who.locale,
                   direct=is_direct(channel))


def command_context(body: dict[str, Any], who: Profile) -> Context:
    """A slash command (form fields)."""
    return _context(str(body.get("team_id", "")), str(body.get("user_id", "")), body.get("channel_id"),
                    str(body.get("user_name", "")), who)


def team_of(body: dict[str, Any]) -> str:
    team = body.get("team") or {}
    return str(team.get("id") or (body.get("user") or {}).get("team_id") or body.get("team_id") or "")


def user_of(body: dict[str, Any]) -> str:
    user = body.get("user")
    return str(user.get("id", "")) if isinstance(user, dict) else str(body.get("user_id") or user or "")


def action_channel(body: dict[str, Any]) -> str | None:
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
    return str(channel) if channel else None


def interaction_context(body: dict[str, Any], who: Profile, channel: str | None = None) -> Context:
    """A block_actions or view_submission payload; a modal has no channel, so the caller passes it on."""
    user = body.get("user") or {}
    return _context(team_of(body), user_of(body), channel or action_channel(body),
                    str(user.get("username") or user.get("name") or ""), who)


def event_context(body: dict[str, Any], who: Profile) -> Context:
    """An Events API callback (app_mention), with the files shared in the same message (a quote, a contract)."""
    event = body.get("event") or {}
    ctx = _context(str(event.get("team") or body.get("team_id") or ""), str(event.get("user", "")),
                   event.get("channel"), "", who)
    return replace(ctx, files=files(event.get("files")))


def files(shared: Any) -> tuple[Attachment, ...]:
    """Files shared with a message, as links to them in Slack (their permalink) under their names; a file without a
    usable link is left out."""
    found: list[Attachment] = []
    for item in shared if isinstance(shared, list) else []:
        url = (item.get("permalink") or item.get("url_private")) if isinstance(item, dict) else None
        if not url:
            continue
        try:
            found.append(link(str(url), str(item.get("name") or item.get("title") or "")))
        except InvalidInput:
            continue
    return tuple(found[:MAX_ATTACHMENTS])


def action_of(element: dict[str, Any]) -> Action | None:
    """The typed action a clicked button carries: its action_id names the action, its value the entity. None for a
    button MEMS did not write (an old or foreign value)."""
    try:
        value = json.loads(element.get("value") or "")
    except (TypeError, ValueError):
        return None
    action_id = element.get("action_id")
    return Action.from_dict(value, action_id if isinstance(action_id, str) else None)


def click_key(body: dict[str, Any], action: dict[str, Any]) -> str:
    """What makes two clicks the same click: team, user, message, button and its value."""
    container = body.get("container") or {}
    message_ts = container.get("message_ts") or (body.get("message") or {}).get("ts") or ""
    parts = (team_of(body), user_of(body), str(message_ts), str(action.get("action_id", "")),
             str(action.get("value", "")))
    digest = hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()[:32]
    return f"slack:click:{digest}"
