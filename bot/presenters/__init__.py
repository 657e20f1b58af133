"""Presenters: turn domain objects into neutral Cards, in the reader's language and time zone."""
