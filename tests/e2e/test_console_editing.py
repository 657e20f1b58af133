"""Changing a campaign after the fact from `mems chat`: re-dating counts from the campaign's own dates, and the alerts
a change made wrong are taken back where they were sent."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.e2e.console import Console, mems


def today() -> date:
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


def test_move_launch_plus_7d_counts_from_the_launch_and_corrects_the_escalation(tmp_path: Path) -> None:
    """Trap 1, as a new user met it: the README's `move C-1 launch=+7d` once set the launch to today + 7 days, made
    every task overdue at once and left the escalations that followed standing when the launch moved back."""
    team = Console(tmp_path / "mems.db", MEMS_TIMEZONE="Asia/Shanghai")
    launch = today() + timedelta(days=10)
    team.chat("olive", "new Launch launch=+10d template=product-launch")
    tick = mems("tick", env=team.env)
    assert tick.returncode == 0, tick.stderr
    assert "Overdue: T-4 Press release" in tick.stdout and "Still overdue: T-4 Press release" in tick.stdout

    moved = team.chat("olive", "move C-1 launch=+7d", "show C-1")
    assert (launch + timedelta(days=7)).isoformat() in moved  # from the launch, not from today
    assert "7 days later" in moved
    # T-4 was due 6 days ago and is due tomorrow now: the channel's alert and the owner's escalation are corrected
    assert moved.count("Correction: T-4 Press release") == 2 and "It is not overdue." in moved
    again = mems("tick", env=team.env)
    assert "Overdue: T-4" not in again.stdout


def test_edit_correct_delete_and_undo_from_the_console(tmp_path: Path) -> None:
    """Trap 3: nothing could be edited or undone, and `complete` went through with 10 of 11 tasks open."""
    team = Console(tmp_path / "mems.db")
    team.chat("olive", "new Launch budget=120k launch=2027-03-01 template=product-launch kpi.roi=3")
    edited = team.chat("olive", "edit C-1 budget=150k kpi.roi=3.5 name=\"Launch 2027\"", "show C-1")
    assert "budget: ¥120,000.00 → ¥150,000.00" in edited and "edited the campaign" in edited
    tasks = team.chat("olive", 'task edit T-2 title="Invitation design v2"', "task delete T-3", "tasks C-1")
    assert "Invitation design v2" in tasks and "Task deleted: T-3" in tasks
    assert "T-3 " not in tasks.split("olive> tasks C-1")[-1]
    money = team.chat("olive", 'budget spend C-1 3200 "venue deposit"', 'budget spend C-1 -1200 "entered twice"',
                      "undo", "budget C-1")
    assert "Undone: C-1" in money and "¥3,200.00" in money.split("budget C-1")[-1]
    restored = team.chat("olive", "undo", "undo", "tasks C-1")  # the spend entry, then the deleted task
    assert "Undone: T-3" in restored and "T-3" in restored.split("olive> tasks C-1")[-1]
    closing = team.chat("olive", "cancel C-1", "show C-1")
    assert "Cancel C-1 Launch 2027? Work is still open" in closing and "[Confirm] cancel C-1 confirm" in closing
    assert "planning" in closing.split("olive> show C-1")[-1]
