"""Scheduled jobs: an explicit table of scans, each a command to the bus, and the APScheduler runner."""
