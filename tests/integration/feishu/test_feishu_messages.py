"""What real Feishu users send, signed and encrypted through /feishu/events: people picked with @ inside options,
and rich text (`post`), which the Feishu client sends whenever the text has any formatting."""

from __future__ import annotations

from tests.integration.feishu.conftest import Harness
from tests.standins.feishu_events import text_of


def owner_of(h: Harness, ref: int) -> str | None:
    with h.container.uow_factory() as uow:
        campaign = uow.campaigns.get(ref, uow.workspaces.all()[0].id)
        return campaign.owner if campaign else None


def test_owner_picked_with_at_makes_that_person_the_owner(h: Harness) -> None:
    text = h.reply_text("李", "@MEMS 新建 春节营销 owner=@王")
    assert "已创建 C-1" in text and "<at id=ou_wang></at>" in text
    assert owner_of(h, 1) == "ou_wang"


def test_a_person_in_a_name_is_told_to_write_owner_with_the_mention_not_an_open_id(h: Harness) -> None:
    text = h.reply_text("李", "@MEMS 新建 春节营销 @王")
    assert "owner=<at id=ou_wang></at>" in text and "owner=@ou_wang" not in text


def test_a_free_mention_still_assigns_the_task(h: Harness) -> None:
    h.reply_text("李", "@MEMS 新建 春节营销")
    text = h.reply_text("李", "@MEMS task add C-1 标题 @赵")
    assert "<at id=ou_zhao></at>" in text and "ou_bot_mems" not in text


def test_a_rich_text_command_runs_like_a_text_one(h: Harness) -> None:
    event = h.feishu.post("李", [["@MEMS", " 新建 ", {"tag": "text", "text": "春节营销", "style": ["bold"]},
                                 " owner=", "@王", " "]], "oc_home_group")
    assert h.post(event).status_code == 200
    h.settle()
    replies = h.api.replies_to(event["event"]["message"]["message_id"])
    assert replies and "已创建 C-1" in text_of(replies[0].card)
    assert owner_of(h, 1) == "ou_wang"


def test_a_group_without_threads_gets_a_plain_reply_at_once(h: Harness) -> None:
    h.api.threads_off = True  # Feishu answers reply_in_thread there with 230071
    event = h.feishu.message("李", "@MEMS 新建 春节营销", "oc_home_group")
    assert h.post(event).status_code == 200
    h.settle()
    calls = h.api.replies_to(event["event"]["message"]["message_id"])
    assert [(c.body or {}).get("reply_in_thread") for c in calls] == [True, False]  # one refusal, then plain
    assert calls[-1].response["code"] == 0 and "已创建 C-1" in text_of(calls[-1].card)
