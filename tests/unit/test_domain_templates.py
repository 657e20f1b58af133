"""SOP templates: a good file parses; a broken one names the file and the line to fix."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot import catalog
from domain import templates
from domain.errors import InvalidInput, TemplateError

GOOD = """\
name = "pop-up"
title = "Pop-up store"
title_zh = "快闪店"
anchor = "start"

[[tasks]]
title = "Find a site"
title_zh = "选址"
offset_days = -14
phase = "prep"

[[tasks]]
title = "Open"
offset_days = 0
"""


def tasks_file(*entries: str, head: str = 'name = "pop-up"\ntitle = "Pop-up store"\n') -> str:
    return head + "".join(f"\n[[tasks]]\n{entry}\n" for entry in entries)


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    lines = [no for no, line in enumerate(text.splitlines(), 1) if needle in line]
    return lines[occurrence - 1]


def broken(text: str) -> TemplateError:
    with pytest.raises(TemplateError) as caught:
        templates.parse("pop-up.toml", text)
    return caught.value


def test_a_good_template() -> None:
    t = templates.parse("pop-up.toml", GOOD)
    assert (t.name, t.title, t.title_in("zh"), t.anchor) == ("pop-up", "Pop-up store", "快闪店", "start")
    assert [(x.title, x.title_in("zh"), x.offset_days, x.phase) for x in t.tasks] == [
        ("Find a site", "选址", -14, "prep"), ("Open", "Open", 0, "")]
    # -14 d is Sunday 10-18: a weekend deadline moves to the Friday before (issue 11)
    assert [d for _, d in t.schedule(date(2026, 11, 1))] == [date(2026, 10, 16), date(2026, 11, 1)]


def test_the_anchor_defaults_to_launch() -> None:
    assert templates.parse("x.toml", tasks_file('title = "a"\noffset_days = 1')).anchor == "launch"


def test_bad_toml_names_the_file_and_line() -> None:
    text = GOOD.replace('offset_days = 0', 'offset_days = = 0')
    error = broken(text)
    assert error.params["name"] == "pop-up.toml"
    assert error.params["line"] == line_of(text, "= = 0")
    assert str(error).startswith(f"pop-up.toml, line {error.params['line']}: not valid TOML")


def test_missing_title_in_the_third_task_gives_that_entrys_line() -> None:
    text = tasks_file('title = "a"\noffset_days = -3', 'title = "b"\noffset_days = -2', 'offset_days = -1',
                      'title = "d"\noffset_days = 0')
    error = broken(text)
    assert error.params["line"] == line_of(text, "[[tasks]]", 3)
    assert "'title'" in error.params["message"]
    assert str(error) == f"pop-up.toml, line {line_of(text, '[[tasks]]', 3)}: 'title' must be a non-empty string"


def test_task_lines_are_found_however_the_header_is_spaced() -> None:
    text = tasks_file('title = "a"\noffset_days = -3').replace("[[tasks]]", "[[ tasks ]]") + '\n[[ tasks ]]\n'
    error = broken(text)
    assert error.params["line"] == line_of(text, "[[ tasks ]]", 2)


@pytest.mark.parametrize(("entry", "message"), [
    ('title = "a"', "'offset_days'"),
    ('title = "a"\noffset_days = 1.5', "'offset_days'"),
    ('title = "a"\noffset_days = true', "'offset_days'"),
    ('title = "a"\noffset_days = 731', "'offset_days'"),
    ('title = ""\noffset_days = 1', "'title'"),
    ('title = 5\noffset_days = 1', "'title'"),
    ('title = "a"\noffset_days = 1\nowner = "li"', "unknown key(s) ['owner']"),
])
def test_a_bad_task_entry_gives_its_line(entry: str, message: str) -> None:
    text = tasks_file('title = "ok"\noffset_days = 0', entry)
    error = broken(text)
    assert error.params["line"] == line_of(text, "[[tasks]]", 2)
    assert message in error.params["message"]


@pytest.mark.parametrize(("head", "message"), [
    ('title = "x"\n', "'name'"),
    ('name = "Pop Up"\ntitle = "x"\n', "lowercase letters"),
    ('name = "pop-up"\n', "'title'"),
    ('name = "pop-up"\ntitle = "x"\nanchor = "end"\n', "'anchor'"),
])
def test_a_bad_header_names_the_file(head: str, message: str) -> None:
    error = broken(tasks_file('title = "a"\noffset_days = 0', head=head))
    assert error.params["name"] == "pop-up.toml" and message in error.params["message"]


def test_a_template_without_tasks() -> None:
    assert "at least one [[tasks]]" in broken('name = "pop-up"\ntitle = "x"\n').params["message"]


# --- the catalog: built-in templates, overridden or extended by a folder -----------------------------------------
def test_the_built_in_templates_all_parse() -> None:
    found = catalog.load()
    assert not found.broken
    assert {"product-launch", "holiday-promo", "industry-summit", "lead-nurture"} <= set(found.names())


def test_a_folder_adds_and_overrides_and_reports_broken_files(tmp_path: Path) -> None:
    (tmp_path / "pop-up.toml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "bad.toml").write_text(GOOD.replace("offset_days = 0", "offset_days = = 0"), encoding="utf-8")
    (tmp_path / "holiday-promo.toml").write_text(GOOD.replace('"pop-up"', '"holiday-promo"'), encoding="utf-8")
    found = catalog.load(tmp_path)
    assert found.get("pop-up").title == "Pop-up store"
    assert found.get("holiday-promo").title == "Pop-up store"
    assert set(found.broken) == {"bad"}
    with pytest.raises(TemplateError) as caught:
        found.get("bad")
    assert caught.value.params["name"] == "bad.toml" and caught.value.params["line"]


def test_an_unknown_template_lists_the_known_ones() -> None:
    with pytest.raises(InvalidInput) as caught:
        catalog.load().get("nope")
    assert caught.value.params["reason"] == "unknown_template" and "product-launch" in caught.value.params["allowed"]


def test_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(TemplateError) as caught:
        catalog.load(tmp_path / "missing")
    assert "not a folder" in str(caught.value)


def test_an_unreadable_file_is_reported_not_raised(tmp_path: Path) -> None:
    (tmp_path / "binary.toml").write_bytes(b"\xff\xfe\x00bad")
    found = catalog.load(tmp_path)
    assert "binary" in found.broken and "cannot be read" in str(found.broken["binary"])
