"""The one way into the outbox. `post` writes a row in the caller's transaction under its natural key (so it is sent
once), in the reader's language, held through a person's quiet hours, and filed under the entity whose card copies
it joins; posting to EVERY_COPY asks delivery to update those copies, each in the language it was sent in."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot import logs
from bot.cards import Card
from bot.env import Txn
from domain.notifications import AlertKind, OutboxMessage, Target, TargetKind, key
from domain.people import LANGS, Member, QuietHours, Workspace

CardFor = Callable[[str], Card]  # language -> card


@dataclass(frozen=True, slots=True)
class Channel:
    ref: str


@dataclass(frozen=True, slots=True)
class Copies:
    """Every copy of the entity's card sent so far: a card.update row that updates them in place."""


EVERY_COPY = Copies()
Recipient = Member | Channel | Copies


@dataclass(frozen=True)
class Notice:
    """What to say: its kind, its card in any language, and what makes it once. The natural key is kind, entity,
    period and recipient; `keyed_as` replaces the entity in the key where the two differ (an anomaly alert's key
    names the campaign, its copies are filed under the alert)."""

    kind: AlertKind
    card: CardFor
    entity: str
    period: str
    keyed_as: str | None = None
    keep: Keep | None = None  # an update: the copies whose buttons still act get this card instead


@dataclass(frozen=True)
class Keep:
    """For an update of every copy: the copies whose buttons act on `turn` ("round.step") get `card`, live
    buttons and all; the others get the notice's card."""

    turn: str
    card: CardFor


def same_card(card: Card) -> CardFor:
    """A card that reads the same to everyone (a channel post already in the workspace's language)."""
    return lambda lang: card


def quiet_until(quiet: QuietHours | None, tz: ZoneInfo, now: datetime) -> datetime:
    """When a direct message may go out: now, or the end of the recipient's quiet window."""
    if quiet is None:
        return now
    local = now.astimezone(tz)
    if not quiet.holds(local.time()):
        return now
    end = local.replace(hour=quiet.end.hour, minute=quiet.end.minute, second=0, microsecond=0)
    if end <= local:
        end += timedelta(days=1)
    return end.astimezone(ZoneInfo("UTC"))


def _message(txn: Txn, workspace: Workspace, to: Recipient, notice: Notice,
             payloads: dict[str, dict[str, Any]]) -> OutboxMessage | None:
    not_before = txn.now
    if isinstance(to, Member):
        target, lang = Target(TargetKind.USER, to.user_ref), to.lang_in(workspace)
        not_before = quiet_until(to.quiet, to.tz_in(workspace), txn.now)
        payload = _payload(notice.card, lang, payloads)
    elif isinstance(to, Channel):
        if not to.ref:
            return None  # a campaign created outside any channel (the REST API) has no home channel
        target, payload = Target(TargetKind.CHANNEL, to.ref), _payload(notice.card, workspace.lang, payloads)
    else:
        target, payload = Target(TargetKind.CHANNEL, "*"), _translated(notice.card, workspace.lang)
        if notice.keep is not None:
            payload["keep"] = {"turn": notice.keep.turn, **_translated(notice.keep.card, workspace.lang)}
    kind = AlertKind.CARD_UPDATE if isinstance(to, Copies) else notice.kind
    return OutboxMessage(key=key(kind, notice.keyed_as or notice.entity, notice.period, target), kind=kind,
                         workspace_id=workspace.pk, target=target, payload=payload, created_at=txn.now,
                         not_before=not_before, entity=notice.entity, request_id=logs.current())


def post(txn: Txn, workspace: Workspace, to: Recipient, notice: Notice) -> bool:
    """Write the row unless its key exists; True when written (and counted in `txn.written`)."""
    message = _message(txn, workspace, to, notice, {})
    if message is None:
        return False
    stored = txn.uow.outbox.add(message)
    txn.written += int(stored)
    return stored


def post_all(txn: Txn, workspace: Workspace, recipients: Iterable[Recipient], notice: Notice) -> None:
    """`post` to each, the card rendered once per language and the rows written in one statement (a role of a
    large company has a hundred holders)."""
    payloads: dict[str, dict[str, Any]] = {}
    messages = [m for to in recipients if (m := _message(txn, workspace, to, notice, payloads)) is not None]
    if messages:
        txn.written += sum(txn.uow.outbox.add_many(messages))


def _payload(card: CardFor, lang: str, payloads: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    # The reader's language rides along, so that a folded burst is headed in it too.
    if payloads is None:
        return {**card(lang).to_dict(), "lang": lang}
    if lang not in payloads:
        payloads[lang] = {**card(lang).to_dict(), "lang": lang}
    return payloads[lang]


def _translated(card: CardFor, lang: str) -> dict[str, Any]:
    """An update: the card in the workspace's language, with the other languages for copies sent in them."""
    return {**_payload(card, lang), "translations": {other: card(other).to_dict() for other in LANGS if other != lang}}
