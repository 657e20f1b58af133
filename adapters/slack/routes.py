"""POST /slack/events: one Request URL for slash commands, interactivity and events, and Socket Mode when
MEMS_SLACK_APP_TOKEN is set. Every request is verified first (verify.py), then bolt dispatches it to a listener."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from slack_bolt.adapter.fastapi.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from adapters.slack import oauth, verify
from adapters.slack.listeners import Listeners
from adapters.slack.runtime import SlackRuntime
from bot.i18n import tr
from bot.parts import ChatParts

log = logging.getLogger(__name__)


def bolt_app(parts: ChatParts, slack: SlackRuntime) -> AsyncApp:
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
    Listeners(parts, slack).register(app)
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
    app = bolt_app(parts, slack)
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
        try:
            response: Response = await handler.handle(request)
        except Exception as exc:  # bolt trips over some malformed (yet signed) payloads; never a 5xx for them
            log.warning("Slack request not understood (%s)", type(exc).__name__)
            return _refuse(400, "bad request")
        return response

    return routes


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


async def _socket_mode(app: AsyncApp, token: str, parts: ChatParts, every: float = SOCKET_LEASE_EVERY) -> None:
    """One Socket Mode connection per deployment: only the process that holds the lease dials Slack (the workers of
    `mems serve --workers N`, replicas); when it dies, another takes the lease over within its TTL and connects."""
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    lease = parts.lease(SOCKET_LEASE)
    handler: AsyncSocketModeHandler | None = None
    try:
        while True:
            held = await asyncio.to_thread(lease.hold)
            if held and handler is None:
                handler = AsyncSocketModeHandler(app, token)
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
            await asyncio.sleep(every)
    finally:
        if handler is not None:
            await handler.close_async()  # type: ignore[no-untyped-call]
        await asyncio.to_thread(lease.release)
