"""Every Block Kit message MEMS renders is one Slack accepts: checked with slack_sdk's own models and Slack's
documented limits (tests/slack_validate.py), on the goldens, on what the real bus answers (help on every command in
both languages, templates, long timelines and boards) and on cards full of arbitrary user text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.slack import forms, render
from bot.actions import Action, ActionId
from bot.cards import Button, Card, Chart, Field, Section, Style, Tone
from bot.parsing.grammar import TABLE
from tests.builders import TestBot
from tests.golden import ROOT
from tests.slack_validate import assert_valid_message, assert_valid_view, message_problems

LANGS = ["en", "zh"]
GOLDENS = sorted((ROOT / "slack").glob("*.json"))


def _rendered(card: Card) -> list[dict[str, Any]]:
    return render.messages(card, nonce="check")


def _all_text(messages: list[dict[str, Any]]) -> str:
    return json.dumps(messages, ensure_ascii=False)


@pytest.mark.parametrize("path", GOLDENS, ids=[p.stem for p in GOLDENS])
def test_every_slack_golden_is_a_message_slack_accepts(path: Path) -> None:
    assert_valid_message(json.loads(path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("lang", LANGS)
def test_help_and_templates_are_accepted(lang: str) -> None:
    bot = TestBot(lang=lang)
    for line in ("help", "templates", "help nonsense"):
        for message in _rendered(bot.ok("alice", line).card):
            assert_valid_message(message)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("spec", TABLE, ids=[s.name for s in TABLE])
def test_help_on_every_command_is_accepted(spec: Any, lang: str) -> None:
    bot = TestBot(lang=lang)
    for message in _rendered(bot.ok("alice", f"help {spec.name}").card):
        assert_valid_message(message)


def _campaign_with_tasks(lang: str, count: int) -> TestBot:
    """A campaign whose task titles are full of what mrkdwn must escape, in every column of the board."""
    bot = TestBot(lang=lang)
    bot.ok("alice", 'new "Spring & Summer <Launch>" launch=2026-12-20')
    for n in range(1, count + 1):
        title = f"Post #{n} & reel <{n}> for R&D" if n % 2 else f"第{n}条 小红书 & 抖音 <预热>"
        bot.ok("alice", f'task add C-1 "{title}" @li due=2026-12-{n % 28 + 1:02d}')
    for n in range(1, count + 1, 5):
        bot.ok("alice", f"task start T-{n}")
    for n in range(2, count + 1, 5):
        bot.ok("alice", f"task done T-{n}")
    for n in range(3, count + 1, 10):  # neither started nor done
        bot.ok("alice", f'task block T-{n} "waiting for legal & <PR>"')
    return bot


@pytest.fixture(scope="module", params=LANGS)
def big_campaign(request: pytest.FixtureRequest) -> TestBot:
    return _campaign_with_tasks(request.param, 150)


def test_a_40_task_timeline_with_ampersands_is_accepted() -> None:
    bot = _campaign_with_tasks("en", 40)
    messages = _rendered(bot.ok("alice", "timeline C-1").card)
    for message in messages:
        assert_valid_message(message)
    assert all(f"T-{n}" in _all_text(messages) for n in range(1, 41))


@pytest.mark.parametrize("view", ["board", "timeline"])
def test_a_150_task_board_and_timeline_are_accepted_and_show_every_task(big_campaign: TestBot, view: str) -> None:
    messages = _rendered(big_campaign.ok("alice", f"{view} C-1").card)
    for message in messages:
        assert_valid_message(message)
    text = _all_text(messages)
    assert [n for n in range(1, 151) if f"T-{n} " not in text] == []


@pytest.mark.parametrize("lang", LANGS)
def test_the_modals_are_accepted(lang: str) -> None:
    catalog = TestBot(lang=lang).container.deps.templates.names()
    crowded = [f"{n:03d}-" + "x" * 45 for n in range(120)]  # more than a select holds, names as long as allowed
    origin = forms.Origin("CHOME", "https://hooks.slack.com/commands/T1/1/" + "x" * 200)
    for templates in (catalog, crowded, []):
        assert_valid_view(forms.new_campaign(lang, templates, origin))
    assert_valid_view(forms.reason(lang, "Reject & <escalate> the KOL budget A-3", origin))


# -- arbitrary user text --------------------------------------------------------------------------------------------

PIECES = ["&", "<", ">", "&amp;", "&lt;", "<@U123>", "<@U1|bob & co>", "<#C9|general>", "<!channel>", "<b>",
          "预算 & KOL", "双十一大促", "*", "_", "`", "```", "\n", "\n\n", " ", "x", "😀", "\u200b", "ü", "\t"]
short = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=4)), max_size=40).map("".join)
long = st.builds(lambda piece, n: piece * n, st.sampled_from([*PIECES, "ab & <c>\n", "任务 & <x> "]),
                 st.integers(1, 4000))
texts = st.one_of(short, short, long)
buttons = st.builds(lambda label, action, n, style: Button(label, Action(action, f"C-{n}"), style),
                    texts, st.sampled_from(list(ActionId)), st.integers(1, 10**6), st.sampled_from(list(Style)))
charts = st.none() | st.builds(lambda title: Chart(title, ("11-01", "11-02"), (("spend", (1.0, 2.0)),)), texts)
cards = st.builds(
    Card, title=texts, tone=st.sampled_from(list(Tone)),
    fields=st.lists(st.builds(Field, texts, texts), max_size=14).map(tuple),
    sections=st.lists(st.builds(Section, texts, st.booleans()), max_size=8).map(tuple),
    buttons=st.lists(buttons, max_size=30).map(tuple), footer=texts, chart=charts)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(card=cards)
def test_any_card_renders_to_messages_slack_accepts(card: Card) -> None:
    for message in [*_rendered(card), render.message(card, nonce="check")]:
        assert message_problems(message) == []
        assert render.size(message["blocks"]) <= render.MAX_TOTAL
