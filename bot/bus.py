"""The message bus: one command in, one reply out. Resolves the actor, parses, runs the handler inside a
unit of work, runs the reactions to the events it recorded, commits, and turns every error into a message for the
user (never a traceback). At the end, the two tables that say where everything goes: each command to its handler
(by who sends it), each domain event to the reactions that tell people of it."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast
from zoneinfo import ZoneInfo

from bot import logs
from bot.cards import Reply
from bot.context import Context, Principal
from bot.env import Deps, Env, Txn
from bot.handlers import (
    admin,
    anomalies,
    approval_desk,
    approvals,
    budget,
    campaigns,
    dashboard,
    deadlines,
    digest,
    editing,
    experiments,
    goals,
    installs,
    metrics,
    reminders,
    retro,
    tasks,
    tokens,
    undo,
    views,
)
from bot.identity import WorkspaceCache, locale_lang, resolve
from bot.observe import NO_RECORDER, Recorder
from bot.parsing import ParseError, parse
from bot.parsing.grammar import TABLE as GRAMMAR
from bot.parsing.values import Now
from bot.ports import StorageUnavailable
from bot.presenters.errors import domain_error, internal_error, parse_error
from bot.reactions import anomalies as anomaly_alerts
from bot.reactions import approval_desk as desk_alerts
from bot.reactions import budget as budget_alerts
from bot.reactions import corrections
from bot.reactions import digest as digest_alerts
from bot.reactions import experiments as experiment_alerts
from bot.reactions import goals as goal_alerts
from bot.reactions import retro as retro_alerts
from bot.reactions import tasks as task_alerts
from domain import commands as c
from domain import events as e
from domain.commands import Command, ServiceCommand, SystemCommand
from domain.errors import ConcurrencyConflict, InvalidInput, MemsError
from domain.people import Platform
from domain.ports import Clock, UnitOfWork
from domain.text import unstorable_field

log = logging.getLogger(__name__)
R = TypeVar("R")
Handler = Callable[[Any, Env], Reply]
ServiceHandler = Callable[[Any, Txn, Principal], Any]
SystemHandler = Callable[[Any, Txn], None]
Reaction = Callable[[Any, Txn], None]


@dataclass(frozen=True)
class ScanResult:
    """What a scan did: how many outbox rows it wrote, or why it gave up."""

    name: str
    written: int = 0
    error: str | None = None


@dataclass
class Reader:
    """Whom an answer is for: the language and time zone to write it in."""

    lang: str
    tz: ZoneInfo
    verb: str = "unparsed"  # the command's type name once parsed (a metric's label)


def _why(exc: Exception) -> str:
    return "raced another writer" if isinstance(exc, ConcurrencyConflict) else f"the database failed ({exc})"


ID_LIMITS = {"workspace": 255, "user": 128, "channel": 128}  # the columns a workspace, person and channel are kept in


def _known(ctx: Context) -> None:
    """Who and where, as the platform named them: text that fits the columns they are kept in, or a user error."""
    _storable(ctx)
    for field, limit in ID_LIMITS.items():
        if len(getattr(ctx, field) or "") > limit:
            raise InvalidInput(field, "too_long", limit=limit)


def _storable(value: Context | Command) -> None:
    """Text the database cannot store (a NUL, a lone surrogate), in a command from any surface, is the user's error,
    naming the field, before anything is written; else PostgreSQL or the encoder fails and the user hears "something
    went wrong"."""
    field = unstorable_field(value)
    if field is not None:
        raise InvalidInput(field, "unstorable")


class Bus:
    def __init__(self, uow_factory: Callable[[], UnitOfWork], clock: Clock, deps: Deps,
                 after_commit: Callable[[], None] | None = None,
                 before_commit: Callable[[UnitOfWork, Context], bool] | None = None,
                 recorder: Recorder = NO_RECORDER) -> None:
        self.uow_factory = uow_factory
        self.recorder = recorder
        self.clock = clock
        self.deps = deps
        self.after_commit = after_commit or (lambda: None)
        # In the command's own transaction: the inbox marks the request done, so it never runs twice (True: it did)
        self.before_commit = before_commit or (lambda uow, ctx: False)
        # After that transaction committed: the request is done, nothing need mark it again (the inbox's)
        self.finished: Callable[[str], None] = lambda request: None
        self.workspaces: WorkspaceCache = {}

    def execute(self, ctx: Context, text: str) -> Reply:
        """Parse and run one line of the command language."""
        return self._run(ctx, lambda env: self._parse(text, env))

    def handle(self, ctx: Context, command: Command) -> Reply:
        """Run an already-typed command (REST API, scheduler, buttons)."""
        return self._run(ctx, lambda env: command)

    def at_once(self, platform: Platform, text: str, lang: str) -> Reply | None:
        """The answer to `text` when it is static (`help`, `templates`: rendered once per language, the same for
        everyone), else None: what a platform's acknowledgement can carry itself, with no one resolved and nothing
        read, stored or sent. Anything else (another command, a mistake) goes through the bus as usual."""
        words = text.split(maxsplit=1)
        if words and words[0].lower() not in STATIC_VERBS:
            return None
        started = time.perf_counter()
        try:
            command = parse(text)
        except ParseError:
            return None
        reply = admin.static(command, lang, self.deps.templates)
        if reply is not None:
            self.recorder.command(platform.value, type(command).__name__, "ok", time.perf_counter() - started)
        return reply

    def lang_known(self, platform: Platform, workspace: str, user: str, locale: str | None,
                   chosen: str | None = None) -> str:
        """The language of a person as far as this process knows it without a statement: the one they chose
        (`settings lang=`, as `chosen_lang` read it lately), else their platform's locale (`zh-CN`), else their
        workspace's language once read, else the platform's setting."""
        if chosen:
            return chosen
        hinted = locale_lang(locale)
        if hinted:
            return hinted
        known = self.workspaces.get((platform, workspace))
        return known.lang if known is not None else self.deps.settings.lang_for(platform)

    def chosen_lang(self, platform: Platform, workspace: str, user: str) -> str | None:
        """The language a person chose (or their locale gave when MEMS first met them), None when they have none
        of their own or are not known yet; read for an answer made without a command (never fails)."""
        try:
            with self.uow_factory() as uow:
                found = uow.workspaces.by_key(platform, workspace)
                member = uow.members.get(found.pk, user) if found is not None else None
                return member.lang if member is not None else None
        except Exception as exc:  # the database may be what is overloaded: the locale will do meanwhile
            log.info("the language of %s could not be read (%s)", user, type(exc).__name__)
            return None

    def lang_of(self, ctx: Context) -> str:
        """The language `ctx`'s person reads (theirs, else their workspace's, else the platform's), read without
        resolving or creating anyone: for an answer that runs no command (a busy note). Never fails."""
        fallback = self.deps.settings.lang_for(ctx.platform)
        try:
            with self.uow_factory() as uow:
                workspace = uow.workspaces.by_key(ctx.platform, ctx.workspace)
                if workspace is None:
                    return fallback
                member = uow.members.get(workspace.pk, ctx.user)
                return member.lang_in(workspace) if member is not None else workspace.lang
        except Exception as exc:  # the database may be what is overloaded
            log.info("the language of %s could not be read (%s)", ctx.user, type(exc).__name__)
            return fallback

    def handle_as(self, who: Principal, command: ServiceCommand[R]) -> R:
        """Run a command for a principal that is not a chat member (a REST API token, the CSV import) as one unit
        of work with its reactions, run again once on fresh data if it raced another writer. Its answer is the
        handler's (per-row errors, not a card); any other failure reaches the caller."""
        handler = SERVICE_HANDLERS[type(command)]
        started, outcome = time.perf_counter(), "error"
        try:
            with logs.bound(logs.current()):
                answer = self._service(who, command, handler)
            outcome = "ok"
            return answer
        finally:
            self.recorder.command("api", type(command).__name__, outcome, time.perf_counter() - started)

    def _service(self, who: Principal, command: ServiceCommand[R], handler: ServiceHandler) -> R:
        for attempt in (1, 2):
            try:
                with self.uow_factory() as uow:
                    txn = Txn(uow, self.clock.now(), self.deps)
                    answer = handler(command, txn, who)
                    settle(txn)
                    uow.commit()
            except (ConcurrencyConflict, StorageUnavailable) as exc:
                if attempt == 2:
                    raise
                log.info("%s for %s: %s; running it again", type(command).__name__, who.name, _why(exc))
                continue
            self.after_commit()
            return cast(R, answer)
        raise AssertionError("unreachable")  # pragma: no cover

    def run_system(self, command: SystemCommand, attempts: int = 3) -> ScanResult:
        """Run a scan without a user, as one unit of work. A scan racing another (a second scheduler, a user
        creating the same member) is run again on fresh data; the natural keys make that safe. Never raises."""
        started = time.perf_counter()
        with logs.bound(logs.current()):  # a scan is a request of its own: its alerts carry its id
            result = self._scan(command, attempts)
        self.recorder.scan(result.name, "error" if result.error else "ok", time.perf_counter() - started)
        return result

    def _scan(self, command: SystemCommand, attempts: int) -> ScanResult:
        name = type(command).__name__
        for attempt in range(1, attempts + 1):
            try:
                with self.uow_factory() as uow:
                    txn = Txn(uow, command.at, self.deps)
                    SYSTEM_HANDLERS[type(command)](command, txn)
                    settle(txn)
                    uow.commit()
            except Exception as exc:
                if attempt < attempts:
                    log.info("scan %s: attempt %d failed (%s); running it again", name, attempt, type(exc).__name__)
                    continue
                ref = uuid.uuid4().hex[:8]
                log.exception("scan %s failed (ref %s)", name, ref)
                return ScanResult(name, error=f"{type(exc).__name__} (ref {ref})")
            self.after_commit()
            return ScanResult(name, txn.written)
        raise AssertionError("unreachable")  # pragma: no cover

    @staticmethod
    def _parse(text: str, env: Env) -> Command:
        workspace = env.actor.workspace
        return parse(text, Now(env.now, workspace.tz, workspace.currency))

    def _run(self, ctx: Context, make: Callable[[Env], Command]) -> Reply:
        started = time.perf_counter()
        reader = Reader(self.deps.settings.lang_for(ctx.platform), ZoneInfo(self.deps.settings.timezone))
        with logs.bound(logs.current()):  # the request's id (a console command's own): its lines and outbox rows
            reply = self._tries(ctx, make, reader)
            seconds, outcome = time.perf_counter() - started, "error" if reply.is_error else "ok"
            log.info("%s on %s:%s: %s in %.1f ms", reader.verb, ctx.platform.value, ctx.workspace, outcome,
                     seconds * 1000)
        self.recorder.command(ctx.platform.value, reader.verb, outcome, seconds)
        return reply

    def _tries(self, ctx: Context, make: Callable[[Env], Command], reader: Reader) -> Reply:
        for attempt in (1, 2):
            try:
                reply = self._attempt(ctx, make, reader)
            except ConcurrencyConflict as exc:
                if attempt == 2:
                    return domain_error(exc, reader.lang, reader.tz)
                continue  # a fresh unit of work sees the winner's change and answers accordingly
            except StorageUnavailable as exc:
                if attempt == 1:  # rolled back whole: run it once more, as after a conflict
                    log.info("command on %s:%s: %s; running it again", ctx.platform.value, ctx.workspace, _why(exc))
                    continue
                ref = uuid.uuid4().hex[:8]
                log.exception("command failed twice on the database (ref %s) on %s:%s", ref, ctx.platform.value,
                              ctx.workspace)
                return internal_error(ref, reader.lang)
            except ParseError as exc:
                return self._explain(reader, parse_error, exc, reader.lang)
            except MemsError as exc:
                return self._explain(reader, domain_error, exc, reader.lang, reader.tz)
            except Exception:
                ref = uuid.uuid4().hex[:8]
                log.exception("command failed (ref %s) on %s:%s", ref, ctx.platform.value, ctx.workspace)
                return internal_error(ref, reader.lang)
            self.after_commit()
            return reply
        raise AssertionError("unreachable")  # pragma: no cover

    @staticmethod
    def _explain(reader: Reader, present: Callable[..., Reply], *args: Any) -> Reply:
        """Words for a user's mistake; should even that fail, a reference rather than a traceback."""
        try:
            return present(*args)
        except Exception:
            ref = uuid.uuid4().hex[:8]
            log.exception("could not explain an error (ref %s)", ref)
            return internal_error(ref, reader.lang)

    def _attempt(self, ctx: Context, make: Callable[[Env], Command], reader: Reader) -> Reply:
        _known(ctx)  # an id with a NUL, or longer than its column, is nobody
        with self.uow_factory() as uow:
            txn = Txn(uow, self.clock.now(), self.deps)
            actor = resolve(uow, ctx, self.deps.settings, txn.now, self.workspaces)
            txn.knows(actor.workspace)
            reader.lang, reader.tz = actor.lang, actor.tz
            env = Env(txn, actor)
            command = make(env)
            reader.verb = type(command).__name__
            _storable(command)
            handler: Handler = HANDLERS[type(command)]
            reply = handler(command, env)
            settle(txn)
            marked = self.before_commit(uow, ctx)
            uow.commit()
        if marked and ctx.request is not None:
            self.finished(ctx.request)
        return reply

# The verbs whose answers are static (admin.static): only a line starting with one of them is parsed for at_once.
STATIC_VERBS = frozenset(word for spec in GRAMMAR if spec.name in ("help", "templates")
                         for word in (spec.name, *spec.aliases))

# Where each command goes: a handler loads, asks the domain, saves, audits and records what happened.
# One entry per command, in three tables by who sends it: a chat member, a principal that is not one, or the scheduler.
HANDLERS: dict[type[c.Command], Handler] = {
    c.Help: admin.help_,
    c.NewCampaign: campaigns.new,
    c.ListCampaigns: campaigns.list_,
    c.Show: views.show,
    c.ChangeStatus: campaigns.change_status,
    c.MoveCampaign: campaigns.move,
    c.AddTask: tasks.add,
    c.AssignTask: tasks.assign,
    c.MoveTask: tasks.move,
    c.BlockTask: tasks.block,
    c.SetTaskDue: tasks.due,
    c.ListTasks: tasks.list_,
    c.Board: tasks.board,
    c.Timeline: tasks.timeline,
    c.RequestBudget: approvals.request,
    c.RecordSpend: budget.spend,
    c.ShowBudget: budget.show,
    c.ListApprovals: approvals.list_,
    c.Approve: approvals.approve,
    c.Reject: approvals.reject,
    c.Withdraw: approvals.withdraw,
    c.RecordMetrics: metrics.record,
    c.Report: metrics.report,
    c.ListTemplates: admin.templates,
    c.Subscribe: admin.subscribe,
    c.Unsubscribe: admin.unsubscribe,
    c.ChangeRole: admin.change_role,
    c.ListRoles: admin.roles,
    c.UpdateSettings: admin.settings,
    c.Acknowledge: anomalies.ack,
    c.SnoozeAlerts: anomalies.snooze,
    c.CreateToken: tokens.create,
    c.RevokeToken: tokens.revoke,
    c.ListTokens: tokens.list_,
    # The portfolio and the web dashboard.
    c.Overview: dashboard.overview,
    c.OpenDashboard: dashboard.open_dashboard,
    # the approval desk
    c.ReturnRequest: approvals.return_,
    c.ReviseRequest: approval_desk.revise,
    c.DelegateStep: approval_desk.delegate,
    c.CopyRequest: approval_desk.cc,
    c.UrgeRequest: approval_desk.urge,
    # changing things after the fact
    c.EditCampaign: editing.edit,
    c.EditTask: editing.task_edit,
    c.DeleteTask: editing.task_delete,
    c.Undo: undo.undo,
    # goals, A/B tests and retrospectives
    c.SetGoal: goals.set_goal,
    c.LinkGoal: goals.link,
    c.ShowGoal: goals.show,
    c.ListGoals: goals.list_,
    c.NewTest: experiments.new,
    c.ShowTest: experiments.show,
    c.StopTest: experiments.stop,
    c.ShowRetro: retro.show,
    c.AddRetroNote: retro.note,
    c.RecordInstall: installs.record,  # Slack OAuth, Feishu store apps
}

# For a principal that is not a chat member (bus.handle_as): the REST API's tokens, the CSV import.
SERVICE_HANDLERS: dict[type[c.Command], ServiceHandler] = {
    c.IngestMetrics: metrics.ingest,
}

# Scans the scheduler sends (bus.run_system): no user, one unit of work each.
SYSTEM_HANDLERS: dict[type[c.SystemCommand], SystemHandler] = {
    c.ScanDeadlines: deadlines.scan,
    c.ScanApprovals: reminders.scan,
    c.SendDigests: digest.scan,
    c.ScanBudgets: budget.scan,
    c.ScanAnomalies: anomalies.scan,
    c.ScanGoals: goals.scan,  # goal.off_track, weekly (issue 13)
}

# Who is told of what: each domain event to its reactions, run in order by the bus inside the transaction that
# recorded the event (so every outbox row commits with the change that caused it). A reaction may record further
# events (new metrics → an anomaly found → the alert posted); those run in turn, before the commit. A new alert kind
# is one event (domain/events.py), one line here and one reaction that posts it (bot/outbox.post).
REACTIONS: dict[type[e.Event], tuple[Reaction, ...]] = {
    e.ApprovalRequested: (approvals.ask_approvers, approvals.post_summary),
    e.ApprovalDecided: (approvals.show_outcome, approvals.tell_requester, approvals.ask_approvers),
    e.ApprovalWithdrawn: (approvals.show_outcome,),
    e.ApprovalOverdue: (approvals.remind_approvers,),
    e.ApprovalRevised: (approvals.show_outcome, approvals.ask_approvers),
    e.StepDelegated: (approvals.show_outcome, approvals.ask_approvers),
    e.ApprovalCopied: (approvals.show_outcome, desk_alerts.send_copies),
    e.ApprovalUrged: (approvals.show_outcome, desk_alerts.urge_approvers),
    e.AwayDelegated: (desk_alerts.tell_delegate,),
    e.AwayEnded: (desk_alerts.tell_former_delegate,),
    e.CampaignMoved: (task_alerts.tell_redated, corrections.retract_moved),
    e.TaskRedated: (corrections.retract_redated,),
    e.CampaignClosed: (corrections.retract_closed,),
    e.TaskDeleted: (corrections.retract_deleted,),
    e.TaskAssigned: (task_alerts.tell_assignee,),
    e.TaskMoved: (),
    e.TaskDueSoon: (task_alerts.warn_assignee,),
    e.TaskOverdue: (task_alerts.post_overdue,),
    e.TaskEscalated: (task_alerts.escalate,),
    e.SpendRecorded: (budget_alerts.check_budget,),
    e.MetricsRecorded: (anomaly_alerts.judge_days, budget_alerts.check_budget),
    e.BudgetThresholdReached: (budget_alerts.post_threshold,),
    e.AnomalyFound: (anomaly_alerts.post_alert,),
    e.AnomalyAcknowledged: (anomaly_alerts.show_acknowledged,),
    e.AnomalyAlertsSnoozed: (anomaly_alerts.show_snoozed,),
    e.DigestDue: (digest_alerts.send_digest,),
    e.TestDecided: (experiment_alerts.announce,),
    e.CampaignCompleted: (retro_alerts.post_retro,),
    e.GoalOffTrack: (goal_alerts.tell_owner,),
}


def settle(txn: Txn) -> None:
    """Run the reactions to every event recorded so far, and to the events they record, oldest first."""
    while txn.events:
        event = txn.events.popleft()
        for react in REACTIONS[type(event)]:
            react(event, txn)
