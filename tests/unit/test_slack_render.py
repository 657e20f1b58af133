"""Card → Block Kit: snapshots of real card shapes, and the limits and escaping a Slack client needs."""

from __future__ import annotations

import json
from typing import Any

import pytest

from adapters.slack import render, translate
from bot.actions import Action, ActionId, needs_reason
from bot.cards import Button, Card, Chart, Field, Section, Style, Tone, text_card
from tests.golden import assert_golden

NONCE = "golden"  # pinned, so the goldens stay the same; live messages each get a fresh one

APPROVAL = Card(
    title="A-3 · ¥20,000.00 · pending", tone=Tone.WARNING,
    fields=(Field("Campaign", "C-1 Spring Launch 2027"), Field("Requester", "<@UREQ>"),
            Field("Amount", "¥20,000.00"), Field("Reason", "KOL fees for week 2 & <b>bonus</b>"),
            Field("Step", "1 of 2: manager"), Field("Budget before", "approved ¥0.00 · spent ¥0.00"),
            Field("Budget after", "approved ¥20,000.00 · remaining ¥20,000.00"), Field("Pacing", "n/a")),
    buttons=(Button("Approve", Action(ActionId.APPROVE, "A-3"), Style.PRIMARY),
             Button("Reject", Action(ActionId.REJECT, "A-3"), Style.DANGER)),
    entity="A-3")
DECIDED = Card(
    title="A-3 · ¥20,000.00 · rejected", tone=Tone.DANGER, fields=APPROVAL.fields[:5],
    sections=(Section("Step 1 (manager) approved by <@UMGR> at 2026-11-25 Wed 10:00 — “ok”"),
              Section("Step 2 (finance) rejected by <@UFIN> at 2026-11-25 Wed 11:00 — “over plan”")),
    entity="A-3")
TASK = Card(title="Task added: T-7 Book venue", tone=Tone.INFO,
            fields=(Field("Campaign", "C-1 Spring"), Field("Assignee", "<@UMGR>"),
                    Field("Due", "2026-12-05 Sat 18:00"), Field("Status", "todo")),
            buttons=(Button("Start", Action(ActionId.TASK_START, "T-7")),
                     Button("Done", Action(ActionId.TASK_DONE, "T-7"), Style.PRIMARY)), entity="T-7")
BOARD = Card(title="Board C-1 双十一大促", sections=(
    Section("待办 (1)\n• T-1 预订场地 (<@UMGR>, 2026-11-05 周四 18:00)"),
    Section("      11-01          11-11\n  T-1 ● |        11-05  预订场地\n"
            "  T-2      ✓     11-08  <KOL> & co", mono=True)),
    footer="Type `task done T-1` to finish a task", entity="C-1")
ERROR = text_card("C-99 was not found. Try `list` to see the campaigns.", Tone.DANGER)
CHART = Card(title="Report C-1", chart=Chart("Daily spend", ("11-01", "11-02", "11-03"),
                                             (("spend", (100.0, 300.0, 200.0)), ("conversions", (1.0, 1.0, 1.0)))))
MENTION_TITLE = Card(title="<@UMGR> assigned T-7 to you", tone=Tone.SUCCESS)


@pytest.mark.parametrize(("name", "card"), [
    ("approval_pending", APPROVAL), ("approval_decided", DECIDED), ("task", TASK), ("board_zh_mono", BOARD),
    ("error", ERROR), ("chart", CHART), ("mention_title", MENTION_TITLE)])
def test_card_matches_golden(name: str, card: Card) -> None:
    assert_golden("slack", name, render.message(card, nonce=NONCE))


def test_a_chart_with_a_url_is_an_image_block_instead_of_sparklines() -> None:
    url = "https://mems.example.com/charts/gAAAAB.png"
    out = render.message(CHART, chart_url=url, nonce=NONCE)
    assert_golden("slack", "chart_image", out)
    image = out["blocks"][-1]
    assert image == {"type": "image", "image_url": url, "title": {"type": "plain_text", "text":
                     "Daily spend  11-01 → 11-03", "emoji": True},
                     "alt_text": "Daily spend  11-01 → 11-03: spend 100–300; conversions 1–1"}
    assert "▁" not in json.dumps(out, ensure_ascii=False)  # the picture replaces the sparklines, never both
    no_chart = Card(title="No chart")
    assert render.message(no_chart, chart_url=url, nonce=NONCE) == render.message(no_chart, nonce=NONCE)


def _texts(blocks: list[dict[str, Any]]) -> list[str]:
    found = []
    for block in blocks:
        if "text" in block:
            found.append(block["text"]["text"])
        found += [f["text"] for f in block.get("fields", [])]
        found += [e["text"] for e in block.get("elements", []) if e.get("type") in ("mrkdwn", "plain_text")]
    return found


def test_user_text_is_escaped_but_mentions_stay_mentions() -> None:
    text = render.escape("<script> & <!channel> for <@U123|bob> in <#C9|general>")
    assert text == "&lt;script&gt; &amp; &lt;!channel&gt; for <@U123|bob> in <#C9|general>"


def test_buttons_carry_their_typed_context() -> None:
    actions = next(b for b in render.blocks(APPROVAL, nonce=NONCE) if b["type"] == "actions")
    approve, reject = actions["elements"]
    assert approve["action_id"] == "approve" and approve["style"] == "primary"
    assert translate.action_of(approve) == Action(ActionId.APPROVE, "A-3")
    assert translate.action_of(reject) == Action(ActionId.REJECT, "A-3") and needs_reason(ActionId.REJECT)


def test_same_action_twice_in_one_block_gets_unique_ids() -> None:
    card = Card(title="Tasks", buttons=tuple(Button("Done", Action(ActionId.TASK_DONE, f"T-{n}"))
                                             for n in range(1, 4)))
    ids = [e["action_id"] for e in render.blocks(card, nonce=NONCE)[-1]["elements"]]
    assert ids == ["task_done", "task_done.2", "task_done.3"]


def test_a_huge_card_stays_within_block_kit_limits() -> None:
    card = Card(title="T" * 400, fields=tuple(Field(f"f{n}", "v" * 3000) for n in range(23)),
                sections=tuple(Section(f"line {n}\n" + "x" * 5000) for n in range(60)),
                buttons=tuple(Button("B" * 100, Action(ActionId.SHOW, f"C-{n}")) for n in range(30)),
                footer="the end")
    blocks = render.blocks(card, nonce=NONCE)
    assert len(blocks) <= render.MAX_BLOCKS
    assert blocks[0]["type"] == "header" and len(blocks[0]["text"]["text"]) <= render.MAX_HEADER
    assert blocks[0]["text"]["text"].endswith("…")
    assert all(len(s["fields"]) <= render.MAX_FIELDS for s in blocks if "fields" in s)
    assert all(len(t) <= render.MAX_TEXT for t in _texts(blocks))
    assert all(len(f["text"]) <= render.MAX_FIELD for s in blocks for f in s.get("fields", []))
    actions = [b for b in blocks if b["type"] == "actions"]
    assert [len(b["elements"]) for b in actions] == [25, 5]  # every button survives; the body gives way
    assert all(len(e["text"]["text"]) <= render.MAX_BUTTON for b in actions for e in b["elements"])
    assert any("more not shown" in t for t in _texts(blocks))
    assert blocks[-1] == {"type": "context", "elements": [{"type": "mrkdwn", "text": "the end"}]}


def test_a_long_mono_section_is_split_into_code_blocks_at_line_ends() -> None:
    lines = [f"T-{n:03d} ●   {'x' * 60}" for n in range(120)]
    blocks = render.blocks(Card(title="Timeline", sections=(Section("\n".join(lines), mono=True),)), nonce=NONCE)
    code = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert len(code) > 1 and all(t.startswith("```\n") and t.endswith("\n```") for t in code)
    assert all(len(t) <= render.MAX_TEXT for t in code)
    assert "\n".join(t[4:-4] for t in code).splitlines() == lines


def test_fallback_text_is_the_title_or_first_line() -> None:
    assert render.message(APPROVAL, nonce=NONCE)["text"] == APPROVAL.title
    assert render.message(ERROR, nonce=NONCE)["text"].startswith("C-99 was not found")


def test_rendering_is_pure_json() -> None:
    assert json.loads(json.dumps(render.message(APPROVAL, nonce=NONCE))) == render.message(APPROVAL, nonce=NONCE)


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def test_a_mono_section_is_escaped_before_it_is_split() -> None:
    lines = [f"T-{n:03d} ●  Post & reel <{n}> for R&D" for n in range(120)]  # 3.5k once escaped
    blocks = render.blocks(Card(title="Timeline", sections=(Section("\n".join(lines), mono=True),)), nonce=NONCE)
    code = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert len(code) == 2 and all(len(t) <= render.MAX_TEXT for t in code)
    assert "&amp;" in code[0] and "<" not in "".join(t[4:-4] for t in code)
    assert _unescape("\n".join(t[4:-4] for t in code)).splitlines() == lines


def test_a_cut_never_splits_an_entity_or_a_mention() -> None:
    for pad in range(6):
        title = "<@UMGR> " + "x" * pad + "&" * 1000 + " <@UFIN>"
        text = render.blocks(Card(title=title), nonce=NONCE)[0]["text"]["text"]
        assert len(text) <= render.MAX_TEXT and text.endswith("…*")
        assert text.removeprefix("*<@UMGR> ").removesuffix("…*").lstrip("x").replace("&amp;", "") == ""
    field = render.blocks(Card(title="", fields=(Field("F", "<" * 700),)), nonce=NONCE)[0]["fields"][0]["text"]
    assert len(field) <= render.MAX_FIELD and field.endswith("&lt;…")


def test_block_ids_are_the_callers_nonce_so_each_message_has_its_own() -> None:
    one, two = render.message(TASK, nonce="a1"), render.message(TASK, nonce="b2")
    assert [b["block_id"] for b in one["blocks"] if "block_id" in b] == ["mems.a1.0"]
    assert [b["block_id"] for b in two["blocks"] if "block_id" in b] == ["mems.b2.0"]
    assert render.message(TASK, nonce="a1") == one  # pure: the same nonce, the same message
    assert [e["action_id"] for b in two["blocks"] if b["type"] == "actions" for e in b["elements"]] == [
        "task_start", "task_done"]  # what a click is routed by does not change


LONG = Card(title="Board C-1 Spring & <Summer>", sections=tuple(
    Section(f"{column} (60)\n" + "\n".join(f"• T-{c}{n:02d} Post & reel <{n}> (<@UMGR>, 2026-12-05 Sat 18:00)"
                                         for n in range(60))) for c, column in enumerate(("todo", "doing", "done"))),
    buttons=(Button("Show", Action(ActionId.SHOW, "C-1")),), footer="Type `tasks C-1` for a list")


def test_a_card_too_long_for_one_message_comes_as_several_and_loses_nothing() -> None:
    parts = render.messages(LONG, nonce=NONCE)
    assert len(parts) == 2 and render.messages(TASK, nonce=NONCE) == [render.message(TASK, nonce=NONCE)]
    assert all(render.size(p["blocks"]) <= render.MAX_TOTAL for p in parts)
    assert parts[0]["blocks"][0]["type"] == "header"
    assert parts[0]["text"] == "Board C-1 Spring &amp; &lt;Summer&gt; · 1/2"
    assert parts[1]["blocks"][0] == {"type": "context", "elements": [
        {"type": "mrkdwn", "text": "Board C-1 Spring &amp; &lt;Summer&gt; · 2/2"}]}
    assert [b["type"] for b in parts[1]["blocks"][-2:]] == ["actions", "context"]  # buttons and footer close it
    shown = "\n".join(_texts([b for p in parts for b in p["blocks"]]))
    assert all(f"T-{c}{n:02d} Post &amp; reel &lt;{n}&gt;" in shown for c in range(3) for n in range(60))


def test_one_message_of_a_long_card_is_folded_and_says_so() -> None:
    blocks = render.message(LONG, nonce=NONCE)["blocks"]
    assert render.size(blocks) <= render.MAX_TOTAL
    assert blocks[-3] == {"type": "context", "elements": [{"type": "mrkdwn", "text": "… (more not shown)"}]}
    assert [b["type"] for b in blocks[-2:]] == ["actions", "context"]
