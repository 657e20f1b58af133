"""What the Feishu adapter keeps for the life of the process, built from the settings: the Open API client, the
gateway (with its chart uploads) and the bot's own identity."""

from __future__ import annotations

from dataclasses import dataclass

from adapters.feishu.client import FeishuClient
from adapters.feishu.gateway import FeishuGateway
from adapters.feishu.identity import BotIdentity
from adapters.feishu.store import StoreTokens
from bot.ports import ChartImages, Installations
from bot.settings import Settings
from domain.people import Platform


@dataclass
class FeishuRuntime:
    settings: Settings
    client: FeishuClient  # the Open API client the gateway and the identity share
    gateway: FeishuGateway  # the delivery worker's, and the listeners' answers (gateway.Answer: replies, patches)
    identity: BotIdentity
    store: StoreTokens | None = None  # MEMS_FEISHU_APP_TYPE=store: the app_ticket and each tenant's token

    @property
    def long_connection(self) -> bool:
        """MEMS_FEISHU_MODE=ws: events and callbacks come over Feishu's long connection, not to /feishu/events."""
        return self.settings.feishu_mode == "ws"

    @property
    def verification_token(self) -> str:
        """Over HTTP, what each event carries; the long connection needs none (its frames are not checked)."""
        token = self.settings.feishu_verification_token
        assert token is not None or self.long_connection
        return token.get_secret_value() if token else ""

    @property
    def app_secret(self) -> str:
        secret = self.settings.feishu_app_secret
        assert secret is not None
        return secret.get_secret_value()

    @property
    def encrypt_key(self) -> str:
        key = self.settings.feishu_encrypt_key
        return key.get_secret_value() if key else ""


def build(settings: Settings, charts: ChartImages | None = None,
          installations: Installations | None = None) -> FeishuRuntime:
    """Called by the composition root only when the Feishu settings are complete; `charts` draws chart images to
    upload (without it, charts go as text)."""
    assert settings.feishu_app_id and settings.feishu_app_secret
    lang, secret = settings.lang_for(Platform.FEISHU), settings.feishu_app_secret.get_secret_value()
    store = None
    if settings.feishu_app_type == "store" and installations is not None:
        store = StoreTokens(settings.feishu_app_id, secret, installations, lang)
    client = FeishuClient(settings.feishu_api_url, settings.feishu_app_id, secret, lang, store=store)
    return FeishuRuntime(settings, client, FeishuGateway(client, charts), BotIdentity(client), store=store)
