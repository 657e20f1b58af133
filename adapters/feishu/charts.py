"""A card's chart on Feishu: an image drawn (bot.ports.ChartImages), uploaded once, and its image_key remembered,
so the copies of one card share one upload. Any failure (no permission, Feishu down, a drawing error) leaves
the chart as text in the card: the person still gets the card, and the log says why it has no picture."""

from __future__ import annotations

import asyncio
import logging
import threading

from cachetools import TTLCache

from adapters.feishu.client import FeishuClient
from adapters.feishu.errors import FeishuError
from bot.cards import Card, Chart
from bot.ports import ChartImages

log = logging.getLogger(__name__)
KEEP_SECONDS = 24 * 3600  # an uploaded image stays usable; a day bounds the memory, not the key's life
KEEP_CHARTS = 256


class ChartUploads:
    def __init__(self, client: FeishuClient, images: ChartImages | None) -> None:
        self.client = client
        self.images = images
        self._keys: TTLCache[Chart, str] = TTLCache(KEEP_CHARTS, KEEP_SECONDS)
        self._lock = threading.Lock()  # listeners and the delivery worker share this from several threads

    async def key(self, card: Card) -> str | None:
        """The image_key of the card's chart; None without a chart, without a drawer, or when it failed."""
        chart = card.chart
        if chart is None or self.images is None:
            return None
        with self._lock:
            known = self._keys.get(chart)
        if known is not None:
            return known
        try:
            png = await asyncio.to_thread(self.images.png, chart)
            key = await self.client.upload_image(png)
        except FeishuError as exc:
            log.warning("Feishu chart image not uploaded, the chart goes as text: %s %s", exc.reason, exc.hint)
            return None
        except Exception:  # a drawing bug must not cost anyone their card
            log.exception("chart image could not be drawn; the chart goes as text")
            return None
        with self._lock:
            self._keys[chart] = key
        return key
