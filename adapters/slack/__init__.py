"""Slack: slash commands, buttons and modals in; Block Kit cards out, through slack-bolt and slack-sdk.

The files mirror adapters/feishu/ (docs/architecture.md says what each one holds). Importing the adapter registers
its words, so whatever of it runs can say them."""

from adapters.slack.words import WORDS
from bot.i18n import register

register(WORDS)
