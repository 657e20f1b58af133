"""Words of daily metrics and the report."""

METRICS: dict[str, tuple[str, str]] = {
    "metric.spend": ("Spend", "花费"),
    "metric.conversions": ("Conversions", "转化"),
    "metric.ctr": ("CTR", "点击率"),
    "metric.cvr": ("CVR", "转化率"),
    "metric.cpa": ("CPA", "单次转化成本"),
    "label.per_day": ("By day:", "按日："),
    "label.chart": ("Spend and conversions by day", "每日花费与转化"),
    "audit.metrics.imported": ("imported metrics", "导入了数据"),
}
