"""Local stand-ins for the chat platforms' HTTP APIs, for tests and benchmarks (never the real services)."""
