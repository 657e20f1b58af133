"""Card → Feishu card JSON 2.0, a pure function. Every card has `update_multi` so each copy can be patched in place.
A mention the presenters made (`<@ou_x>`, bot.presenters.fmt.mention) becomes `<at id=ou_x></at>`; everything else
is escaped, so no text can turn into markup, and text people typed reaches us inert (fmt.user_text), so a campaign
named `<@all>` or `<at id=all></at>` pings nobody. A chart is an `img` element when the caller has uploaded it (its
image_key), sparklines in a code block otherwise."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

from adapters.feishu import forms
from bot.cards import Button, Card, Chart, Field, Section, Style, Tone
from bot.charts import alt_text, caption, sparklines
from bot.i18n import tr
from domain import refs

TEMPLATES = {Tone.NEUTRAL: "grey", Tone.INFO: "blue", Tone.SUCCESS: "green", Tone.WARNING: "orange",
             Tone.DANGER: "red"}
COLOURS = {Tone.SUCCESS: "green", Tone.WARNING: "orange", Tone.DANGER: "red"}  # a message without a header
BUTTON_TYPES = {Style.DEFAULT: "default", Style.PRIMARY: "primary_filled", Style.DANGER: "danger"}
MAX_BYTES = 28_000  # Feishu refuses a card over 30 KB (230025); keep room for the message envelope
MIN_CUT = 16  # characters a shortened field or section keeps; below that the card gives way to its shortest form
MAX_TITLE = 150
MORE = "…"
_MENTION = re.compile(r"<@([A-Za-z0-9_.\-]+)(?:\|[^>]*)?>")
EVERYONE = "all"  # <at id=all> notifies a whole group; MEMS never mentions everyone, whatever the text says
_TAG_START = re.compile("<(?!\u2060)")  # a "<" not yet followed by a word joiner (fmt.user_text adds one)
# HTML entities for the characters Feishu markdown would read as markup (its rich-text component docs).
_ESCAPES = str.maketrans({"\\": "&#92;", "*": "&#42;", "_": "&#95;", "~": "&sim;", "`": "&#96;", "[": "&#91;",
                          "]": "&#93;", "<": "&#60;", ">": "&#62;", "#": "&#35;"})
Json = dict[str, Any]


def render(card: Card, lang: str = "zh", image_key: str | None = None) -> Json:
    """The card as Feishu JSON 2.0, within Feishu's size limit: the longest sections and fields are shortened first
    (ending in …); when even that cannot fit, its shortest form says so and how to see the rest.
    `image_key` is the card's chart uploaded as an image (None: the chart goes as text)."""
    out = _card(card, lang, image_key)
    cap = _longest(card)
    while _size(out) > MAX_BYTES:
        cap = cap * 2 // 3
        if cap < MIN_CUT:
            return shortest(out, lang, _hint(card, lang))
        out = _card(_capped(card, cap), lang, image_key)
    return out


def shortest(out: Json, lang: str, hint: str = "") -> Json:
    """The smallest form of a rendered card: its header, a note that it was too long (and `hint`, how to see
    it), and its buttons. Sent when a card cannot be cut to fit, or when Feishu still answers 230025."""
    note = tr(lang, "feishu.too_long") + ("\n" + hint if hint else "")
    kept = [e for e in out.get("body", {}).get("elements", []) if e.get("tag") in ("column_set", "form")]
    short: Json = {"schema": "2.0", "config": {"update_multi": True}}
    header = out.get("header")
    if header:
        title = header["title"]["content"]
        short["header"] = {**header, "title": {"tag": "plain_text", "content": _cut(title, MAX_TITLE)}}
    short["body"] = {"elements": [_markdown(markdown(note)), *kept]}
    return short


def markdown(text: str) -> str:
    """Escaped text with mentions as Feishu `<at>` tags (never `<at id=all>`)."""
    parts, last = [], 0
    for match in _MENTION.finditer(text):
        parts.append(text[last:match.start()].translate(_ESCAPES))
        everyone = match.group(1).lower() == EVERYONE
        parts.append(match.group(0).translate(_ESCAPES) if everyone else f"<at id={match.group(1)}></at>")
        last = match.end()
    parts.append(text[last:].translate(_ESCAPES))
    return "".join(parts)


def plain(text: str) -> str:
    """Plain text (titles, toasts, labels) cannot @ anyone: a mention shows as @id, and no "<" can open a tag."""
    return _TAG_START.sub("<\u2060", _MENTION.sub(lambda m: "@" + m.group(1), text))


def callback_value(button: Button) -> Json:
    """What a click sends back: the typed action and the entity it acts on."""
    return button.action.to_dict()


def callback_response(kind: str, text: str, card: Json | None = None) -> Json:
    """The answer to card.action.trigger: a toast (info|success|warning|error), and the updated card if any."""
    out: Json = {"toast": {"type": kind, "content": plain(text)[:200]}}  # a toast is plain text
    if card is not None:
        out["card"] = {"type": "raw", "data": card}
    return out


def _card(card: Card, lang: str, image_key: str | None) -> Json:
    elements: list[Json] = []
    if card.fields:
        sep = "：" if lang == "zh" else ": "
        lines = [f"**{markdown(f.label)}**{sep}{markdown(f.value)}" for f in card.fields]
        elements.append(_markdown("\n".join(lines)))
    colour = None if card.title else COLOURS.get(card.tone)
    elements.extend(_section(s, colour) for s in card.sections)
    if card.chart is not None:
        elements.extend(_chart(card.chart, image_key))
    if card.links:
        elements.append(_markdown("\n".join(f"📎 [{markdown(link.label)}]({link.url})" for link in card.links)))
    elements.extend(_buttons(card.buttons, lang))
    if card.footer:
        elements.append({**_markdown(markdown(card.footer)), "text_size": "notation"})
    out: Json = {"schema": "2.0", "config": {"update_multi": True}}
    if card.title:
        out["header"] = {"title": {"tag": "plain_text", "content": plain(card.title)},
                         "template": TEMPLATES[card.tone]}
    out["body"] = {"elements": elements}
    return out


def _markdown(content: str) -> Json:
    return {"tag": "markdown", "content": content}


def _section(section: Section, colour: str | None) -> Json:
    if section.mono:  # a code block keeps the columns of timelines
        text = plain(section.text).replace("```", "ˋˋˋ")
        return _markdown(f"```\n{text}\n```")
    content = markdown(section.text)
    return _markdown(f"<font color='{colour}'>{content}</font>" if colour else content)


def _button(button: Button) -> Json:
    return {"tag": "button", "text": {"tag": "plain_text", "content": plain(button.label)},
            "type": BUTTON_TYPES[button.style],
            "behaviors": [{"type": "callback", "value": callback_value(button)}]}


def _buttons(buttons: tuple[Button, ...], lang: str) -> list[Json]:
    """Plain buttons in one row; a button that needs a reason or a person is a form of its own on the card."""
    plain_buttons = [b for b in buttons if not b.needs_reason and not b.needs_person]
    out = [_button_row(plain_buttons)] if plain_buttons else []
    for b in buttons:
        if b.needs_reason:
            out.append(forms.reason_form(b.action, _button(b), tr(lang, f"feishu.form.{b.id.value}")))
        elif b.needs_person:
            out.append(forms.person_form(b.action, _button(b), tr(lang, f"feishu.form.{b.id.value}"), b.choices))
    return out


def _button_row(buttons: list[Button]) -> Json:
    columns = [{"tag": "column", "width": "auto", "elements": [_button(b)]} for b in buttons]
    return {"tag": "column_set", "flex_mode": "none", "horizontal_spacing": "8px", "columns": columns}


def _chart(chart: Chart, image_key: str | None) -> list[Json]:
    """The uploaded image at the card's width (alt text on hover and for screen readers), or its sparklines."""
    if image_key is not None:
        return [{"tag": "img", "img_key": image_key, "alt": {"tag": "plain_text", "content": alt_text(chart)},
                 "scale_type": "fit_horizontal"}]
    return [_section(Section(caption(chart)), None), _section(Section(sparklines(chart), mono=True), None)]


def _size(card: Json) -> int:
    return len(json.dumps(card, ensure_ascii=False, separators=(",", ":")).encode())


def _longest(card: Card) -> int:
    texts = [card.title, card.footer, *(s.text for s in card.sections), *(f.label for f in card.fields),
             *(f.value for f in card.fields)]
    return max(len(t) for t in texts)


def _capped(card: Card, cap: int) -> Card:
    """The card with every text over `cap` characters cut: sections by whole lines where they can, fields and the
    rest with … at the end."""
    return replace(card, title=_cut(card.title, cap), footer=_cut(card.footer, cap),
                   sections=tuple(replace(s, text=_cut_lines(s.text, cap)) for s in card.sections),
                   fields=tuple(Field(_cut(f.label, cap), _cut(f.value, cap)) for f in card.fields))


def _cut(text: str, cap: int) -> str:
    return text if len(text) <= cap else text[:cap - 1] + MORE


def _cut_lines(text: str, cap: int) -> str:
    if len(text) <= cap:
        return text
    kept, used = [], 0
    for line in text.splitlines():
        if used + len(line) > cap:
            break
        kept.append(line)
        used += len(line) + 1
    return "\n".join(kept) + "\n" + MORE if kept else _cut(text.splitlines()[0], cap)


def _hint(card: Card, lang: str) -> str:
    """What to type to see the rest: `show C-1` for a card about one campaign, task or request (an alert's entity
    is its own ref, which `show` does not know), a narrower view otherwise."""
    if card.entity and refs.match(card.entity):
        return tr(lang, "feishu.too_long.show", ref=card.entity)
    return tr(lang, "feishu.too_long.narrow")
