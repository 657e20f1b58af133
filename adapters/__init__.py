"""Adapters: I/O only, no business rules. They never import each other."""
