"""Words of the report and the figures it judges: media and all-in spend, both ROIs, figures not recorded."""

REPORT = {
    "label.media_spend": ("Media spend", "媒体花费"),
    "label.fees": ("Fees and other spend", "费用及其他支出"),
    "label.spent_all_in": ("Spent, all-in (media + fees)", "总支出（媒体 + 费用）"),
    "label.roi_media": ("ROI on media", "ROI（仅媒体）"),
    "label.roi_all_in": ("ROI all-in", "ROI（含费用）"),
    "label.not_recorded": ("not recorded", "未录入"),
    # who does a template task
    "sop_role.owner": ("owner", "负责人"), "sop_role.design": ("design", "设计"), "sop_role.content": ("content", "内容"),
    "sop_role.media": ("media", "媒介"), "sop_role.sales": ("sales", "销售"), "sop_role.ops": ("ops", "执行"),
    "sop_role.finance": ("finance", "财务"),
    "empty.campaigns_mine": ("You own none of the {n} campaign(s) in this workspace. See them: list all",
                             "本工作区有 {n} 个活动，但没有由你负责的。查看全部：列表 all"),
    "invalid.count_above": ("{field} ({value}) cannot be above {other} ({limit}) on the same day.",
                            "同一天的 {field}（{value}）不能大于 {other}（{limit}）。"),
}
