"""Slack API failures → DeliveryError: wait and retry, back off, or stop with one sentence that says how to fix it."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError

from bot.i18n import tr
from bot.ports import DeliveryError

# Errors a Slack admin can act on: no retry helps until they do.
CHANNEL = {"not_in_channel": "slack.hint.not_in_channel", "channel_not_found": "slack.hint.channel_not_found",
           "is_archived": "slack.hint.is_archived"}
AUTH = frozenset({"invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive",
                  "no_permission", "org_login_required", "ekm_access_denied"})
GONE = frozenset({"message_not_found", "cant_update_message", "edit_window_closed", "msg_too_long",
                  "invalid_blocks", "invalid_blocks_format", "no_text", "too_many_attachments"})
USERS = frozenset({"user_not_found", "user_disabled", "cannot_dm_bot", "user_not_visible"})
DEFAULT_WAIT = 1.0


def _response(exc: SlackApiError) -> tuple[int, dict[str, Any], Any]:
    response = exc.response
    data = response.data if isinstance(response.data, dict) else {}
    return response.status_code, data, response.headers


def code(exc: BaseException) -> str:
    """Slack's error code of a failed call ("not_in_channel", "ratelimited"...), or the exception's name."""
    if isinstance(exc, SlackApiError):
        return str(_response(exc)[1].get("error") or f"http_{exc.response.status_code}")
    return type(exc).__name__


def hint(exc: BaseException, lang: str, channel: str = "") -> str:
    """One sentence for a human when a Slack admin can fix the failure; empty otherwise."""
    if not isinstance(exc, SlackApiError):
        return ""
    error = code(exc)
    if error in CHANNEL:
        return tr(lang, CHANNEL[error], channel=channel)
    if error == "missing_scope":
        needed = _response(exc)[1].get("needed") or "?"
        return tr(lang, "slack.hint.missing_scope", needed=needed)
    if error in AUTH:
        return tr(lang, "slack.hint.auth", error=error)
    if error in USERS:
        return tr(lang, "slack.hint.user_gone", channel=channel)
    if error in GONE:
        return tr(lang, "slack.hint.message_gone")
    return ""


def _retry_after(headers: Any) -> float:
    raw = headers.get("Retry-After") or headers.get("retry-after") if headers else None
    try:
        return max(float(raw), 0.0) if raw is not None else DEFAULT_WAIT
    except ValueError:
        return DEFAULT_WAIT


def delivery_error(exc: BaseException, lang: str, channel: str = "") -> DeliveryError:
    """How the delivery worker should treat a failed send or update."""
    if isinstance(exc, aiohttp.ClientError | asyncio.TimeoutError | OSError):
        return DeliveryError(f"connection: {type(exc).__name__}")
    if not isinstance(exc, SlackApiError):
        return DeliveryError(type(exc).__name__)
    status, _, headers = _response(exc)
    error = code(exc)
    if status == 429 or error == "ratelimited":
        return DeliveryError("ratelimited", retry_after=_retry_after(headers))
    if status >= 500 or error in ("internal_error", "fatal_error", "service_unavailable", "request_timeout"):
        return DeliveryError(error)
    found = hint(exc, lang, channel)
    if found:
        return DeliveryError(error, permanent=True, hint=found)
    return DeliveryError(error)
