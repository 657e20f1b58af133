"""A card's chart in Slack: an image block whose URL Slack fetches from this server (MEMS_PUBLIC_URL). Slack
downloads the image while it accepts the message and refuses the whole message when it cannot (invalid_blocks,
"downloading image failed"), so such a card goes again at once with its chart as text: nobody loses an answer.
Each message gets a fresh nonce for its block_ids (Slack keeps a block's state by block_id, per message and update)."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from slack_sdk.errors import SlackApiError

from adapters.slack import errors, render
from bot.cards import Card
from bot.ports import ChartLinks

log = logging.getLogger(__name__)
T = TypeVar("T")


def chart_url(links: ChartLinks | None, card: Card) -> str | None:
    """Where Slack can fetch the card's chart; None without a chart or without MEMS_PUBLIC_URL."""
    if links is None or card.chart is None:
        return None
    return links.url(card.chart)


def nonce() -> str:
    """A fresh suffix for one message's block_ids."""
    return secrets.token_hex(4)


async def post(send: Callable[[dict[str, Any]], Awaitable[T]], card: Card, links: ChartLinks | None) -> T:
    """`send` the card as one message (chat.postMessage for a notification, chat.update), with its chart image or
    with the chart as text when Slack could not fetch the image; a card too long for one message is folded."""
    url = chart_url(links, card)
    if url is not None:
        try:
            return await send(render.message(card, url, nonce=nonce()))
        except SlackApiError as exc:
            _image_refused(exc)
    return await send(render.message(card, nonce=nonce()))


async def post_all(send: Callable[[dict[str, Any]], Awaitable[T]], card: Card, links: ChartLinks | None) -> list[T]:
    """`send` the card as one message or, when it is too long for one (a 150-task board), as several in a row.
    The chart goes as an image only in a card of one message (one that failed can go again whole, as text)."""
    url = chart_url(links, card)
    pages = render.messages(card, url, nonce=nonce()) if url is not None else []
    if len(pages) == 1:
        try:
            return [await send(pages[0])]
        except SlackApiError as exc:
            _image_refused(exc)
    return [await send(page) for page in render.messages(card, nonce=nonce())]


def _image_refused(exc: SlackApiError) -> None:
    """Slack refused a message with a chart image: log why, so that it goes again with the chart as text."""
    if errors.code(exc) != "invalid_blocks":
        raise exc
    log.warning("Slack could not show the chart image (%s); the chart went as text", detail(exc))


def detail(exc: SlackApiError) -> str:
    """Slack's own words on a refused block ("downloading image failed [json-pointer:/blocks/4/image_url]")."""
    data = exc.response.data if isinstance(exc.response.data, dict) else {}
    return "; ".join(str(e) for e in data.get("errors") or ()) or errors.code(exc)
