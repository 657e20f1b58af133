"""Prometheus: the metrics MEMS exports (recorder.py) and GET /metrics (routes.py)."""
