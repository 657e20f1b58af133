"""Every log record is cleaned as it is made: secrets by their form and by value, untrusted arguments escaped and
bounded, tracebacks too; whoever logs (a library at DEBUG included)."""

from __future__ import annotations

import logging

import pytest

from bot import redaction
from tests.builders import settings

SIGNING = "8f742231b10e8888abcd99yyyzzz85a5"


@pytest.fixture(autouse=True)
def installed() -> None:
    redaction.install(settings(slack_signing_secret=SIGNING, feishu_encrypt_key="an-encrypt-key-value",
                               database_url="postgresql+psycopg://mems:db-pass-word@db/mems"))


@pytest.mark.parametrize(("secret", "kind"), [
    ("mems_3fpB-c_amjRSQPIleK-fOZoEKTOPJfmrelaAQyWrh18", "API token"),
    ("xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy", "bot token"),
    ("xapp-1-A0123-456-abcdef", "app-level token"), ("xoxe-1-My0xLTEtQTAx", "refresh token"),
    ("https://hooks.slack.com/commands/T0123/456/abcDEF", "response_url"),
    ("https://hooks.slack.com/actions/T0123/456/abcDEF", "response_url"),
    ("t-g1044ghJRUIJJ5ELPZ5ZNUK4VHEOWDGX4EZVNI7T", "tenant access token"),
    ("Bearer operator-secret-token", "credentials"), ("https://mems.example.com/login/AbC-dEf_123456", "sign-in link"),
    (SIGNING, "signing secret"), ("an-encrypt-key-value", "encrypt key"), ("db-pass-word", "database password")])
def test_a_secret_never_reaches_a_log_line(caplog: pytest.LogCaptureFixture, secret: str, kind: str) -> None:
    caplog.set_level(logging.DEBUG)
    log = logging.getLogger("some.library")
    log.debug("Sending a request - url: %s, body: %s", secret, {"text": secret})
    log.info(f"inline {secret} too")
    try:
        raise RuntimeError(f"failed with {secret}")
    except RuntimeError:
        log.exception("it broke")
    assert secret not in caplog.text, kind
    assert "[redacted]" in caplog.text


def test_untrusted_arguments_are_escaped_and_bounded(caplog: pytest.LogCaptureFixture) -> None:
    logging.getLogger("mems.test").warning("request id %s", "abc\r\nCRITICAL forged" + "x" * 5000)
    message = caplog.records[-1].getMessage()
    assert "\n" not in message and "\\r\\n" in message and len(message) < 2100


def test_ordinary_words_stay(caplog: pytest.LogCaptureFixture) -> None:
    logging.getLogger("mems.test").warning("a valid bearer token is required for %s; T-12 mems_session", "C-1")
    assert caplog.records[-1].getMessage() == "a valid bearer token is required for C-1; T-12 mems_session"


def test_a_json_log_line_carries_the_cleaned_traceback() -> None:
    import io

    from bot.logs import JsonFormatter

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    log = logging.getLogger("mems.test.json")
    log.addHandler(handler)
    try:
        raise RuntimeError(f"failed with {SIGNING}")
    except RuntimeError:
        log.exception("it broke")
    finally:
        log.removeHandler(handler)
    assert "RuntimeError" in stream.getvalue() and SIGNING not in stream.getvalue()
