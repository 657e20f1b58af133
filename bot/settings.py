"""All settings in one class, from MEMS_* environment variables or a .env file. Secrets never print."""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from domain.errors import InvalidInput
from domain.people import Platform, check_timezone


class SettingsError(Exception):
    """A setting has a bad value; the message names it and never echoes a secret."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MEMS_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///./mems.db"
    redis_url: str | None = None
    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    slack_command: str = "/mems"
    # chat.postMessage's per-channel limit: one a second after a short burst of this many (docs/alerts.md)
    slack_channel_burst: int = Field(default=3, ge=1, le=10)
    # Slack OAuth v2 (docs/slack.md): many teams install MEMS; each team's bot token is kept in the database
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    # Stored installation tokens are sealed with a key derived from these (first seals, all open); unset: the apps'
    # own secrets (adapters/db/sealing.py). Comma-separated, so a rotated secret can keep the old one after it.
    token_keys: SecretStr | None = None
    feishu_app_id: str | None = None
    feishu_app_secret: SecretStr | None = None
    feishu_verification_token: SecretStr | None = None
    feishu_encrypt_key: SecretStr | None = None
    # Without an Encrypt Key Feishu signs nothing and the verification token is the only check: MEMS refuses to
    # start unless this says that is meant (docs/security.md).
    feishu_allow_unsigned: bool = False
    feishu_api_url: str = "https://open.feishu.cn"
    feishu_mode: Literal["http", "ws"] = "http"  # ws: events over Feishu's long connection (no public address)
    feishu_app_type: Literal["custom", "store"] = "custom"  # store: a tenant access token per tenant (app_ticket)
    admins: str = ""
    timezone: str = "Asia/Shanghai"
    lang: Literal["en", "zh"] | None = None
    currency: str = Field(default="CNY", pattern=r"^[A-Z]{3}$")
    approval_policy: Path | None = None
    templates_dir: Path | None = None
    scheduler: Literal["on", "off"] = "on"
    api_token: SecretStr | None = None
    # Metrics batches worked at once by a process (each holds its body, its rows and a core while it is parsed);
    # one more is answered 503 with Retry-After at once.
    api_max_ingests: int = Field(default=2, ge=1, le=64)
    approval_sla_hours: float = Field(default=24, gt=0)
    deadline_soon_hours: float = Field(default=24, gt=0)
    escalate_after_hours: float = Field(default=48, gt=0)
    budget_thresholds: str = "80,100"
    digest_hour: int = Field(default=9, ge=0, le=23)
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = "text"  # json: one JSON object per line, with the request id
    # Alerts: scans, scheduler and delivery (docs/alerts.md).
    alert_lookback_hours: float = Field(default=168, gt=0)  # how far back a deadline scan still catches up
    scan_interval_seconds: int = Field(default=300, ge=10)
    # A claimed row's lease, renewed while its worker lives: a killed worker's rows come back within this long.
    delivery_lease_seconds: float = Field(default=6, ge=1)
    delivery_batch: int = Field(default=200, ge=1, le=500)  # rows claimed at a time (a burst folds within one)
    delivery_concurrency: int = Field(default=64, ge=1, le=256)  # 100 channels at 1/s: bench/delivery_rate.py
    delivery_backoff_seconds: float = Field(default=5, gt=0)
    # Sent outbox rows older than this are removed by the scheduler (hourly, in small batches); never sooner than a
    # day past the alert look-back, so no scan can write a removed alert again (docs/alerts.md)
    outbox_retention_days: float = Field(default=30, gt=0)
    # Chat requests acknowledged and waiting for work, per process: beyond this the asker is told "busy, try again"
    # at once (their acknowledgement never waits for command work). A request's lease: a process that dies
    # leaves its requests to a live one within this long.
    inbox_capacity: int = Field(default=200, ge=1, le=100_000)
    inbox_lease_seconds: float = Field(default=10, ge=1)
    # anomaly alerts: days before today that an arriving day may still alert about
    anomaly_lookback_days: int = Field(default=7, ge=0, le=366)
    # report charts: this server's public base URL; Slack then shows chart images it fetches from here
    public_url: str | None = None
    # the web dashboard: where `mems serve` listens (the sign-in links point here unless MEMS_PUBLIC_URL is set), and
    # whether X-Forwarded-Proto from a reverse proxy in front of it is believed (sessions' cookies are Secure on https)
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    trust_proxy: bool = False
    # GET /metrics (Prometheus): open unless this is set, then only `Authorization: Bearer <token>` is answered
    metrics_token: SecretStr | None = None

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        try:
            return check_timezone(value)
        except InvalidInput as exc:
            raise ValueError(f"unknown time zone {value!r}; use Area/City like Asia/Shanghai") from exc

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
            raise ValueError(f"{value!r} is not a base URL like https://mems.example.com")
        return value.strip().rstrip("/")

    @field_validator("admins")
    @classmethod
    def _admins(cls, value: str) -> str:
        for item in filter(None, (part.strip() for part in value.split(","))):
            parts = item.split(":")
            if len(parts) not in (2, 3) or not all(parts) or parts[0] not in {p.value for p in Platform}:
                raise ValueError(f"{item!r} is not platform:workspace:user_id, or platform:user_id for a platform with "
                                 "one workspace (platforms: slack, feishu, console)")
        return value

    @field_validator("budget_thresholds")
    @classmethod
    def _thresholds(cls, value: str) -> str:
        try:
            levels = [int(part) for part in value.split(",") if part.strip()]
        except ValueError as exc:
            raise ValueError("use whole percentages separated by commas, like 80,100") from exc
        if not levels or any(level <= 0 or level > 1000 for level in levels):
            raise ValueError("use whole percentages separated by commas, like 80,100")
        return value

    @model_validator(mode="after")
    def _admins_name_their_workspace(self) -> Settings:
        """Where many workspaces install MEMS (Slack OAuth, a Feishu store app), `platform:user_id` would make an
        admin of whichever workspace MEMS heard from first, which may be anyone's: the workspace must be named."""
        many = {Platform.SLACK.value: ("Slack is installed by many teams (OAuth)", "slack:T0123:U0123"),
                Platform.FEISHU.value: ("Feishu is a store app (many tenants)", "feishu:<tenant_key>:ou_...")}
        if not self.slack_oauth:
            many.pop(Platform.SLACK.value)
        if self.feishu_app_type != "store":
            many.pop(Platform.FEISHU.value)
        for parts in self._admin_parts():
            if len(parts) == 2 and parts[0] in many:
                why, example = many[parts[0]]
                raise ValueError(f"MEMS_ADMINS: {':'.join(parts)!r} names no workspace, but {why}: name it, "
                                 f"like {example}")
        return self

    def admin_set(self) -> frozenset[tuple[str, str]]:
        """The two-part seeds, `platform:user_id`: an admin of the platform's one (its first) workspace."""
        return frozenset((parts[0], parts[1]) for parts in self._admin_parts() if len(parts) == 2)

    def admin_seeds(self) -> frozenset[tuple[str, str, str]]:
        """The three-part seeds, `platform:workspace:user_id` (`slack:T123:U0123`): an admin of that workspace only."""
        return frozenset((parts[0], parts[1], parts[2]) for parts in self._admin_parts() if len(parts) == 3)

    def _admin_parts(self) -> list[list[str]]:
        return [part.strip().split(":") for part in self.admins.split(",") if part.strip()]

    def sealing_secrets(self) -> list[str]:
        """What stored tokens are sealed with: MEMS_TOKEN_KEYS (the first seals), else the apps' own secrets."""
        if self.token_keys is not None:
            return [part.strip() for part in self.token_keys.get_secret_value().split(",") if part.strip()]
        return [secret.get_secret_value() for secret in (self.slack_client_secret, self.feishu_app_secret)
                if secret is not None and secret.get_secret_value()]

    def lang_for(self, platform: Platform) -> str:
        if self.lang:
            return self.lang
        return "zh" if platform is Platform.FEISHU else "en"

    def thresholds(self) -> tuple[int, ...]:
        return tuple(sorted(int(part) for part in self.budget_thresholds.split(",") if part.strip()))

    @property
    def dashboard_url(self) -> str:
        """The base of the dashboard's links: MEMS_PUBLIC_URL, else the address `mems serve` listens on."""
        if self.public_url:
            return self.public_url
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host
        return f"http://[{host}]:{self.port}" if ":" in host else f"http://{host}:{self.port}"

    @property
    def slack_oauth(self) -> bool:
        """Many teams install MEMS through Slack's OAuth v2; each team's bot token comes from its installation."""
        return bool(self.slack_client_id and self.slack_client_secret)

    @property
    def slack_enabled(self) -> bool:
        return bool((self.slack_bot_token or self.slack_oauth) and (self.slack_signing_secret or self.slack_app_token))

    @property
    def feishu_enabled(self) -> bool:
        """Over HTTP every event carries the verification token; the long connection is opened with the app id and
        secret alone."""
        checked = self.feishu_verification_token or self.feishu_mode == "ws"
        return bool(self.feishu_app_id and self.feishu_app_secret and checked)


def load(**overrides: object) -> Settings:
    """Read the settings; a bad value becomes a SettingsError naming the MEMS_* variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            if not error["loc"]:  # a check across settings names them in its message
                lines.append(str(error["msg"]).removeprefix("Value error, "))
                continue
            lines.append(f"MEMS_{str(error['loc'][0]).upper()}: {error['msg']}")
        raise SettingsError("Bad setting(s):\n  " + "\n  ".join(lines)) from None
