"""Command handlers, one module per topic: load → domain method → record events; the bus runs the reactions and
commits. Which command goes to which handler is the table in bot/bus.py. A topic's reactions may live beside its
handlers (approvals.py)."""
