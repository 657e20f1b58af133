"""Slack: slash commands, buttons and modals in; Block Kit cards out, through slack-bolt and slack-sdk."""
