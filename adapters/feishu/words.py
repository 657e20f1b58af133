"""Words the Feishu adapter shows: click toasts, the reject form, and hints for Open API failures. Registered into
the i18n registry when the adapter is imported (adapters/feishu/__init__.py)."""

WORDS: dict[str, tuple[str, str]] = {
    # what a person should do when Feishu refuses a message (one sentence each)
    "feishu.hint.bad_request": ("Feishu refused the message as malformed; report it with the log id from the server log.",
                                "飞书认为消息参数有误，请附上服务器日志中的 log id 反馈。"),
    "feishu.hint.bot_not_in_chat": ("Add the MEMS bot to this group (group settings → Bots → Add bot), then try again.",
                                    "请先把 MEMS 机器人添加到该群（群设置 → 群机器人 → 添加机器人），再试一次。"),
    "feishu.hint.bot_disabled": ("Turn on the Bot capability of the MEMS app in the Feishu developer console.",
                                 "请在飞书开发者后台为 MEMS 应用开启机器人能力。"),
    "feishu.hint.user_unavailable": ("This person is outside the MEMS app's availability; add them under Availability in the developer console.",
                                     "此人不在 MEMS 应用的可用范围内，请在开发者后台的“可用范围”中添加。"),
    "feishu.hint.sensitive": ("Feishu blocked the message for sensitive content.", "飞书因内容敏感拦截了这条消息。"),
    "feishu.hint.too_long": ("The card is over Feishu's 30 KB limit; ask for a narrower view.",
                             "卡片超出飞书 30 KB 的上限，请缩小查询范围。"),
    "feishu.hint.bad_card": ("Feishu could not show the card; report it with the log id from the server log.",
                             "飞书无法显示该卡片，请附上服务器日志中的 log id 反馈。"),
    "feishu.hint.missing_scope": ("Grant the MEMS app the permission scopes in docs/feishu.md and publish a new version.",
                                  "请按 docs/feishu.md 为 MEMS 应用开通权限并发布新版本。"),
    "feishu.hint.credentials": ("Check MEMS_FEISHU_APP_ID and MEMS_FEISHU_APP_SECRET.",
                                "请检查 MEMS_FEISHU_APP_ID 与 MEMS_FEISHU_APP_SECRET。"),
    # toasts after a card click
    "feishu.toast.done": ("Done", "已处理"),
    "feishu.toast.duplicate": ("Already handled: this click arrived before.", "这次点击已处理过，无需重复操作。"),
    "feishu.toast.slow": ("Working on it; the card updates in a moment.", "正在处理，卡片稍后会更新。"),
    "feishu.toast.reject.reason_required": ("Type a reason before you reject.", "驳回前请填写原因。"),
    "feishu.toast.unknown_action": ("This button is from an older card; type the command instead.",
                                    "这个按钮来自旧卡片，请直接输入命令。"),
    "feishu.toast.failed": ("Something went wrong; please try again.", "处理失败，请重试。"),
    # the reject form and other words on Feishu cards
    "feishu.form.reject": ("Reason for rejecting", "驳回原因"),
    # the approval desk's card forms
    "feishu.form.return": ("What should change? (returns it to the requester)", "需要修改什么？（退回申请人）"),
    "feishu.form.delegate": ("Hand this step to…", "转交给…"),
    "feishu.toast.return.reason_required": ("Say what should change before you return it.", "退回前请写明需要修改的内容。"),
    "feishu.toast.person_required": ("Choose the person to hand this step to.", "请选择转交给谁。"),
    # a secret (a new API token, a sign-in link) asked for in a group goes to the asker alone
    "feishu.private.sent": ("Sent to you in a direct message from the MEMS bot: only you can see it.",
                            "已通过 MEMS 机器人私聊发送给你，仅你可见。"),
    "feishu.private.failed": ("I could not send this to you in a direct message, so it is shown nowhere; send the "
                              "command in your direct chat with the MEMS bot (revoke a token created now with "
                              "`token revoke <name>`).",
                              "无法私聊发送给你，因此没有显示；请在与 MEMS 机器人的私聊中重新发送该命令"
                              "（刚创建的令牌可用“令牌 撤销 <名称>”撤销）。"),
    "feishu.text_only": ("I read commands from text messages; send `help` to see them.",
                         "我只读取文字消息中的命令，发送“帮助”查看用法。"),
    # a card too long for one Feishu message: what is shown instead, and how to see the rest
    "feishu.too_long": ("This is too long for one Feishu message, so only its title and buttons are shown.",
                        "内容超出飞书单条消息的长度上限，这里只显示标题和按钮。"),
    "feishu.too_long.show": ("Type “show {ref}” for its summary, or ask for a narrower view.",
                             "输入“查看 {ref}”查看摘要，或缩小查询范围。"),
    "feishu.too_long.narrow": ("Ask for a narrower view: one campaign, one status or fewer days.",
                               "请缩小查询范围：一个活动、一种状态或更少的天数。"),
}
