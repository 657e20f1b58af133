"""Adapters: I/O only, no business rules; each sub-package talks to one outside system."""
