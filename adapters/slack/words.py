"""Words the Slack adapter shows: fixes for a Slack admin, modal labels, and click answers. Registered into the
i18n registry when the adapter is imported (adapters/slack/__init__.py)."""

WORDS: dict[str, tuple[str, str]] = {
    # one sentence each that says how to fix it (DeliveryError.hint, and ephemeral to the user who asked)
    "slack.hint.not_in_channel": ("MEMS is not in <#{channel}>: invite it with `/invite @MEMS` in that channel, then try again.",
                                  "MEMS 不在 <#{channel}> 中：请在该频道输入 `/invite @MEMS` 邀请它，然后重试。"),
    "slack.hint.channel_not_found": ("MEMS cannot see channel {channel}: invite it there (private channels too) or use a channel it is in.",
                                     "MEMS 看不到频道 {channel}：请把它邀请进去（私有频道也一样），或换一个它所在的频道。"),
    "slack.hint.is_archived": ("Channel <#{channel}> is archived: unarchive it, or point the campaign's alerts at another channel with `subscribe`.",
                               "频道 <#{channel}> 已归档：请取消归档，或用 `subscribe` 把活动提醒发到别的频道。"),
    "slack.hint.missing_scope": ("The Slack app lacks the {needed} scope: a Slack admin adds it under OAuth & Permissions at api.slack.com/apps and reinstalls the app.",
                                 "Slack 应用缺少 {needed} 权限：请 Slack 管理员在 api.slack.com/apps 的 OAuth & Permissions 中添加并重新安装应用。"),
    "slack.hint.auth": ("The Slack bot token no longer works ({error}): a Slack admin reinstalls the app and puts the new token in MEMS_SLACK_BOT_TOKEN.",
                        "Slack 机器人令牌已失效（{error}）：请 Slack 管理员重新安装应用，并把新令牌填入 MEMS_SLACK_BOT_TOKEN。"),
    "slack.hint.message_gone": ("The message was deleted or is too old to change; nothing to fix.",
                                "消息已被删除或太旧，无法更新；无需处理。"),
    "slack.hint.user_gone": ("Slack user {channel} cannot get direct messages (deactivated or not found); remove or replace them in MEMS.",
                             "Slack 用户 {channel} 无法接收私信（已停用或不存在）；请在 MEMS 中移除或替换该用户。"),
    # answers to clicks
    "slack.already_handled": ("Already handled: this click reached MEMS before, so nothing was done again.",
                              "已处理过：这次点击之前已收到，不会重复执行。"),
    "slack.stale_button": ("This button is out of date; type the command instead (see `help`).",
                           "这个按钮已失效；请直接输入命令（见 `help`）。"),
    "slack.modal_failed": ("Slack did not open the form ({error}); try again, or type the command with its options.",
                           "Slack 未能打开表单（{error}）；请重试，或直接输入带选项的命令。"),
    # modals (titles at most 24 characters)
    "slack.modal.new": ("New campaign", "新建活动"),
    "slack.modal.create": ("Create", "创建"),
    "slack.modal.cancel": ("Cancel", "取消"),
    "slack.modal.send": ("Send", "提交"),
    "slack.field.name": ("Name", "名称"),
    "slack.field.budget": ("Budget", "预算"),
    "slack.field.budget.hint": ("50000, 50k, 5万, $1,250.50", "50000、50k、5万、¥20000"),
    "slack.field.start": ("Start", "开始日期"),
    "slack.field.end": ("End", "结束日期"),
    "slack.field.launch": ("Launch", "上线日期"),
    "slack.field.date.hint": ("2027-03-01, 03-01, +2w, fri", "2027-03-01、03-01、+2w、周五"),
    "slack.field.template": ("SOP template", "SOP 模板"),
    "slack.field.owner": ("Owner", "负责人"),
    "slack.field.kpis": ("KPI targets", "KPI 目标"),
    "slack.field.kpis.hint": ("roi=3 ctr=2% cpa=80", "roi=3 ctr=2% cpa=80"),
    "slack.field.reason": ("Reason", "原因"),
    # the approval desk's modals: Return asks what to change, Delegate whom to hand the step to
    "slack.field.what_to_change": ("What should change? It goes back to the requester.", "需要修改什么？将退回申请人。"),
    "slack.field.person": ("Hand this step to", "转交给"),
    "slack.field.person.hint": ("They may then decide it without the role; not the requester, nor anyone who decided "
                                "an earlier step.", "对方无需角色即可审批本步；不能是申请人，也不能是已审批前面步骤的人。"),
    "slack.field.required": ("This field is required.", "此项必填。"),
    "slack.field.unknown_template": ("'{value}' is not a template. Choose one of: {allowed}.",
                                     "没有“{value}”这个模板。可选：{allowed}。"),
}
