"""The platforms' sending limits as rate buckets: Slack about 1 message a second per channel with a short
burst; Feishu 5 a second per chat and 50 a second per app; the console has none."""

from __future__ import annotations

from bot.ports import Limit
from domain.notifications import Target
from domain.people import Platform, Workspace

# Slack allows "short bursts" above 1/s per channel; we stay a little under what it tolerates, so that a
# 429 is the exception (honoured when it comes) rather than the way we find the limit.
SLACK_PER_CHANNEL = (1.0, 2)
FEISHU_PER_CHAT = (5.0, 5)
FEISHU_PER_APP = (50.0, 50)


def limits_for(workspace: Workspace, target: Target) -> tuple[Limit, ...]:
    scope = f"{workspace.platform.value}:{workspace.external_id}:{target}"
    if workspace.platform is Platform.SLACK:
        return (Limit(scope, *SLACK_PER_CHANNEL),)
    if workspace.platform is Platform.FEISHU:
        return (Limit(scope, *FEISHU_PER_CHAT), Limit("feishu:app", *FEISHU_PER_APP))
    return ()
