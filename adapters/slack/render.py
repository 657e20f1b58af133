"""Card → Block Kit (a message's `text` and `blocks`). Pure; snapshot-tested against golden JSON. A chart is an
image block when the caller has a URL for it, sparklines otherwise.

Slack counts a text's limit after `&`, `<` and `>` became entities, so user text is escaped first, then cut or
split (never inside an entity or a mention). A long card is one message folded to fit (`message`, for chat.update
and notifications) or several in a row (`messages`, for answers). Every message's block_ids carry a nonce from the
caller: Slack keeps a block's state by block_id, so each message and each update needs its own."""

from __future__ import annotations

import json
import re
from typing import Any

from bot.cards import Button, Card, Chart, Field, Link, Section, Style, Tone
from bot.charts import alt_text, caption, sparklines

Block = dict[str, Any]
MAX_BLOCKS = 50
MAX_TEXT = 3000  # a section's text
MAX_FIELD = 2000  # one field of a section
MAX_FIELDS = 10  # fields per section
MAX_HEADER = 150
MAX_BUTTON = 75
MAX_BUTTONS = 25  # elements per actions block
MAX_LINK = 120  # an attachment's name as a link
MAX_FALLBACK = 3000
MAX_ALT = 2000  # an image block's alt_text and title
# A message's blocks in all, as compact JSON: Slack refuses a longer one with msg_blocks_too_long from about 11k
# characters, in chat.postMessage as in ephemeral answers (bolt-js #2509, #2867), well below 50 blocks.
MAX_TOTAL = 10_000
MAX_MARKER = 150  # the title in a continuation's first line, "<title> · 2/3"
MORE = "…"
EMOJI = {Tone.SUCCESS: ":white_check_mark:", Tone.WARNING: ":warning:", Tone.DANGER: ":x:",
         Tone.INFO: ":large_blue_circle:", Tone.NEUTRAL: ""}
# Kept as Slack markup: user and channel mentions. Everything else in user text is escaped.
_KEEP = re.compile(r"<[@#][A-Za-z0-9._\-]+(?:\|[^<>]*)?>")
# What a cut never splits: an entity, a kept mention, one character.
_UNIT = re.compile(r"&(?:amp|lt|gt);|<[@#][A-Za-z0-9._\-]+(?:\|[^<>]*)?>|.", re.S)


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
    """At most `limit` characters, ending with … when cut; an entity or a mention stays whole or goes."""
    if len(text) <= limit:
        return text
    room, used, end = limit - len(MORE), 0, 0
    for unit in _UNIT.finditer(text):
        if used + len(unit.group(0)) > room:
            break
        used += len(unit.group(0))
        end = unit.end()
    return text[:end] + MORE


def _blank(text: str) -> bool:
    return not text.strip()


def _mrkdwn(text: str) -> Block:
    return {"type": "mrkdwn", "text": text}


def _plain(text: str, limit: int) -> Block:
    return {"type": "plain_text", "text": _cut(text, limit), "emoji": True}


def _context(text: str) -> Block:
    return {"type": "context", "elements": [_mrkdwn(text)]}


def size(blocks: list[Block]) -> int:
    """What MAX_TOTAL is checked against: the blocks as compact JSON (more than the text Slack counts)."""
    return len(json.dumps(blocks, ensure_ascii=False, separators=(",", ":")))


def _title(card: Card) -> list[Block]:
    if _blank(card.title):
        return []
    mark = EMOJI[card.tone]
    if _KEEP.search(card.title):  # a header is plain text and would show a mention as <@U…>
        title = _cut(escape(card.title), MAX_TEXT - len(mark) - 3)
        return [{"type": "section", "text": _mrkdwn(f"{mark} *{title}*".strip())}]
    return [{"type": "header", "text": _plain(f"{mark} {card.title}".strip(), MAX_HEADER)}]


def _field(field: Field) -> str:
    label = f"*{escape(field.label)}*\n" if not _blank(field.label) else ""
    return _cut(label + escape(field.value), MAX_FIELD)


def _fields(fields: tuple[Field, ...]) -> list[Block]:
    """Sections of at most 10 fields and about one section's worth of text each (so that a page can hold them)."""
    groups: list[list[str]] = []
    used = 0
    for text in (_field(f) for f in fields if not (_blank(f.label) and _blank(f.value))):
        if not groups or len(groups[-1]) == MAX_FIELDS or used + len(text) > MAX_TEXT:
            groups.append([])
            used = 0
        groups[-1].append(text)
        used += len(text)
    return [{"type": "section", "fields": [_mrkdwn(t) for t in group]} for group in groups]


def _chunks(text: str, limit: int) -> list[str]:
    """Split (escaped) text at line ends so each part fits; a single over-long line is cut with …"""
    parts, current = [], ""
    for raw in text.splitlines() or [""]:
        line = _cut(raw, limit)
        if current and len(current) + 1 + len(line) > limit:
            parts.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    parts.append(current)
    return [part for part in parts if not _blank(part)]


def _section(section: Section, mark: str = "") -> list[Block]:
    if _blank(section.text):
        return []
    if section.mono:
        fence = 8  # "```\n" and "\n```"
        return [{"type": "section", "text": _mrkdwn(f"```\n{part}\n```")}
                for part in _chunks(escape(section.text), MAX_TEXT - fence)]
    return [{"type": "section", "text": _mrkdwn(part)} for part in _chunks(mark + escape(section.text), MAX_TEXT)]


def _chart_text(chart: Chart | None) -> list[Section]:
    """A chart without an image: its caption and one sparkline per series."""
    if chart is None:
        return []
    return [Section(caption(chart)), Section(sparklines(chart), mono=True)]


def _links(links: tuple[Link, ...]) -> list[Block]:
    """Attachments: each a 📎 link by its name (the address is made safe for `<url|name>` in the domain)."""
    lines = [f"📎 <{_escape(link.url)}|{_cut(_escape(link.label), MAX_LINK)}>" for link in links]
    return [{"type": "section", "text": _mrkdwn(part)} for part in _chunks("\n".join(lines), MAX_TEXT)] if lines else []


def _image(chart: Chart, url: str) -> Block:
    described = alt_text(chart)
    block: Block = {"type": "image", "image_url": url, "alt_text": _cut(described, MAX_ALT) if not _blank(
        described) else "📈"}
    if not _blank(caption(chart)):
        block["title"] = _plain(caption(chart), MAX_ALT)
    return block


def _button(button: Button, action_id: str) -> Block:
    label = button.label if not _blank(button.label) else button.command
    element: Block = {
        "type": "button", "action_id": action_id, "text": _plain(label, MAX_BUTTON),
        "value": json.dumps(button.action.to_dict(), ensure_ascii=False, separators=(",", ":")),
    }
    if button.style is not Style.DEFAULT:
        element["style"] = button.style.value
    return element


def _actions(buttons: tuple[Button, ...], nonce: str) -> list[Block]:
    """One actions block per 25 buttons; action ids are the ActionId (what a click is routed by), made unique
    within a block; block ids are unique to this message through the nonce."""
    blocks = []
    for start in range(0, len(buttons), MAX_BUTTONS):
        seen: dict[str, int] = {}
        elements = []
        for button in buttons[start:start + MAX_BUTTONS]:
            seen[button.id] = seen.get(button.id, 0) + 1
            suffix = f".{seen[button.id]}" if seen[button.id] > 1 else ""
            elements.append(_button(button, f"{button.id.value}{suffix}"))
        blocks.append({"type": "actions", "block_id": f"mems.{nonce}.{start // MAX_BUTTONS}", "elements": elements})
    return blocks


def _parts(card: Card, chart_url: str | None, nonce: str) -> tuple[list[Block], list[Block]]:
    """The body (title, fields, sections, chart) and the tail that closes the card (buttons, footer)."""
    body = _title(card) + _fields(card.fields)
    # A message-only card (an error, a confirmation) carries its tone on its first line.
    mark = f"{EMOJI[card.tone]} " if _blank(card.title) and not card.fields and EMOJI[card.tone] else ""
    text_chart = _chart_text(card.chart) if chart_url is None else []
    for section in (*card.sections, *text_chart):
        found = _section(section, mark)
        mark = mark if not found else ""  # on the first line only
        body += found
    if card.chart is not None and chart_url is not None:
        body.append(_image(card.chart, chart_url))
    body += _links(card.links)
    tail = _actions(card.buttons, nonce)
    if not _blank(card.footer):
        tail.append(_context(_cut(escape(card.footer), MAX_TEXT)))
    return body, tail


def _take(blocks: list[Block], count: int, room: int) -> list[Block]:
    """The first blocks that fit in `count` blocks and `room` characters."""
    taken: list[Block] = []
    used = size([])
    for block in blocks:
        used += size([block]) - 1  # its JSON and a comma
        if len(taken) == count or used > room:
            break
        taken.append(block)
    return taken


def _fold(body: list[Block], tail: list[Block]) -> list[Block]:
    """One message: the tail (buttons, footer) is kept and the body cut with a clear … when it does not fit."""
    if len(body) + len(tail) <= MAX_BLOCKS and size(body + tail) <= MAX_TOTAL:
        return body + tail
    more = _context(f"{MORE} (more not shown)")
    room = MAX_TOTAL - size([more]) - 1
    kept_tail = _take(tail, MAX_BLOCKS - 1, room)  # only a card of absurd buttons loses some
    kept_body = _take(body, MAX_BLOCKS - 1 - len(kept_tail), room - size(kept_tail) - 1)
    return [*kept_body, more, *kept_tail]


def _pages(blocks: list[Block]) -> list[list[Block]]:
    """Blocks in order, as few pages as fit the limits, each leaving room for a continuation's first line."""
    room = MAX_TOTAL - size([_context("x" * MAX_MARKER * 2 + " · 99/99")]) - 1
    pages: list[list[Block]] = [[]]
    used = size([])
    for block in blocks:
        length = size([block]) - 1  # its JSON and a comma
        if pages[-1] and (len(pages[-1]) == MAX_BLOCKS - 1 or used + length > room):
            pages.append([])
            used = size([])
        pages[-1].append(block)
        used += length
    return pages


def blocks(card: Card, chart_url: str | None = None, *, nonce: str) -> list[Block]:
    """The card's blocks in one message, folded to fit."""
    return _fold(*_parts(card, chart_url, nonce))


def fallback(card: Card) -> str:
    """The notification text (and what screen readers and old clients show)."""
    texts = (card.title, *(s.text for s in card.sections), *(f.value for f in card.fields), card.footer,
             *(b.label for b in card.buttons))
    first = next((t for t in texts if not _blank(t)), MORE)
    return _cut(escape(first), MAX_FALLBACK)


def message(card: Card, chart_url: str | None = None, *, nonce: str) -> dict[str, Any]:
    """The `text` and `blocks` of one message (chat.postMessage, chat.update, a response_url answer); `chart_url`
    is where Slack can fetch the card's chart as an image (None: the chart goes as text); `nonce` makes the
    message's block_ids its own."""
    return {"text": fallback(card), "blocks": blocks(card, chart_url, nonce=nonce)}


def messages(card: Card, chart_url: str | None = None, *, nonce: str) -> list[dict[str, Any]]:
    """The card as one message, or as several in a row when it is too long for one (a 150-task board): nothing
    is cut, the buttons and footer come last, and each continuation starts with "<title> · 2/3"."""
    body, tail = _parts(card, chart_url, nonce)
    pages = _pages(body + tail)
    text = fallback(card)
    if len(pages) == 1:
        return [{"text": text, "blocks": pages[0]}]
    label = _cut(escape(card.title), MAX_MARKER) if not _blank(card.title) else _cut(text, MAX_MARKER)
    found = []
    for n, page in enumerate(pages, start=1):
        marker = f"{label} · {n}/{len(pages)}"
        found.append({"text": _cut(f"{text} · {n}/{len(pages)}", MAX_FALLBACK),
                      "blocks": page if n == 1 else [_context(marker), *page]})
    return found
