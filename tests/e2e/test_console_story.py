"""The foundation's end-to-end story: four people run a campaign from `mems chat` on one SQLite file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.e2e.console import Console, mems


@pytest.fixture
def team(tmp_path: Path) -> Console:
    console = Console(tmp_path / "mems.db")
    console.chat("alice", "role add @bob manager", "role add @fay finance")
    return console


def test_a_whole_campaign_from_the_console(team: Console) -> None:
    created = team.chat("olive",
                        'new "Spring Launch 2027" budget=50k launch=2027-03-01 template=product-launch kpi.roi=3',
                        "tasks C-1")
    assert "Created C-1 Spring Launch 2027" in created
    assert re.search(r"T-1 +\[todo\] +2027-02-03 Wed 18:00 +Guest list", created)
    assert "T-8  [todo]  2027-03-01 Mon 18:00  Data collection" in created

    requested = team.chat("olive", 'budget request C-1 20,000 "KOL fees for week 2"', "approve A-1")
    assert re.search(r"Step +1 of 2: manager", requested)
    assert "── to @bob (direct message) ──" in requested and "[Approve] approve A-1" in requested
    assert "You requested A-1, so you can't decide it." in requested

    manager = team.chat("bob", "approvals", 'approve A-1 "fine by me"')
    assert "A-1  ¥20,000.00  C-1 Spring Launch 2027  1 of 2: manager" in manager
    assert "2 of 2: finance" in manager and "── to @fay (direct message) ──" in manager

    finance = team.chat("fay", 'approve A-1 "ok, keep within plan"', "budget C-1")
    assert "Budget request A-1: ¥20,000.00 (approved)" in finance
    assert re.search(r"Approved +¥20,000.00", finance) and re.search(r"Remaining +¥20,000.00", finance)

    team.chat("olive", "start C-1", 'budget spend C-1 1,500.50 "venue deposit"',
              "metrics C-1 date=2026-11-20 channel=douyin spend=3200 impressions=120000 clicks=2400 "
              "conversions=96 revenue=15800",
              "metrics C-1 date=2026-11-21 channel=wechat spend=1000.10 impressions=50000 clicks=0 conversions=0 "
              "revenue=0")
    report = team.chat("olive", "report C-1")
    # Hand-computed: spend 4,200.10; revenue 15,800; ROI 15800/4200.10 = 3.7618...; CTR 2400/170000 = 1.41%;
    # CVR 96/2400 = 4.00%; CPC 4200.10/2400 = 1.75; CPA 4200.10/96 = 43.75; all-in with the ¥1,500.50 deposit:
    # 15800/5700.60 = 2.7716... a miss of the 1:3 target
    assert re.search(r"Media spend +¥4,200.10", report) and re.search(r"Revenue +¥15,800.00", report)
    assert re.search(r"ROI on media +1:3.76\n", report)
    assert re.search(r"ROI all-in +1:2.77  \(target 1:3.00 ❌\)", report)
    assert re.search(r"CTR +1.41%", report) and re.search(r"CVR +4.00%", report)
    assert re.search(r"CPC +¥1.75", report) and re.search(r"CPA +¥43.75", report)
    assert re.search(r"Spent, all-in \(media \+ fees\) +¥5,700.60", report)
    assert re.search(r"Remaining +¥14,299.40", report)
    assert "wechat: Spend ¥1,000.10 · ROI 1:0.00 · CTR 0.00% · CVR n/a · CPC n/a · CPA n/a" in report


def test_the_same_story_in_chinese(tmp_path: Path) -> None:
    team = Console(tmp_path / "mems.db", MEMS_LANG="zh")
    team.chat("alice", "角色 添加 @bob 经理", "角色 添加 @fay 财务")
    out = team.chat("olive", '新建 "双十一大促" budget=30万 start=2026-11-01 end=2026-11-11 template=holiday-promo',
                    "预算 申请 C-1 5万 KOL投放", "批准 A-1")
    assert "已创建 C-1 双十一大促" in out and "¥300,000.00" in out
    assert "第 1/2 步：经理" in out and "A-1 是你发起的，不能自己审批" in out
    team.chat("bob", "同意 A-1 可以")
    out = team.chat("fay", "批准 A-1 注意控制节奏", "预算 C-1")
    assert "（已批准）" in out and "¥50,000.00" in out


def test_a_malformed_line_changes_nothing_and_the_script_goes_on(team: Console) -> None:
    out = team.chat("olive", 'new "Half', "new X budget=12.345", "list all", "new Fine", "list all")
    assert "A quote \" is not closed." in out and "more than two decimal places" in out
    assert out.count("No campaigns yet") == 1 and "C-1  Fine" in out


def test_a_broken_team_template_is_reported_with_its_name_and_line(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "webinar.toml").write_text('name = "webinar"\ntitle = "Webinar"\n\n[[tasks]]\ntitle = "Speaker"\n'
                                         'offset_days = "soon"\n', encoding="utf-8")
    team = Console(tmp_path / "mems.db", MEMS_TEMPLATES_DIR=str(folder))
    out = team.chat("olive", "templates", "new Web launch=+30d template=webinar")
    assert "webinar: broken (webinar.toml, line 4:" in out
    assert "Template webinar.toml, line 4 is broken" in out or "webinar.toml, line 4" in out.split("webinar: broken")[1]


def test_a_bad_setting_stops_start_up_naming_it(tmp_path: Path) -> None:
    result = mems("chat", "--as", "olive", env={"MEMS_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
                                                 "MEMS_TIMEZONE": "Mars/Olympus", "MEMS_API_TOKEN": "s3cr3t-token"})
    assert result.returncode == 2
    assert "MEMS_TIMEZONE" in result.stderr and "Traceback" not in result.stderr
    assert "s3cr3t-token" not in result.stdout + result.stderr


def test_a_bad_approval_policy_stops_start_up(tmp_path: Path) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text('[[tier]]\nup_to = 10000\nsteps = ["boss"]\n', encoding="utf-8")
    result = mems("chat", "--as", "olive", env={"MEMS_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
                                                 "MEMS_APPROVAL_POLICY": str(policy)})
    assert result.returncode == 2 and "unknown role" in result.stderr and str(policy) in result.stderr
