"""Feishu (Lark): events and card callbacks in, cards out, through the Open API at MEMS_FEISHU_API_URL.

The files mirror adapters/slack/ (docs/architecture.md says what each one holds). Importing the adapter registers
its words, so whatever of it runs can say them."""

from adapters.feishu.words import WORDS
from bot.i18n import register

register(WORDS)
