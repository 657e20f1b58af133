"""Issue 13's story from Slack against the stand-in: goals split and linked, a test decided by the sequential rule
and announced once in the home channel, the retrospective posted there when the campaign completes."""

from __future__ import annotations

from tests import loop_story as story
from tests.integration.slack.harness import SlackWorkspace, text_of


def test_goals_a_decided_test_and_a_retrospective_from_slack(slack: SlackWorkspace) -> None:
    slack.command("UADMIN", "role add <@UMGR> manager")
    for line in story.GOALS:
        slack.command("UMGR", line)
    last = text_of(slack.posted("CHOME")[-1].body)  # a goal set is shown to the channel
    assert "Goal G-7 set: Baidu" in last and "adds up to" not in last  # 600k + 400k: the channels add up
    for line in story.CAMPAIGNS:
        slack.command("UREQ", line)
    for line in story.LINKS:
        slack.command("UMGR", line)
    for line in story.metrics():
        slack.command("UREQ", line)
    slack.deliver()
    home = [text_of(c.body) for c in slack.posted("CHOME")]
    decided = [t for t in home if "A/B test X-1 Headline is decided" in t]
    assert len(decided) == 1 and "decided: B wins (the sequential boundary was crossed)" in decided[0]

    slack.command("UMGR", "goal G-1")
    shown = slack.last_answer()
    assert "G-5 Q4 · revenue · 2026-Q4: ¥109,000.00 / ¥250,000.00" in shown
    assert "G-6 Douyin · revenue · 2026 · douyin: ¥69,000.00 / ¥600,000.00" in shown

    for line in story.CLOSE:
        slack.command("UREQ", line)
    slack.deliver()
    [retro] = [text_of(c.body) for c in slack.posted("CHOME") if "retrospective draft" in text_of(c.body)]
    assert "C-1 Winter Sale is complete" in retro and "B headline for January" in retro
    assert "X-1 Headline (CTR): decided: B wins" in retro
