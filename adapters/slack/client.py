"""The Slack Web API client: the bot token from settings, every call to MEMS_SLACK_API_URL."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.settings import Settings

TIMEOUT = 10  # seconds; a slow Slack must not hold a delivery batch for long


def web_client(settings: Settings) -> AsyncWebClient:
    """One client for the process; bolt copies its base URL and retry handlers into each request's client.

    429s are not retried here: the delivery worker waits them out from DeliveryError.retry_after.
    """
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return AsyncWebClient(token=token, base_url=settings.slack_api_url, timeout=TIMEOUT)


def webhook(url: str) -> AsyncWebhookClient:
    """A response_url: answers a command or a click (ephemeral, in channel, or replacing the message)."""
    return AsyncWebhookClient(url, timeout=TIMEOUT)
