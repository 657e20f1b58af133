"""Block Kit as Slack checks it: slack_sdk's own models (each block and element, with every limit they know) plus
the limits of a whole message or modal that the models do not check. Applied to the goldens, to everything the
stand-in Slack receives, and to cards rendered from arbitrary text, so a message Slack would refuse fails a test.

The figures are Slack's, written here independently of the renderer's own constants (a test that read them from
adapters.slack.render would agree with any mistake made there)."""

from __future__ import annotations

import json
import re
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_TEXT = 3000  # a section's text; also any text object (context, fields are less: see MAX_FIELD)
MAX_FIELD = 2000
MAX_HEADER = 150
MAX_BUTTON_VALUE = 2000
MAX_ID = 255  # an action_id, a block_id
MAX_OPTION_TEXT, MAX_OPTION_VALUE = 75, 150  # a select's option (slack_sdk does not check them inside a select)
MAX_VIEW_TITLE = 24
MAX_FALLBACK = 40_000  # a message's `text`
# Slack refuses a message whose blocks are long in total (msg_blocks_too_long) well below 50 blocks: reports put it
# at 11-13k characters, for chat.postEphemeral / ephemeral response_url answers and chat.postMessage alike
# (bolt-js #2509, #2867). Counted here on the blocks' compact JSON, which is more than their text.
MAX_TOTAL = 11_000
# In mrkdwn, `&`, `<` and `>` are markup: user text shows them only as entities. What MEMS means as markup:
# a mention (<@U1>, <@U1|name>), a channel (<#C1|name>), a special (<!date…>) or a link.
_MARKUP = re.compile(r"<(?:[@#!]|https?://|mailto:)[^<>]*>|&(?:amp|lt|gt);")
_METHODS_WITH_BLOCKS = ("chat.postMessage", "chat.update", "chat.postEphemeral")


def _blocks(raw: Any) -> list[Any]:
    """A request carries blocks as a list, or as a JSON string (form-encoded calls)."""
    found = json.loads(raw) if isinstance(raw, str) else raw
    return list(found or [])


def size(blocks: list[Any]) -> int:
    """The blocks' length as this check counts it toward MAX_TOTAL."""
    return len(json.dumps(blocks, ensure_ascii=False, separators=(",", ":")))


def _model(block: Any, where: str) -> list[str]:
    """slack_sdk's view of one block: known, within every limit of its model, nothing it would drop."""
    if not isinstance(block, dict):
        return [f"{where}: not an object"]
    try:
        parsed = Block.parse(block)
        if parsed is None:
            return [f"{where}: unknown block type {block.get('type')!r}"]
        parsed.validate_json()
        known = parsed.to_dict()  # validates every element and text object inside, too
    except (SlackObjectFormationError, TypeError, ValueError, KeyError, AttributeError) as exc:
        return [f"{where}: {exc}"]
    if known != block:
        return [f"{where}: slack_sdk reads it as {known!r}"]
    return []


def _walk(node: Any, path: str) -> list[tuple[str, dict[str, Any]]]:
    """Every object inside a block, with where it is."""
    found: list[tuple[str, dict[str, Any]]] = []
    if isinstance(node, dict):
        found.append((path, node))
        for key, value in node.items():
            found += _walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for n, value in enumerate(node):
            found += _walk(value, f"{path}/{n}")
    return found


def _unescaped(text: str) -> bool:
    return any(c in _MARKUP.sub("", text) for c in "&<>")


def _text_limit(path: str, block: dict[str, Any]) -> int:
    if re.search(r"/options/\d+/text$", path):
        return MAX_OPTION_TEXT
    if "/fields/" in path:
        return MAX_FIELD
    return MAX_HEADER if block.get("type") == "header" else MAX_TEXT


def _limits(block: dict[str, Any], where: str) -> list[str]:
    """The documented limits, checked whether or not slack_sdk's model knows them."""
    problems = []
    for path, node in _walk(block, where):
        if node.get("type") in ("mrkdwn", "plain_text") and isinstance(node.get("text"), str):
            text, limit = node["text"], _text_limit(path, block)
            if len(text) > limit:
                problems.append(f"{path}: text of {len(text)} characters (at most {limit})")
            if node["type"] == "mrkdwn" and _unescaped(text):
                problems.append(f"{path}: unescaped &, < or > in mrkdwn: {text[:80]!r}")
        value_limit = MAX_OPTION_VALUE if re.search(r"/options/\d+$", path) else MAX_BUTTON_VALUE
        for key, limit in (("action_id", MAX_ID), ("block_id", MAX_ID), ("value", value_limit)):
            if isinstance(node.get(key), str) and len(node[key]) > limit:
                problems.append(f"{path}/{key}: {len(node[key])} characters (at most {limit})")
    ids = [e.get("action_id") for e in block.get("elements") or [] if isinstance(e, dict) and e.get("action_id")]
    if len(ids) != len(set(ids)):
        problems.append(f"{where}: action_ids repeat within the block: {ids}")
    return problems


def block_problems(blocks: list[Any], most: int, where: str = "blocks") -> list[str]:
    problems = [f"{where}: {len(blocks)} blocks (at most {most})"] if len(blocks) > most else []
    for n, block in enumerate(blocks):
        problems += _model(block, f"{where}/{n}")
        if isinstance(block, dict):
            problems += _limits(block, f"{where}/{n}")
    ids = [b.get("block_id") for b in blocks if isinstance(b, dict) and b.get("block_id")]
    if len(ids) != len(set(ids)):
        problems.append(f"{where}: block_ids repeat: {ids}")
    return problems


def message_problems(payload: dict[str, Any]) -> list[str]:
    """What Slack would refuse in a chat.postMessage / chat.update / chat.postEphemeral or response_url body."""
    blocks = _blocks(payload.get("blocks"))
    problems = block_problems(blocks, MAX_MESSAGE_BLOCKS)
    text = payload.get("text")
    if not isinstance(text, str) or not text.strip():
        problems.append("text: a message needs its fallback text (notifications, screen readers)")
    elif len(text) > MAX_FALLBACK:
        problems.append(f"text: {len(text)} characters (at most {MAX_FALLBACK})")
    if size(blocks) > MAX_TOTAL:
        problems.append(f"msg_blocks_too_long: blocks of {size(blocks)} characters (at most {MAX_TOTAL})")
    return problems


def view_problems(view: dict[str, Any] | str) -> list[str]:
    """What Slack would refuse in a views.open / views.update modal."""
    data = json.loads(view) if isinstance(view, str) else dict(view)
    problems = []
    try:
        View(**data).validate_json()
    except (SlackObjectFormationError, TypeError, ValueError) as exc:
        problems.append(f"view: {exc}")
    title = (data.get("title") or {}).get("text", "")
    if not 1 <= len(title) <= MAX_VIEW_TITLE:
        problems.append(f"view/title: {len(title)} characters (1 to {MAX_VIEW_TITLE})")
    return problems + block_problems(_blocks(data.get("blocks")), MAX_VIEW_BLOCKS, "view/blocks")


def call_problems(method: str, body: dict[str, Any]) -> list[str]:
    """The problems in one Web API call's body, for the methods that carry Block Kit."""
    if method in _METHODS_WITH_BLOCKS:
        return message_problems(body)
    if method in ("views.open", "views.update", "views.push") and body.get("view") is not None:
        return view_problems(body["view"])
    return []


def assert_valid_message(payload: dict[str, Any]) -> None:
    problems = message_problems(payload)
    assert not problems, "Slack would refuse this message:\n  " + "\n  ".join(problems)


def assert_valid_view(view: dict[str, Any] | str) -> None:
    problems = view_problems(view)
    assert not problems, "Slack would refuse this modal:\n  " + "\n  ".join(problems)
