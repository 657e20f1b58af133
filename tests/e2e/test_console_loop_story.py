"""Issue 13's story from `mems chat`: a yearly goal split into quarters and channels, two campaigns linked, a
two-variant test decided by the sequential rule, a completed campaign and its retrospective posted in the home
channel."""

from __future__ import annotations

import re
from pathlib import Path

from tests.e2e.console import Console

GOALS = ['goal set "Revenue 2026" revenue=1m period=2026',
         *(f"goal set Q{q} revenue=250k period=2026-Q{q} parent=G-1" for q in range(1, 5)),
         "goal set Douyin revenue=600k period=2026 channel=douyin parent=G-1",
         "goal set Baidu revenue=300k period=2026 channel=baidu parent=G-1"]


def variant_days() -> list[str]:
    lines = []
    for day in range(15, 25):
        for variant, clicks in (("A", 100), ("B", 130)):
            lines.append(f"metrics C-1 date=2026-11-{day} channel=douyin variant={variant} impressions=5000 "
                         f"clicks={clicks} conversions={clicks // 10} spend=1000 revenue={clicks * 30}")
    return lines


def test_goals_a_decided_test_and_a_retrospective_from_the_console(tmp_path: Path) -> None:
    team = Console(tmp_path / "mems.db")
    team.chat("alice", "role add @bob manager")
    set_up = team.chat("bob", *GOALS)
    assert "The channel split (G-6, G-7) adds up to ¥900,000.00, not the target ¥1,000,000.00." in set_up
    team.chat("olive", 'new "Winter Sale" start=2026-11-15 end=2026-12-04 kpi.roi=3',
              'new "Year End" start=2026-11-20 end=2026-12-31',
              'test new C-1 "Headline" variants=A,B metric=ctr min_sample=200000')
    linked = team.chat("bob", "goal link G-5 C-1", "goal link G-5 C-2", "goal link G-6 C-1", "goal link G-7 C-2")
    assert "C-1 now counts towards G-5." in linked and "C-2 now counts towards G-7." in linked

    recorded = team.chat("olive", *variant_days(),
                         *(f"metrics C-2 date=2026-11-{d} channel=baidu spend=2000 conversions=20 revenue=5000"
                           for d in range(20, 28)))
    first = recorded.index("decided: B wins (the sequential boundary was crossed)")
    assert "not decided (no sequential boundary crossed yet)" in recorded[:first]  # the early looks decide nothing
    announced = recorded.split("── to #local ──")
    assert len(announced) == 2 and "🧪 A/B test X-1 Headline is decided" in announced[1]  # once, home channel

    shown = team.chat("anyone", "test X-1", "goal G-1", "goals")
    assert "Planned sample per variant  200,000 impressions" in shown  # decided well before it
    assert "B · 50,000 impressions · CTR 2.60% · lift +30.0% (95 % interval +19.8% to +41.0%)" in shown
    # Q4 counts both campaigns: C-1's 10 days of 3,000 + 3,900 and C-2's 8 days of 5,000.
    assert "• G-5 Q4 · revenue · 2026-Q4: ¥109,000.00 / ¥250,000.00" in shown
    assert "• G-6 Douyin · revenue · 2026 · douyin: ¥69,000.00 / ¥600,000.00" in shown
    assert "• G-7 Baidu · revenue · 2026 · baidu: ¥40,000.00 / ¥300,000.00" in shown
    assert re.search(r"Actual +¥109,000.00", shown) and re.search(r"Forecast at period end +¥", shown)
    assert "\n      • G-2 Q1" in shown  # the tree

    done = team.chat("olive", "start C-1", 'retro C-1 note "B\'s headline goes into every January ad"',
                     "complete C-1")
    posted = done.split("── to #local ──")[-1]
    assert "📋 C-1 Winter Sale is complete: the retrospective draft" in posted
    assert "ROI all-in: 1:3.45  (target 1:3.00 ✅)" in posted
    assert "X-1 Headline (CTR): decided: B wins (the sequential boundary was crossed)" in posted
    assert "B's headline goes into every January ad" in posted
    exported = team.chat("bob", "retro C-1 export")
    assert "# Retrospective C-1 Winter Sale" in exported and "## A/B tests" in exported
