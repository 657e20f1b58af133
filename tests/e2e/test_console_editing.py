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
