"""Turn the words after a verb into a typed command; one small function per command."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

from bot.parsing import builders_approvals as approval_builders
from bot.parsing import values
from bot.parsing.args import Args
from bot.parsing.errors import ParseError
from domain import commands as c
from domain.campaign import KPI_METRICS, Action
from domain.money import Money
from domain.notifications import FAMILIES
from domain.people import LANGS, Role
from domain.refs import Kind
from domain.task import TaskMove

CAMPAIGN, TASK, APPROVAL = Kind.CAMPAIGN, Kind.TASK, Kind.APPROVAL
LIST_SCOPES = {"mine": "mine", "active": "active", "all": "all", "我的": "mine", "进行中": "active", "全部": "all"}
TASK_SCOPES = {"mine": "mine", "overdue": "overdue", "我的": "mine", "逾期": "overdue"}
APPROVAL_SCOPES = {"mine": "mine", "pending": "pending", "all": "all",
                   "我的": "mine", "待审批": "pending", "待办": "pending", "全部": "all"}
ROLES = {"admin": Role.ADMIN, "manager": Role.MANAGER, "finance": Role.FINANCE,
         "管理员": Role.ADMIN, "经理": Role.MANAGER, "财务": Role.FINANCE}
ALL = {"all": True, "全部": True}
Builder = Callable[[Args], c.Command]


def help_(a: Args) -> c.Command:
    topic = a.rest()
    return c.Help(topic or None)


def _owner(raw: str) -> str:
    user = values.mention(raw)
    if user is None:
        raise ParseError("bad_mention", value=raw)
    return user


def _kpis(a: Args) -> dict[str, Decimal]:
    kpis: dict[str, Decimal] = {}
    for metric, raw in a.prefixed("kpi.").items():
        if metric not in KPI_METRICS:
            raise ParseError("bad_kpi", metric=metric, allowed=", ".join(KPI_METRICS))
        if metric in ("cpc", "cpa"):
            money = values.amount(raw, a.now.currency)
            if money.currency != a.now.currency:  # the target is kept as a bare number in the workspace currency
                raise ParseError("wrong_currency", key=f"kpi.{metric}", expected=a.now.currency, got=money.currency)
            kpis[metric] = money.amount
        else:
            kpis[metric] = values.ratio(raw, percent_metric=metric in ("ctr", "cvr"))
    return kpis


owner_of = _owner
kpis_of = _kpis


def new(a: Args) -> c.Command:
    stray = a.take_mentions()
    if stray:
        raise ParseError("unexpected_mention", user=stray[0])
    name = a.rest()
    if not name:
        raise ParseError("missing_name")
    return c.NewCampaign(
        name=name, budget=a.opt("budget", lambda raw: values.amount(raw, a.now.currency)),
        start=a.opt_day("start"), end=a.opt_day("end"), launch=a.opt_day("launch"),
        template=a.opt("template", str.lower), owner=a.opt("owner", _owner), kpis=_kpis(a))


def list_(a: Args) -> c.Command:
    scope = a.word(LIST_SCOPES, "scope") or "active"
    a.done()
    return c.ListCampaigns(scope)


def show(a: Args) -> c.Command:
    token = a.peek()
    for kind in (CAMPAIGN, TASK, APPROVAL):
        number = a.optional_ref(kind)
        if number is not None:
            a.done()
            return c.Show(kind, number)
    goal, test = a.optional_ref(Kind.GOAL), a.optional_ref(Kind.EXPERIMENT)  # `show G-1`, a bare `X-1` (issue 13)
    if goal is not None or test is not None:
        a.done()
        return c.ShowGoal(goal) if goal is not None else c.ShowTest(test or 0)
    raise ParseError("expected_id", what="campaign, task or request", kind="C", got=token.text if token else "")


def lifecycle(action: Action) -> Builder:
    def build(a: Args) -> c.Command:
        number = a.ref(CAMPAIGN, "campaign")
        a.done()
        return c.ChangeStatus(number, action)
    return build


def move(a: Args) -> c.Command:
    """`launch=` or `start=` with a date, or a shift (`+7d`, `-1w`) from the campaign's current date; `by=` a shift."""
    number = a.ref(CAMPAIGN, "campaign")
    a.done()
    given = [key for key in ("launch", "start", "by") if key in a.options]
    if len(given) != 1:
        raise ParseError("missing_option" if not given else "move_one_key", key="launch")
    key = given[0]
    raw = a.options[key]
    days = values.shift(raw)
    if days is not None:
        return c.MoveCampaign(number, days=days, key=key)
    if key == "by":
        raise ParseError("bad_shift", value=raw)
    return c.MoveCampaign(number, launch=a.opt_day(key), key=key)


def task_add(a: Args) -> c.Command:
    number = a.ref(CAMPAIGN, "campaign")
    users = a.take_mentions()
    if len(users) > 1:
        raise ParseError("too_many_mentions", what="assignee")
    title = a.rest()
    if not title:
        raise ParseError("missing_title")
    return c.AddTask(number, title, users[0] if users else None, a.opt_moment("due"))


def task_assign(a: Args) -> c.Command:
    number = a.ref(TASK, "task")
    user = a.mention("assignee")
    a.done()
    return c.AssignTask(number, user)


def task_move(move: TaskMove) -> Builder:
    def build(a: Args) -> c.Command:
        number = a.ref(TASK, "task")
        a.done()
        return c.MoveTask(number, move)
    return build


def task_block(a: Args) -> c.Command:
    number = a.ref(TASK, "task")
    reason = a.rest()
    if not reason:
        raise ParseError("missing_reason")
    return c.BlockTask(number, reason)


def task_due(a: Args) -> c.Command:
    number = a.ref(TASK, "task")
    raw = a.rest() or a.options.get("due", "")
    if not raw:
        raise ParseError("missing_date")
    return c.SetTaskDue(number, values.moment(raw, a.now))


def tasks(a: Args) -> c.Command:
    number = a.optional_ref(CAMPAIGN)
    if number is not None:
        a.done()
        return c.ListTasks("campaign", number)
    scope = a.word(TASK_SCOPES, "scope") or "mine"
    a.done()
    return c.ListTasks(scope)


def board(a: Args) -> c.Command:
    number = a.ref(CAMPAIGN, "campaign")
    a.done()
    return c.Board(number)


def timeline(a: Args) -> c.Command:
    number = a.ref(CAMPAIGN, "campaign")
    a.done()
    return c.Timeline(number)


def budget_spend(a: Args) -> c.Command:
    """`budget spend C-1 3200 venue`; `budget spend C-1 -500 "wrong invoice"` is a correction, its reason required."""
    number = a.ref(CAMPAIGN, "campaign")
    token = a.peek()
    negative = token is not None and not token.quoted and token.text.startswith("-") and len(token.text) > 1
    if negative and token is not None:
        a.positional[0] = replace(token, text=token.text[1:])
    money = a.amount()
    note = a.rest()
    if negative and not note:
        raise ParseError("missing_reason")
    return c.RecordSpend(number, Money(-money.amount, money.currency) if negative else money, note)


def budget(a: Args) -> c.Command:
    number = a.ref(CAMPAIGN, "campaign")
    a.done()
    return c.ShowBudget(number)


def approvals(a: Args) -> c.Command:
    scope = a.word(APPROVAL_SCOPES, "scope") or "mine"
    a.done()
    return c.ListApprovals(scope)


def metrics(a: Args) -> c.Command:
    number = a.ref(CAMPAIGN, "campaign")
    a.done()
    figures: dict[str, Decimal | int] = {}
    for key in ("spend", "revenue"):
        money = a.opt(key, lambda raw: values.amount(raw, a.now.currency, allow_zero=True))
        if money is not None:
            if money.currency != a.now.currency:
                raise ParseError("wrong_currency", key=key, expected=a.now.currency, got=money.currency)
            figures[key] = money.amount
    for key in ("impressions", "clicks", "conversions"):
        value = a.opt(key, values.count)
        if value is not None:
            figures[key] = value
    if not figures:
        raise ParseError("missing_figures")
    channel = (a.options.get("channel") or "").strip()
    variant = (a.options.get("variant") or "").strip()  # an A/B test's variant (issue 13)
    return c.RecordMetrics(number, figures, a.opt_day("date"), channel, variant)


def report(a: Args) -> c.Command:
    number = a.ref(CAMPAIGN, "campaign")
    a.done()
    return c.Report(number)


def templates(a: Args) -> c.Command:
    a.done()
    return c.ListTemplates()


def _scope(a: Args) -> int | None:
    number = a.optional_ref(CAMPAIGN)
    if number is None:
        a.word(ALL, "scope")
    a.done()
    return number


def _families(raw: str) -> frozenset[str]:
    chosen = frozenset(part.strip().lower() for part in raw.replace("，", ",").split(",") if part.strip())
    unknown = chosen - set(FAMILIES)
    if unknown or not chosen:
        raise ParseError("bad_alerts", value=raw, allowed=",".join(FAMILIES))
    return chosen


def subscribe(a: Args) -> c.Command:
    number = _scope(a)
    return c.Subscribe(number, a.opt("alerts", _families) or frozenset(FAMILIES))


def unsubscribe(a: Args) -> c.Command:
    return c.Unsubscribe(_scope(a))


def role(grant: bool) -> Builder:
    def build(a: Args) -> c.Command:
        user = a.mention("user")
        role = a.word(ROLES, "role")
        if role is None:
            raise ParseError("bad_role", value=a.rest(), allowed="admin, manager, finance")
        a.done()
        return c.ChangeRole(grant, user, role)
    return build


def roles(a: Args) -> c.Command:
    a.done()
    return c.ListRoles()


def _lang(raw: str) -> str:
    lang = {"中文": "zh", "英文": "en", "english": "en", "chinese": "zh"}.get(raw.lower(), raw.lower())
    if lang not in LANGS:
        raise ParseError("bad_lang", value=raw)
    return lang


def settings(a: Args) -> c.Command:
    a.done()
    quiet_raw = a.options.get("quiet")
    quiet = values.quiet(quiet_raw) if quiet_raw is not None else None
    away, away_off = approval_builders.away(a)
    return c.UpdateSettings(timezone=a.opt("tz", str.strip), lang=a.opt("lang", _lang), quiet=quiet,
                            quiet_off=quiet_raw is not None and quiet is None, away=away, away_off=away_off)
