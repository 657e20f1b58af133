"""What Feishu sends us, exactly as Feishu sends it: events and card callbacks shaped from the recorded payloads in
tests/fixtures/feishu/, encrypted (AES-256-CBC, key sha256(encrypt_key), random IV first, PKCS7) and signed
(sha256(timestamp + nonce + encrypt_key + body)), with header.token set to the verification token."""

from __future__ import annotations

import base64
import copy
import hashlib
import itertools
import json
import os
import re
import time
import uuid
from pathlib import Path
from typing import Any

from Crypto.Cipher import AES

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "feishu"
ENCRYPT_KEY = "encrypt-key-never-logged"
VERIFICATION_TOKEN = "verification-token-never-logged"
TENANT = "736588c9260f175e"


def fixture(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))["body"]  # type: ignore[no-any-return]


def encrypt(plaintext: bytes, key: str = ENCRYPT_KEY) -> bytes:
    iv = os.urandom(16)
    pad = 16 - len(plaintext) % 16
    cipher = AES.new(hashlib.sha256(key.encode()).digest(), AES.MODE_CBC, iv)
    encrypted = base64.b64encode(iv + cipher.encrypt(plaintext + bytes([pad]) * pad)).decode()
    return json.dumps({"encrypt": encrypted}).encode()


def signature(timestamp: str, nonce: str, body: bytes, key: str = ENCRYPT_KEY) -> str:
    return hashlib.sha256((timestamp + nonce + key).encode() + body).hexdigest()


def wire(event: dict[str, Any], *, key: str = ENCRYPT_KEY, timestamp: float | None = None,
         sign_with: str | None = None, signed: bool = True, plain: bool = False) -> tuple[bytes, dict[str, str]]:
    """The body and headers of one delivery: encrypted, then signed over the exact bytes sent. `plain`: as Feishu
    sends it to an app without an Encrypt Key: the JSON as it is, with the time and a nonce but nothing signed."""
    if plain:
        ts = str(int(time.time() if timestamp is None else timestamp))
        headers = {"Content-Type": "application/json", "X-Lark-Request-Nonce": uuid.uuid4().hex[:16]}
        return json.dumps(event, ensure_ascii=False).encode(), headers | (
            {"X-Lark-Request-Timestamp": ts} if signed else {})
    body = encrypt(json.dumps(event, ensure_ascii=False).encode(), key)
    headers = {"Content-Type": "application/json"}
    if signed:
        ts = str(int(time.time() if timestamp is None else timestamp))
        nonce = uuid.uuid4().hex[:16]
        headers |= {"X-Lark-Request-Timestamp": ts, "X-Lark-Request-Nonce": nonce,
                    "X-Lark-Signature": signature(ts, nonce, body, sign_with or key)}
    return body, headers


class Feishu:
    """Builds the events of one tenant; people are named in tests and mapped to open_ids."""

    _ids = itertools.count(1)

    def __init__(self, tenant: str = TENANT, token: str = VERIFICATION_TOKEN, bot_open_id: str = "ou_bot_mems",
                 bot_name: str = "MEMS") -> None:
        self.tenant, self.token = tenant, token
        self.people: dict[str, str] = {bot_name: bot_open_id}

    def person(self, name: str, open_id: str) -> str:
        self.people[name] = open_id
        return open_id

    def message(self, sender: str, text: str, chat: str, chat_type: str = "group", event_id: str | None = None,
                message_id: str | None = None) -> dict[str, Any]:
        """im.message.receive_v1 as Feishu sends it: every @name of a known person becomes an @_user_N key."""
        event = copy.deepcopy(fixture("im_message_receive_v1"))
        n = next(self._ids)
        mentions: list[dict[str, Any]] = []

        def key(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in self.people:
                return match.group(0)
            mentions.append({"key": f"@_user_{len(mentions) + 1}", "name": name, "tenant_key": self.tenant,
                             "id": {"open_id": self.people[name], "union_id": f"on_{name}", "user_id": name}})
            return f"@_user_{len(mentions)}"

        content = re.sub(r"@(\S+)", key, text)
        event["header"] |= {"event_id": event_id or f"ev_{n}_{uuid.uuid4().hex[:8]}", "token": self.token,
                            "tenant_key": self.tenant, "create_time": str(int(time.time() * 1000))}
        event["event"]["sender"] |= {"tenant_key": self.tenant,
                                     "sender_id": {"open_id": self.people[sender], "union_id": f"on_{sender}",
                                                   "user_id": sender}}
        event["event"]["message"] |= {"message_id": message_id or f"om_in_{n}", "chat_id": chat,
                                      "chat_type": chat_type, "content": json.dumps({"text": content}),
                                      "mentions": mentions, "root_id": "", "parent_id": ""}
        return event

    def post(self, sender: str, paragraphs: list[list[str | dict[str, Any]]], chat: str, chat_type: str = "group",
             title: str = "") -> dict[str, Any]:
        """im.message.receive_v1 for rich text (message_type post) as Feishu delivers it: content is
        {"title", "content": [[element, ...], ...]} with no language key; a string "@name" of a known person is an
        `at` element whose user_id is its @_user_N key (as in the mentions array), other strings are text elements,
        dicts are sent as they are (links, images, emotions)."""
        event = self.message(sender, "", chat, chat_type)
        mentions: list[dict[str, Any]] = []

        def element(part: str | dict[str, Any]) -> dict[str, Any]:
            if isinstance(part, dict):
                return part
            name = part[1:]
            if not part.startswith("@") or name not in self.people:
                return {"tag": "text", "text": part, "style": []}
            key = f"@_user_{len(mentions) + 1}"
            mentions.append({"key": key, "name": name, "tenant_key": self.tenant,
                             "id": {"open_id": self.people[name], "union_id": f"on_{name}", "user_id": name}})
            return {"tag": "at", "user_id": key, "user_name": name, "style": []}

        content = {"title": title, "content": [[element(p) for p in paragraph] for paragraph in paragraphs]}
        event["event"]["message"] |= {"message_type": "post", "content": json.dumps(content, ensure_ascii=False),
                                      "mentions": mentions}
        return event

    def click(self, operator: str, message_id: str, value: dict[str, Any], chat: str,
              form_value: dict[str, Any] | None = None, event_id: str | None = None) -> dict[str, Any]:
        """card.action.trigger for a button (or a form's submit button) on the card `message_id`."""
        event = copy.deepcopy(fixture("card_action_trigger_button"))
        n = next(self._ids)
        event["header"] |= {"event_id": event_id or f"ev_click_{n}_{uuid.uuid4().hex[:8]}", "token": self.token,
                            "tenant_key": self.tenant, "create_time": str(int(time.time() * 1_000_000))}
        event["event"]["operator"] |= {"tenant_key": self.tenant, "open_id": self.people[operator],
                                       "user_id": operator}
        event["event"]["action"] = {"value": value, "tag": "button", "timezone": "Asia/Shanghai"}
        if form_value is not None:
            event["event"]["action"] |= {"form_value": form_value, "name": "submit"}
        event["event"]["context"] = {"open_message_id": message_id, "open_chat_id": chat}
        return event


def buttons(card: dict[str, Any]) -> list[dict[str, Any]]:
    """Every button in a rendered card (in button rows and in forms), each with its callback value."""
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("tag") == "button":
                found.append(node)
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(card.get("body", {}))
    return found


def value(button: dict[str, Any]) -> dict[str, Any]:
    return button["behaviors"][0]["value"]  # type: ignore[no-any-return]


def text_of(card: dict[str, Any]) -> str:
    """All the words of a rendered card, for assertions: title, markdown, button labels."""
    parts = [card.get("header", {}).get("title", {}).get("content", "")]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("tag") == "markdown":
                parts.append(node["content"])
            if node.get("tag") == "plain_text":
                parts.append(node["content"])
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(card.get("body", {}))
    return "\n".join(parts)
