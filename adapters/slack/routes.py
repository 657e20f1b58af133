"""POST /slack/events: one Request URL for slash commands, interactivity and events. Every request is
verified here first (signature and age), so nothing unverified reaches bolt and nothing secret is logged."""

from __future__ import annotations

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
from slack_sdk.signature import SignatureVerifier

from adapters.slack import translate
from adapters.slack.listeners import Listeners
from adapters.slack.runtime import Core, SlackRuntime
from bot.i18n import tr

log = logging.getLogger(__name__)


def bolt_app(core: Core, slack: SlackRuntime) -> AsyncApp:
    secret = slack.signing_secret
    lang = core.settings.lang_for(slack.gateway.platform)
    # The route below verifies signature and age before bolt sees a request (bolt would log a bad body), so
    # bolt does not check the same HMAC a second time on every request.
    app = AsyncApp(client=slack.client, signing_secret=secret, request_verification_enabled=False,
                   logger=logging.getLogger("slack_bolt"),
                   # bolt checks the token with auth.test before any listener runs; a dead token is told here
                   user_facing_authorize_error_message=tr(lang, "slack.hint.auth", error="auth.test"))
    app.middleware(_skip_retries)
    Listeners(core, slack).register(app)
    return app


async def _skip_retries(req: AsyncBoltRequest, resp: BoltResponse, next: Any) -> BoltResponse:
    """Slack retries what it thinks timed out; the first try already acted, so say so and stop the retries."""
    if req.headers.get("x-slack-retry-num"):
        return BoltResponse(status=200, body="", headers={"x-slack-no-retry": "1"})
    response: BoltResponse = await next()
    return response


def signed(verifier: SignatureVerifier, body: bytes, timestamp: str, signature: str) -> bool:
    """Slack's v0 signature over the exact bytes, at most five minutes old; a malformed header is just invalid."""
    if not timestamp.isdigit() or not signature:
        return False
    try:
        return verifier.is_valid(body, timestamp, signature)
    except ValueError:  # a body that is not UTF-8
        return False


def _refuse(status: int, error: str) -> JSONResponse:
    return JSONResponse({"error": error}, status_code=status)


def router(core: Core, slack: SlackRuntime) -> APIRouter:
    """The Slack endpoint and, with MEMS_SLACK_APP_TOKEN, Socket Mode (the composition root mounts it only when
    Slack is set up)."""
    app = bolt_app(core, slack)
    routes = APIRouter(lifespan=_lifespan(app, slack))
    secret = slack.signing_secret
    if not secret:
        return routes
    verifier = SignatureVerifier(secret)
    handler = AsyncSlackRequestHandler(app)

    @routes.post("/slack/events", include_in_schema=False)
    async def events(request: Request) -> Response:
        body = await request.body()
        if not signed(verifier, body, request.headers.get("x-slack-request-timestamp", ""),
                      request.headers.get("x-slack-signature", "")):
            return _refuse(401, "invalid request")
        if not translate.well_formed(request.headers.get("content-type", ""), body):
            return _refuse(400, "bad request")
        try:
            response: Response = await handler.handle(request)
        except Exception as exc:  # bolt trips over some malformed (yet signed) payloads; never a 5xx for them
            log.warning("Slack request not understood (%s)", type(exc).__name__)
            return _refuse(400, "bad request")
        return response

    return routes


def _lifespan(app: AsyncApp, slack: SlackRuntime) -> Any:
    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        socket = None
        if slack.app_token:
            from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

            socket = AsyncSocketModeHandler(app, slack.app_token)
            await socket.connect_async()  # type: ignore[no-untyped-call]
            log.info("Slack Socket Mode connected")
        try:
            yield
        finally:
            if socket is not None:
                await socket.close_async()  # type: ignore[no-untyped-call]
            if not await slack.work.idle(timeout=10.0):
                log.warning("Slack: %d answer(s) still running at shutdown", slack.work.running)
            await slack.sessions.close()

    return lifespan
