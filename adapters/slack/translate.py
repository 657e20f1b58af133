"""Inbound Slack payloads → who is asking (Context) and what they asked for (command text, or a button's typed
action). Pure."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from bot.actions import Action
from bot.context import Context
from domain.people import Platform

FORM = "application/x-www-form-urlencoded"
# Parts of an interactivity payload that must be objects when present (bolt reads into them unguarded).
OBJECTS = ("user", "container", "channel", "message", "state")


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
    """An Events API callback (app_mention)."""
    event = body.get("event") or {}
    return _context(str(event.get("team") or body.get("team_id") or ""), str(event.get("user", "")),
                    event.get("channel"), "", who)


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


def well_formed(content_type: str, body: bytes) -> bool:
    """A slash command form, an interactivity form, or an Events API object, shaped as Slack sends them;
    anything else is a bad request, answered before bolt trips over it."""
    try:
        text = body.decode("utf-8")
        if content_type.startswith(FORM):
            fields = parse_qs(text, strict_parsing=True)
            if "payload" in fields:
                return _interaction(json.loads(fields["payload"][0]))
            return "command" in fields
        if content_type.startswith("application/json"):
            return _event(json.loads(text))
    except ValueError:
        return False
    return False


def _interaction(data: Any) -> bool:
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        return False
    if any(key in data and not isinstance(data[key], dict) for key in OBJECTS):
        return False
    if data.get("team") is not None and not isinstance(data["team"], dict):
        return False
    actions = data.get("actions", [])
    if not isinstance(actions, list) or not all(isinstance(a, dict) and isinstance(a.get("action_id", ""), str)
                                                and "action_id" in a for a in actions):
        return False
    view = data.get("view")
    return view is None or (isinstance(view, dict) and isinstance(view.get("type"), str)
                            and isinstance(view.get("callback_id", ""), str))


def _event(data: Any) -> bool:
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        return False
    return data["type"] != "event_callback" or isinstance(data.get("event"), dict)
