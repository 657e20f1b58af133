"""Chart image links that carry their chart: `<public url>/charts/<token>.png`, where the token is the chart,
compressed, encrypted and signed with a server key (Fernet: AES-128-CBC + HMAC-SHA256, with its issue time).
Nothing can be enumerated or forged, a leaked URL shows only the one chart and only until it expires, and the
route that draws it needs no database: every replica can answer, before or after a restart."""

from __future__ import annotations

import base64
import json
import logging
import zlib
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bot.cards import Chart
from domain.ports import Clock

log = logging.getLogger(__name__)
PATH = "/charts"
TTL = 30 * 24 * 3600  # Slack fetches at once, but its image proxy may fetch again when someone scrolls back
MAX_URL = 3000  # Slack's limit on an image block's image_url
MAX_TOKEN = 4096  # longer is not ours: refused before any decoding
MAX_PLAIN = 64 * 1024  # a decompressed chart is ~1 KB; a bigger one is refused, never inflated


def derive_key(secret: str, purpose: bytes = b"mems chart links v1") -> bytes:
    """A Fernet key of its own from a server secret (HKDF), so the secret itself never signs anything here."""
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(secret.encode())
    return base64.urlsafe_b64encode(raw)


class SignedLinks:
    """The ChartLinks port (bot.ports), and the way back from a token to its chart for the route."""

    def __init__(self, public_url: str, key: bytes, clock: Clock, ttl: int = TTL) -> None:
        self.base = public_url.rstrip("/") + PATH
        self._fernet = Fernet(key)
        self._clock = clock
        self.ttl = ttl

    def url(self, chart: Chart) -> str | None:
        url = f"{self.base}/{self.token(chart)}.png"
        if len(url) > MAX_URL:
            log.info("a chart of %d days does not fit in an image URL; shown as text", len(chart.labels))
            return None
        return url

    def token(self, chart: Chart) -> str:
        plain = json.dumps({"t": chart.title, "l": chart.labels, "s": chart.series}, ensure_ascii=False,
                           separators=(",", ":")).encode()
        token = self._fernet.encrypt_at_time(zlib.compress(plain, 9), self._now())
        return token.decode().rstrip("=")  # padding restored on the way back: no "=" in the path

    def chart(self, token: str) -> Chart | None:
        """The chart a token carries; None when it is forged, damaged, expired or not a chart."""
        if not token or len(token) > MAX_TOKEN:
            return None
        padded = token + "=" * (-len(token) % 4)
        try:
            packed = self._fernet.decrypt_at_time(padded.encode(), self.ttl, self._now())
            inflater = zlib.decompressobj()
            plain = inflater.decompress(packed, MAX_PLAIN)
            if inflater.unconsumed_tail:
                return None
            return _chart(json.loads(plain))
        except (InvalidToken, ValueError, zlib.error, TypeError, KeyError):
            return None

    def _now(self) -> int:
        return int(self._clock.now().timestamp())


def _chart(data: Any) -> Chart | None:
    """Only our own shape becomes a Chart (the key may outlive a change of shape)."""
    title, labels, series = data["t"], data["l"], data["s"]
    if not (isinstance(title, str) and all(isinstance(x, str) for x in labels)):
        return None
    lines = tuple((str(name), tuple(float(v) for v in values)) for name, values in series)
    return Chart(title, tuple(labels), lines)
