"""A card's chart in Slack: an image block whose URL Slack fetches from this server (MEMS_PUBLIC_URL). Slack
downloads the image while it accepts the message and refuses the whole message when it cannot (invalid_blocks,
"downloading image failed"), so such a card goes again at once with its chart as text: nobody loses an answer."""

from __future__ import annotations

import logging
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


async def post(send: Callable[[dict[str, Any]], Awaitable[T]], card: Card, links: ChartLinks | None) -> T:
    """`send` the card's message (chat.postMessage, chat.update, chat.postEphemeral) with its chart image, or
    with the chart as text when Slack could not fetch the image."""
    url = chart_url(links, card)
    if url is None:
        return await send(render.message(card))
    try:
        return await send(render.message(card, url))
    except SlackApiError as exc:
        if errors.code(exc) != "invalid_blocks":
            raise
        log.warning("Slack could not show the chart image (%s); the chart went as text", detail(exc))
    return await send(render.message(card))


def detail(exc: SlackApiError) -> str:
    """Slack's own words on a refused block ("downloading image failed [json-pointer:/blocks/4/image_url]")."""
    data = exc.response.data if isinstance(exc.response.data, dict) else {}
    return "; ".join(str(e) for e in data.get("errors") or ()) or errors.code(exc)
