"""Inbound Feishu payloads → who is asking, from where, and the command (pure). The workspace is the tenant
(`tenant_key`), a person is an open_id, a channel is a chat_id. Plain text and rich text (`post`) are commands; a
mention (`@_user_N`, resolved from the message's `mentions`) becomes `<@open_id>`, which the parser reads as a
person, also where it is glued to an option (`owner=@_user_1`)."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from lark_oapi.api.im.v1 import P2ImMessageReceiveV1
from lark_oapi.event.callback.model.p2_card_action_trigger import P2CardActionTrigger

from adapters.feishu import forms
from bot import actions
from bot.actions import Action
from bot.context import Context
from bot.parsing.tokens import QUOTES, SPACES
from domain import commands as c
from domain.people import Platform

ALL = "@_all"


@dataclass(frozen=True, slots=True)
class Mention:
    """Someone a message @mentions: their open_id (None for a guest Feishu gives none) and display name."""

    open_id: str | None
    name: str


@dataclass(frozen=True, slots=True)
class Message:
    ctx: Context
    text: str | None  # None: a message without text (an image, a file, a sticker)
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
    people = {m.key: Mention(m.id.open_id if m.id else None, m.name or "") for m in (msg.mentions or []) if m.key}
    text = _text(msg.message_type, msg.content, people)
    own = _own_key(people, bot_open_id, text or "")
    if not direct and own is None:
        return None
    ctx = Context(Platform.FEISHU, header.tenant_key, sender.sender_id.open_id, msg.chat_id, direct=direct)
    if text is not None:
        text = _resolve(text, people, own)
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
    filled = _filled(action, event.action.form_value)
    if isinstance(filled, Refused):
        return filled
    action, reason = filled, filled.reason or filled.person
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


def _filled(action: Action, form_value: Any) -> Action | Refused:
    """The action with what its card form asked for: the reason (Reject, Return) or the person (Delegate)."""
    if actions.needs_reason(action.id):
        reason = forms.reason(form_value)
        return action.add_reason(reason) if reason else Refused(f"feishu.toast.{action.id.value}.reason_required")
    if actions.needs_person(action.id):
        chosen = action.add_person(forms.person(form_value))
        return chosen if chosen.person else Refused("feishu.toast.person_required")
    return action


def _text(message_type: str | None, content: str | None, people: dict[str, Mention]) -> str | None:
    """The words of a text or rich-text message, mentions as their `@_user_N` keys; None for any other kind."""
    body = _json(content)
    if message_type == "text":
        text = body.get("text")
        return text if isinstance(text, str) else None
    if message_type == "post":
        return _post_text(body, people)
    return None


def _json(content: str | None) -> dict[str, Any]:
    """message.content is itself a JSON string: {"text": "@_user_1 新建 …"}."""
    try:
        body = json.loads(content or "")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _post_text(body: dict[str, Any], people: dict[str, Mention]) -> str | None:
    """Rich text: `{"title", "content": [[element, …], …]}`, as Feishu delivers it, or the same under a language key
    (`zh_cn`, `en_us`…), as it is sent. The words of text, link and code elements, and mentions, one line a
    paragraph; images, stickers and the title are not part of a command. None when there are no words at all."""
    doc = body if "content" in body else next((v for v in body.values() if isinstance(v, dict)), {})
    paragraphs = doc.get("content")
    if not isinstance(paragraphs, list):
        return None
    lines, found = [], False
    for paragraph in paragraphs:
        words = [_element(e, people) for e in paragraph if isinstance(e, dict)] if isinstance(paragraph, list) else []
        found = found or any(w is not None for w in words)
        lines.append("".join(w for w in words if w))
    return "\n".join(lines) if found else None


def _element(element: dict[str, Any], people: dict[str, Mention]) -> str | None:
    """One rich-text element as text. An `at` becomes its mention key, as in a text message; one that names an
    open_id instead is given a key of its own; any other id cannot be resolved to a person and is left out."""
    tag = element.get("tag")
    if tag in ("text", "code_block", "md"):
        return _str(element.get("text"))
    if tag == "a":
        return _str(element.get("text")) or _str(element.get("href"))
    if tag != "at":
        return None
    user = _str(element.get("user_id"))
    if user == "all":
        return ALL
    if user.startswith("ou_"):
        key = f"@_post_{len(people) + 1}"
        people[key] = Mention(user, _str(element.get("user_name")))
        return key
    return user if user in people else ""


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _own_key(people: dict[str, Mention], bot_open_id: str | None, text: str) -> str | None:
    """The key (@_user_N) that mentions the bot. Until the bot knows its own open_id, a leading mention is taken
    as the bot's: Feishu only delivers the group messages that @mention the bot (im:message.group_at_msg)."""
    if bot_open_id:
        return next((key for key, person in people.items() if person.open_id == bot_open_id), None)
    return next((key for key in people if text.lstrip().startswith(key)), None)


def _resolve(text: str, people: dict[str, Mention], own: str | None) -> str:
    """Drop the bot's own mention and @all; other mentions become <@open_id>, which the parser reads as a person:
    a word of its own, or an option's value where it is glued to `=`. Inside a quoted phrase (a title, a reason)
    a mention is the person's name as text."""
    keys = sorted({*people, ALL}, key=len, reverse=True)  # @_user_10 before @_user_1
    marks = {*QUOTES, *QUOTES.values()}
    pattern = re.compile("|".join(re.escape(k) for k in (*keys, *sorted(marks))))
    out: list[str] = []
    last, close = 0, None  # close: the mark that ends the quoted phrase we are in
    for match in pattern.finditer(text):
        out.append(text[last:match.start()])
        last, piece = match.end(), match.group(0)
        if piece in marks:
            if piece == close:
                close = None
            elif close is None and piece in QUOTES and _after_gap(text, match.start()):
                close = QUOTES[piece]
            out.append(piece)
            continue
        person = people.get(piece)
        if piece in (own, ALL) or person is None or not person.open_id:
            out.append(" ")
        elif close is not None:
            out.append(f"@{person.name}" if person.name else " ")
        else:
            before = "" if _after_gap(text, match.start()) else " "
            after = "" if match.end() == len(text) or text[match.end()] in SPACES else " "
            out.append(f"{before}<@{person.open_id}>{after}")
    out.append(text[last:])
    return "".join(out).strip()


def _after_gap(text: str, index: int) -> bool:
    """Where a new word, or an option's value, begins: at the start, after a space, right after `=`."""
    return index == 0 or text[index - 1] in SPACES or text[index - 1] == "="
