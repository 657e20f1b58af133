"""The Slack app manifest: everything a team pastes into api.slack.com/apps to create MEMS in one go."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

# Each bot scope, and what MEMS calls that needs it.
SCOPES = {
    "commands": "the slash command",
    "chat:write": "chat.postMessage (cards, direct messages), chat.update (card copies), chat.postEphemeral",
    "users:read": "users.info: a person's name, time zone and locale",
    "app_mentions:read": "the app_mention event: @MEMS <command> in a channel",
    "im:history": "the message.im event: a command sent in the bot's direct messages (its Messages tab)",
}
EVENTS = ("app_mention", "message.im")
# Distributed (OAuth) apps also hear when a team removes MEMS or revokes its token: that team's sends stop.
INSTALL_EVENTS = ("app_uninstalled", "tokens_revoked")
PATH = "/slack/events"
REDIRECT = "/slack/oauth_redirect"


class ManifestError(ValueError):
    """A URL Slack would refuse."""


def endpoint(url: str) -> str:
    """The one Request URL for commands, interactivity and events, from the server's public base URL."""
    parts = urlsplit(url.strip())
    if parts.scheme != "https" or not parts.netloc:
        raise ManifestError(f"{url!r} is not an https:// URL; Slack only calls public HTTPS addresses")
    base = f"https://{parts.netloc}{parts.path.rstrip('/')}"
    return base if base.endswith(PATH) else base + PATH


def redirect_url(url: str) -> str:
    """Where Slack sends an installer back after consent (MEMS_SLACK_CLIENT_ID set: GET /slack/oauth_redirect)."""
    return endpoint(url).removesuffix(PATH) + REDIRECT


def manifest(command: str, url: str | None, name: str = "MEMS", socket_mode: bool = False,
             distribute: bool = False, token_rotation: bool = False) -> dict[str, Any]:
    """With `socket_mode` Slack needs no URL at all: the server dials out with the app-level token. With
    `distribute`, the app is installed by many teams through OAuth: the redirect URL and the uninstall events."""
    if not command.startswith("/") or " " in command or len(command) > 32:
        raise ManifestError(f"{command!r} is not a slash command name like /mems")
    request_url = None if socket_mode else endpoint(url or "")
    slash: dict[str, Any] = {"command": command, "description": "Campaigns, tasks, budgets and approvals",
                             "usage_hint": 'help | new "Spring Launch" budget=50k | approvals',
                             "should_escape": True}  # so @people and #channels arrive as <@U…> and <#C…>
    events: dict[str, Any] = {"bot_events": list(EVENTS) + (list(INSTALL_EVENTS) if distribute else [])}
    interactivity: dict[str, Any] = {"is_enabled": True}
    if request_url:
        slash["url"] = events["request_url"] = interactivity["request_url"] = request_url
    oauth: dict[str, Any] = {"scopes": {"bot": sorted(SCOPES)}}
    if distribute:
        if not url:
            raise ManifestError("an app installed by many teams needs --url: Slack sends installers back to it")
        oauth["redirect_urls"] = [redirect_url(url)]
    if token_rotation and not distribute:
        raise ManifestError("token rotation needs OAuth (--distribute): MEMS_SLACK_BOT_TOKEN cannot be rotated")
    return {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": {"name": name, "description": "Run marketing campaigns without leaving Slack",
                                "background_color": "#1d3557"},
        "features": {
            "app_home": {"home_tab_enabled": False, "messages_tab_enabled": True,
                         "messages_tab_read_only_enabled": False},
            "bot_user": {"display_name": name, "always_online": True},
            "slash_commands": [slash],
        },
        "oauth_config": oauth,
        "settings": {"event_subscriptions": events, "interactivity": interactivity, "org_deploy_enabled": False,
                     "socket_mode_enabled": socket_mode, "token_rotation_enabled": token_rotation},
    }
