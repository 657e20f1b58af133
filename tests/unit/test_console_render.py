"""The console renderer: what a person reads in `mems chat`."""

from __future__ import annotations

from adapters.console.render import render
from bot.actions import Action, ActionId
from bot.cards import Button, Card, Field, Section, Style, Tone, text_card


def test_buttons_show_as_the_command_to_type_and_mentions_as_at_names() -> None:
    card = Card(title="Budget request A-3: ¥20,000.00 (pending)", tone=Tone.WARNING,
                fields=(Field("Requested by", "<@olive>"), Field("Step", "1 of 2: manager")),
                buttons=(Button("Approve", Action(ActionId.APPROVE, "A-3"), Style.PRIMARY),
                         Button("Reject", Action(ActionId.REJECT, "A-3"), Style.DANGER)))
    assert render(card).splitlines() == [
        "! Budget request A-3: ¥20,000.00 (pending)",
        "  Requested by  @olive",
        "  Step          1 of 2: manager",
        "  [Approve] approve A-3   [Reject] reject A-3 <reason>",
    ]


def test_chinese_labels_line_up_by_display_width() -> None:
    card = Card(title="预算", fields=(Field("状态", "进行中"), Field("Owner", "<@U1|li>")))
    lines = render(card).splitlines()
    assert lines[1:] == ["  状态   进行中", "  Owner  @U1"]  # 状态 takes four columns, like "Owne"


def test_a_message_only_card_is_one_line_and_mono_blocks_keep_their_shape() -> None:
    assert render(text_card("C-9 was not found.", Tone.DANGER)) == "✖ C-9 was not found."
    board = render(Card(title="Timeline", sections=(Section("T-1 ●    \nT-2    ●", mono=True),)))
    assert board.splitlines()[1:] == ["    T-1 ●    ", "    T-2    ●"]
