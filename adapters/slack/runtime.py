"""What the Slack adapter keeps for the life of the process, built from the settings: the Web API clients, the
gateway, the people cache, the response_url sessions and the chart links."""

from __future__ import annotations

from dataclasses import dataclass, field

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.client import Sessions, answers_client, web_client
from adapters.slack.gateway import SlackGateway
from adapters.slack.identity import Users
from adapters.slack.installs import Tokens
from bot.ports import ChartLinks, Installations
from bot.settings import Settings


@dataclass
class SlackRuntime:
    settings: Settings
    client: AsyncWebClient  # listeners: commands, modals, answers (a quick retry on 429/5xx)
    gateway: SlackGateway  # the delivery worker's, whose 429s become DeliveryError.retry_after
    users: Users
    sessions: Sessions = field(default_factory=Sessions)
    links: ChartLinks | None = None  # with MEMS_PUBLIC_URL: chart images Slack fetches from us
    installations: Installations | None = None  # with OAuth: each team's installation (oauth.py)
    tokens: Tokens | None = None  # with OAuth: each team's bot token, for the gateway

    @property
    def signing_secret(self) -> str | None:
        secret = self.settings.slack_signing_secret
        return secret.get_secret_value() if secret else None

    @property
    def app_token(self) -> str | None:
        token = self.settings.slack_app_token
        return token.get_secret_value() if token else None


def build(settings: Settings, links: ChartLinks | None = None,
          installations: Installations | None = None) -> SlackRuntime:
    """Called by the composition root only when Slack is set up (a bot token, or OAuth's client id and secret, and
    the signing secret or an app token)."""
    client = answers_client(settings)
    tokens = None
    if settings.slack_oauth and installations is not None and settings.slack_client_secret is not None:
        tokens = Tokens(installations, web_client(settings), str(settings.slack_client_id),
                        settings.slack_client_secret.get_secret_value())
    gateway = SlackGateway(web_client(settings), links, tokens, settings.slack_channel_burst)
    return SlackRuntime(settings, client, gateway, Users(client), links=links, installations=installations,
                        tokens=tokens)
