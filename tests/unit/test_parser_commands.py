"""Every command of commands.md, in English and through its Chinese alias: text in, typed command out."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from bot.parsing import parse
from domain import commands as c
from domain.attachments import Attachment
from domain.campaign import Action
from domain.notifications import FAMILIES
from domain.people import Away, QuietHours, Role
from domain.refs import Kind
from tests.unit.parsing_context import CTX, cny, six_pm_shanghai, usd

ALL_ALERTS = frozenset(FAMILIES)

# The Examples block of commands.md, verbatim.
SPEC_EXAMPLES = [
    ('/mems new "Spring Launch 2027" budget=50k launch=2027-03-01 template=product-launch kpi.roi=3',
     c.NewCampaign("Spring Launch 2027", budget=cny("50000"), launch=date(2027, 3, 1), template="product-launch",
                   kpis={"roi": Decimal("3")})),
    ('/mems task add C-1 "Book venue" <@U222|li.na> due=+10d',
     c.AddTask(1, "Book venue", "U222", six_pm_shanghai(2026, 6, 20))),
    ('/mems budget request C-1 20000 "KOL fees for week 2"',
     c.RequestBudget(1, cny("20000"), "KOL fees for week 2")),
    ('/mems approve A-1 "ok, keep within plan"', c.Approve(1, "ok, keep within plan")),
    ("/mems metrics C-1 date=2027-03-02 channel=douyin spend=3200 impressions=120000 clicks=2400 conversions=96 "
     "revenue=15800",
     c.RecordMetrics(1, {"spend": Decimal("3200"), "impressions": 120000, "clicks": 2400, "conversions": 96,
                         "revenue": Decimal("15800")}, date(2027, 3, 2), "douyin")),
    ('@MEMS 新建 "双十一大促" budget=30万 start=2026-11-01 end=2026-11-11 template=holiday-promo',
     c.NewCampaign("双十一大促", budget=cny("300000"), start=date(2026, 11, 1), end=date(2026, 11, 11),
                   template="holiday-promo")),
]

# (English, Chinese alias, expected): every row of the command reference.
BOTH_LANGUAGES = [
    ("help", "帮助", c.Help()),
    ("help task", "帮助 task", c.Help("task")),
    ('new "Spring Launch"', '新建 "Spring Launch"', c.NewCampaign("Spring Launch")),
    ("new Launch budget=1.2m start=2026-07-01 end=2026-07-31 launch=07-15 template=Product-Launch owner=@li "
     "kpi.roi=1:3 kpi.ctr=2% kpi.cvr=0.05 kpi.cpc=1.5 kpi.cpa=80",
     "新建 Launch 预算=1.2m 开始=2026-07-01 结束=2026-07-31 发布=07-15 模板=Product-Launch 负责人=@li "
     "kpi.roi=1:3 kpi.ctr=2% kpi.cvr=0.05 kpi.cpc=1.5 kpi.cpa=80",
     c.NewCampaign("Launch", budget=cny("1200000"), start=date(2026, 7, 1), end=date(2026, 7, 31),
                   launch=date(2026, 7, 15), template="product-launch", owner="li",
                   kpis={"roi": Decimal("3"), "ctr": Decimal("0.02"), "cvr": Decimal("0.05"),
                         "cpc": Decimal("1.5"), "cpa": Decimal("80")})),
    ("list", "列表", c.ListCampaigns("active")),
    ("list mine", "列表 我的", c.ListCampaigns("mine")),
    ("list active", "列表 进行中", c.ListCampaigns("active")),
    ("list all", "列表 全部", c.ListCampaigns("all")),
    ("show C-12", "查看 C-12", c.Show(Kind.CAMPAIGN, 12)),
    ("show T-3", "查看 T-3", c.Show(Kind.TASK, 3)),
    ("show A-2", "查看 A-2", c.Show(Kind.APPROVAL, 2)),
    ("start C-1", "启动 C-1", c.ChangeStatus(1, Action.START)),
    ("pause C-1", "暂停 C-1", c.ChangeStatus(1, Action.PAUSE)),
    ("complete C-1", "完成 C-1", c.ChangeStatus(1, Action.COMPLETE)),
    ("cancel C-1", "取消 C-1", c.ChangeStatus(1, Action.CANCEL)),
    ("move C-1 launch=2027-03-15", "改期 C-1 launch=2027-03-15", c.MoveCampaign(1, date(2027, 3, 15))),
    # a shift counts from the campaign's own launch, not from today (issue 11): the handler applies it
    ("move C-1 launch=+7d", "改期 C-1 发布=+7d", c.MoveCampaign(1, days=7, key="launch")),
    ("move C-1 start=2026-11-08", "改期 C-1 开始=2026-11-08", c.MoveCampaign(1, date(2026, 11, 8), key="start")),
    ("move C-1 by=-3d", "改期 C-1 平移=-3d", c.MoveCampaign(1, days=-3, key="by")),
    ("move C-1 by=+2w", "改期 C-1 顺延=+2周", c.MoveCampaign(1, days=14, key="by")),
    ("task add C-1 Book venue @li due=+10d", "任务 添加 C-1 Book venue @li 截止=+10d",
     c.AddTask(1, "Book venue", "li", six_pm_shanghai(2026, 6, 20))),
    ("task add C-1 Book venue", "任务 添加 C-1 Book venue", c.AddTask(1, "Book venue")),
    ("task assign T-3 @li", "任务 指派 T-3 @li", c.AssignTask(3, "li")),
    ("task start T-3", "任务 开始 T-3", c.MoveTask(3, "start")),
    ("task done T-3", "任务 完成 T-3", c.MoveTask(3, "done")),
    ("task reopen T-3", "任务 重开 T-3", c.MoveTask(3, "reopen")),
    ("task block T-3 waiting for the venue contract", "任务 阻塞 T-3 waiting for the venue contract",
     c.BlockTask(3, "waiting for the venue contract")),
    ("task due T-3 2026-12-05", "任务 截止 T-3 2026-12-05", c.SetTaskDue(3, six_pm_shanghai(2026, 12, 5))),
    ("task due T-3 fri", "任务 截止 T-3 周五", c.SetTaskDue(3, six_pm_shanghai(2026, 6, 12))),
    ("tasks", "任务列表", c.ListTasks("mine")),
    ("tasks C-1", "任务列表 C-1", c.ListTasks("campaign", 1)),
    ("tasks mine", "任务列表 我的", c.ListTasks("mine")),
    ("tasks overdue", "任务列表 逾期", c.ListTasks("overdue")),
    ("board C-1", "看板 C-1", c.Board(1)),
    ("timeline C-1", "时间线 C-1", c.Timeline(1)),
    ("budget request C-1 50000 KOL fees", "预算 申请 C-1 5万 KOL fees", c.RequestBudget(1, cny("50000"), "KOL fees")),
    ("budget spend C-1 3200 venue deposit", "预算 支出 C-1 3200 venue deposit",
     c.RecordSpend(1, cny("3200"), "venue deposit")),
    ("budget spend C-1 3200", "预算 支出 C-1 3200", c.RecordSpend(1, cny("3200"))),
    ("budget C-1", "预算 C-1", c.ShowBudget(1)),
    ("approvals", "审批列表", c.ListApprovals("mine")),
    ("approvals mine", "审批列表 我的", c.ListApprovals("mine")),
    ("approvals pending", "审批列表 待审批", c.ListApprovals("pending")),
    ("approvals all", "审批列表 全部", c.ListApprovals("all")),
    ("approve A-1", "批准 A-1", c.Approve(1)),
    ("approve A-1 looks good", "同意 A-1 looks good", c.Approve(1, "looks good")),
    ("reject A-1 over the cap", "驳回 A-1 over the cap", c.Reject(1, "over the cap")),
    ("reject A-1 over the cap", "拒绝 A-1 over the cap", c.Reject(1, "over the cap")),
    ("withdraw A-1", "撤回 A-1", c.Withdraw(1)),
    ("metrics C-1 spend=3200", "数据 C-1 花费=3200", c.RecordMetrics(1, {"spend": Decimal("3200")})),
    ("metrics C-1 date=2026-06-09 channel=douyin impressions=12万 clicks=2,400 conversions=96 revenue=1.58万",
     "数据 C-1 日期=2026-06-09 渠道=douyin 曝光=12万 点击=2,400 转化=96 收入=1.58万",
     c.RecordMetrics(1, {"impressions": 120000, "clicks": 2400, "conversions": 96, "revenue": Decimal("15800")},
                     date(2026, 6, 9), "douyin")),
    ("report C-1", "报告 C-1", c.Report(1)),
    ("templates", "模板", c.ListTemplates()),
    ("subscribe", "订阅", c.Subscribe(None, ALL_ALERTS)),
    ("subscribe all alerts=digest,anomaly", "订阅 全部 提醒=digest，anomaly",
     c.Subscribe(None, frozenset({"digest", "anomaly"}))),
    ("subscribe C-1", "订阅 C-1", c.Subscribe(1, ALL_ALERTS)),
    ("unsubscribe", "取消订阅", c.Unsubscribe(None)),
    ("unsubscribe all", "取消订阅 全部", c.Unsubscribe(None)),
    ("unsubscribe C-1", "取消订阅 C-1", c.Unsubscribe(1)),
    ("role add @li manager", "角色 添加 @li 经理", c.ChangeRole(True, "li", Role.MANAGER)),
    ("role add @li finance", "角色 添加 @li 财务", c.ChangeRole(True, "li", Role.FINANCE)),
    ("role add @li admin", "角色 添加 @li 管理员", c.ChangeRole(True, "li", Role.ADMIN)),
    ("role remove @li manager", "角色 移除 @li manager", c.ChangeRole(False, "li", Role.MANAGER)),
    ("role remove @li manager", "角色 删除 @li manager", c.ChangeRole(False, "li", Role.MANAGER)),
    ("roles", "角色列表", c.ListRoles()),
    ("settings", "设置", c.UpdateSettings()),
    ("settings tz=America/New_York lang=en quiet=22:00-08:00",
     "设置 时区=America/New_York 语言=英文 免打扰=22:00-08:00",
     c.UpdateSettings("America/New_York", "en", QuietHours(*(datetime(2026, 1, 1, h, 0).time() for h in (22, 8))))),
    ("settings lang=zh quiet=off", "设置 语言=中文 免打扰=关", c.UpdateSettings(lang="zh", quiet_off=True)),
]

# anomaly alerts and API tokens
BOTH_LANGUAGES += [
    ("ack anomaly:C-1:2026-06-08", "确认 anomaly:C-1:2026-06-08", c.Acknowledge(1, date(2026, 6, 8))),
    ("ack c1:2026-06-08", "确认 C-1:2026-06-08", c.Acknowledge(1, date(2026, 6, 8))),
    ("snooze anomaly:C-1:2026-06-08", "暂停提醒 anomaly:C-1:2026-06-08", c.SnoozeAlerts(1, 24, date(2026, 6, 8))),
    ("snooze C-2 48h", "暂停提醒 C-2 48小时", c.SnoozeAlerts(2, 48)),
    ("snooze C-2 2d", "暂停提醒 C-2 2天", c.SnoozeAlerts(2, 48)),
    ("token create", "令牌 创建", c.CreateToken("api")),
    ("token create ci-bot", "令牌 创建 ci-bot", c.CreateToken("ci-bot")),
    ("token revoke ci-bot", "令牌 撤销 ci-bot", c.RevokeToken("ci-bot")),
    ("token list", "令牌 列表", c.ListTokens()),
]

# The portfolio and the web dashboard.
BOTH_LANGUAGES += [
    ("overview", "总览", c.Overview("active")),
    ("overview mine", "总览 我的", c.Overview("mine")),
    ("overview all", "总览 全部", c.Overview("all")),
    ("dashboard", "仪表盘", c.OpenDashboard()),
]

# the approval desk
QUOTE = Attachment("quote-0412.pdf", "https://files.example.com/quote-0412.pdf")
BOTH_LANGUAGES += [
    ("return A-1 split the KOL fee", "退回 A-1 split the KOL fee", c.ReturnRequest(1, "split the KOL fee")),
    ("budget revise A-1 amount=120k", "预算 修改 A-1 金额=12万", c.ReviseRequest(1, cny("120000"))),
    ('budget revise A-1 amount=120000 reason="two weeks"', "预算 修改 A-1 金额=120000 原因=“two weeks”",
     c.ReviseRequest(1, cny("120000"), "two weeks")),
    ("budget revise A-1 attach=https://files.example.com/quote-0412.pdf",
     "预算 修改 A-1 附件=https://files.example.com/quote-0412.pdf", c.ReviseRequest(1, attachments=(QUOTE,))),
    ("approve A-1 add=@carol", "批准 A-1 加签=@carol", c.Approve(1, "", "carol")),
    ("approve add A-1 @carol fine", "批准 加签 A-1 @carol fine", c.Approve(1, "fine", "carol")),
    ("approve add A-1 @carol", "加签 A-1 @carol", c.Approve(1, "", "carol")),
    ("delegate A-1 @dan", "转交 A-1 @dan", c.DelegateStep(1, "dan")),
    ("cc A-1 @li @zhao", "抄送 A-1 @li @zhao", c.CopyRequest(1, ("li", "zhao"))),
    ("urge A-1", "催办 A-1", c.UrgeRequest(1)),
    ("budget request C-1 30000 venue attach=https://files.example.com/quote-0412.pdf",
     "预算 申请 C-1 3万 venue 附件=https://files.example.com/quote-0412.pdf",
     c.RequestBudget(1, cny("30000"), "venue", (QUOTE,))),
    ("settings delegate=@dan until=2026-06-20", "设置 代理=@dan 直到=2026-06-20",
     c.UpdateSettings(away=Away("dan", date(2026, 6, 20)))),
    ("settings delegate=none", "设置 代理=无", c.UpdateSettings(away_off=True)),
]

# goals, A/B tests and retrospectives (issue 13)
BOTH_LANGUAGES += [
    ('goal set "Revenue 2027" revenue=12m period=2027', '目标 设定 "Revenue 2027" 收入=1200万 周期=2027',
     c.SetGoal("Revenue 2027", "revenue", Decimal("12000000"), "2027")),
    ("goal set Douyin leads=5000 period=2027-Q1 channel=douyin parent=G-1",
     "目标 设定 Douyin 线索=5000 周期=2027-Q1 渠道=douyin 上级=G-1",
     c.SetGoal("Douyin", "leads", Decimal(5000), "2027-Q1", "douyin", 1)),
    ("goal set ROI roi=1:3.5 period=2027-03", "目标 设定 ROI roi=1:3.5 周期=2027-03",
     c.SetGoal("ROI", "roi", Decimal("3.5"), "2027-03")),
    ("goal link G-2 C-1", "目标 关联 G-2 C-1", c.LinkGoal(2, 1)),
    ("goal G-1", "目标 G-1", c.ShowGoal(1)),
    ("goals", "目标列表", c.ListGoals()),
    ("show G-2", "查看 G-2", c.ShowGoal(2)),
    ("X-3", "查看 X-3", c.ShowTest(3)),
]
BOTH_LANGUAGES += [
    ('test new C-1 "Headline" variants=A,B metric=ctr min_sample=20000',
     "实验 新建 C-1 Headline variants=A，B metric=CTR min_sample=20000",
     c.NewTest(1, "Headline", ("A", "B"), "ctr", 20000)),
    ("test new C-2 Landing variants=old,new,bold metric=roi", "实验 新建 C-2 Landing variants=old,new,bold metric=roi",
     c.NewTest(2, "Landing", ("old", "new", "bold"), "roi")),
    ("test X-1", "实验 X-1", c.ShowTest(1)),
    ("test stop X-1 winner=B", "实验 结束 X-1 胜出=B", c.StopTest(1, "B")),
    ("metrics C-1 date=2027-03-02 variant=B impressions=5000 clicks=120",
     "数据 C-1 日期=2027-03-02 版本=B 曝光=5000 点击=120",
     c.RecordMetrics(1, {"impressions": 5000, "clicks": 120}, date(2027, 3, 2), "", "B")),
]
BOTH_LANGUAGES += [
    ("retro C-1", "复盘 C-1", c.ShowRetro(1)),
    ("retro C-1 export", "复盘 C-1 导出", c.ShowRetro(1, export=True)),
    ('retro C-1 note "KOL posts landed late"', "复盘 C-1 笔记 KOL posts landed late",
     c.AddRetroNote(1, "KOL posts landed late")),
]

# The grammar's promises: prefixes, id spellings, mention forms, option order, quotes.
GRAMMAR = [
    ("/mems list", c.ListCampaigns("active")),
    ("/MEMS list all", c.ListCampaigns("all")),
    ("/mems", c.Help()),
    ("", c.Help()),
    ("LIST ALL", c.ListCampaigns("all")),
    ("show C12", c.Show(Kind.CAMPAIGN, 12)),
    ("show c-12", c.Show(Kind.CAMPAIGN, 12)),
    ("show c12", c.Show(Kind.CAMPAIGN, 12)),
    ("show t3", c.Show(Kind.TASK, 3)),
    ("show a-7", c.Show(Kind.APPROVAL, 7)),
    ("start c12", c.ChangeStatus(12, Action.START)),
    ("C-12", c.Show(Kind.CAMPAIGN, 12)),
    ('start "C-12"', c.ChangeStatus(12, Action.START)),
    ('show "T-3"', c.Show(Kind.TASK, 3)),
    ('tasks "C-1"', c.ListTasks("campaign", 1)),
    ("task assign T-3 <@U123>", c.AssignTask(3, "U123")),
    ("task assign T-3 <@U123|li.na>", c.AssignTask(3, "U123")),
    ("task assign T-3 @li.na", c.AssignTask(3, "li.na")),
    ("task assign T-3 @_user_1", c.AssignTask(3, "_user_1")),
    ("task assign T-3 @李娜", c.AssignTask(3, "李娜")),
    ("task assign t3 @li", c.AssignTask(3, "li")),
    ("task add C-1 @li Book venue", c.AddTask(1, "Book venue", "li")),
    ("task add C-1 due=+10d Book @li venue", c.AddTask(1, "Book venue", "li", six_pm_shanghai(2026, 6, 20))),
    ("task add C-1 Book venue due=2026-12-05T09:30", c.AddTask(1, "Book venue", due=datetime(2026, 12, 5, 1, 30,
                                                                                             tzinfo=UTC))),
    ('task add C-1 "Book venue due=" @li', c.AddTask(1, "Book venue due=", "li")),
    ("new Launch launch=2027-03-01 budget=50k", c.NewCampaign("Launch", budget=cny("50000"),
                                                              launch=date(2027, 3, 1))),
    ("new Launch budget=50k launch=2027-03-01", c.NewCampaign("Launch", budget=cny("50000"),
                                                              launch=date(2027, 3, 1))),
    ("new Launch BUDGET=50k", c.NewCampaign("Launch", budget=cny("50000"))),
    ("new “Spring Launch”", c.NewCampaign("Spring Launch")),
    ("new 「春季 发布」", c.NewCampaign("春季 发布")),
    ("new 『春季 发布』", c.NewCampaign("春季 发布")),
    ("new Spring Launch 2027", c.NewCampaign("Spring Launch 2027")),
    ('new X template="product-launch"', c.NewCampaign("X", template="product-launch")),
    ("new X kpi.cpa=¥80", c.NewCampaign("X", kpis={"cpa": Decimal("80")})),
    ('metrics C-1 channel="douyin live" spend=1', c.RecordMetrics(1, {"spend": Decimal("1")}, None, "douyin live")),
    ("metrics C-1 channel=「抖音 直播」 spend=1", c.RecordMetrics(1, {"spend": Decimal("1")}, None, "抖音 直播")),
    ('new X template=“product-launch”', c.NewCampaign("X", template="product-launch")),
    ('new X budget="50k" owner="<@U1|li>"', c.NewCampaign("X", budget=cny("50000"), owner="U1")),
    ('budget request C-1 20000 "KOL fees for week 2"', c.RequestBudget(1, cny("20000"), "KOL fees for week 2")),
    ("budget request C-1 20000 CNY KOL fees", c.RequestBudget(1, cny("20000"), "KOL fees")),
    ("budget request C-1 2 万 KOL fees", c.RequestBudget(1, cny("20000"), "KOL fees")),
    ("budget request C-1 $1,250.50 ads", c.RequestBudget(1, usd("1250.50"), "ads")),
    ("budget request C-1 1250.50 USD ads", c.RequestBudget(1, usd("1250.50"), "ads")),
    ("budget request C-1 ¥20000 ads", c.RequestBudget(1, cny("20000"), "ads")),
    ("settings quiet=22:00-08:00 lang=zh", c.UpdateSettings(lang="zh", quiet=QuietHours(
        datetime(2026, 1, 1, 22, 0).time(), datetime(2026, 1, 1, 8, 0).time()))),
    ("task due T-3 due=fri", c.SetTaskDue(3, six_pm_shanghai(2026, 6, 12))),
    ("task due T-3 2026-12-05 09:30", c.SetTaskDue(3, datetime(2026, 12, 5, 1, 30, tzinfo=UTC))),
    ("help task add", c.Help("task add")),
    ("帮助 预算", c.Help("预算")),
    ("\u3000list\u3000all\u3000", c.ListCampaigns("all")),
    # the approval desk
    ("budget revise A-1 two weeks now", c.ReviseRequest(1, reason="two weeks now")),
    ("budget request C-1 5000 x attach=<https://example.com/q.pdf|q.pdf>",
     c.RequestBudget(1, cny("5000"), "x", (Attachment("q.pdf", "https://example.com/q.pdf"),))),
    ("budget request C-1 5000 x attach=https://example.com/", c.RequestBudget(
        1, cny("5000"), "x", (Attachment("example.com", "https://example.com/"),))),
    ("cc A-1 <@U1> <@U2|zhao> <@U1>", c.CopyRequest(1, ("U1", "U2"))),
    ("settings delegate=<@U9> until=+7d", c.UpdateSettings(away=Away("U9", date(2026, 6, 17)))),
]


# editing and undo (issue 11)
BOTH_LANGUAGES += [
    ("edit C-1 budget=150k", "修改 C-1 预算=15万", c.EditCampaign(1, budget=cny("150000"))),
    ("edit C-1 kpi.roi=3.5 kpi.ctr=none", "修改 C-1 kpi.roi=3.5 kpi.ctr=无",
     c.EditCampaign(1, kpis={"roi": Decimal("3.5"), "ctr": None})),
    ("edit C-1 name=Renamed owner=@li", "修改 C-1 名称=Renamed 负责人=@li",
     c.EditCampaign(1, name="Renamed", owner="li")),
    ('task edit T-3 title="Book venue" @li', "任务 修改 T-3 标题=“Book venue” @li",
     c.EditTask(3, title="Book venue", assignee="li")),
    ("task delete T-3", "任务 删除 T-3", c.DeleteTask(3)),
    ('budget spend C-1 -500 "entered twice"', "预算 支出 C-1 -500 “entered twice”",
     c.RecordSpend(1, cny("-500"), "entered twice")),
    ("cancel C-1 confirm", "取消 C-1 确认", c.ChangeStatus(1, Action.CANCEL, confirmed=True)),
    ("reopen C-1", "重开 C-1", c.ChangeStatus(1, Action.REOPEN)),
    ("undo", "撤销", c.Undo()),
]


@pytest.mark.parametrize(("text", "expected"), SPEC_EXAMPLES, ids=[t for t, _ in SPEC_EXAMPLES])
def test_spec_examples_parse_verbatim(text: str, expected: c.Command) -> None:
    assert parse(text, CTX) == expected


@pytest.mark.parametrize(("english", "chinese", "expected"), BOTH_LANGUAGES, ids=[e for e, _, _ in BOTH_LANGUAGES])
def test_english_command(english: str, chinese: str, expected: c.Command) -> None:
    assert parse(english, CTX) == expected


@pytest.mark.parametrize(("english", "chinese", "expected"), BOTH_LANGUAGES, ids=[z for _, z, _ in BOTH_LANGUAGES])
def test_chinese_alias(english: str, chinese: str, expected: c.Command) -> None:
    assert parse(chinese, CTX) == expected


@pytest.mark.parametrize(("text", "expected"), GRAMMAR, ids=[t for t, _ in GRAMMAR])
def test_grammar(text: str, expected: c.Command) -> None:
    assert parse(text, CTX) == expected


@pytest.mark.parametrize("text", [
    "/mems new X", "new X", "@MEMS new X", "<@U0BOT> new X", "<@U0BOT|mems> /mems new X", "@_user_1 new X",
])
def test_surface_prefixes_are_optional(text: str) -> None:
    """Slack sends the text after /mems; Feishu and the console may keep `/mems` or the bot's mention."""
    assert parse(text, CTX) == c.NewCampaign("X")


def test_every_command_of_the_reference_is_covered_here() -> None:
    """A row added to the table without a test here fails this test."""
    from bot.parsing.grammar import TABLE

    covered = {type(expected) for _, _, expected in BOTH_LANGUAGES}
    built = {type(parse(spec.examples[0], CTX)) for spec in TABLE}
    assert built <= covered


def test_amounts_are_exact_decimals_not_floats() -> None:
    command = parse("budget request C-1 1.1万 x", CTX)
    assert isinstance(command, c.RequestBudget)
    assert command.amount.amount == Decimal("11000") and isinstance(command.amount.amount, Decimal)
    assert str(command.amount.amount) == "11000.00"
