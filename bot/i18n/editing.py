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
}
