"""Templates are an SOP: timeline, who does it, what it delivers. Every task carries a role and a deliverable, and
a deadline that falls on a weekend moves to the Friday before (the anchor's own day stays where the team put it)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from domain.errors import TemplateError
from domain.templates import ROLES, parse, workday_before
from tests.builders import TestBot

SOP = sorted((Path(__file__).parents[2] / "bot" / "sop").glob("*.toml"))


@pytest.mark.parametrize("path", SOP, ids=[p.stem for p in SOP])
def test_every_template_task_has_a_role_and_a_deliverable_in_both_languages(path: Path) -> None:
    template = parse(path.stem, path.read_text(encoding="utf-8"))
    for task in template.tasks:
        assert task.role in ROLES and task.deliverable and task.deliverable_zh


@pytest.mark.parametrize("path", SOP, ids=[p.stem for p in SOP])
def test_no_template_deadline_falls_on_a_weekend_except_the_anchor_day(path: Path) -> None:
    template = parse(path.stem, path.read_text(encoding="utf-8"))
    for anchor in (date(2026, 12, 20), date(2026, 12, 19), date(2027, 3, 1)):  # Sun, Sat, Mon
        for task, day in template.schedule(anchor):
            assert day.weekday() < 5 or (task.offset_days == 0 and day == anchor)


def test_a_weekend_moves_to_the_friday_before() -> None:
    assert workday_before(date(2026, 12, 19)) == date(2026, 12, 18)  # Sat -> Fri
    assert workday_before(date(2026, 12, 20)) == date(2026, 12, 18)  # Sun -> Fri
    assert workday_before(date(2026, 12, 17)) == date(2026, 12, 17)


def test_an_unknown_role_is_refused_naming_the_line() -> None:
    text = 'name = "x"\ntitle = "X"\n[[tasks]]\ntitle = "A"\noffset_days = 1\nrole = "boss"\ndeliverable = "d"\n'
    with pytest.raises(TemplateError, match="'role' must be one of"):
        parse("x", text)


def test_the_created_card_and_the_templates_list_show_role_and_deliverable() -> None:
    bot = TestBot()
    created = bot.text("olive", "new Launch launch=2026-12-20 template=product-launch")
    assert "T-2  2026-11-27 Fri 18:00  Invitation design · design → Invitation artwork" in created
    assert "T-7  2026-12-20 Sun 18:00  On-site execution · owner → Event delivered" in created
    assert "-23d  Invitation design · design → Invitation artwork" in bot.text("olive", "templates")
