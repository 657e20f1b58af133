"""Typed actions: what a button carries (an ActionId, the entity's ref, and the few typed fields a person adds, such as
a reason), and the one table that turns an action into the domain command it stands for. Slack, Feishu, the web
dashboard and the console all reach the bus through `command_for`; none of them builds command text."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from domain import commands as c
from domain import refs
from domain.alerts import parse_alert_ref
from domain.campaign import Action as CampaignAction
from domain.task import TaskMove

MAX_REF = 64  # refs are short (A-3, anomaly:C-1:2026-12-05); anything longer was not written by MEMS
MAX_REASON = 1000
_PERSON = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")  # a platform user id: Slack U0123, Feishu ou_xxx, console name
_STAGE = re.compile(r"^(\d{1,4})\.(\d{1,4})\.(\d{1,4})$")  # round.step.hand-overs of a decision button's card


class ActionId(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    TASK_START = "task_start"
    TASK_DONE = "task_done"
    TASK_REOPEN = "task_reopen"
    TASK_BLOCK = "task_block"
    ACK = "ack"
    SNOOZE = "snooze"
    SHOW = "show"
    # the approval desk
    RETURN = "return"
    DELEGATE = "delegate"
    # closing a campaign with open work: the question's answers
    CONFIRM_COMPLETE = "complete_confirm"
    CONFIRM_CANCEL = "cancel_confirm"
    KEEP = "keep"


class Asks(StrEnum):
    """What a surface asks the person for before the action can run."""

    NOTHING = "nothing"
    REASON = "reason"  # typed text: a Slack modal, a Feishu card form's input
    PERSON = "person"  # someone to hand a step to: Slack's users_select, Feishu's select_person


@dataclass(frozen=True, slots=True)
class Action:
    """One click: which action, on which entity, with what the person typed (a reason) or chose (a person) if the
    action needs it."""

    id: ActionId
    ref: str
    reason: str = ""
    person: str = ""
    stage: str = ""  # "round.step.handed" of the approval card the button is on: it acts on that turn or not at all

    def add_reason(self, reason: str) -> Action:
        return Action(self.id, self.ref, reason.strip()[:MAX_REASON], self.person, self.stage)

    def add_person(self, person: str) -> Action:
        """The chosen person, when it is a user id (anything else is dropped, so the command is not built)."""
        found = person.strip()
        return Action(self.id, self.ref, self.reason, found if _PERSON.match(found) else "", self.stage)

    @property
    def step(self) -> tuple[int, int, int] | None:
        found = _STAGE.match(self.stage)
        return (int(found[1]), int(found[2]), int(found[3])) if found else None

    def to_dict(self) -> dict[str, str]:
        """What a button carries (a Slack button value, a Feishu callback value, a web form)."""
        out = {"action": self.id.value, "ref": self.ref}
        return {**out, "stage": self.stage} if self.stage else out

    @classmethod
    def from_dict(cls, data: Any, action_id: str | None = None) -> Action | None:
        """The action a button sent back, or None when MEMS did not write it (a foreign or forged value). Slack
        names the action in the button's action_id (`approve`, `approve.2`), Feishu in the value itself."""
        if not isinstance(data, Mapping):
            return None
        raw_id = action_id.split(".", 1)[0] if action_id else data.get("action")
        ref = data.get("ref")
        if raw_id not in set(ActionId) or not isinstance(ref, str) or not ref or len(ref) > MAX_REF:
            return None
        stage = data.get("stage")
        action = cls(ActionId(raw_id), ref.strip(), stage=stage if isinstance(stage, str) and _STAGE.match(stage)
                     else "")
        return action if command_for(action.add_reason("-").add_person("-")) is not None else None


def _number(ref: str, kind: refs.Kind) -> int | None:
    found = refs.match(ref)
    return found[1] if found is not None and found[0] is kind else None


def _approve(a: Action) -> c.Command | None:
    number = _number(a.ref, refs.Kind.APPROVAL)
    return None if number is None else c.Approve(number, stage=a.step)


def _reject(a: Action) -> c.Command | None:
    number = _number(a.ref, refs.Kind.APPROVAL)
    return None if number is None or not a.reason else c.Reject(number, a.reason, a.step)


def _return(a: Action) -> c.Command | None:
    number = _number(a.ref, refs.Kind.APPROVAL)
    return None if number is None or not a.reason else c.ReturnRequest(number, a.reason, a.step)


def _delegate(a: Action) -> c.Command | None:
    number = _number(a.ref, refs.Kind.APPROVAL)
    return None if number is None or not a.person else c.DelegateStep(number, a.person, a.step)


def _task(move: TaskMove) -> Callable[[Action], c.Command | None]:
    def build(a: Action) -> c.Command | None:
        number = _number(a.ref, refs.Kind.TASK)
        return None if number is None else c.MoveTask(number, move)
    return build


def _block(a: Action) -> c.Command | None:
    number = _number(a.ref, refs.Kind.TASK)
    return None if number is None or not a.reason else c.BlockTask(number, a.reason)


def _ack(a: Action) -> c.Command | None:
    found = parse_alert_ref(a.ref)
    return None if found is None else c.Acknowledge(*found)


def _snooze(a: Action) -> c.Command | None:
    found = parse_alert_ref(a.ref)
    return None if found is None else c.SnoozeAlerts(found[0], 24, found[1])


def _show(a: Action) -> c.Command | None:
    found = refs.match(a.ref)
    return None if found is None else c.Show(*found)


def _closing(action: CampaignAction) -> Callable[[Action], c.Command | None]:
    def build(a: Action) -> c.Command | None:
        number = _number(a.ref, refs.Kind.CAMPAIGN)
        return None if number is None else c.ChangeStatus(number, action, confirmed=True)
    return build


def _keep(a: Action) -> c.Command | None:
    number = _number(a.ref, refs.Kind.CAMPAIGN)
    return None if number is None else c.Show(refs.Kind.CAMPAIGN, number)


@dataclass(frozen=True, slots=True)
class Spec:
    build: Callable[[Action], c.Command | None]
    typed: str  # what a console user types for the same thing; `{ref}` is the entity
    asks: Asks = Asks.NOTHING  # what the surface asks for first (a Slack modal, a Feishu card form)
    replaces: bool = True  # the answer takes the clicked card's place (its state changed)


# The action table: one line per button. A new button for an existing command is one line here and one in a presenter.
ACTIONS: dict[ActionId, Spec] = {
    ActionId.APPROVE: Spec(_approve, "approve {ref}"),
    ActionId.REJECT: Spec(_reject, "reject {ref} <reason>", Asks.REASON),
    ActionId.TASK_START: Spec(_task(TaskMove.START), "task start {ref}"),
    ActionId.TASK_DONE: Spec(_task(TaskMove.DONE), "task done {ref}"),
    ActionId.TASK_REOPEN: Spec(_task(TaskMove.REOPEN), "task reopen {ref}"),  # the dashboard's kanban
    ActionId.TASK_BLOCK: Spec(_block, "task block {ref} <reason>", Asks.REASON),  # the dashboard's kanban
    ActionId.ACK: Spec(_ack, "ack {ref}"),
    ActionId.SNOOZE: Spec(_snooze, "snooze {ref} 24h"),
    ActionId.SHOW: Spec(_show, "show {ref}", replaces=False),
    ActionId.RETURN: Spec(_return, "return {ref} <reason>", Asks.REASON),
    ActionId.DELEGATE: Spec(_delegate, "delegate {ref} @user", Asks.PERSON),
    ActionId.CONFIRM_COMPLETE: Spec(_closing(CampaignAction.COMPLETE), "complete {ref} confirm"),
    ActionId.CONFIRM_CANCEL: Spec(_closing(CampaignAction.CANCEL), "cancel {ref} confirm"),
    ActionId.KEEP: Spec(_keep, "show {ref}"),  # nothing changes; the question gives way to the campaign's card
}


def turn_of(card: Mapping[str, Any]) -> str | None:
    """The "round.step" a stored card's decision buttons act on (hand-overs aside), or None without them."""
    for button in card.get("buttons") or ():
        found = _STAGE.match(str(button.get("stage", ""))) if isinstance(button, Mapping) else None
        if found:
            return f"{found[1]}.{found[2]}"
    return None


def command_for(action: Action) -> c.Command | None:
    """The domain command an action stands for; None when its ref does not name what the action acts on, or a
    reason it needs is missing."""
    return ACTIONS[action.id].build(action)


def typed(action: Action) -> str:
    return ACTIONS[action.id].typed.format(ref=action.ref)


def asks(action_id: ActionId) -> Asks:
    return ACTIONS[action_id].asks


def needs_reason(action_id: ActionId) -> bool:
    return ACTIONS[action_id].asks is Asks.REASON


def needs_person(action_id: ActionId) -> bool:
    return ACTIONS[action_id].asks is Asks.PERSON


def replaces(action_id: ActionId) -> bool:
    return ACTIONS[action_id].replaces
