"""Every way the parser refuses a line: the error key, its parameters, and the right form of the command."""

from __future__ import annotations

from typing import Any

import pytest

from bot.i18n import CATALOG
from bot.parsing import ParseError, parse
from bot.parsing.grammar import TABLE
from bot.parsing.parser import MAX_LENGTH
from bot.presenters.errors import parse_error
from bot.presenters.usage import usage_line
from tests.unit.parsing_context import CTX

USAGE = {spec.name: spec.usage for spec in TABLE}
TASK_USAGES = "\n".join(spec.usage for spec in TABLE if spec.name.startswith("task "))
ROLE_USAGES = "\n".join(spec.usage for spec in TABLE if spec.name.startswith("role "))

# (text, error key, the command whose usage the error carries (None: no command matched), some params)
CASES: list[tuple[str, str, str | None, dict[str, Any]]] = [
    # the verb
    ("lst all", "unknown_command", None, {"word": "lst", "suggestion": "list"}),
    ("tsak add C-1 x", "unknown_command", None, {"word": "tsak", "suggestion": "task add"}),
    ("新建活动 X", "unknown_command", None, {"suggestion": "新建"}),
    ("frobnicate", "unknown_command", None, {"word": "frobnicate", "suggestion": ""}),
    ('"help"', "unknown_command", None, {}),
    ('"Spring Launch" budget=5k', "unknown_command", None, {"word": "Spring Launch"}),
    ('"Spring Launch" now', "unknown_command", None, {"word": "Spring Launch"}),
    ("budget=5k", "unknown_command", None, {"word": "budget=5k"}),
    # a group word alone
    ("task", "unknown_subcommand", "task *",
     {"group": "task", "choices": "add, assign, start, done, reopen, block, due, edit, delete"}),
    ("任务", "unknown_subcommand", "task *", {"group": "task"}),
    ("task finish T-3", "unknown_subcommand", "task *", {"group": "task"}),
    ("role", "unknown_subcommand", "role *", {"group": "role", "choices": "add, remove"}),
    ("角色 @li manager", "unknown_subcommand", "role *", {"group": "role"}),
    # options
    ("new X foo=1", "unknown_option", "new", {"key": "foo", "accepted": "budget=, start=, end=, launch=, template=, "
                                                                     "owner=, kpi.*="}),
    ("new X kpi=3", "unknown_option", "new", {"key": "kpi"}),
    ("list all scope=mine", "unknown_option", "list", {"key": "scope", "accepted": "-"}),
    ("move C-1 due=+3d", "unknown_option", "move", {"key": "due", "accepted": "launch=, start=, by="}),
    ("move C-1 by=2027-03-01", "bad_shift", "move", {"value": "2027-03-01"}),
    ("move C-1 launch=+3d by=+3d", "move_one_key", "move", {}),
    ("edit C-1", "missing_changes", "edit", {}),
    ("task block T-3 reason=late", "unknown_option", "task block", {"key": "reason"}),
    ("new X budget=1 budget=2", "duplicate_option", "new", {"key": "budget"}),
    ("new X budget=1 预算=2", "duplicate_option", "new", {"key": "budget"}),
    ("new X Budget=1 BUDGET=2", "duplicate_option", "new", {"key": "budget"}),
    ("move C-1", "missing_option", "move", {"key": "launch"}),
    # amounts
    ("budget request C-1 abc KOL", "bad_amount", "budget request", {"value": "abc"}),
    ('new X budget="50 k"', "bad_amount", "new", {"value": "50 k", "key": "budget"}),
    ("budget request C-1 $100 CNY KOL", "bad_amount", "budget request", {}),
    ("budget request C-1 100XYZ KOL", "bad_currency", "budget request", {"value": "100XYZ"}),
    ("budget request C-1 1.234 KOL", "too_many_decimals", "budget request", {"value": "1.234"}),
    ("budget spend C-1 0.001", "too_many_decimals", "budget spend", {}),
    ("budget request C-1 0 KOL", "amount_not_positive", "budget request", {"value": "0"}),
    ("new X budget=0", "amount_not_positive", "new", {"key": "budget"}),
    ("budget spend C-1 0", "amount_not_positive", "budget spend", {}),
    ("budget request C-1 99999999999999 KOL", "amount_too_large", "budget request", {}),
    ("budget request C-1", "expected_amount", "budget request", {}),
    ("metrics C-1 spend=$5", "wrong_currency", "metrics", {"key": "spend", "expected": "CNY", "got": "USD"}),
    ("metrics C-1 clicks=1.5", "bad_count", "metrics", {"key": "clicks", "value": "1.5"}),
    ("new X kpi.roi=abc", "bad_number", "new", {"value": "abc"}),
    ("new X kpi.foo=3", "bad_kpi", "new", {"metric": "foo"}),
    ("new X kpi.cpc=$1.5", "wrong_currency", "new", {"key": "kpi.cpc", "expected": "CNY", "got": "USD"}),
    # dates
    ("task due T-3 someday", "bad_date", "task due", {"value": "someday"}),
    ("task add C-1 x due=someday", "bad_date", "task add", {"value": "someday", "key": "due"}),
    ("new X launch=2026-02-30", "bad_date", "new", {"key": "launch"}),
    ("move C-1 launch=soon", "bad_date", "move", {"key": "launch"}),
    ("metrics C-1 date=yesterday spend=1", "bad_date", "metrics", {"key": "date"}),
    ("task due T-3", "missing_date", "task due", {}),
    # missing words
    ("new", "missing_name", "new", {}),
    ("新建 budget=5k", "missing_name", "new", {}),
    ("new Launch @li budget=5k", "unexpected_mention", "new", {"user": "li"}),
    ("新建 发布会 <@U1|li>", "unexpected_mention", "new", {"user": "U1"}),
    ("task add C-1", "missing_title", "task add", {}),
    ("task add C-1 @li due=+3d", "missing_title", "task add", {}),
    ("reject A-1", "missing_reason", "reject", {}),
    ("task block T-3", "missing_reason", "task block", {}),
    ("budget request C-1 500", "missing_reason", "budget request", {}),
    ("metrics C-1", "missing_figures", "metrics", {}),
    ("metrics C-1 date=2026-06-09 channel=douyin", "missing_figures", "metrics", {}),
    # ids
    ("start", "expected_id", "start", {"kind": "C", "got": ""}),
    ("start T-1", "expected_id", "start", {"kind": "C", "got": "T-1"}),
    ("task done C-1", "expected_id", "task done", {"kind": "T"}),
    ("approve", "expected_id", "approve", {"kind": "A"}),
    ("show Z-1", "expected_id", "show", {"got": "Z-1"}),  # X-1 is an A/B test now (issue 13)
    ("show", "expected_id", "show", {"what": "campaign, task or request", "kind": "C", "got": ""}),
    # quotes
    ('new "Spring Launch', "unterminated_quote", "new", {"quote": '"'}),
    ("new “Spring Launch", "unterminated_quote", "new", {"quote": "“"}),
    ("task add C-1 「Book venue", "unterminated_quote", "task add", {"quote": "「"}),
    ('new X template="product', "unterminated_quote", "new", {"quote": '"'}),
    ('"unclosed', "unterminated_quote", None, {}),
    # extra words
    ("show C-1 extra", "unexpected_words", "show", {"words": "extra"}),
    ("start C-1 now", "unexpected_words", "start", {"words": "now"}),
    ("list all now", "unexpected_words", "list", {"words": "now"}),
    ("list everything", "unexpected_words", "list", {"words": "everything"}),
    ("templates please", "unexpected_words", "templates", {}),
    ("move C-1 soon launch=+3d", "unexpected_words", "move", {"words": "soon"}),
    ("subscribe C-1 all", "unexpected_words", "subscribe", {"words": "all"}),
    ("role add @li manager now", "unexpected_words", "role add", {"words": "now"}),
    # mentions
    ("task assign T-3 @a @b", "too_many_mentions", "task assign", {"what": "assignee"}),
    ("task add C-1 Book venue @a @b", "too_many_mentions", "task add", {"what": "assignee"}),
    ("role add @a <@U2> manager", "too_many_mentions", "role add", {}),
    ("task assign T-3", "expected_mention", "task assign", {"what": "assignee"}),
    ("role add manager", "expected_mention", "role add", {}),
    ("new X owner=li", "bad_mention", "new", {"value": "li"}),
    ("task assign T-3 <@" + "U" * 129 + ">", "long_mention", "task assign", {"limit": 128}),
    # roles and settings
    ("role add @li boss", "bad_role", "role add", {"value": "boss", "allowed": "admin, manager, finance"}),
    ("role remove @li", "bad_role", "role remove", {"value": ""}),
    ("settings lang=fr", "bad_lang", "settings", {"value": "fr", "key": "lang"}),
    ("settings quiet=late", "bad_quiet", "settings", {"value": "late"}),
    ("settings quiet=22:00", "bad_quiet", "settings", {}),
    ("settings quiet=22:00-25:00", "bad_quiet", "settings", {}),
    ("subscribe alerts=foo", "bad_alerts", "subscribe", {"value": "foo", "key": "alerts"}),
    ("subscribe C-1 alerts=digest,weather", "bad_alerts", "subscribe", {"value": "digest,weather"}),
    ("subscribe alerts=,", "bad_alerts", "subscribe", {}),
    # length
    ("x" * (MAX_LENGTH + 1), "too_long", None, {"limit": MAX_LENGTH}),
    ("new " + "x" * 10_000, "too_long", None, {"limit": MAX_LENGTH}),
    # anomaly alerts and API tokens
    ("ack C-1", "bad_alert_ref", "ack", {"value": "C-1"}),
    ("snooze C-1 soon", "bad_duration", "snooze", {"value": "soon"}),
    ("token create two words", "bad_token_name", "token create", {"value": "two words"}),
    # the approval desk
    ("return A-1", "missing_reason", "return", {}),
    ("budget request C-1 5000 x attach=ftp://host/q.pdf", "bad_attachment", "budget request",
     {"value": "ftp://host/q.pdf", "key": "attach"}),
    ("budget revise A-1 attach=quote.pdf", "bad_attachment", "budget revise", {"key": "attach"}),
    ("budget revise A-1 amount=lots", "bad_amount", "budget revise", {"value": "lots", "key": "amount"}),
    ("budget revise A-1 more words reason=x", "duplicate_option", "budget revise", {"key": "reason"}),
    ("approve A-1 add=carol", "bad_mention", "approve", {"value": "carol", "key": "add"}),
    ("delegate A-1", "expected_mention", "delegate", {"what": "delegate"}),
    ("delegate A-1 @a @b", "too_many_mentions", "delegate", {}),
    ("approve add A-1", "expected_mention", "approve add", {"what": "signer"}),
    ("cc A-1", "missing_people", "cc", {}),
    ("urge A-1 now", "unexpected_words", "urge", {}),
    ("settings delegate=@dan", "missing_until", "settings", {}),
    ("settings until=2026-12-20", "missing_option", "settings", {"key": "delegate"}),
    ("settings delegate=@dan until=someday", "bad_date", "settings", {"key": "until"}),
]

# goals, A/B tests and retrospectives (issue 13)
CASES += [
    ("goal set X period=2027", "goal_metric", "goal set", {}),
    ("goal set X revenue=1 spend=2 period=2027", "goal_metric", "goal set", {}),
    ("goal set X revenue=1m", "goal_period", "goal set", {}),
    ("goal set revenue=1m period=2027", "goal_name", "goal set", {}),
]
CASES += [
    ("test new C-1 T metric=ctr", "test_variants", "test new", {}),
    ("test new C-1 T variants=A,B metric=revenue", "test_metric", "test new", {"allowed": "ctr, cvr, roi, cpa"}),
    ("test new C-1 variants=A,B metric=ctr", "test_name", "test new", {}),
    ("test stop X-1", "test_winner", "test stop", {}),
]
CASES += [("retro C-1 note", "retro_note", "retro", {})]


def _expected_usage(command: str | None) -> str | None:
    if command == "task *":
        return TASK_USAGES
    if command == "role *":
        return ROLE_USAGES
    return USAGE[command] if command else None


def _ids() -> list[str]:
    return [f"{key}:{text[:40]}" for text, key, _, _ in CASES]


@pytest.mark.parametrize(("text", "key", "command", "params"), CASES, ids=_ids())
def test_error_key_params_and_usage(text: str, key: str, command: str | None, params: dict[str, Any]) -> None:
    with pytest.raises(ParseError) as caught:
        parse(text, CTX)
    error = caught.value
    assert error.key == key
    assert {k: error.params.get(k) for k in params} == params
    assert error.usage == _expected_usage(command)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(("text", "key", "command", "params"), CASES, ids=_ids())
def test_error_renders_with_its_usage_and_no_holes(text: str, key: str, command: str | None, params: dict[str, Any],
                                                   lang: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse(text, CTX)
    reply = parse_error(caught.value, lang)
    message = reply.text
    assert reply.is_error and not reply.public
    assert message.strip()
    assert "{" not in message and "}" not in message, message
    assert "Traceback" not in message and "Error" not in message
    usage = _expected_usage(command)
    for line in (usage or "").splitlines():
        assert f"`{usage_line(line, lang)}`" in message  # in Chinese, the Chinese verb first


def test_every_parse_error_key_has_words_in_both_languages() -> None:
    import re
    from pathlib import Path

    import bot.parsing as package

    raised = set()
    for path in Path(package.__file__).parent.glob("*.py"):
        raised |= set(re.findall(r'ParseError\(\s*"([a-z_]+)"', path.read_text(encoding="utf-8")))
    assert raised, "the scan found no ParseError at all"
    for key in raised:
        en, zh = CATALOG[f"parse.{key}"]
        assert en and zh


def test_every_raised_key_is_exercised_here() -> None:
    """`invalid_value` guards against a domain error inside a builder, which no input reaches today."""
    import re
    from pathlib import Path

    import bot.parsing as package

    raised = set()
    for path in Path(package.__file__).parent.glob("*.py"):
        raised |= set(re.findall(r'ParseError\(\s*"([a-z_]+)"', path.read_text(encoding="utf-8")))
    assert raised - {key for _, key, _, _ in CASES} == {"invalid_value"}


def test_an_error_inside_an_option_names_the_option() -> None:
    with pytest.raises(ParseError) as caught:
        parse("new X start=2026-06-01 end=someday", CTX)
    assert caught.value.params == {"value": "someday", "key": "end"}


def test_the_example_shown_with_an_error_is_the_commands_first_example() -> None:
    with pytest.raises(ParseError) as caught:
        parse("budget request C-1 20000", CTX)
    text = parse_error(caught.value, "en").text
    assert "A reason is required." in text
    assert "`budget request <C-id> <amount> <reason> [attach=<url>]`" in text
    assert '`budget request C-1 20000 "KOL fees for week 2"`' in text


def test_show_without_an_id_reads_naturally() -> None:
    with pytest.raises(ParseError) as caught:
        parse("show", CTX)
    assert parse_error(caught.value, "en").text.startswith("Expected a campaign, task or request id like C-1.")


def test_unknown_command_suggests_the_closest_verb_in_words() -> None:
    with pytest.raises(ParseError) as caught:
        parse("lst", CTX)
    assert "Did you mean `list`?" in parse_error(caught.value, "en").text
    assert "你是不是想用 `list`" in parse_error(caught.value, "zh").text
