"""Integration tests: real databases, no mocks."""
