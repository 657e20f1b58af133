"""Feishu Open API failures as DeliveryErrors with a one-sentence hint. Our own table: lark-oapi 1.7.5 files 230020
(a rate limit) under "target revoked" and 99991400 (a rate limit) under "permission"."""

from __future__ import annotations

from collections.abc import Mapping

from bot.i18n import tr
from bot.ports import DeliveryError

INVALID_TOKEN = frozenset({99991663, 99991664, 99991668})  # drop the cached token and retry once
RATE_LIMITED = frozenset({99991400, 230020})
BOT_NOT_IN_CHAT = 230002
THREADS_OFF = 230071  # a reply_in_thread in a group that does not allow threads: reply without it
TOO_LONG = 230025  # a card over 30 KB (a text over 150 KB): the client sends its shortest form once instead
DEFAULT_WAIT = 1.0  # when a rate limit comes without x-ogw-ratelimit-reset
# A retry cannot help with these; each has a hint for whoever reads the dead letter.
PERMANENT = {
    230001: "feishu.hint.bad_request",
    BOT_NOT_IN_CHAT: "feishu.hint.bot_not_in_chat",
    230006: "feishu.hint.bot_disabled",
    230013: "feishu.hint.user_unavailable",
    230022: "feishu.hint.sensitive",
    TOO_LONG: "feishu.hint.too_long",
    230099: "feishu.hint.bad_card",
    99991672: "feishu.hint.missing_scope",
    10003: "feishu.hint.credentials",
    10014: "feishu.hint.credentials",
}


class FeishuError(DeliveryError):
    """A failed Open API call; `code` is Feishu's business code when the reply had one."""

    def __init__(self, reason: str, code: int | None = None, status: int = 0, retry_after: float | None = None,
                 permanent: bool = False, hint: str = "") -> None:
        super().__init__(reason, retry_after=retry_after, permanent=permanent, hint=hint)
        self.code = code
        self.status = status


def wait_seconds(headers: Mapping[str, str]) -> float:
    """How long Feishu asked us to wait: x-ogw-ratelimit-reset, in seconds."""
    raw = headers.get("x-ogw-ratelimit-reset", "")
    try:
        wait = float(raw)
    except ValueError:
        return DEFAULT_WAIT
    return wait if wait > 0 else DEFAULT_WAIT


def classify(status: int, code: int | None, msg: str, headers: Mapping[str, str], lang: str) -> FeishuError:
    """One failed reply → what the caller should do: wait, retry with back-off, or give up with a hint."""
    reason = f"feishu {code if code is not None else '-'} (HTTP {status}): {msg[:200]}"
    if status == 429 or code in RATE_LIMITED:
        return FeishuError(reason, code, status, retry_after=wait_seconds(headers))
    if code in PERMANENT:
        return FeishuError(reason, code, status, permanent=True, hint=tr(lang, PERMANENT[code]))
    # Unknown codes, server errors and invalid tokens that survived a refresh: back off and try again later.
    return FeishuError(reason, code, status)


def unreachable(exc: Exception) -> FeishuError:
    """A timeout or a connection that failed: worth another try."""
    return FeishuError(f"feishu unreachable: {type(exc).__name__}")
