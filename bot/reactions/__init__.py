"""Reactions: who is told of what, one module per topic, each reaction writing the outbox through bot/outbox.post in
the transaction that recorded the event. Which event goes to which reactions is the table in bot/bus.py; the
approval reactions live beside their handlers (bot/handlers/approvals.py)."""
