"""POST /slack/events: one Request URL for slash commands, interactivity and events, and Socket Mode when
MEMS_SLACK_APP_TOKEN is set. Every request is verified first (verify.py), then bolt dispatches it to a listener
(class Listeners, below): ack at once → translate → the bus → answer (gateway.Answer). A slash command or a mention is
command text for the parser; a button click or a modal submission is a typed command (bot.actions, the forms)."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import re
import time
import urllib.parse
import uuid
from collections.abc import AsyncIterator
from typing import Any
from zoneinfo import ZoneInfo

from cachetools import TTLCache
from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from slack_bolt.adapter.fastapi.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from adapters.slack import errors, forms, oauth, render, translate, verify
from adapters.slack.gateway import Answer
from adapters.slack.runtime import SlackRuntime
from bot import actions
from bot.actions import Action, ActionId, Asks
from bot.cards import Card, Reply, Tone, text_card
from bot.context import Context
from bot.i18n import tr
from bot.inbox import Admission
from bot.parsing.values import Now
from bot.parts import ChatParts
from bot.ports import InboxItem
from bot.presenters.errors import internal_error
from domain.commands import Command
from domain.people import Platform

log = logging.getLogger(__name__)
DEDUPE_SECONDS = 2 * 3600  # Slack retries for about 5 minutes; people double-click within seconds
ACTIONS = re.compile(r"^(" + "|".join(a.value for a in ActionId) + r")(\.\d+)?$")
NEW_WORDS = frozenset({"new", "新建"})
SLACK = "slack"
CHOSEN_TTL = 60.0  # seconds a person's own language is believed by the acknowledgement before it is read again




def bolt_app(parts: ChatParts, slack: SlackRuntime, listeners: Listeners | None = None) -> AsyncApp:
    secret = slack.signing_secret
    lang = parts.settings.lang_for(slack.gateway.platform)
    # The route below verifies signature and age before bolt sees a request (bolt would log a bad body), so
    # bolt does not check the same HMAC a second time on every request.
    installs = oauth.settings_for(parts, slack)  # OAuth: many teams, each with its own token (oauth.py)
    app = AsyncApp(client=slack.client, signing_secret=secret, request_verification_enabled=False,
                   logger=logging.getLogger("slack_bolt"), oauth_settings=installs,
                   # bolt checks the token with auth.test before any listener runs; a dead token is told here
                   user_facing_authorize_error_message=tr(lang, "slack.hint.not_installed", reason="not_installed")
                   if installs else tr(lang, "slack.hint.auth", error="auth.test"))
    app.middleware(_skip_retries)
    if installs is not None:
        oauth.register(app, slack)
    (listeners or Listeners(parts, slack)).register(app)
    return app


async def _skip_retries(req: AsyncBoltRequest, resp: BoltResponse, next: Any) -> BoltResponse:
    """A retried command or click already acted on its first try: say so and stop the retries. A retried event goes
    on to its listener, which acts once per event_id: the retry may be the first delivery that reached MEMS (the
    first came while it restarted), and a dropped retry would lose an @MEMS mention."""
    if req.headers.get("x-slack-retry-num") and req.body.get("type") != "event_callback":
        return BoltResponse(status=200, body="", headers={"x-slack-no-retry": "1"})
    response: BoltResponse = await next()
    return response


def _refuse(status: int, error: str) -> JSONResponse:
    return JSONResponse({"error": error}, status_code=status)


def router(parts: ChatParts, slack: SlackRuntime) -> APIRouter:
    """The Slack endpoint and, with MEMS_SLACK_APP_TOKEN, Socket Mode (the composition root mounts it only when
    Slack is set up)."""
    listeners = Listeners(parts, slack)
    app = bolt_app(parts, slack, listeners)
    routes = APIRouter(lifespan=_lifespan(app, parts, slack))
    secret = slack.signing_secret
    if not secret:
        return routes
    signer = verify.Signer(secret)
    handler = AsyncSlackRequestHandler(app)
    if slack.tokens is not None:
        oauth.routes(routes, handler)

    @routes.post("/slack/events", include_in_schema=False)
    async def events(request: Request) -> Response:
        body = await request.body()
        if verify.ssl_check(request.headers, body):  # Slack probing the URL; bolt answers it 200, unsigned too
            return Response(status_code=200)
        problem = verify.refused(signer, request.headers, body)
        if problem is not None:
            return _refuse(*problem)
        static = listeners.at_once(request.headers.get("content-type", ""), body)
        if static is not None:  # help, templates: the answer is the acknowledgement, with no need of bolt
            return Response(static, media_type="application/json")
        try:
            response: Response = await handler.handle(request)
        except Exception as exc:  # bolt trips over some malformed (yet signed) payloads; never a 5xx for them
            log.warning("Slack request not understood (%s)", type(exc).__name__)
            return _refuse(400, "bad request")
        return response

    return routes


def _now() -> float:
    return time.monotonic()


SOCKET_LEASE = "slack-socket"
SOCKET_LEASE_EVERY = 10.0  # seconds between renewals of the Socket Mode lease (its TTL is 30 s)


def _lifespan(app: AsyncApp, parts: ChatParts, slack: SlackRuntime) -> Any:
    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        socket = asyncio.create_task(_socket_mode(app, slack.app_token, parts)) if slack.app_token else None
        try:
            yield
        finally:
            if socket is not None:
                socket.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await socket
            if not await parts.offload.idle(timeout=10.0):
                log.warning("Slack: %d answer(s) still running at shutdown", parts.offload.running)
            await slack.sessions.close()

    return lifespan


async def _socket_mode(app: AsyncApp, token: str, parts: ChatParts) -> None:
    """One Socket Mode connection per deployment: only the process that holds the lease dials Slack (the workers of
    `mems serve --workers N`, replicas); when it dies, another takes the lease over within its TTL and connects."""
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    class Timed(AsyncSocketModeHandler):
        """mems_ack_seconds over the socket: from the envelope's dispatch to its acknowledgement sent."""

        async def handle(self, client: Any, req: Any) -> None:
            started = time.perf_counter()
            await super().handle(client, req)
            parts.recorder.ack(SLACK, time.perf_counter() - started, "socket")

    lease = parts.lease(SOCKET_LEASE)
    handler: AsyncSocketModeHandler | None = None
    try:
        while True:
            held = await asyncio.to_thread(lease.hold)
            if held and handler is None:
                handler = Timed(app, token)
                try:
                    await handler.connect_async()  # type: ignore[no-untyped-call]
                    log.info("Slack Socket Mode connected (this process holds the Socket Mode lease)")
                except Exception as exc:  # Slack unreachable, a bad app token: try again at the next renewal
                    log.warning("Slack Socket Mode could not connect (%s); retrying", type(exc).__name__)
                    handler = None
            elif not held and handler is not None:
                await handler.close_async()  # type: ignore[no-untyped-call]
                handler = None
                log.info("Slack Socket Mode closed: another process holds the Socket Mode lease")
            await asyncio.sleep(SOCKET_LEASE_EVERY)
    finally:
        if handler is not None:
            await handler.close_async()  # type: ignore[no-untyped-call]
        await asyncio.to_thread(lease.release)


# -- the listeners ------------------------------------------------------------------------------------------
class Listeners:
    def __init__(self, parts: ChatParts, slack: SlackRuntime) -> None:
        self.parts = parts
        self.offload = parts.offload
        self.inbox = parts.inbox
        self.slack = slack
        self._rendered: dict[int, tuple[Card, dict[str, Any] | None, bytes]] = {}  # static answers, by card
        self._asking: dict[tuple[str, str], asyncio.Task[Any]] = {}  # users.info asked in the background
        # The language each person chose, read in the background beside users.info; kept a minute, so a change
        # made in a command worker reaches the acknowledgement's answers within that
        self._chosen: TTLCache[tuple[str, str], str | None] = TTLCache(50_000, CHOSEN_TTL, timer=lambda: _now())  # noqa: PLW0108 (a test moves time)

    def register(self, app: AsyncApp) -> None:
        app.command(self.slack.settings.slack_command)(self.command)
        app.action(ACTIONS)(self.click)
        app.view(forms.NEW)(self.new_form)
        app.view(forms.REASON)(self.reason_form)
        app.view(forms.PERSON)(self.person_form)
        app.event("app_mention")(self.mention)
        app.event("message")(self.direct_message)
        # What runs after the acknowledgement, from the inbox's queue (or in a live process, if this one dies)
        for kind, work in (("command", self._command), ("click", self._click), ("view", self._view),
                           ("mention", self._mention)):
            tokens = self.slack.tokens  # with OAuth: each item's work speaks with its own team's token
            self.inbox.register(SLACK, kind, tokens.serving(work) if tokens is not None else work)

    # -- the listeners: keep the request, acknowledge; a full queue says "busy" at once ------------------------

    async def command(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        async with self.offload.track():
            team, user, text = str(body.get("team_id")), str(body.get("user_id")), str(body.get("text") or "")
            if text.strip().lower() in NEW_WORDS:  # a modal to open within 3 s: no command work yet
                await ack()
                self._learn(team, user)
                origin = forms.Origin(body.get("channel_id"), body.get("response_url"))
                await self._open(body, forms.new_campaign(self._lang(team, user), self.templates(), origin))
                return
            # help, templates: answered in the acknowledgement, nothing kept or sent; once users.info told the
            # asker's language (a first contact goes the usual way, which asks it)
            known = self._known(team, user)
            message = self._static(text, self._lang(team, user)) if known else None
            if message is not None:
                await ack(message)
                return
            if not known:  # this request's answer is decided: learn their language for the next (busy or not)
                self._learn(team, user)
            key = f"slack:command:{team}:{body.get('trigger_id') or uuid.uuid4()}"
            if await self.inbox.admit(SLACK, "command", key, {"body": body}) is Admission.BUSY:
                await ack(tr(self._lang(team, user), "err.busy"))  # shown to the asker alone
                return
            await ack()

    async def click(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        async with self.offload.track():
            element = (body.get("actions") or [{}])[0]
            action = translate.action_of(element)
            team, user = translate.team_of(body), translate.user_of(body)
            asks = actions.asks(action.id) if action is not None else Asks.NOTHING
            if action is not None and asks is not Asks.NOTHING:  # a modal asks for the reason or the person first
                await ack()
                origin = forms.Origin(translate.action_channel(body), body.get("response_url"), action)
                title = f"{(element.get('text') or {}).get('text', '')} {action.ref}".strip()
                modal = forms.reason if asks is Asks.REASON else forms.person
                await self._open(body, modal(self._lang(team, user), title, origin))
                return
            key = f"slack:action:{team}:{body.get('trigger_id') or uuid.uuid4()}"
            admitted = await self.inbox.admit(SLACK, "click", key, {"body": body})
            await ack()
            if admitted is Admission.BUSY:
                await self._busy(body, body.get("response_url"))

    async def new_form(self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        await self._submitted(ack, body, view, "new")

    async def reason_form(self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        await self._submitted(ack, body, view, "reason")

    async def person_form(self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        await self._submitted(ack, body, view, "person")

    async def _submitted(self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], form: str) -> None:
        """A modal submission: errors keep it open on their fields; otherwise keep it, close it, run it later."""
        async with self.offload.track():
            problems, command = self._read(body, view, form)
            if problems or command is None:
                await ack(response_action="errors", errors=problems)
                return
            key = f"slack:view:{translate.team_of(body)}:{view.get('id') or uuid.uuid4()}"
            if await self.inbox.admit(SLACK, "view", key, {"body": body, "form": form}) is Admission.BUSY:
                field = next(iter((view.get("state") or {}).get("values") or {}), None)
                if field is not None:  # the form stays open with the note on its first field
                    await ack(response_action="errors", errors={field: self._busy_words(body)})
                    return
                await ack()
                await self._busy(body, forms.Origin.decode(view.get("private_metadata")).response_url)
                return
            await ack()

    async def mention(self, body: dict[str, Any], event: dict[str, Any], context: AsyncBoltContext) -> None:
        async with self.offload.track():  # events are acknowledged by bolt before this runs
            key = f"slack:event:{translate.team_of(body)}:{body.get('event_id') or uuid.uuid4()}"
            payload = {"body": body, "me": context.bot_user_id}  # bolt learnt who the bot is from auth.test
            if await self.inbox.admit(SLACK, "mention", key, payload) is Admission.BUSY:
                ctx = translate.event_context(body, await self.slack.users.get(translate.team_of(body),
                                                                              str(event.get("user", ""))))
                answer = dataclasses.replace(self._answer(ctx, None), thread=event.get("thread_ts") or event.get("ts"))
                await self._quietly(answer, Reply(text_card(tr(answer.lang, "err.busy"), Tone.WARNING)))

    async def direct_message(self, body: dict[str, Any], event: dict[str, Any], context: AsyncBoltContext) -> None:
        """A message in the bot's direct chat (message.im) is a command, as a mention is: not a bot's message (ours
        included), an edit, a deletion or any other subtype, nor a message in a channel."""
        if (event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id")
                or not event.get("user") or event.get("user") == context.bot_user_id):
            return
        await self.mention(body, event, context)

    # -- the work, from the inbox -------------------------------------------------------------------------------

    async def _command(self, item: InboxItem) -> None:
        body = item.payload["body"]
        team, user, text = str(body.get("team_id")), str(body.get("user_id")), str(body.get("text") or "")
        ctx = self._request(translate.command_context(body, await self.slack.users.get(team, user)), item)
        await self._run(ctx, text, self._answer(ctx, body.get("response_url")))

    async def _click(self, item: InboxItem) -> None:
        body = item.payload["body"]
        element = (body.get("actions") or [{}])[0]
        action = translate.action_of(element)
        team, user = translate.team_of(body), translate.user_of(body)
        ctx = self._request(translate.interaction_context(body, await self.slack.users.get(team, user)), item)
        answer = self._answer(ctx, body.get("response_url"))
        command = actions.command_for(action) if action is not None else None
        if action is None or command is None:
            await answer.private(text_card(tr(answer.lang, "slack.stale_button"), Tone.WARNING))
            return
        key = translate.click_key(body, element)
        # Taken over from a process that died: it may have seen this click and not run it; the inbox runs it once.
        if not await self._first(key) and not item.recovered:
            await self._already(ctx, action, answer)
        elif not await self._run(ctx, command, answer, replace=actions.replaces(action.id)):
            # It changed nothing (not allowed, wrong state...): the same button may be tried again.
            await self.offload.run(self.parts.deduper.forget, key)

    async def _view(self, item: InboxItem) -> None:
        body = item.payload["body"]
        view = body.get("view") or {}
        _, command = self._read(body, view, str(item.payload.get("form")))
        if command is None:
            return
        origin = forms.Origin.decode(view.get("private_metadata"))
        team, user = translate.team_of(body), translate.user_of(body)
        ctx = translate.interaction_context(body, await self.slack.users.get(team, user), origin.channel)
        ctx = self._request(ctx, item)
        await self._run(ctx, command, self._answer(ctx, origin.response_url), replace=item.payload["form"] != "new")

    async def _mention(self, item: InboxItem) -> None:
        body, me = item.payload["body"], item.payload.get("me")
        event = body.get("event") or {}
        text = str(event.get("text") or "")
        text = re.sub(rf"<@{re.escape(me)}(\|[^>]*)?>", " ", text) if me else text
        ctx = translate.event_context(body, await self.slack.users.get(translate.team_of(body),
                                                                      str(event.get("user", ""))))
        ctx = self._request(ctx, item)
        direct = event.get("channel_type") == "im"  # the bot's direct chat: answered there, not in a thread
        answer = dataclasses.replace(self._answer(ctx, None), direct=direct,
                                     thread=event.get("thread_ts") or (None if direct else event.get("ts")))
        await self._run(ctx, text, answer)

    # -- shared steps ----------------------------------------------------------------------------------------

    def _read(self, body: dict[str, Any], view: dict[str, Any], form: str) -> tuple[dict[str, str], Command | None]:
        """A submitted modal's problems by field, or its command (a reason or person completes the clicked one)."""
        lang = self._lang(translate.team_of(body), translate.user_of(body))
        state = view.get("state") or {}
        if form == "new":
            checked = forms.read_new(state, self._now(), self.templates(), lang)
            return checked.errors, checked.command
        read: forms.Reader = forms.read_reason if form == "reason" else forms.read_person
        found = read(state, forms.Origin.decode(view.get("private_metadata")), lang)
        if isinstance(found, forms.Submission):
            return found.errors, None
        return {}, found

    @staticmethod
    def _request(ctx: Context, item: InboxItem) -> Context:
        return dataclasses.replace(ctx, request=item.id)

    def _busy_words(self, body: dict[str, Any]) -> str:
        return tr(self._lang(translate.team_of(body), translate.user_of(body)), "err.busy")

    async def _busy(self, body: dict[str, Any], response_url: str | None) -> None:
        """The queue is full: the asker hears so at once, in their language, and may try again."""
        team, user = translate.team_of(body), translate.user_of(body)
        lang = self._lang(team, user)
        answer = Answer(self.slack.client, translate.action_channel(body) or body.get("channel_id"), user,
                        response_url, lang, sessions=self.slack.sessions, links=self.slack.links)
        await self._quietly(answer, Reply(text_card(tr(lang, "err.busy"), Tone.WARNING)))

    async def _run(self, ctx: Context, command: str | Command, answer: Answer, replace: bool = False) -> bool:
        """Run the command (text to parse, or typed) and answer; False when it was refused (and so changed nothing)."""
        try:
            if isinstance(command, str):
                reply = await self.offload.run(self.parts.bus.execute, ctx, command)
            else:
                reply = await self.offload.run(self.parts.bus.handle, ctx, command)
            await answer.reply(reply, replace=replace and not reply.is_error)
        except Exception:  # the bus never raises; this is Slack refusing the answer, or a bug here
            ref = uuid.uuid4().hex[:8]
            log.exception("Slack answer failed (ref %s) on %s", ref, ctx.workspace)
            await self._quietly(answer, internal_error(ref, answer.lang))
            return True
        return not reply.is_error

    async def _already(self, ctx: Context, action: Action, answer: Answer) -> None:
        """A repeated click acts never twice; it shows where things stand (who decided, when)."""
        notice = tr(answer.lang, "slack.already_handled")
        show = actions.command_for(Action(ActionId.SHOW, action.ref))
        shown = await self.offload.run(self.parts.bus.handle, ctx, show) if show else None
        if shown is None:
            await self._quietly(answer, Reply(text_card(notice, Tone.INFO)))
            return
        card = text_card(notice, Tone.INFO) if shown.is_error else dataclasses.replace(
            shown.card, footer=notice, buttons=())
        await self._quietly(answer, Reply(card))

    async def _quietly(self, answer: Answer, reply: Reply) -> None:
        try:
            await answer.reply(reply)
        except Exception as exc:
            log.warning("Slack answer could not be sent (%s)", type(exc).__name__)

    async def _open(self, body: dict[str, Any], view: dict[str, Any]) -> None:
        """A modal must open within 3 seconds of the click or command; if Slack refuses, the asker hears why."""
        try:
            await self.slack.client.views_open(trigger_id=str(body.get("trigger_id")), view=view)
        except Exception as exc:
            code = errors.code(exc)
            log.warning("Slack views.open failed (%s)", code)
            team, user = translate.team_of(body), translate.user_of(body)
            lang = self._lang(team, user)
            note = errors.hint(exc, lang) or tr(lang, "slack.modal_failed", error=code)
            answer = Answer(self.slack.client, translate.action_channel(body) or body.get("channel_id"), user,
                            body.get("response_url"), lang, sessions=self.slack.sessions, links=self.slack.links)
            await self._quietly(answer, Reply(text_card(note, Tone.WARNING)))

    async def _first(self, key: str) -> bool:
        found: bool = await self.offload.run(self.parts.deduper.first, key, DEDUPE_SECONDS)
        return found

    def _answer(self, ctx: Context, response_url: str | None) -> Answer:
        return Answer(self.slack.client, ctx.channel, ctx.user, response_url, self._lang_of(ctx.lang),
                      sessions=self.slack.sessions, links=self.slack.links)

    def _lang(self, team: str, user: str) -> str:
        """The asker's language without a statement or a call: their Slack locale if known, else the workspace's."""
        found = self.slack.users.cached(team, user)
        return self.parts.bus.lang_known(Platform.SLACK, team, user, found.locale if found else None,
                                         self._chosen.get((team, user)))

    def _known(self, team: str, user: str) -> bool:
        """Whether this process knows the asker's language without asking: users.info's locale and their own."""
        return self.slack.users.looked_up(team, user) and (team, user) in self._chosen

    def _static(self, text: str, lang: str) -> dict[str, Any] | None:
        """The acknowledgement's body for a static answer (help, templates), rendered once per card; None for any
        other command, or a card that is more than one plain message (an acknowledgement carries one)."""
        kept = self._kept(text, lang)
        return kept[1] if kept is not None else None

    def at_once(self, content_type: str, body: bytes) -> bytes | None:
        """The JSON answer to a slash command whose answer is static, for the route to send before bolt parses and
        dispatches the request (the whole acknowledgement is then a form read and a cached body); None otherwise.
        Socket Mode's requests reach bolt directly: `command` answers those the same way."""
        if b"command=" not in body or not content_type.startswith("application/x-www-form-urlencoded"):
            return None
        fields = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
        if fields.get("command", [""])[0] != self.slack.settings.slack_command:
            return None
        team, user = fields.get("team_id", [""])[0], fields.get("user_id", [""])[0]
        if not self._known(team, user):
            return None
        kept = self._kept(fields.get("text", [""])[0], self._lang(team, user))
        return kept[2] if kept is not None and kept[1] is not None else None

    def _learn(self, team: str, user: str) -> None:
        """After acknowledging someone this process has not asked users.info about lately, ask it in the background
        (a process that only acknowledges runs no command that would): their next static answer then comes in the
        acknowledgement, in their language."""
        if self._known(team, user):
            return
        key = (team, user)
        if self.slack.tokens is None and key not in self._asking and len(self._asking) < 4096:
            task = self._asking[key] = asyncio.get_running_loop().create_task(self._learn_now(team, user))
            task.add_done_callback(lambda _: self._asking.pop(key, None))

    async def _learn_now(self, team: str, user: str) -> None:
        async with self.offload.track():  # background work like the answers: waited for at shutdown (and by tests)
            await self.slack.users.get(team, user)
            chosen = await self.offload.run(self.parts.bus.chosen_lang, Platform.SLACK, team, user)
            self._chosen[(team, user)] = chosen

    def _kept(self, text: str, lang: str) -> tuple[Card, dict[str, Any] | None, bytes] | None:
        reply = self.parts.bus.at_once(Platform.SLACK, text, lang)
        if reply is None:
            return None
        kept = self._rendered.get(id(reply.card))
        if kept is None or kept[0] is not reply.card:  # the card is kept with its message: an id is never mistaken
            pages = [] if reply.card.buttons or reply.card.chart else render.messages(reply.card, nonce="static")
            message = {**pages[0], "response_type": "ephemeral"} if len(pages) == 1 and not reply.extra else None
            if len(self._rendered) >= 1024:  # help topics are what people typed
                self._rendered.clear()
            kept = self._rendered[id(reply.card)] = (reply.card, message, json.dumps(message).encode())
        return kept

    def _lang_of(self, locale: str | None) -> str:
        if locale and locale[:2].lower() in ("zh", "en"):
            return locale[:2].lower()
        return self.parts.settings.lang_for(self.slack.gateway.platform)

    def _now(self) -> Now:
        settings = self.parts.settings
        return Now(self.parts.clock.now(), ZoneInfo(settings.timezone), settings.currency)

    def templates(self) -> list[str]:
        return self.parts.deps.templates.names()
