"""Words of the report and the figures it judges: media and all-in spend, both ROIs, figures not recorded."""

REPORT = {
    "label.media_spend": ("Media spend", "媒体花费"),
    "label.fees": ("Fees and other spend", "费用及其他支出"),
    "label.spent_all_in": ("Spent, all-in (media + fees)", "总支出（媒体 + 费用）"),
    "label.roi_media": ("ROI on media", "ROI（仅媒体）"),
    "label.roi_all_in": ("ROI all-in", "ROI（含费用）"),
    "label.not_recorded": ("not recorded", "未录入"),
    "label.counts_not_recorded": (" (not recorded: —)", "（未录入：—）"),
    # the daily digest's new parts
    "digest.due_week": ("Due this week ({n})", "本周到期（{n}）"),
    "digest.figures": ("Budget and results ({n})", "预算与效果（{n}）"),
    "digest.risk.over_budget": ("over budget by {over}", "超出批准预算 {over}"),
    "digest.risk.roi_miss": ("ROI {roi} against a target of {target}", "ROI {roi}，未达目标 {target}"),
    "digest.risk.anomaly": ("{n} anomaly alert(s) not acknowledged", "{n} 条异常提醒未确认"),
    # who does a template task
    "sop_role.owner": ("owner", "负责人"), "sop_role.design": ("design", "设计"), "sop_role.content": ("content", "内容"),
    "sop_role.media": ("media", "媒介"), "sop_role.sales": ("sales", "销售"), "sop_role.ops": ("ops", "执行"),
    "sop_role.finance": ("finance", "财务"),
    "empty.campaigns_mine": ("You own none of the {n} campaign(s) in this workspace. See them: list all",
                             "本工作区有 {n} 个活动，但没有由你负责的。查看全部：列表 all"),
    "invalid.count_above": ("{field} ({value}) cannot be above {other} ({limit}) on the same day.",
                            "同一天的 {field}（{value}）不能大于 {other}（{limit}）。"),
}
