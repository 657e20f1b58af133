"""The report in Feishu, through the real app: its chart arrives as a picture in the reply card; when Feishu
refuses the upload, the same reply carries the chart as sparklines and nobody sees an error."""

from __future__ import annotations

import io

from PIL import Image

from tests.integration.feishu.conftest import Harness, card_json


def report(h: Harness) -> list[dict[str, object]]:
    h.reply_text("李", "@MEMS 新建 发布会 start=2026-10-12 end=2026-10-25")
    for day, spend, conversions in (("2026-10-14", "1000", "40"), ("2026-10-15", "250.5", "12")):
        h.reply_text("李", f"@MEMS metrics C-1 date={day} spend={spend} impressions=50000 clicks=1000 "
                          f"conversions={conversions} revenue=4000")
    [reply] = h.say("李", "@MEMS 报告 C-1")
    return reply.card["body"]["elements"]  # type: ignore[no-any-return]


def test_the_report_reply_shows_its_chart_as_an_uploaded_image(h: Harness) -> None:
    elements = report(h)
    [image] = [e for e in elements if e["tag"] == "img"]
    [upload] = h.api.uploads()
    assert upload.body is not None and upload.body["image_type"] == "message"
    assert Image.open(io.BytesIO(h.api.images[str(image["img_key"])])).format == "PNG"
    assert "▁" not in str(elements)  # the picture, not the sparklines as well


def test_a_refused_upload_gives_the_same_reply_with_the_chart_as_text(h: Harness) -> None:
    h.api.fail_next("POST", "/im/v1/images", 400, {"code": 99991672, "msg": "scope [im:resource] required"})
    elements = report(h)
    assert all(e["tag"] != "img" for e in elements)
    assert any(str(e.get("content", "")).startswith("```\n花费  █▁") for e in elements)
    replies = h.api.find("POST", "/reply")
    assert not any("im:resource" in card_json(r) or "失败" in card_json(r) for r in replies)
