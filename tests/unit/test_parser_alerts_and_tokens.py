"""The anomaly alert and API token commands refuse what they can't read, with the right form."""

from __future__ import annotations

import pytest

from bot.parsing import ParseError, parse
from tests.unit.parsing_context import CTX


@pytest.mark.parametrize(("text", "key"), [
    ("ack", "bad_alert_ref"),
    ("ack C-1", "bad_alert_ref"),  # an acknowledgement names one alert, not a campaign
    ("ack anomaly:C-1:2026-13-40", "bad_alert_ref"),
    ("ack anomaly:T-1:2026-06-08", "bad_alert_ref"),
    ("ack anomaly:C-1:2026-06-08 extra", "unexpected_words"),
    ("snooze", "bad_alert_ref"),
    ("snooze C-1 forever", "bad_duration"),
    ("snooze C-1 0h", "bad_duration"),
    ("snooze C-1 8d", "bad_duration"),  # at most a week: a forgotten snooze must not hide a month
    ("token create a b", "bad_token_name"),
    ("token create " + "x" * 41, "bad_token_name"),
    ("token revoke", "bad_token_name"),
    ("token list all", "unexpected_words"),
    ("token", "unknown_subcommand"),
])
def test_refused_with_the_reason(text: str, key: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse(text, CTX)
    assert caught.value.key == key


def test_the_usage_comes_with_the_error() -> None:
    with pytest.raises(ParseError) as caught:
        parse("snooze C-1 soon", CTX)
    assert caught.value.usage == "snooze <alert-ref|C-id> [24h]"
