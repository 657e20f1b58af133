"""First contact: a slash command through the real app reaches the bus and answers on the response_url."""

from __future__ import annotations

from tests.integration.slack.harness import SlackWorkspace


def test_help_answers_ephemerally(slack: SlackWorkspace) -> None:
    response = slack.command("UADMIN", "help")
    assert response.status_code == 200
    assert response.text == ""
    answer = slack.answers()[-1]
    assert answer["response_type"] == "ephemeral"
    assert "budget request" in slack.last_answer()
