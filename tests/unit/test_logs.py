"""bot/logs.py: one JSON object per line with the request id bound where the line was written; a proxy's request id
kept only when it is a plain token; text stays text."""

from __future__ import annotations

import io
import json
import logging

from bot import logs


def _logger(fmt: str) -> tuple[logging.Logger, io.StringIO]:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(logs.RequestIdFilter())
    handler.setFormatter(logs.JsonFormatter() if fmt == "json" else logging.Formatter(logs.TEXT_FORMAT))
    logger = logging.getLogger(f"test.logs.{fmt}")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger, out


def test_json_lines_carry_the_bound_request_id_and_the_error() -> None:
    logger, out = _logger("json")
    logger.info("outside")
    with logs.bound("req-1") as bound:
        logger.info("a %s line", "formatted")
        with logs.bound(None) as inner:
            logger.warning("nested")
        try:
            raise ValueError("boom")
        except ValueError:
            logger.exception("failed")
    assert bound == "req-1" and len(inner) == 16 and logs.current() is None
    first, second, third, fourth = (json.loads(line) for line in out.getvalue().splitlines())
    assert first["request_id"] is None and first["message"] == "outside" and first["level"] == "INFO"
    assert second["request_id"] == "req-1" and second["message"] == "a formatted line"
    assert second["logger"] == "test.logs.json" and second["time"].endswith("+00:00")
    assert third["request_id"] == inner and third["level"] == "WARNING"
    assert fourth["request_id"] == "req-1" and fourth["error"] == "ValueError" and "boom" in fourth["traceback"]


def test_a_message_with_newlines_stays_one_line() -> None:
    logger, out = _logger("json")
    logger.info("two\nlines \u2028 \x85 and \"quotes\" 中文")
    [line] = out.getvalue().splitlines()
    assert json.loads(line)["message"] == "two\nlines \u2028 \x85 and \"quotes\" 中文" and "中文" in line


def test_text_stays_text() -> None:
    logger, out = _logger("text")
    with logs.bound("req-2"):
        logger.info("plain")
    assert out.getvalue().rstrip().endswith("INFO test.logs.text: plain")


def test_a_given_request_id_is_kept_only_when_plain() -> None:
    assert logs.accepted("edge-7f3a.1:2") == "edge-7f3a.1:2"
    for bad in (None, "", "has space", "x" * 33, "{json}", "é"):
        assert len(logs.accepted(bad)) == 16
