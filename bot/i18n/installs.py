"""Words of installing MEMS in a workspace (Slack OAuth, Feishu store apps)."""

INSTALLS: dict[str, tuple[str, str]] = {
    "install.admin": ("MEMS is installed in {team}, and you are its admin: grant roles with `role`, see `help`.",
                      "MEMS 已安装到 {team}，你是它的管理员：用 `角色` 分配角色，详见 `帮助`。"),
    "install.member": ("MEMS is installed in {team} again; its admins stay as they were.",
                       "MEMS 已重新安装到 {team}；管理员保持不变。"),
}
