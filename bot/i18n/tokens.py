"""Words of the REST API's tokens, which workspace admins create in chat."""

TOKENS: dict[str, tuple[str, str]] = {
    "title.tokens": ("API tokens", "API 令牌"),
    "title.token_created": ("API token {name} created", "已创建 API 令牌 {name}"),
    "label.token_once": ("Copy it now: it is shown only this once. Send it as `Authorization: Bearer <token>`.", "请立即复制：令牌只显示这一次。调用时使用 `Authorization: Bearer <令牌>`。"),
    "label.token_revoked": ("API token {name} revoked; it no longer opens the API.", "API 令牌 {name} 已撤销，不能再访问 API。"),
    "label.token_line": ("{name}: created by {user} at {at}", "{name}：{user} 创建于 {at}"),
    "empty.tokens": ("No API tokens. An admin creates one: token create ci", "还没有 API 令牌。管理员可创建：令牌 创建 ci"),
    "audit.token.created": ("created an API token", "创建了 API 令牌"),
    "audit.token.revoked": ("revoked an API token", "撤销了 API 令牌"),
    "action.token": ("manage API tokens", "管理 API 令牌"),
    "invalid.token_exists": ("A token named {value} exists; revoke it first or pick another name.", "已有名为 {value} 的令牌；请先撤销或换一个名字。"),
    "invalid.no_such_token": ("There is no active token named {value}.", "没有名为 {value} 的有效令牌。"),
    "parse.bad_token_name": ("'{value}' can't name a token: use up to 40 letters, digits, - or _.", "“{value}”不能作为令牌名：最多 40 个字母、数字、- 或 _。"),
}
