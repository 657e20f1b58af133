"""Issue 13's story as lines people type, shared by the Slack and Feishu stories (the console's is its own, in
tests/e2e/test_console_loop_story.py): a yearly goal split into quarters and channels, two campaigns linked, a
two-variant test decided by the sequential rule, a completed campaign with its retrospective."""

from __future__ import annotations

GOALS = ['goal set "Revenue 2026" revenue=1m period=2026',
         *(f"goal set Q{q} revenue=250k period=2026-Q{q} parent=G-1" for q in range(1, 5)),
         "goal set Douyin revenue=600k period=2026 channel=douyin parent=G-1",
         "goal set Baidu revenue=400k period=2026 channel=baidu parent=G-1"]
CAMPAIGNS = ['new "Winter Sale" start=2026-11-15 end=2026-12-04 kpi.roi=3',
             'new "Year End" start=2026-11-20 end=2026-12-31',
             'test new C-1 "Headline" variants=A,B metric=ctr min_sample=200000']
LINKS = ["goal link G-5 C-1", "goal link G-5 C-2", "goal link G-6 C-1", "goal link G-7 C-2"]


def metrics() -> list[str]:
    lines = []
    for day in range(15, 25):
        for variant, clicks in (("A", 100), ("B", 130)):
            lines.append(f"metrics C-1 date=2026-11-{day} channel=douyin variant={variant} impressions=5000 "
                         f"clicks={clicks} conversions={clicks // 10} spend=1000 revenue={clicks * 30}")
    lines += [f"metrics C-2 date=2026-11-{d} channel=baidu spend=2000 conversions=20 revenue=5000"
              for d in range(20, 28)]
    return lines


CLOSE = ["start C-1", 'retro C-1 note "B headline for January"', "complete C-1"]
