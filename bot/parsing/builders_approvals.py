"""Builders for budget requests and the approval desk: request (with attachments), approve (adding a signer),
reject, return, revise, delegate, copy in, urge, and the out-of-office part of `settings`."""

from __future__ import annotations

from bot.parsing import values
from bot.parsing.args import Args
from bot.parsing.errors import ParseError
from domain import commands as c
from domain.attachments import Attachment, link
from domain.errors import InvalidInput
from domain.people import Away
from domain.refs import Kind

OFF = frozenset({"none", "off", "no", "无", "关", "关闭", "取消"})


def _person(raw: str, what: str) -> str:
    user = values.mention(raw.strip())
    if user is None:
        raise ParseError("bad_mention", value=raw, key=what)
    return user


def _attachments(a: Args) -> tuple[Attachment, ...]:
    raw = a.options.get("attach")
    if raw is None:
        return ()
    try:
        return (link(raw),)
    except InvalidInput as exc:
        raise ParseError("bad_attachment", value=raw[:80], key="attach") from exc


def budget_request(a: Args) -> c.Command:
    number = a.ref(Kind.CAMPAIGN, "campaign")
    money = a.amount()
    reason = a.rest()
    if not reason:
        raise ParseError("missing_reason")
    return c.RequestBudget(number, money, reason, _attachments(a))


def approve(a: Args) -> c.Command:
    """`approve A-1 [comment] [add=@user]`."""
    number = a.ref(Kind.APPROVAL, "request")
    add = a.opt("add", lambda raw: _person(raw, "add"))
    return c.Approve(number, a.rest(), add)


def approve_add(a: Args) -> c.Command:
    """`approve add A-1 @user [comment]` (批准 加签): the same with the signer as a word of its own."""
    number = a.ref(Kind.APPROVAL, "request")
    user = a.mention("signer")
    return c.Approve(number, a.rest(), user)


def reject(a: Args) -> c.Command:
    number = a.ref(Kind.APPROVAL, "request")
    reason = a.rest()
    if not reason:
        raise ParseError("missing_reason")
    return c.Reject(number, reason)


def return_(a: Args) -> c.Command:
    number = a.ref(Kind.APPROVAL, "request")
    reason = a.rest()
    if not reason:
        raise ParseError("missing_reason")
    return c.ReturnRequest(number, reason)


def revise(a: Args) -> c.Command:
    """`budget revise A-1 [amount=] [reason=] [attach=]`; a reason may also follow as words."""
    number = a.ref(Kind.APPROVAL, "request")
    words = a.rest()
    if words and "reason" in a.options:
        raise ParseError("duplicate_option", key="reason")
    amount = a.opt("amount", lambda raw: values.amount(raw, a.now.currency))
    reason = (a.options.get("reason") or words).strip() or None
    return c.ReviseRequest(number, amount, reason, _attachments(a))


def withdraw(a: Args) -> c.Command:
    number = a.ref(Kind.APPROVAL, "request")
    a.done()
    return c.Withdraw(number)


def delegate(a: Args) -> c.Command:
    number = a.ref(Kind.APPROVAL, "request")
    user = a.mention("delegate")
    a.done()
    return c.DelegateStep(number, user)


def cc(a: Args) -> c.Command:
    number = a.ref(Kind.APPROVAL, "request")
    people = tuple(dict.fromkeys(a.take_mentions()))
    if not people:
        raise ParseError("missing_people")
    a.done()
    return c.CopyRequest(number, people)


def urge(a: Args) -> c.Command:
    number = a.ref(Kind.APPROVAL, "request")
    a.done()
    return c.UrgeRequest(number)


def away(a: Args) -> tuple[Away | None, bool]:
    """The out-of-office options of `settings`: (who covers me until when, or none; whether to end the cover)."""
    raw = a.options.get("delegate")
    if raw is None:
        if "until" in a.options:
            raise ParseError("missing_option", key="delegate")
        return None, False
    if raw.strip().lower() in OFF:
        return None, True
    user = _person(raw, "delegate")
    until = a.opt_day("until")
    if until is None:
        raise ParseError("missing_until")
    return Away(user, until), False
