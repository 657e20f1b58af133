"""Words of anomaly alerts: the card, acknowledging and snoozing it."""

ANOMALIES: dict[str, tuple[str, str]] = {
    "title.anomaly": ("Unusual day for {ref} {name}: {day}", "{ref} {name} 数据异常：{day}"),
    "label.move_up": ("{metric} {value} against a usual {baseline}: up {change}, {z}x the usual day-to-day spread", "{metric} {value}，通常为 {baseline}：上升 {change}，是日常波动的 {z} 倍"),
    "label.move_down": ("{metric} {value} against a usual {baseline}: down {change}, {z}x the usual day-to-day spread", "{metric} {value}，通常为 {baseline}：下降 {change}，是日常波动的 {z} 倍"),
    "label.what_moved": ("What moved (against the last 4 weeks, same weekday where known):", "异常指标（对比近 4 周，有数据时对比同一星期几）："),
    "label.recent_changes": ("Recent changes:", "近期变更："),
    "label.no_changes": ("none recorded in the last week", "近一周没有记录"),
    "label.acknowledged": ("Acknowledged by {user} at {at}.", "{user} 已于 {at} 确认。"),
    "label.already_acknowledged": ("{ref} was already acknowledged by {user} at {at}; nothing changed.", "{ref} 已由 {user} 于 {at} 确认，未做更改。"),
    "label.snoozed": ("Anomaly alerts for {ref} snoozed by {user} until {until}.", "{user} 已暂停 {ref} 的异常提醒，至 {until}。"),
    "button.ack": ("Acknowledge", "确认"),
    "button.snooze": ("Snooze 24 h", "暂停提醒 24 小时"),
    "audit.anomaly.acknowledged": ("acknowledged an anomaly", "确认了异常"),
    "audit.anomaly.snoozed": ("snoozed anomaly alerts", "暂停了异常提醒"),
    "action.snooze": ("snooze this campaign's alerts", "暂停此活动的提醒"),
    "invalid.not_an_alert": ("{value} has no anomaly alert.", "{value} 没有异常提醒。"),
    "parse.bad_alert_ref": ("'{value}' is not an alert. Write it like anomaly:C-1:2026-12-05 (as on the alert's button).", "“{value}”不是提醒编号。请写成 anomaly:C-1:2026-12-05（与提醒按钮上的一致）。"),
    "parse.bad_duration": ("'{value}' is not a duration. Write it like 24h, 48h or 2d (at most 7 days).", "“{value}”不是时长。请写成 24h、48h 或 2d（最多 7 天）。"),
}
