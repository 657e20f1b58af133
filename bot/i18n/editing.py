"""Words for changes after the fact: re-dating, corrections, edits, deletions, confirmations and undo."""

from __future__ import annotations

EDITING: dict[str, tuple[str, str]] = {
    # re-dating
    "edit.shift_later": ("({n} days later)", "（推后 {n} 天）"),
    "edit.shift_earlier": ("({n} days earlier)", "（提前 {n} 天）"),
    "edit.shift_none": ("(no change)", "（日期未变）"),
    "edit.now_overdue": ("Now overdue after this move ({n}):", "改期后已逾期的任务（{n} 项）："),
    "edit.moved_notice_title": ("Your tasks were re-dated: {campaign}", "你的任务已改期：{campaign}"),
    "edit.moved_notice_line": ("{by} moved the campaign; your due dates moved with it:",
                               "{by} 调整了活动日期，你的任务截止日期随之变化："),
    "parse.move_one_key": ("Give one of launch=, start= or by=, not several.",
                           "只能给出 launch=、start= 或 by= 其中之一。"),
    "parse.bad_shift": ("'{value}' is not a shift. Use +7d, -3d or +2w.", "“{value}”不是有效的平移量。例如 +7d、-3d、+2w。"),
    "invalid.move_other_anchor": ("{ref} has no {key} date; it is dated by its {other}. Write `move {ref} "
                                  "{other}=<date>` or `move {ref} by=+7d`.",
                                  "{ref} 没有{key}日期，它以{other}日期为准。请写 `改期 {ref} {other}=<日期>` 或 "
                                  "`改期 {ref} by=+7d`。"),
    # corrections that follow an alert a change made wrong
    "edit.correction_title": ("Correction: {title}", "更正：{title}"),
    "edit.correction_redated": ("The deadline in the earlier alert no longer holds: now due {due}. {state}",
                                "之前提醒中的截止时间已失效：现在截止于 {due}。{state}"),
    "edit.correction_overdue": ("It is still overdue.", "仍已逾期。"),
    "edit.correction_not_overdue": ("It is not overdue.", "目前没有逾期。"),
    "edit.correction_deleted": ("The task was deleted; the earlier alert no longer applies.",
                                "该任务已删除，之前的提醒不再适用。"),
    "edit.correction_cancelled": ("{campaign} was cancelled; the earlier alert no longer applies.",
                                  "{campaign} 已取消，之前的提醒不再适用。"),
    "edit.correction_completed": ("{campaign} was completed; the earlier alert no longer applies.",
                                  "{campaign} 已完成，之前的提醒不再适用。"),
    # closing with open work, reopening
    "button.confirm": ("Confirm", "确认"),
    "button.keep": ("Keep", "保留"),
    "edit.confirm_complete_title": ("Complete {campaign}? Work is still open", "完成 {campaign}？还有未完成的工作"),
    "edit.confirm_cancel_title": ("Cancel {campaign}? Work is still open", "取消 {campaign}？还有未完成的工作"),
    "edit.confirm_tasks": ("{open} of {total} tasks are open.", "{total} 项任务中有 {open} 项未完成。"),
    "edit.confirm_requests": ("{n} budget request(s) wait: {requests}.", "{n} 个预算申请待审批：{requests}。"),
    "edit.confirm_withdraws": ("Closing the campaign withdraws them; nobody can approve them afterwards.",
                               "关闭活动会一并撤回这些申请，之后无人能再审批。"),
    "edit.confirm_hint": ("Nothing has changed yet. Confirm, or type `{command}`.",
                          "尚未做任何更改。请点“确认”，或输入 `{command}`。"),
    "edit.withdrawn_now": ("Withdrawn with the campaign: {requests}", "已随活动一并撤回：{requests}"),
    "edit.withdrawn_with": ("withdrawn: campaign {status}", "已撤回：活动{status}"),
    "err.withdrawn_with_campaign": ("{ref} was withdrawn when {campaign} was {status} ({at}); nobody can decide it "
                                    "any more. Nothing changed.",
                                    "{ref} 已在 {campaign} {status}时（{at}）一并撤回，无法再审批。本次未做更改。"),
    "invalid.closed_campaign_request": ("{campaign} is {status}; nobody can decide its requests.",
                                        "{campaign} 当前为“{status}”，其申请无法再审批。"),
    "action.reopen": ("reopen a campaign", "重开活动"),
    "audit.campaign.reopen": ("reopened the campaign", "重开了活动"),
    "audit.campaign.edited": ("edited the campaign", "修改了活动"),
    "audit.task.edited": ("edited the task", "修改了任务"),
    "audit.task.deleted": ("deleted the task", "删除了任务"),
    "audit.budget.corrected": ("corrected the spend", "更正了支出"),
    "audit.undone": ("undid a change", "撤销了一项更改"),
    # edits, deletions, corrections, undo
    "parse.missing_changes": ("Say what to change: {accepted}", "请说明要修改的内容：{accepted}"),
    "edit.edited_title": ("Edited: {name}", "已修改：{name}"),
    "edit.nothing_changed": ("Nothing changed: the values given are the ones it had.", "未做更改：给出的值与原值相同。"),
    "edit.task_edited_title": ("Task edited: {title}", "已修改任务：{title}"),
    "edit.task_deleted_title": ("Task deleted: {title}", "已删除任务：{title}"),
    "edit.task_deleted_hint": ("It stays in the audit trail; alerts about it were taken back. `undo` restores it "
                               "within 10 minutes.", "审计记录中仍保留该任务；相关提醒已撤回。10 分钟内可用 `撤销` 恢复。"),
    "invalid.budget_below_approved": ("{ref} already has {approved} approved; the planned budget can't be lower "
                                      "({value}).", "{ref} 已批准 {approved}，计划预算不能低于此数（{value}）。"),
    "invalid.correction_needs_reason": ("A correction needs a reason: `budget spend C-1 -500 \"entered twice\"`.",
                                        "更正须说明原因：`预算 支出 C-1 -500 重复录入`。"),
    "invalid.correction_too_large": ("{ref} has {recorded} of recorded spend; a correction of {value} would take it "
                                     "below zero.", "{ref} 已记录支出 {recorded}，更正 {value} 会使其小于零。"),
    "err.nothing_to_undo": ("You have made no change in the past {minutes} minutes that undo can take back.",
                            "过去 {minutes} 分钟内你没有可撤销的更改。"),
    "err.undo_blocked": ("Your last change to {what} can't be undone: {why}. Nothing changed.",
                         "无法撤销你对 {what} 的上一次更改：{why}。本次未做更改。"),
    "edit.undone_title": ("Undone: {entity}", "已撤销：{entity}"),
    "edit.undone_line": ("Took back your change to {entity} at {at} ({what}).",
                         "已撤回你在 {at} 对 {entity} 的更改（{what}）。"),
    "edit.undo_not_undoable": ("it was not an edit undo can take back ({action})", "该操作无法撤销（{action}）"),
    "edit.undo_gone": ("it is no longer there", "它已不存在"),
    "edit.undo_corrected_since": ("a correction since would take spend below zero", "之后的更正会使支出小于零"),
    "edit.undo_changed_since": ("it has been changed again since", "之后它又被修改过"),
    "edit.undo_approved_since": ("more budget has been approved since", "之后又批准了更多预算"),
}
