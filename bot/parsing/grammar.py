"""The command table: one row per command. It drives the parser and generates the help."""

from __future__ import annotations

from dataclasses import dataclass

from bot.parsing import builders as b
from bot.parsing import builders_anomalies as anomalies
from bot.parsing import builders_approvals as desk
from bot.parsing import builders_dashboard as dashboard
from bot.parsing import builders_editing as editing
from bot.parsing import builders_loop as loop
from bot.parsing import builders_tokens as tokens
from domain.campaign import Action
from domain.task import TaskMove


@dataclass(frozen=True)
class Spec:
    name: str  # canonical words, e.g. "task add"
    aliases: tuple[str, ...]
    usage: str
    who: str
    summary_en: str
    summary_zh: str
    build: b.Builder
    options: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()

    @property
    def topic(self) -> str:
        return self.name.split()[0]

    def summary(self, lang: str) -> str:
        return self.summary_zh if lang == "zh" else self.summary_en


RUN = "owner, manager, admin"
WORK = "assignee, owner, manager, admin"
NEW_OPTIONS = ("budget", "start", "end", "launch", "template", "owner", "kpi.*")
METRIC_OPTIONS: tuple[str, ...] = ("date", "channel", "spend", "impressions", "clicks", "conversions", "revenue")
METRIC_OPTIONS += ("variant",)  # an A/B test's variant (issue 13)

TABLE: tuple[Spec, ...] = (
    Spec("help", ("帮助",), "help [topic]", "anyone", "Short usage, or one command's usage with examples",
         "显示用法；或某个命令的用法和示例", b.help_, examples=("help", "help task", "帮助 预算")),
    Spec("new", ("新建",), "new <name> [budget=] [start=] [end=] [launch=] [template=] [owner=@u] [kpi.<metric>=]",
         "member", "Create a campaign; this channel becomes its home channel",
         "新建活动；当前频道成为活动的主频道", b.new, NEW_OPTIONS,
         ('new "Spring Launch 2027" budget=50k launch=2027-03-01 template=product-launch kpi.roi=3',
          '新建 "双十一大促" budget=30万 start=2026-11-01 end=2026-11-11 template=holiday-promo')),
    Spec("list", ("列表",), "list [mine|active|all]", "anyone", "Campaigns of this workspace (default: active)",
         "本工作区的活动（默认：进行中）", b.list_, examples=("list", "list all", "列表 我的")),
    Spec("show", ("查看",), "show <C-id|T-id|A-id>", "anyone", "The card of a campaign, task or approval request",
         "查看活动、任务或审批单", b.show, examples=("show C-1", "查看 A-2")),
    Spec("start", ("启动",), "start <C-id>", RUN, "Start (or resume) a campaign", "启动（或恢复）活动",
         b.lifecycle(Action.START), examples=("start C-1",)),
    Spec("pause", ("暂停",), "pause <C-id>", RUN, "Pause an active campaign", "暂停活动",
         b.lifecycle(Action.PAUSE), examples=("pause C-1",)),
    Spec("complete", ("完成",), "complete <C-id> [confirm]", RUN,
         "Complete an active campaign; with open tasks or waiting requests it asks first (confirm goes ahead)",
         "完成活动；如有未完成任务或待审批申请，会先确认（加 confirm 直接执行）",
         editing.closing(Action.COMPLETE), examples=("complete C-1", "complete C-1 confirm", "完成 C-1 确认")),
    Spec("cancel", ("取消",), "cancel <C-id> [confirm]", RUN,
         "Cancel a campaign; its waiting budget requests are withdrawn with it (asks first when work is open)",
         "取消活动；待审批的预算申请一并撤回（有未完成工作时先确认）",
         editing.closing(Action.CANCEL), examples=("cancel C-5", "cancel C-5 confirm", "取消 C-5 确认")),
    Spec("move", ("改期",), "move <C-id> launch=<date|+Nd> | start=<date|+Nd> | by=<±Nd|±Nw>", RUN,
         "Re-date the campaign and its open template tasks by the same shift; +7d counts from the campaign's "
         "current date, not from today", "活动及其未完成的模板任务整体改期；+7d 从活动当前日期算起，而不是从今天",
         b.move, ("launch", "start", "by"),
         ("move C-1 launch=+7d", "move C-1 launch=2027-03-15", "move C-5 start=2026-11-08", "move C-1 by=-3d",
          "改期 C-1 上线=+7d")),
    Spec("task add", ("任务 添加",), "task add <C-id> <title> [@assignee] [due=]", RUN, "Add a task",
         "添加任务", b.task_add, ("due",), ('task add C-1 "Book venue" @li due=+10d',)),
    Spec("task assign", ("任务 指派",), "task assign <T-id> @user", RUN, "(Re)assign a task; the assignee is told",
         "指派任务，并通知负责人", b.task_assign, examples=("task assign T-3 @li",)),
    Spec("task start", ("任务 开始",), "task start <T-id>", WORK, "Start working on a task", "开始任务",
         b.task_move(TaskMove.START), examples=("task start T-3",)),
    Spec("task done", ("任务 完成",), "task done <T-id>", WORK, "Mark a task done", "完成任务",
         b.task_move(TaskMove.DONE), examples=("task done T-3",)),
    Spec("task reopen", ("任务 重开",), "task reopen <T-id>", WORK, "Reopen a finished task", "重新打开任务",
         b.task_move(TaskMove.REOPEN), examples=("task reopen T-3",)),
    Spec("task block", ("任务 阻塞",), "task block <T-id> <reason>", WORK, "Mark a task blocked, with the reason",
         "标记任务受阻并说明原因", b.task_block, examples=('task block T-3 "waiting for the venue contract"',)),
    Spec("task due", ("任务 截止",), "task due <T-id> <date>", RUN, "Change a task's due date", "修改任务截止日期",
         b.task_due, ("due",), ("task due T-3 2026-12-05", "task due T-3 fri")),
    Spec("tasks", ("任务列表",), "tasks [<C-id>|mine|overdue]", "anyone", "A task list (default: mine)",
         "任务列表（默认：我的）", b.tasks, examples=("tasks", "tasks C-1", "tasks overdue")),
    Spec("board", ("看板",), "board <C-id>", "anyone", "Kanban: todo / doing / blocked / done",
         "看板：待办 / 进行中 / 受阻 / 完成", b.board, examples=("board C-1",)),
    Spec("timeline", ("时间线",), "timeline <C-id>", "anyone", "A text Gantt of the tasks",
         "任务甘特图（文字版）", b.timeline, examples=("timeline C-1",)),
    Spec("budget request", ("预算 申请",), "budget request <C-id> <amount> <reason> [attach=<url>]", RUN,
         "Ask for budget; opens an approval request (attach a quote or contract: a link, or files shared with it)",
         "申请预算，发起审批（可附报价单或合同：链接，或随命令发送的文件）", desk.budget_request, ("attach",),
         ('budget request C-1 20000 "KOL fees for week 2"', "预算 申请 C-1 5万 KOL投放",
          'budget request C-1 30000 "venue" attach=https://files.example.com/quote-0412.pdf')),
    Spec("budget spend", ("预算 支出",), "budget spend <C-id> <amount> [note] | budget spend <C-id> -<amount> <reason>",
         "owner, finance, admin", "Record actual spend; a negative amount corrects a wrong entry (reason required)",
         "记录实际支出；负数金额用于更正错误记录（须说明原因）", b.budget_spend,
         examples=('budget spend C-1 3200 "venue deposit"', 'budget spend C-1 -500 "invoice entered twice"',
                   "预算 支出 C-1 -500 重复录入")),
    Spec("budget", ("预算",), "budget <C-id>", "anyone", "The budget ledger of a campaign", "活动预算台账",
         b.budget, examples=("budget C-1",)),
    Spec("approvals", ("审批列表",), "approvals [mine|pending|all]", "anyone",
         "Approval requests (default: waiting for me)", "审批单（默认：待我审批）", b.approvals,
         examples=("approvals", "approvals pending")),
    Spec("approve", ("批准", "同意"), "approve <A-id> [comment] [add=@user]", "the current step's approvers",
         "Approve the current step; add=@user adds one more step for that person right after it",
         "批准当前审批步骤；add=@用户 在本步之后为其加签一步", desk.approve, ("add",),
         ('approve A-1 "ok, keep within plan"', "approve A-1 add=@carol", "批准 A-1 加签=@王")),
    Spec("reject", ("驳回", "拒绝"), "reject <A-id> <reason>", "the current step's approvers",
         "Reject, with a reason", "驳回（须说明原因）", desk.reject, examples=('reject A-1 "over the quarterly cap"',)),
    Spec("withdraw", ("撤回",), "withdraw <A-id>", "the requester", "Withdraw a pending or returned request",
         "撤回待审批或已退回的申请", desk.withdraw, examples=("withdraw A-1",)),
    Spec("metrics", ("数据",),
         "metrics <C-id> [date=] [channel=] spend= impressions= clicks= conversions= revenue=", RUN,
         "Record one day of metrics (any subset of the figures)", "录入一天的投放数据（可只填部分）",
         b.metrics, METRIC_OPTIONS,
         ("metrics C-1 date=2027-03-02 channel=douyin spend=3200 impressions=120000 clicks=2400 "
          "conversions=96 revenue=15800",)),
    Spec("report", ("报告",), "report <C-id>", "anyone", "KPIs against targets, budget against spend, on-time rate",
         "KPI 与目标、预算与支出、准时率", b.report, examples=("report C-1",)),
    Spec("templates", ("模板",), "templates", "anyone", "The SOP templates and their tasks", "SOP 模板及其任务",
         b.templates, examples=("templates",)),
    Spec("subscribe", ("订阅",), "subscribe [<C-id>|all] [alerts=deadline,approval,budget,anomaly,digest]",
         "manager, admin, owner", "This channel receives those alerts", "本频道接收这些提醒", b.subscribe,
         ("alerts",), ("subscribe all alerts=digest,anomaly", "subscribe C-1")),
    Spec("unsubscribe", ("取消订阅",), "unsubscribe [<C-id>|all]", "manager, admin, owner", "Stop them",
         "取消本频道的提醒", b.unsubscribe, examples=("unsubscribe C-1",)),
    Spec("role add", ("角色 添加", "角色 add"), "role add @user <admin|manager|finance>", "admin",
         "Grant a role", "授予角色", b.role(True), examples=("role add @li manager", "角色 添加 @li 财务")),
    Spec("role remove", ("角色 移除", "角色 删除", "角色 remove"), "role remove @user <admin|manager|finance>",
         "admin", "Take a role away", "移除角色", b.role(False), examples=("role remove @li manager",)),
    Spec("roles", ("角色列表",), "roles", "anyone", "Who holds which role", "谁担任什么角色", b.roles,
         examples=("roles",)),
    Spec("settings", ("设置",),
         "settings [tz=Area/City] [lang=en|zh] [quiet=22:00-08:00] [delegate=@user until=<date> | delegate=none]",
         "anyone (own)", "Your personal settings; while away, who decides your approval steps",
         "个人设置；休假时由谁代为审批", b.settings, ("tz", "lang", "quiet", "delegate", "until"),
         ("settings tz=Asia/Shanghai lang=zh quiet=22:00-08:00", "settings quiet=off",
          "settings delegate=@dan until=2026-12-20", "设置 delegate=none")),
    # Anomaly alerts and API tokens.
    Spec("ack", ("确认",), "ack <alert-ref>", "anyone", "Acknowledge an anomaly alert; its copies say who did",
         "确认异常提醒，各处的提醒卡片会显示确认人", anomalies.ack, examples=("ack anomaly:C-1:2026-12-05",)),
    Spec("snooze", ("暂停提醒",), "snooze <alert-ref|C-id> [24h]", RUN,
         "Hold a campaign's anomaly alerts for a while (default 24 h, at most 7 days)",
         "暂停活动的异常提醒（默认 24 小时，最长 7 天）", anomalies.snooze,
         examples=("snooze anomaly:C-1:2026-12-05 24h", "snooze C-1 2d", "暂停提醒 C-1 48小时")),
    Spec("token create", ("令牌 创建",), "token create [name]", "admin",
         "Create an API token for this workspace (shown once)", "为本工作区创建 API 令牌（只显示一次）",
         tokens.token_create, examples=("token create ci", "令牌 创建 dashboard")),
    Spec("token revoke", ("令牌 撤销",), "token revoke <name>", "admin", "Revoke an API token", "撤销 API 令牌",
         tokens.token_revoke, examples=("token revoke ci",)),
    Spec("token list", ("令牌 列表",), "token list", "admin", "This workspace's API tokens (names only)",
         "本工作区的 API 令牌（仅名称）", tokens.token_list, examples=("token list",)),
    # The portfolio and the web dashboard.
    Spec("overview", ("总览",), "overview [mine|active|all]", "anyone",
         "The portfolio, riskiest first: spend, pacing, ROI, overdue tasks, requests, anomalies (default: open)",
         "活动总览，风险最高的在前：支出、节奏、ROI、逾期任务、审批、异常（默认：进行中）", dashboard.overview,
         examples=("overview", "overview mine", "总览 全部")),
    Spec("dashboard", ("仪表盘",), "dashboard", "anyone",
         "A private one-time link to the web dashboard (valid 10 minutes)",
         "获取网页仪表盘的一次性私人链接（10 分钟内有效）", dashboard.dashboard, examples=("dashboard", "仪表盘")),
    # The approval desk.
    Spec("return", ("退回",), "return <A-id> <reason>", "the current step's approvers",
         "Send back to the requester for changes (not a rejection); the reason says what to change",
         "退回申请人修改（不是驳回）；原因写明要改什么", desk.return_,
         examples=('return A-1 "split the KOL fee from the venue"', "退回 A-1 请附上报价单")),
    Spec("budget revise", ("预算 修改",), "budget revise <A-id> [amount=] [reason=] [attach=<url>]",
         "the requester, while returned", "Resubmit a returned request; its steps start again for the new amount",
         "修改被退回的申请并重新提交；按新金额从第一步重新审批", desk.revise, ("amount", "reason", "attach"),
         ("budget revise A-1 amount=120k", 'budget revise A-1 amount=120000 reason="venue and KOL, two weeks"',
          "预算 修改 A-1 金额=12万")),
    Spec("approve add", ("批准 加签", "加签"), "approve add <A-id> @user [comment]", "the current step's approvers",
         "Approve, and add one more step for that person right after this one", "批准，并在本步之后为此人加签一步",
         desk.approve_add, examples=("approve add A-1 @carol", "加签 A-1 @王")),
    Spec("delegate", ("转交",), "delegate <A-id> @user", "the current step's approvers",
         "Hand this step to someone, who may then decide it without the role (the role's holders still may)",
         "把本步转交给某人审批（无需角色；原角色的人仍可审批）", desk.delegate,
         examples=("delegate A-1 @dan", "转交 A-1 @王")),
    Spec("cc", ("抄送",), "cc <A-id> @user [@user ...]", "requester, owner, manager, admin",
         "Copy people in: each gets a read-only copy that changes with every decision",
         "抄送：每人收到一份只读卡片，随每次审批同步更新", desk.cc, examples=("cc A-1 @li @zhao", "抄送 A-1 @李")),
    Spec("urge", ("催办",), "urge <A-id>", "the requester", "Remind the current approvers now (at most once an hour)",
         "立即提醒当前审批人（每小时最多一次）", desk.urge, examples=("urge A-1", "催办 A-1")),
    # Goals, A/B tests and retrospectives (issue 13).
    Spec("goal set", ("目标 设定",), "goal set <name> <metric>=<target> period=<2027|2027-Q1|2027-03> [channel=] "
         "[parent=G-id]", "manager, admin",
         "Set a goal (revenue, conversions, leads, roi, cpa or spend); children split a parent by quarter, month "
         "or channel", "设定目标（收入、转化、线索、ROI、CPA 或花费）；子目标按季度、月份或渠道拆分上级目标",
         loop.goal_set, loop.GOAL_OPTIONS,
         ('goal set "Revenue 2027" revenue=12m period=2027', 'goal set "Q1" revenue=3m period=2027-Q1 parent=G-1',
          '目标 设定 "抖音 2027" revenue=4m period=2027 channel=douyin parent=G-1')),
    Spec("goal link", ("目标 关联",), "goal link <G-id> <C-id>", "manager, admin",
         "Count a campaign's metrics towards a goal", "把活动的数据计入目标", loop.goal_link,
         examples=("goal link G-2 C-1", "目标 关联 G-2 C-1")),
    Spec("goal", ("目标",), "goal <G-id>", "anyone",
         "A goal and its children: target, actual, expected by now, forecast at the period's end, on/off track",
         "目标及其子目标：目标值、实际、按进度应达、期末预测、是否达标", loop.goal, examples=("goal G-1", "目标 G-1")),
    Spec("goals", ("目标列表",), "goals", "anyone", "This workspace's goals, as a tree", "本工作区的目标（树状）",
         loop.goals, examples=("goals",)),
    Spec("test new", ("实验 新建",),
         "test new <C-id> <name> variants=A,B[,C,D] metric=<ctr|cvr|roi|cpa> [min_sample=]", RUN,
         "Start an A/B test; record each variant's figures with `metrics <C-id> variant=<name> ...`",
         "新建 A/B 实验；用 `metrics <C-id> variant=<名称> ...` 录入各版本的数据", loop.test_new, loop.TEST_OPTIONS,
         ('test new C-1 "Headline" variants=A,B metric=ctr min_sample=20000',
          "实验 新建 C-1 落地页 variants=A,B metric=cvr")),
    Spec("test stop", ("实验 结束",), "test stop <X-id> winner=<variant>", RUN, "Stop a test and record its winner",
         "结束实验并记录胜出版本", loop.test_stop, ("winner",), ("test stop X-1 winner=B", "实验 结束 X-1 winner=A")),
    Spec("test", ("实验",), "test <X-id>", "anyone",
         "Per variant: sample, rate, lift against the control with a 95 % interval, the chance to be best; "
         "decided or not",
         "各版本的样本量、转化率、相对对照组的提升及 95% 区间、最优概率，以及是否已有结论", loop.test,
         examples=("test X-1", "实验 X-1")),
    Spec("retro", ("复盘",), "retro <C-id> [note <text>|export]", "anyone (note: the campaign's team)",
         "The retrospective: KPIs against targets, budget, slipped tasks, channels and the budget shift they suggest, "
         "anomalies, A/B results, notes; `export` gives Markdown",
         "复盘：KPI 与目标、预算、延误任务、渠道排名及预算调整建议、异常、A/B 结果、团队笔记；`export` 导出 Markdown",
         loop.retro, examples=("retro C-1", 'retro C-1 note "KOL posts landed two days late"', "复盘 C-1 导出")),
    # Changing things after the fact.
    Spec("reopen", ("重开",), "reopen <C-id>", "manager, admin",
         "Reopen a completed or cancelled campaign (active again; withdrawn requests stay withdrawn)",
         "重开已完成或已取消的活动（恢复为进行中；已撤回的申请保持撤回）", editing.reopen,
         examples=("reopen C-5", "重开 C-5")),
    Spec("edit", ("修改",), "edit <C-id> [name=] [budget=] [owner=@u] [start=] [end=] [kpi.<metric>=<target>|none]",
         RUN, "Change a campaign (a planned budget below the approved amount is refused); each change is in its "
         "audit trail", "修改活动（计划预算不能低于已批准金额）；每项修改都记入审计记录", editing.edit,
         editing.EDIT_OPTIONS,
         ("edit C-1 budget=80k", 'edit C-1 name="Spring Launch 2027" owner=@li', "edit C-1 kpi.roi=3.5 kpi.ctr=none",
          "修改 C-1 预算=8万 结束=2027-03-20")),
    Spec("task edit", ("任务 修改",), "task edit <T-id> [title=] [due=] [@assignee]", RUN,
         "Change a task's title, due time or assignee", "修改任务的标题、截止时间或负责人", editing.task_edit,
         editing.TASK_EDIT_OPTIONS, ('task edit T-3 title="Book the venue" due=fri', "task edit T-3 @li",
                                     "任务 修改 T-3 标题=订场地 截止=+3d")),
    Spec("task delete", ("任务 删除",), "task delete <T-id>", RUN,
         "Delete a task (kept in the audit trail; its pending alerts are dropped)",
         "删除任务（保留在审计记录中；尚未发送的提醒一并取消）", editing.task_delete,
         examples=("task delete T-3", "任务 删除 T-3")),
    Spec("undo", ("撤销",), "undo", "anyone (own)",
         "Revert your own last change of the past 10 minutes (metrics day, spend entry, task edit or deletion, "
         "re-dating, campaign edit) unless something has depended on it since",
         "撤销你自己 10 分钟内的上一次更改（投放数据、支出、任务修改或删除、改期、活动修改），除非之后已有依赖它的更改",
         editing.undo,
         examples=("undo", "撤销")),
)

# Groups that need a second word ("task add"); the first word alone is not a command.
GROUPS = {"task": "task", "任务": "task", "role": "role", "角色": "role", "token": "token", "令牌": "token"}
