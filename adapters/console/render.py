"""Card → plain text for a terminal. Buttons show as the command to type."""

from __future__ import annotations

import re
import unicodedata

from bot.cards import Card, Tone
from bot.charts import caption, sparklines

MARKS = {Tone.SUCCESS: "✔ ", Tone.WARNING: "! ", Tone.DANGER: "✖ ", Tone.INFO: "", Tone.NEUTRAL: ""}
_MENTION = re.compile(r"<@([^>|]+)(?:\|[^>]*)?>")


def mentions(text: str) -> str:
    return _MENTION.sub(lambda m: "@" + m.group(1), text)


def width(text: str) -> int:
    """Columns a string takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def render(card: Card) -> str:
    lines: list[str] = []
    if card.title:
        lines.append(f"{MARKS[card.tone]}{mentions(card.title)}")
    widest = max((width(f.label) for f in card.fields), default=0)
    for field in card.fields:
        pad = " " * (widest - width(field.label))
        lines.append(f"  {field.label}{pad}  {mentions(field.value)}")
    for section in card.sections:
        text = mentions(section.text)
        if section.mono:
            lines.extend("    " + line for line in text.splitlines())
        elif not card.title and not card.fields:
            lines.append(f"{MARKS[card.tone]}{text}" if len(card.sections) == 1 else text)
        else:
            lines.extend("  " + line for line in text.splitlines())
    if card.chart is not None:  # a terminal shows no image: the chart as sparklines
        lines.append(f"  {caption(card.chart)}")
        lines.extend("    " + line for line in sparklines(card.chart).splitlines())
    for link in card.links:  # a terminal opens a link by its address
        lines.append(f"  📎 {link.label}  {link.url}")
    if card.buttons:
        lines.append("  " + "   ".join(f"[{b.label}] {b.command}" for b in card.buttons))
    if card.footer:
        lines.append(f"  {mentions(card.footer)}")
    return "\n".join(lines)
