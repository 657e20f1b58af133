"""The dashboard's goal tree and a campaign's retrospective page (issue 13), on a real database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from tests.integration.db_builders import UowFactory
from tests.integration.test_web_dashboard import Web, build


@pytest.fixture
def web(new_uow: UowFactory, sessions: sessionmaker[Session]) -> Iterator[Web]:
    found = build(new_uow, sessions)
    found.chat("alice", "role add @bob manager")
    found.chat("bob", 'goal set "Revenue 2026" revenue=1m period=2026')
    found.chat("bob", "goal set Q4 revenue=250k period=2026-Q4 parent=G-1")
    found.chat("olive", 'new "Spring <b>Launch</b>" start=2026-11-01 end=2026-11-24 kpi.roi=3')
    found.chat("bob", "goal link G-2 C-1")
    for day in range(10, 20):
        found.chat("olive", f"metrics C-1 date=2026-11-{day} channel=douyin spend=1000 revenue=4000")
        found.chat("olive", f"metrics C-1 date=2026-11-{day} channel=baidu spend=1000 revenue=2000")
    found.chat("olive", 'retro C-1 note "<script>alert(1)</script> went well"')
    found.chat("zed", 'new "Elsewhere"', workspace="other")
    yield found
    found.client.close()


def test_the_goal_tree_is_a_page_in_the_navigation(web: Web) -> None:
    web.sign_in("olive")
    page = web.client.get("/goals")
    assert page.status_code == 200 and 'href="/goals"' in page.text
    assert "G-1 Revenue 2026 · revenue · 2026: ¥60,000.00 / ¥1,000,000.00" in page.text
    assert 'data-ref="G-2" style="margin-left: 1.5em">G-2 Q4' in page.text


def test_a_campaigns_retrospective_page_with_its_markdown(web: Web) -> None:
    web.sign_in("olive")
    assert 'href="/campaigns/C-1/retro"' in web.client.get("/campaigns/C-1").text
    page = web.client.get("/campaigns/C-1/retro")
    assert page.status_code == 200
    assert "<h2>Channels</h2>" in page.text and "By ROI (highest first): douyin 1:4.00 &gt; baidu 1:2.00" in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; went well" in page.text and "<script>alert" not in page.text
    assert "# Retrospective C-1 Spring &lt;b&gt;Launch&lt;/b&gt;" in page.text
    assert web.client.get("/campaigns/C-2/retro").status_code == 404  # another workspace's: not found
