"""The dashboard in a real browser (chromium): signed in through the chat's own `dashboard` link, the Gantt chart of a
30-task campaign, a kanban card dragged to done and found done in chat, an approval on the web that updates the chat's
cards, 303 without a session, 404 for another workspace, and no console error on any page."""

from __future__ import annotations

from typing import Any

from tests.browser.site import Site

RED = "rgb(214, 69, 69)"


def sign_in(page: Any, site: Site, user: str) -> None:
    response = page.goto(site.link(user))
    assert response.ok and page.url == site.url + "/"


def test_the_link_signs_in_and_the_portfolio_shows_the_campaign(page: Any, site: Site) -> None:
    sign_in(page, site, "alice")
    row = page.locator("table.portfolio tbody tr").first
    assert "C-1 Spring Launch" in row.inner_text() and "overdue tasks" in row.inner_text()
    page.click("text=All")
    assert page.url.endswith("/?scope=all") and "Elsewhere" not in page.content()
    page.goto("/signin")


def test_the_gantt_chart_shows_every_task_today_and_overdue_in_red(page: Any, site: Site) -> None:
    sign_in(page, site, "alice")
    page.goto("/campaigns/C-1")
    page.wait_for_selector(".gantt .bar-wrapper")
    bars = page.locator('.gantt .bar-wrapper[data-id^="T-"]')
    assert bars.count() == 30
    labels = page.locator(".gantt .bar-label").all_text_contents()
    assert all(f"T-{n} Step {n}" in labels for n in range(1, 31))
    assert page.locator("#gantt .current-highlight").count() == 1  # today
    overdue = page.locator(".gantt .bar-wrapper.bar-overdue .bar")
    assert overdue.count() == 7 and overdue.first.evaluate("e => getComputedStyle(e).fill") == RED
    assert page.locator('.gantt .bar-wrapper[data-id="C-1"]').count() == 1  # the campaign's own dates


def test_a_card_dragged_to_done_is_done_in_chat(page: Any, site: Site) -> None:
    sign_in(page, site, "olive")
    page.goto("/campaigns/C-1")
    card = 'li.card[data-ref="T-12"]'
    assert page.locator(f'.column[data-column="todo"] {card}').count() == 1
    with page.expect_navigation():  # the move is saved, then the page reloads
        page.drag_and_drop(card, '.column[data-column="done"]')
    assert page.locator(f'.column[data-column="done"] {card}').count() == 1
    assert "T-12" in page.locator("#flash").inner_text()
    assert "[done]" in site.ok("olive", "tasks C-1").card.sections[0].text.split("T-12")[1].split("\n")[0]


def test_a_person_without_rights_gets_no_buttons_and_no_drag(page: Any, site: Site) -> None:
    sign_in(page, site, "fay")
    page.goto("/campaigns/C-1")
    assert page.locator('li.card[draggable="true"]').count() == 0
    assert page.locator('[data-test^="approve-"]').count() == 0


def test_approving_on_the_web_updates_the_cards_in_chat(page: Any, site: Site) -> None:
    before = site.deliver()
    assert "to @bob (direct message)" in before and "A-1" in before  # bob's card, with its buttons
    sign_in(page, site, "bob")
    page.goto("/approvals")
    with page.expect_navigation():
        page.click('[data-test="approve-A-1"]')
    assert "approved" in page.locator("#flash").inner_text()
    assert page.locator('[data-test="approve-A-1"]').count() == 0
    after = site.deliver()
    assert "updated in" in after and "approved" in after.split("updated in", 1)[1]


def test_without_a_session_303_and_another_workspaces_campaign_404(page: Any, site: Site) -> None:
    bare = page.context.request.get("/campaigns/C-1", max_redirects=0)
    assert bare.status == 303 and bare.headers["location"] == "/signin"
    page.goto("/campaigns/C-1")
    assert page.url.endswith("/signin") and "dashboard" in page.inner_text("main")
    sign_in(page, site, "alice")
    response = page.goto("/campaigns/C-2")  # zed's, in another workspace
    assert response.status == 404
    page.problems[:] = [p for p in page.problems if "404" not in p]  # the browser notes the 404 itself


def test_every_page_in_chinese_without_console_errors(page: Any, site: Site) -> None:
    site.ok("li", "settings lang=zh")
    sign_in(page, site, "li")
    assert "活动总览" in page.inner_text("main")
    for path in ("/?scope=mine", "/?scope=all", "/campaigns/C-1", "/approvals"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
    assert "看板" in page.inner_text("main") or "待我审批" in page.inner_text("header")
