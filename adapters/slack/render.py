"""Card → Block Kit (a message's `text` and `blocks`). Pure; snapshot-tested against golden JSON. A chart is an
image block when the caller has a URL for it, sparklines otherwise."""

from __future__ import annotations

import json
import re
from typing import Any

from bot.cards import Button, Card, Chart, Field, Section, Style, Tone
from bot.charts import alt_text, caption, sparklines

MAX_BLOCKS = 50
MAX_TEXT = 3000  # a section's text
MAX_FIELD = 2000  # one field of a section
MAX_FIELDS = 10  # fields per section
MAX_HEADER = 150
MAX_BUTTON = 75
MAX_BUTTONS = 25  # elements per actions block
MAX_FALLBACK = 3000
MAX_ALT = 2000  # an image block's alt_text and title
MORE = "…"
EMOJI = {Tone.SUCCESS: ":white_check_mark:", Tone.WARNING: ":warning:", Tone.DANGER: ":x:",
         Tone.INFO: ":large_blue_circle:", Tone.NEUTRAL: ""}
# Kept as Slack markup: user and channel mentions. Everything else in user text is escaped.
_KEEP = re.compile(r"<[@#][A-Za-z0-9._\-]+(?:\|[^<>]*)?>")


def escape(text: str) -> str:
    """mrkdwn-escape &, < and > except in `<@U…>` / `<#C…|name>` mentions."""
    out, last = [], 0
    for found in _KEEP.finditer(text):
        out.append(_escape(text[last:found.start()]))
        out.append(found.group(0))
        last = found.end()
    out.append(_escape(text[last:]))
    return "".join(out)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + MORE


def _mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def _plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": _cut(text, limit), "emoji": True}


def _title(card: Card) -> list[dict[str, Any]]:
    if not card.title:
        return []
    mark = EMOJI[card.tone]
    if _KEEP.search(card.title):  # a header is plain text and would show a mention as <@U…>
        return [{"type": "section", "text": _mrkdwn(_cut(f"{mark} *{escape(card.title)}*".strip(), MAX_TEXT))}]
    return [{"type": "header", "text": _plain(f"{mark} {card.title}".strip(), MAX_HEADER)}]


def _fields(fields: tuple[Field, ...]) -> list[dict[str, Any]]:
    texts = [_cut(f"*{escape(f.label)}*\n{escape(f.value)}", MAX_FIELD) for f in fields]
    return [{"type": "section", "fields": [_mrkdwn(t) for t in texts[i:i + MAX_FIELDS]]}
            for i in range(0, len(texts), MAX_FIELDS)]


def _chunks(text: str, limit: int) -> list[str]:
    """Split at line ends so each part fits; a single over-long line is cut with …"""
    parts, current = [], ""
    for raw in text.splitlines() or [""]:
        line = _cut(raw, limit)
        if current and len(current) + 1 + len(line) > limit:
            parts.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    parts.append(current)
    return parts


def _section(section: Section, mark: str = "") -> list[dict[str, Any]]:
    if section.mono:
        fence = 8  # "```\n" and "\n```"
        return [{"type": "section", "text": _mrkdwn(f"```\n{escape(part)}\n```")}
                for part in _chunks(section.text, MAX_TEXT - fence)]
    return [{"type": "section", "text": _mrkdwn(part)} for part in _chunks(mark + escape(section.text), MAX_TEXT)]


def _chart_text(chart: Chart | None) -> list[Section]:
    """A chart without an image: its caption and one sparkline per series."""
    if chart is None:
        return []
    return [Section(caption(chart)), Section(sparklines(chart), mono=True)]


def _image(chart: Chart, url: str) -> dict[str, Any]:
    return {"type": "image", "image_url": url, "alt_text": _cut(alt_text(chart), MAX_ALT),
            "title": _plain(caption(chart), MAX_ALT)}


def _button(button: Button, action_id: str) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "button", "action_id": action_id, "text": _plain(button.label, MAX_BUTTON),
        "value": json.dumps(button.action.to_dict(), ensure_ascii=False, separators=(",", ":")),
    }
    if button.style is not Style.DEFAULT:
        element["style"] = button.style.value
    return element


def _actions(buttons: tuple[Button, ...]) -> list[dict[str, Any]]:
    """One actions block per 25 buttons; action ids are the ActionId, made unique within a block."""
    blocks = []
    for start in range(0, len(buttons), MAX_BUTTONS):
        seen: dict[str, int] = {}
        elements = []
        for button in buttons[start:start + MAX_BUTTONS]:
            seen[button.id] = seen.get(button.id, 0) + 1
            suffix = f".{seen[button.id]}" if seen[button.id] > 1 else ""
            elements.append(_button(button, f"{button.id.value}{suffix}"))
        blocks.append({"type": "actions", "block_id": f"mems_actions_{start // MAX_BUTTONS}", "elements": elements})
    return blocks


def _limit(blocks: list[dict[str, Any]], tail: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """At most 50 blocks; the actions and footer (tail) are kept, the body is cut with a clear …"""
    room = MAX_BLOCKS - len(tail)
    if len(blocks) > room:
        blocks = [*blocks[:room - 1], {"type": "context", "elements": [_mrkdwn(f"{MORE} (more not shown)")]}]
    return blocks + tail


def blocks(card: Card, chart_url: str | None = None) -> list[dict[str, Any]]:
    body = _title(card) + _fields(card.fields)
    # A message-only card (an error, a confirmation) carries its tone on its first line.
    mark = f"{EMOJI[card.tone]} " if not card.title and not card.fields and EMOJI[card.tone] else ""
    text_chart = _chart_text(card.chart) if chart_url is None else []
    for index, section in enumerate((*card.sections, *text_chart)):
        body += _section(section, mark if index == 0 else "")
    if card.chart is not None and chart_url is not None:
        body.append(_image(card.chart, chart_url))
    tail = _actions(card.buttons)
    if card.footer:
        tail.append({"type": "context", "elements": [_mrkdwn(_cut(escape(card.footer), MAX_TEXT))]})
    return _limit(body, tail)


def fallback(card: Card) -> str:
    """The notification text (and what screen readers and old clients show)."""
    first = card.title or next((s.text for s in card.sections if s.text), "") or card.footer
    return _cut(escape(first), MAX_FALLBACK)


def message(card: Card, chart_url: str | None = None) -> dict[str, Any]:
    """The `text` and `blocks` of chat.postMessage / chat.update / a response_url answer; `chart_url` is where
    Slack can fetch the card's chart as an image (None: the chart goes as text)."""
    return {"text": fallback(card), "blocks": blocks(card, chart_url)}
