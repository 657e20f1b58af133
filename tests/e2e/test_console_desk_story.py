"""The approval desk's story from `mems chat`, each person in their own process on one SQLite file: a request with a
quote attached, copied to two people, returned, revised from 30,000 to 120,000 (so it gains the admin step), a signer
added, a step handed over, an urge, an approver away with a delegate, and approval at last. After every move, every
copy of the card that changed says the same thing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.e2e.console import Console

QUOTE = "https://files.example.com/q/quote-0412.pdf"


@pytest.fixture
def team(tmp_path: Path) -> Console:
    console = Console(tmp_path / "mems.db")
    console.chat("alice", "role add @bob manager", "role add @fay finance", "role add @adam admin")
    return console


def blocks(output: str) -> dict[str, list[str]]:
    """What the console printed, by heading: `to @bob (direct message)`, `updated in li`, … → the cards."""
    found: dict[str, list[str]] = {}
    printed: dict[str, str] = {}  # title line -> the card printed in full
    for heading, text in re.findall(r"── (.+?) ──\n(.*?)(?=\n── |\n\w+> |\Z)", output, flags=re.S):
        body = text
        if text.startswith("  (as above: "):  # a copy of a card printed earlier (the console prints it once)
            body = printed[text.strip().removeprefix("(as above: ").removesuffix(")")]
        else:
            printed[text.splitlines()[0].lstrip("!✔✖ ")] = text
        found.setdefault(heading, []).append(body)
    return found


def field(card: str, label: str) -> str:
    match = re.search(rf"^  {label} +(.+)$", card, flags=re.M)
    return match.group(1) if match else ""


def copies_agree(output: str) -> dict[str, str]:
    """Every copy updated by this command shows the same title and step; returns copy → step."""
    updated = {heading.removeprefix("updated in "): cards[-1] for heading, cards in blocks(output).items()
               if heading.startswith("updated in ")}
    assert updated, output
    titles = {card.splitlines()[0].lstrip("!✔✖ ") for card in updated.values()}
    steps = {field(card, "Step") for card in updated.values()}
    assert len(titles) == 1 and len(steps) == 1, updated
    return {copy: field(card, "Step") for copy, card in updated.items()}


def test_the_approval_desk_from_the_console(team: Console) -> None:
    out = team.chat("olive", 'new "Spring Launch" budget=100k launch=2027-03-01',
                    f'budget request C-1 30000 "KOL fees" attach={QUOTE}')
    to_bob = blocks(out)["to @bob (direct message)"][-1]
    assert "Planned budget  ¥100,000.00" in to_bob and f"📎 quote-0412.pdf  {QUOTE}" in to_bob
    assert "[Return] return A-1 <reason>   [Delegate] delegate A-1 @user" in to_bob

    out = team.chat("olive", "cc A-1 @li @zhao")
    assert {"to @li (direct message)", "to @zhao (direct message)"} <= set(blocks(out))
    to_li = blocks(out)["to @li (direct message)"][-1]
    assert "[Approve]" not in to_li and "Copied to       @li, @zhao" in to_li  # a read-only copy
    assert set(copies_agree(out)) >= {"bob", "local"} and field(to_li, "Step") == "1 of 2: manager"

    out = team.chat("bob", 'return A-1 "split the venue from the KOL fee"')
    assert set(copies_agree(out).values()) == {"returned"}
    assert "`budget revise A-1 amount=… reason=…`" in blocks(out)["to @olive (direct message)"][-1]

    out = team.chat("olive", 'budget revise A-1 amount=120k reason="KOL and venue, two weeks"')
    assert set(copies_agree(out).values()) == {"1 of 3: manager (round 2)"}
    assert "Over plan       ¥20,000.00 (20.0% above the plan)" in blocks(out)["to @bob (direct message)"][-1]

    out = team.chat("bob", "approve A-1 add=@carol")
    assert set(copies_agree(out).values()) == {"2 of 4: @carol (added) (round 2)"}
    assert "[Approve] approve A-1" in blocks(out)["to @carol (direct message)"][-1]

    out = team.chat("carol", "delegate A-1 @dan")
    assert set(copies_agree(out).values()) == {"2 of 4: @carol (added) → handed to @dan (round 2)"}
    assert "to @dan (direct message)" in blocks(out)

    out = team.chat("olive", "urge A-1", "urge A-1")
    assert "The requester asks you to decide" in blocks(out)["to @dan (direct message)"][-1]
    assert "it can be urged again from" in out

    out = team.chat("fay", "settings delegate=@gil until=+7d")
    assert "named you their delegate" in blocks(out)["to @gil (direct message)"][-1]

    out = team.chat("dan", "approve A-1")
    assert set(copies_agree(out).values()) == {"3 of 4: finance (round 2)"}
    assert "to @gil (direct message)" in blocks(out)  # fay is away: her cover gets her card
    assert "to @fay (direct message)" not in blocks(out)

    out = team.chat("gil", "approve A-1 covering for fay")
    assert set(copies_agree(out).values()) == {"4 of 4: admin (round 2)"}

    out = team.chat("adam", "approve A-1", "budget C-1")
    finished = copies_agree(out)
    assert set(finished.values()) == {"approved"} and {"li", "zhao", "local", "bob", "dan", "gil"} <= set(finished)
    assert re.search(r"Approved +¥120,000.00", out)

    trail = team.chat("olive", "show A-1")
    for line in ("returned for changes by @bob", "¥30,000.00 → ¥120,000.00", "adding @carol as the next step",
                 "Step 2 handed to @dan by @carol", "@olive copied in @li, @zhao", "@olive urged the approvers",
                 "approved by @gil at", "for @fay, who is away", "Step 4 (admin) approved by @adam"):
        assert line in trail, line
