"""The neutral Card: what every surface renders natively. Buttons carry typed actions and the command
they stand for, so a console user types what a Slack or Feishu user clicks."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Tone(StrEnum):
    NEUTRAL = "neutral"
    INFO = "info"
    SUCCESS = "success"
    WARNING = "warning"
    DANGER = "danger"


class ActionId(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    TASK_START = "task_start"
    TASK_DONE = "task_done"
    ACK = "ack"
    SNOOZE = "snooze"
    SHOW = "show"


class Style(StrEnum):
    DEFAULT = "default"
    PRIMARY = "primary"
    DANGER = "danger"


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    action: ActionId
    ref: str  # the entity the action applies to: A-3, T-7, an alert key
    command: str  # what a console user types, e.g. "approve A-3"
    style: Style = Style.DEFAULT
    needs_reason: bool = False  # Reject: the surface asks for a reason (modal, card form, typed text)


@dataclass(frozen=True, slots=True)
class Field:
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Section:
    text: str  # plain text; `<@user>` marks a mention that each surface renders natively
    mono: bool = False  # a block to show in a fixed-width font (timelines, boards)


@dataclass(frozen=True, slots=True)
class Chart:
    """A small chart of daily series (spend, conversions) for surfaces that can show images."""

    title: str
    labels: tuple[str, ...]
    series: tuple[tuple[str, tuple[float, ...]], ...]


@dataclass(frozen=True, slots=True)
class Card:
    title: str
    tone: Tone = Tone.NEUTRAL
    fields: tuple[Field, ...] = ()
    sections: tuple[Section, ...] = ()
    buttons: tuple[Button, ...] = ()
    footer: str = ""
    chart: Chart | None = None
    entity: str | None = None  # C-1 / T-3 / A-2 when the card shows one thing

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Card:
        chart = data.get("chart")
        return cls(
            title=data["title"], tone=Tone(data.get("tone", "neutral")),
            fields=tuple(Field(**f) for f in data.get("fields", ())),
            sections=tuple(Section(**s) for s in data.get("sections", ())),
            buttons=tuple(Button(label=b["label"], action=ActionId(b["action"]), ref=b["ref"],
                                 command=b["command"], style=Style(b.get("style", "default")),
                                 needs_reason=b.get("needs_reason", False)) for b in data.get("buttons", ())),
            footer=data.get("footer", ""),
            chart=Chart(chart["title"], tuple(chart["labels"]),
                        tuple((name, tuple(values)) for name, values in chart["series"])) if chart else None,
            entity=data.get("entity"),
        )


def text_card(text: str, tone: Tone = Tone.NEUTRAL) -> Card:
    return Card(title="", tone=tone, sections=(Section(text),))


@dataclass(frozen=True, slots=True)
class Reply:
    """What a command answers: a card, shown to the channel or only to the user who asked."""

    card: Card
    public: bool = False
    is_error: bool = False
    extra: tuple[Card, ...] = field(default=())

    @property
    def text(self) -> str:
        """The plain text of a message-only reply (errors, confirmations)."""
        return "\n".join(s.text for s in self.card.sections)
