"""Inbound Feishu payloads → who is asking, from where, and the command (pure). The workspace is the tenant
(`tenant_key`), a person is an open_id, a channel is a chat_id."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from lark_oapi.api.im.v1 import P2ImMessageReceiveV1
from lark_oapi.event.callback.model.p2_card_action_trigger import P2CardActionTrigger

from adapters.feishu import forms
from bot import actions
from bot.actions import Action
from bot.context import Context
from domain import commands as c
from domain.people import Platform


@dataclass(frozen=True, slots=True)
class Message:
    ctx: Context
    text: str | None  # None: not a plain text message (an image, a file, rich text)
    message_id: str
    event_id: str


@dataclass(frozen=True, slots=True)
class Click:
    ctx: Context
    action: Action  # what the button carries, with the reason typed into the card's form when it needs one
    command: c.Command  # the domain command the action stands for (bot.actions)
    message_id: str  # the clicked card
    event_id: str
    key: str  # the same click twice (a double click) has the same key


@dataclass(frozen=True, slots=True)
class Refused:
    reason: str  # i18n key of the toast that says why


def message(data: P2ImMessageReceiveV1, bot_open_id: str | None) -> Message | None:
    """A p2p message, or a group message that @mentions the bot, is a command; anything else is None."""
    header, event = data.header, data.event
    msg, sender = (event.message, event.sender) if event is not None else (None, None)
    if header is None or msg is None or sender is None or sender.sender_id is None:
        return None
    if sender.sender_type != "user" or not header.tenant_key or not sender.sender_id.open_id:
        return None  # our own cards and other bots never command us
    direct = msg.chat_type == "p2p"
    text = _text(msg.content) if msg.message_type == "text" else None
    mentions = [(m.key, m.id.open_id if m.id else None) for m in (msg.mentions or []) if m.key]
    own = _own_key(mentions, bot_open_id, text or "")
    if not direct and own is None:
        return None
    ctx = Context(Platform.FEISHU, header.tenant_key, sender.sender_id.open_id, msg.chat_id, direct=direct)
    if text is not None:
        text = _resolve(text, mentions, own)
    return Message(ctx, text, msg.message_id or "", header.event_id or "")


def click(data: P2CardActionTrigger) -> Click | Refused:
    """A button (or a form's submit button) on one of our cards → the command it stands for."""
    header, event = data.header, data.event
    if header is None or event is None or event.action is None or event.operator is None:
        return Refused("feishu.toast.unknown_action")
    value: dict[str, Any] = event.action.value if isinstance(event.action.value, dict) else {}
    action = Action.from_dict(value)
    if action is None or not header.tenant_key or not event.operator.open_id:
        return Refused("feishu.toast.unknown_action")
    reason = ""
    if actions.needs_reason(action.id):
        reason = forms.reason(event.action.form_value)
        if not reason:
            return Refused("feishu.toast.reason_required")
        action = action.add_reason(reason)
    command = actions.command_for(action)
    if command is None:
        return Refused("feishu.toast.unknown_action")
    message_id = event.context.open_message_id if event.context else None
    chat = event.context.open_chat_id if event.context else None
    ctx = Context(Platform.FEISHU, header.tenant_key, event.operator.open_id, chat)
    key = json.dumps([header.tenant_key, event.operator.open_id, message_id, value, reason], sort_keys=True,
                     ensure_ascii=False)
    return Click(ctx, action, command, message_id or "", header.event_id or "",
                 "feishu:click:" + hashlib.sha256(key.encode()).hexdigest())


def _text(content: str | None) -> str | None:
    """message.content is itself a JSON string: {"text": "@_user_1 新建 …"}."""
    try:
        body = json.loads(content or "")
    except ValueError:
        return None
    text = body.get("text") if isinstance(body, dict) else None
    return text if isinstance(text, str) else None


def _own_key(mentions: list[tuple[str, str | None]], bot_open_id: str | None, text: str) -> str | None:
    """The key (@_user_N) that mentions the bot. Until the bot knows its own open_id, a leading mention is taken
    as the bot's: Feishu only delivers the group messages that @mention the bot (im:message.group_at_msg)."""
    if bot_open_id:
        return next((key for key, open_id in mentions if open_id == bot_open_id), None)
    return next((key for key, _ in mentions if text.lstrip().startswith(key)), None)


def _resolve(text: str, mentions: list[tuple[str, str | None]], own: str | None) -> str:
    """Drop the bot's own mention and @all; other mentions become <@open_id>, which the parser reads as a person."""
    for key, open_id in sorted(mentions, key=lambda m: len(m[0]), reverse=True):  # @_user_10 before @_user_1
        text = text.replace(key, " ") if key in (own, "@_all") or not open_id else text.replace(key, f" <@{open_id}> ")
    return text.replace("@_all", " ").strip()
