"""Help comes from the same table as the parser, so the table checks itself: every row shown, every example parses."""

from __future__ import annotations

import pytest

from bot.cards import Card
from bot.parsing import parse
from bot.parsing.grammar import TABLE, Spec
from bot.parsing.parser import lookup
from bot.presenters.admin import help_card
from bot.presenters.usage import localized
from domain import commands as c
from tests.unit.parsing_context import CTX

LANGS = ["en", "zh"]
EXAMPLES = [(spec, example) for spec in TABLE for example in spec.examples]


def _text(card: Card) -> str:
    return "\n".join([card.title, *(s.text for s in card.sections), card.footer])


def _split(spec: Spec, example: str) -> tuple[str, str]:
    """(the verb the example is written with, the rest)."""
    for verb in sorted((spec.name, *spec.aliases), key=len, reverse=True):
        if example == verb or example.startswith(verb + " "):
            return verb, example[len(verb):]
    raise AssertionError(f"example {example!r} does not start with {spec.name} or one of its aliases")


def _ids(rows: list[tuple[Spec, str]]) -> list[str]:
    return [example for _, example in rows]


def test_every_row_has_an_alias_and_an_example() -> None:
    assert all(spec.aliases and spec.examples for spec in TABLE)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("spec", TABLE, ids=[s.name for s in TABLE])
def test_every_row_appears_in_help(spec: Spec, lang: str) -> None:
    text = _text(help_card(None, lang))
    assert localized(spec, spec.usage, lang) in text  # in Chinese, the Chinese verb first
    assert spec.summary(lang) in text
    for alias in spec.aliases:
        assert alias in text


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("spec", TABLE, ids=[s.name for s in TABLE])
def test_help_on_a_command_shows_its_usage_aliases_and_examples(spec: Spec, lang: str) -> None:
    text = _text(help_card(spec.name, lang))
    assert f"`{localized(spec, spec.usage, lang)}`" in text
    for item in (*spec.aliases, *(localized(spec, e, lang) for e in spec.examples), spec.who):
        assert item in text


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("line", "group"), [("help task", "task "), ("帮助 任务", "task "), ("help budget", "budget"),
                                             ("帮助 预算", "budget"), ("help role", "role "), ("帮助 角色", "role ")])
def test_help_on_a_group_shows_every_member(line: str, group: str, lang: str) -> None:
    command = parse(line, CTX)
    assert isinstance(command, c.Help) and command.topic
    text = _text(help_card(command.topic, lang))
    members = [spec for spec in TABLE if spec.name.startswith(group) or spec.name == group]
    assert len(members) >= 2
    for spec in members:
        assert f"`{localized(spec, spec.usage, lang)}`" in text
        for example in spec.examples:
            assert localized(spec, example, lang) in text
    others = [spec for spec in TABLE if spec not in members]
    assert not any(f"`{localized(spec, spec.usage, lang)}`" in text for spec in others)


@pytest.mark.parametrize("lang", LANGS)
def test_help_on_an_unknown_topic_says_so_and_lists_everything(lang: str) -> None:
    text = _text(help_card("frobnicate", lang))
    assert "frobnicate" in text
    assert all(localized(spec, spec.usage, lang) in text for spec in TABLE)


@pytest.mark.parametrize(("spec", "example"), EXAMPLES, ids=_ids(EXAMPLES))
def test_every_example_parses_to_its_own_row(spec: Spec, example: str) -> None:
    parse(example, CTX)
    verb, _ = _split(spec, example)
    assert lookup(verb.split()) == (spec, len(verb.split()))


ALIASED = [(spec, example) for spec, example in EXAMPLES if spec.aliases]


@pytest.mark.parametrize(("spec", "example"), ALIASED, ids=_ids(ALIASED))
def test_every_alias_parses_like_the_english_name(spec: Spec, example: str) -> None:
    _, rest = _split(spec, example)
    english = parse(spec.name + rest, CTX)
    for alias in spec.aliases:
        assert parse(alias + rest, CTX) == english, alias


def test_no_two_rows_share_a_name_or_an_alias() -> None:
    names = [words for spec in TABLE for words in (spec.name, *spec.aliases)]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("spec", TABLE, ids=[s.name for s in TABLE])
def test_usage_starts_with_the_command_name(spec: Spec) -> None:
    assert spec.usage == spec.name or spec.usage.startswith(spec.name + " ")
