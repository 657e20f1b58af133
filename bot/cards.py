"""The neutral Card: what every surface renders natively. Buttons carry typed actions (bot.actions); the console
shows each as the command a person would type for the same thing."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from bot import actions
from bot.actions import Action, ActionId


class Tone(StrEnum):
    NEUTRAL = "neutral"
    INFO = "info"
    SUCCESS = "success"
    WARNING = "warning"
    DANGER = "danger"


class Style(StrEnum):
    DEFAULT = "default"
    PRIMARY = "primary"
    DANGER = "danger"


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    action: Action
    style: Style = Style.DEFAULT
    choices: tuple[str, ...] = ()  # people a person picker offers (where the surface needs a list: Feishu)

    @property
    def id(self) -> ActionId:
        return self.action.id

    @property
    def ref(self) -> str:
        """The entity the action applies to: A-3, T-7, an alert ref."""
        return self.action.ref

    @property
    def command(self) -> str:
        """What a console user types for the same thing, e.g. `approve A-3`."""
        return actions.typed(self.action)

    @property
    def needs_reason(self) -> bool:
        """Reject: the surface asks for a reason first (a modal, a card form, typed text)."""
        return actions.needs_reason(self.action.id)

    @property
    def needs_person(self) -> bool:
        """Delegate: the surface asks whom to first (a users_select, a select_person)."""
        return actions.needs_person(self.action.id)

    def to_dict(self) -> dict[str, Any]:
        out = {"label": self.label, **self.action.to_dict(), "style": self.style.value}
        return {**out, "choices": list(self.choices)} if self.choices else out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Button:
        action = Action(ActionId(data["action"]), data["ref"], stage=data.get("stage", ""))
        return cls(label=data["label"], action=action, style=Style(data.get("style", "default")),
                   choices=tuple(data.get("choices", ())))


@dataclass(frozen=True, slots=True)
class Field:
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Section:
    text: str  # plain text; `<@user>` marks a mention that each surface renders natively
    mono: bool = False  # a block to show in a fixed-width font (timelines, boards)


@dataclass(frozen=True, slots=True)
class Link:
    """A named web link (an attachment: a quote, a contract), shown as a link each surface can open."""

    label: str  # text a person gave it: shown inert
    url: str  # http(s), already made safe for link markup (domain.attachments)


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
    links: tuple[Link, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["buttons"] = [b.to_dict() for b in self.buttons]
        if not self.links:
            del data["links"]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Card:
        chart = data.get("chart")
        return cls(
            title=data["title"], tone=Tone(data.get("tone", "neutral")),
            fields=tuple(Field(**f) for f in data.get("fields", ())),
            sections=tuple(Section(**s) for s in data.get("sections", ())),
            buttons=tuple(Button.from_dict(b) for b in data.get("buttons", ())),
            footer=data.get("footer", ""),
            chart=Chart(chart["title"], tuple(chart["labels"]),
                        tuple((name, tuple(values)) for name, values in chart["series"])) if chart else None,
            entity=data.get("entity"),
            links=tuple(Link(**link) for link in data.get("links", ())),
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
    # For the asker's eyes only (a new API token, a sign-in link): each surface shows it where no one else can see
    # it (Slack: ephemeral; Feishu: a direct message to the asker when asked in a group), never as a click's answer.
    secret: bool = False

    @property
    def text(self) -> str:
        """The plain text of a message-only reply (errors, confirmations)."""
        return "\n".join(s.text for s in self.card.sections)
