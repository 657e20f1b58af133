"""Editing from Feishu in Chinese (trap 3): a campaign's budget and KPI changed, a wrong spend entry corrected, a task
deleted and brought back with 撤销; every change in the audit trail."""

from __future__ import annotations

from tests.integration.feishu.conftest import Harness


def test_edit_correct_delete_and_undo_in_chinese(h: Harness) -> None:
    h.reply_text("李", "@MEMS 新建 发布会 budget=12万 launch=2026-12-20 template=product-launch kpi.roi=3")
    edited = h.reply_text("李", "@MEMS 修改 C-1 预算=15万 kpi.roi=3.5")
    assert "已修改：C-1 发布会" in edited and "¥120,000.00 → ¥150,000.00" in edited
    refused = h.reply_text("李", "@MEMS 预算 支出 C-1 -500")
    assert "必须说明原因" in refused
    h.reply_text("李", "@MEMS 预算 支出 C-1 3200 场地定金")
    h.reply_text("李", "@MEMS 预算 支出 C-1 -1200 重复录入")
    assert "¥2,000.00" in h.reply_text("李", "@MEMS 预算 C-1")
    assert "已删除任务：T-2" in h.reply_text("李", "@MEMS 任务 删除 T-2")
    assert "已撤销：T-2" in h.reply_text("李", "@MEMS 撤销")
    with h.container.uow_factory() as uow:
        assert uow.tasks.get(2, None) is not None
    trail = h.reply_text("李", "@MEMS 查看 C-1")
    assert "修改了活动" in trail and "更正了支出" in trail
